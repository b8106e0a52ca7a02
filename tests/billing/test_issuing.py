"""Issuing: checks first, then a gapless number, frozen content and a hash chain (rule 2)."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from patron.billing.documents.issuing import do_issue, problems, structured_reference
from patron.billing.documents.verify import verify
from patron.billing.models import Document, Kind, Sequence, Status
from patron.billing.rules.vat import Treatment
from patron.contacts.models import Contact
from tests.fixtures import draft


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
    )


def test_issuing_numbers_freezes_and_chains(owner, business, acme):
    year = timezone.localdate().year
    first = do_issue(
        owner, draft(acme, ("Design", "10", "85", "21"), ("Hosting", "1", "120", "21"))
    )
    assert first.number == f"F-{year}-0001" and first.status == Status.ISSUED
    assert first.total_excl_vat == Decimal("970.00") and first.total_vat == Decimal("203.70")
    assert first.total_incl_vat == Decimal("1173.70") == first.amount_due
    assert first.seller["vat_number"] and first.buyer["display_name"] == "Acme SA"
    assert first.due_date == first.issue_date + timezone.timedelta(days=30)
    assert len(first.hash) == 64 and first.previous_hash == ""
    second = do_issue(owner, draft(acme, ("Support", "2", "85", "21")))
    assert second.number == f"F-{year}-0002" and second.previous_hash == first.hash
    credit = draft(
        acme, ("Design, refunded", "1", "85", "21"), kind=Kind.CREDIT_NOTE, corrects=first
    )
    assert do_issue(owner, credit).number == f"CN-{year}-0001"
    assert verify() == []


def test_an_issued_document_refuses_every_change(owner, business, acme):
    document = do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
    document.notes = "changed"
    with pytest.raises(ValidationError, match="credit note"):
        document.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        document.delete()
    line = document.lines.get()
    line.unit_price = Decimal("1")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        line.delete()
    with pytest.raises(ValidationError, match="already been issued"):
        do_issue(owner, document)
    document.status = Status.SENT
    document.save(update_fields=["status", "updated_at"])  # its life goes on


def test_what_would_make_it_invalid_is_said_before_anything_is_numbered(owner, business, acme):
    empty = Document.objects.create(client=acme)
    with pytest.raises(ValidationError) as refused:
        do_issue(owner, empty)
    assert "The document has no line." in refused.value.messages
    nowhere = Contact.objects.create(is_organisation=True, name="Nowhere Ltd")
    document = draft(
        nowhere, ("", "0", "-5", "7"), treatment=Treatment.REVERSE_CHARGE, currency="USD"
    )
    found = problems(document)
    assert "Line 1 has no description." in found
    assert "Line 1: the quantity must be above zero." in found
    assert any("cannot be negative" in p for p in found)
    assert any("address is incomplete" in p for p in found)
    assert "Reverse charge needs the client's VAT number." in found
    assert not Sequence.objects.exists() and document.number == ""
    assert any("is not a VAT rate of BE" in p for p in problems(draft(acme, ("X", "1", "5", "7"))))
    usd = draft(acme, ("X", "1", "5", "21"), currency="USD")
    assert any("VAT must be stated in euros" in p for p in problems(usd))
    lone = draft(acme, ("Refund", "1", "5", "21"), kind=Kind.CREDIT_NOTE)
    assert "A credit note must correct an issued invoice." in problems(lone)


def test_a_failure_while_issuing_leaves_a_draft_and_uses_no_number(owner, business, acme):
    document = draft(acme, ("Design", "1", "100", "21"))
    with mock.patch(
        "patron.billing.documents.issuing.record", side_effect=RuntimeError("disk full")
    ):
        with pytest.raises(RuntimeError):
            do_issue(owner, document)
    document.refresh_from_db()
    assert document.status == Status.DRAFT and document.number == ""
    assert not Sequence.objects.filter(last__gt=0).exists()
    assert do_issue(owner, document).sequence_number == 1


def test_verify_names_a_document_altered_behind_patron_s_back(
    owner, business, acme, behind_patrons_back
):
    first = do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
    do_issue(owner, draft(acme, ("More", "1", "50", "21")))
    call_command("verify")
    with behind_patrons_back():
        Document.objects.filter(pk=first.pk).update(total_incl_vat=Decimal("1.00"))
    findings = [str(f) for f in verify()]
    assert findings == [
        f"Invoice {first.issue_date.year} {first.number}: altered since it was issued"
    ]
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("verify")


def test_verify_names_a_gap(owner, business, acme, behind_patrons_back):
    do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
    second = do_issue(owner, draft(acme, ("More", "1", "50", "21")))
    with behind_patrons_back():
        Document.objects.filter(pk=second.pk).update(sequence_number=3)
    assert any("number 2 is missing" in str(f) for f in verify())


def test_the_structured_reference_is_modulo_97():
    reference = structured_reference(2026, 1)
    digits = reference.strip("+").replace("/", "")
    assert len(digits) == 12 and int(digits[:10]) % 97 == int(digits[10:]) % 97
    assert structured_reference(2026, 1) != structured_reference(2026, 2)


def test_time_billed_on_an_issued_invoice_is_locked(owner_client, owner, business, acme):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from patron.work.models import Project, TimeEntry
    from patron.work.timing import do_save_entry

    project = Project.objects.create(name="Website", client=acme)
    start = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Brussels"))
    entry = do_save_entry(TimeEntry(project=project, start=start, end=start + timedelta(hours=2)))
    invoice = draft(acme, ("Website, 2 h", "2", "85", "21"))
    TimeEntry.objects.filter(pk=entry.pk).update(invoice=invoice)
    entry.refresh_from_db()
    entry.note = "still a draft: fine"
    do_save_entry(entry)
    invoice = do_issue(owner, invoice)
    assert invoice.number
    entry.note = "too late"
    with pytest.raises(ValidationError, match=f"billed on invoice {invoice.number}"):
        do_save_entry(entry)
    response = owner_client.post(f"/app/work/time/{entry.pk}/delete/", follow=True)
    assert f"billed on invoice {invoice.number}" in response.text
    response = owner_client.post(
        f"/app/work/time/{entry.pk}/",
        {"project": project.pk, "day": "2026-03-02", "start_time": "09:00", "duration": "3h"},
    )
    assert f"billed on invoice {invoice.number}" in response.text
    assert TimeEntry.objects.get().duration_seconds == 7200


def test_the_hash_does_not_depend_on_how_amounts_are_written_in_memory(owner, business):
    """A reverse-charge line's rate becomes 0 in memory and 0.00 in the database."""
    studio = Contact.objects.create(
        is_organisation=True,
        name="Studio Grachten BV",
        street="Keizersgracht 100",
        postcode="1015 AA",
        city="Amsterdam",
        country="NL",
        vat_number="NL853746333B01",
    )
    invoice = draft(studio, ("Illustrations", "4", "450", "21"), treatment=Treatment.REVERSE_CHARGE)
    invoice = do_issue(owner, invoice)
    assert invoice.total_vat == 0 and invoice.lines.get().category == "AE"
    assert verify() == []
