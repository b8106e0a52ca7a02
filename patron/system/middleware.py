import secrets

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string


class RequestSizeLimitMiddleware:
    """Refuse a request body over PATRON_MAX_REQUEST_MB before anything reads it.

    Per-field limits (a 2 MB logo) are checked by the forms, with a message in
    the form; this is the outer wall against a runaway upload.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            sizes = {
                "size_mb": round(length / 1024 / 1024, 1),
                "limit_mb": settings.MAX_REQUEST_BYTES // 1024 // 1024,
            }
            if request.path_info.startswith("/api/"):
                detail = "The request is {size_mb} MB; the limit is {limit_mb} MB.".format(**sizes)
                return JsonResponse({"detail": detail}, status=413)
            return HttpResponse(render_to_string("413.html", sizes), status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy with no inline script on every response.

    Inline <style> blocks (the brand colours) carry a per-request nonce,
    available to templates as request.csp_nonce.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self'; "
                f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
            )
        return response
