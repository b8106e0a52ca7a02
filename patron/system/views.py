import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

import patron

log = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 with a JSON body once the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # The details (host, user…) go to the log, not to whoever asks.
        log.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse(
        {"status": "ok", "database": connection.vendor, "version": patron.__version__}
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
