"""The header timer, on every page of the back office."""

from urllib.parse import urlsplit

from django import template

from patron.accounts.access import has_access
from patron.work.forms import TimerStartForm
from patron.work.timing import running_entry

register = template.Library()


def current_path(request):
    """The page the timer sits on: for htmx, the page that asked, not the timer's own URL."""
    if request.htmx and request.htmx.current_url:
        parts = urlsplit(request.htmx.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def timer_context(request, error=None):
    running = running_entry()
    elapsed = running.elapsed_seconds() if running else 0
    form = None
    if running is None:
        form = TimerStartForm(auto_id="timer_%s")
    return {
        "running": running,
        "elapsed": clock(elapsed),
        "elapsed_seconds": elapsed,
        "form": form,
        "error": error,
        "next": current_path(request),
    }


def clock(seconds):
    """1:05:09, as the ticking clock shows it (work.js keeps the same format)."""
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


@register.inclusion_tag("work/_timer.html", takes_context=True)
def header_timer(context):
    request = context["request"]
    if not has_access(request.user):
        return {"hidden": True}
    return {**timer_context(request), "csrf_token": context.get("csrf_token"), "request": request}
