from django.core.paginator import Paginator
from django.shortcuts import render

from patron.accounts.access import owner_required
from patron.audit.models import AuditEntry


@owner_required
def audit_log(request):
    page = Paginator(AuditEntry.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})
