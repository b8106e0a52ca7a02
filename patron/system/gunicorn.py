"""gunicorn's access log, without the secrets that travel in URLs.

Client-portal links, the calendar feed and password-reset links carry their
token in the path; a query string may carry anything. The log keeps the shape of
the request and drops those parts.

Which parts are secret is read from the URL patterns, by one rule: a route
parameter named `token` (or `…_token`) is a capability, and so is the reset link's
`uidb64` that travels with it. A new capability URL is masked the day it is added
to a urls.py, with no list here to keep in step. The match is on the start of the
route, up to its last secret: a mistyped or unknown address under a capability
prefix (`/p/<token>/nothing/`) is masked too.
"""

import functools
import re

from gunicorn.glogging import Logger

SECRET_PARAMETER = re.compile(r"(?:^|_)token$|^uidb64$")
GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")
# A secret segment ends where a URL in a log line can end: no slash, space, quote, query.
SEGMENT = r'[^/\s?#"]+?'
BOUNDARY = r'(?=[/\s?#"]|$)'


def routes(patterns, prefix=""):
    """The regular expression of every route of a urlconf, prefixes joined, unanchored."""
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern.removeprefix("^")
        if hasattr(pattern, "url_patterns"):
            yield from routes(pattern.url_patterns, prefix + regex)
        else:
            yield prefix + regex.removesuffix(r"\Z").removesuffix("$")


def masking_regex(route):
    """A regex finding `route`'s secrets in a log line, or None for a route without any.

    The secrets become groups named after themselves, matched lazily, so a literal
    end such as `.ics` stays outside; what follows the last secret is optional.
    """
    secrets = [m for m in GROUP.finditer(route) if SECRET_PARAMETER.search(m[1])]
    if not secrets:
        return None
    head, tail = route[: secrets[-1].end()], route[secrets[-1].end() :]

    def group(match):
        if SECRET_PARAMETER.search(match[1]):
            return f"(?P<{match[1]}>{SEGMENT})"
        return f"(?:{SEGMENT})"

    return re.compile("/" + GROUP.sub(group, head) + f"(?:{GROUP.sub(group, tail)})?" + BOUNDARY)


@functools.cache
def capability_regexes():
    from django.urls import get_resolver

    found = {}
    for route in routes(get_resolver().url_patterns):
        regex = masking_regex(route)
        if regex is not None:
            found.setdefault(regex.pattern, regex)
    return list(found.values())


def mask_secrets(text, regex):
    pieces, last = [], 0
    for match in regex.finditer(text):
        for name in match.groupdict():
            start, end = match.span(name)
            pieces += [text[last:start], "…"]
            last = end
    return "".join([*pieces, text[last:]])


def mask_url(text):
    if not text:
        return text
    for regex in capability_regexes():
        text = mask_secrets(text, regex)
    return re.sub(r"\?[^\s]*", "?…", text)


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i", "{raw_uri}e", "{path_info}e", "{http_referer}e"):
            if key in atoms:
                atoms[key] = mask_url(atoms[key])
        for key in ("q", "{query_string}e"):
            atoms[key] = "…" if atoms.get(key) else ""
        return atoms
