"""Who may see and change the business's data: one rule for pages, API and downloads.

Patron has one business and its owner. Every back-office view is wrapped in
owner_required, the API's TokenAuth asks has_access of the token's user, and
file downloads go through views so wrapped. When Patron gains other roles
(an accountant reading invoices, say), this is the one place that learns them.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def has_access(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def owner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_access(request.user):
            raise Http404  # a stranger learns nothing, not even that the page exists
        return view(request, *args, **kwargs)

    return wrapper
