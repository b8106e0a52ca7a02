"""The whole page or one fragment of it: how a page answers htmx.

A page that htmx redraws in part (a list as its filters change, the week's grid) names
its fragments inside its own template (django-template-partials' `{% partialdef %}`);
the view renders `page.html#fragment` when htmx asks and the page otherwise, from the
same context, so both answers can never drift apart.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request):
    """True when htmx swaps part of the page in: not a boosted link (it wants the page)
    nor the restoring of a page missing from htmx's history cache (it wants the page)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_or_fragment(request, template, fragment, context, status=200, push_query=False):
    """The page `template`, or only its partial `fragment` when htmx asks for it.

    The answer varies on HX-Request: the page and its fragment share one URL (the list's
    filters are pushed to the address bar), and a browser must never show the fragment
    it cached for htmx as the page on reload or back. With push_query (a list's filters),
    the address pushed is the query without its empty fields: `?q=acme`, not
    `?q=acme&kind=&status=`.
    """
    fragmentary = wants_fragment(request)
    if fragmentary:
        template = f"{template}#{fragment}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    if fragmentary and push_query:
        response["HX-Push-Url"] = address_of(request)
    return response


def address_of(request):
    """The request's path and query string, the fields left empty left out."""
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if kept := [value for value in values if value]:
            query.setlist(name, kept)
    return f"{request.path}?{query.urlencode()}" if query else request.path
