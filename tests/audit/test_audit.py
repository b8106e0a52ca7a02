import pytest

from patron.audit.log import record
from patron.audit.models import AuditEntry


def test_audit_entries_cannot_be_changed_or_deleted(owner, business):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_audit_log_pages_through_many_entries(owner_client, owner, business):
    for i in range(120):
        record(owner, "update", business, {"city": [f"City {i}", f"City {i + 1}"]})
    first = owner_client.get("/app/settings/audit/")
    assert "City 120" in first.text and "Page 1 of 3" in first.text
    third = owner_client.get("/app/settings/audit/?page=3")
    assert "City 1<" in third.text or "City 1 " in third.text
    assert owner_client.get("/app/settings/audit/?page=999").status_code == 200
    assert owner_client.get("/app/settings/audit/?page=<script>").status_code == 200


def test_the_entry_keeps_who_made_it_after_the_user_is_gone(owner, business):
    entry = AuditEntry.objects.first()
    owner.delete()
    entry.refresh_from_db()
    assert entry.user is None
    assert entry.actor == "claire@atelier-lumen.example"


def test_times_are_shown_in_the_business_time_zone(owner_client, owner, business):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    AuditEntry.objects.create(
        at=datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("UTC")), actor="x", action="update",
        object_type="business.business", object_repr="summer",
    )  # fmt: skip
    assert "12:00" in owner_client.get("/app/settings/audit/?page=1").text  # Brussels, CEST
    business.time_zone = "America/Montreal"
    business.save()
    assert "06:00" in owner_client.get("/app/settings/audit/").text
