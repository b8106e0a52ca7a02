"""gunicorn's access log, without the secrets that travel in URLs.

Password-reset links (and, later, client-portal links) carry their token in
the path; a query string may carry anything. The log keeps the shape of the
request and drops those parts.
"""

import re

from gunicorn.glogging import Logger

SECRET_IN_PATH = re.compile(r"(/password/reset/)[^/?\s]+/[^/?\s]+|(/p/)[^/?\s]+")


def mask_url(text):
    if not text:
        return text
    text = SECRET_IN_PATH.sub(lambda m: (m[1] + "…/…") if m[1] else (m[2] + "…"), text)
    return re.sub(r"\?[^\s]*", "?…", text)


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if key in atoms:
                atoms[key] = mask_url(atoms[key])
        atoms["q"] = "…" if atoms.get("q") else ""
        return atoms
