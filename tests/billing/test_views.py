"""The billing pages: drafts typed or built from unbilled work, issued, credited."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from patron.billing.models import Document, Kind, Line, Status
from patron.contacts.models import Contact
from patron.work.models import Expense, Project, Task, TimeEntry
from patron.work.timing import do_save_entry
from tests.fixtures import header, lines_data, queries_of

BRUSSELS = ZoneInfo("Europe/Brussels")


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
        language="en",
    )


def test_a_typed_invoice_from_new_draft_to_issued(owner_client, acme):
    response = owner_client.post(
        "/app/billing/new/", {"kind": "invoice", "client_search": "acme sa"}
    )
    document = Document.objects.get()
    assert response["Location"] == f"/app/billing/{document.pk}/"
    assert document.language == "en" and document.treatment == "normal" and document.is_draft
    page = owner_client.get(f"/app/billing/{document.pk}/").text
    assert "The document has no line." in page
    response = owner_client.post(
        f"/app/billing/{document.pk}/",
        {
            **header(acme),
            **lines_data(
                {
                    "description": "Design <b>sprint</b>",
                    "quantity": "3",
                    "unit": "DAY",
                    "unit_price": "600",
                    "discount_percent": "10",
                    "vat_rate": "21",
                },
                {
                    "description": "Hosting",
                    "quantity": "1",
                    "unit": "C62",
                    "unit_price": "120",
                    "discount_percent": "",
                    "vat_rate": "21",
                },
            ),
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.total_excl_vat == Decimal("1740.00")  # 1800 − 10 % + 120
    assert document.total_vat == Decimal("365.40")
    page = owner_client.get(f"/app/billing/{document.pk}/").text
    assert "Design &lt;b&gt;sprint&lt;/b&gt;" in page and "<b>sprint" not in page
    response = owner_client.post(f"/app/billing/{document.pk}/issue/", follow=True)
    document.refresh_from_db()
    assert (
        document.status == Status.ISSUED and f"{document.number} has been issued." in response.text
    )
    assert "€2,105.40" in response.text
    french = owner_client.get(f"/app/billing/{document.pk}/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "2\u202f105,40\xa0€" in french and "600,00\xa0€" in french  # total, unit price
    assert "€2,105.40" in owner_client.get("/app/billing/").text
    # The page of an issued document changes nothing, whatever is posted to it.
    owner_client.post(f"/app/billing/{document.pk}/", {**header(acme, notes="sneaky")})
    document.refresh_from_db()
    assert document.notes == ""


def test_bad_lines_are_refused_with_reasons_and_nothing_changes(owner_client, acme):
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/",
        {
            **header(acme, currency="EURO"),
            **lines_data(
                {
                    "description": "x" * 1001,
                    "quantity": "-1",
                    "unit": "HUR",
                    "unit_price": "-5",
                    "discount_percent": "120",
                    "vat_rate": "=1+1",
                },
            ),
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "at most 3 characters" in text
    assert "The quantity must be above zero." in text
    assert "A price cannot be negative" in text
    assert "A discount is between 0 and 100 %." in text
    assert "Enter a number." in text
    assert not Line.objects.exists()


def test_issuing_is_refused_with_every_reason(owner_client, acme):
    nowhere = Contact.objects.create(is_organisation=True, name="Nowhere", is_client=True)
    document = Document.objects.create(client=nowhere)
    response = owner_client.post(f"/app/billing/{document.pk}/issue/", follow=True)
    assert "The document has no line." in response.text
    assert "address is incomplete" in response.text
    document.refresh_from_db()
    assert document.is_draft and document.number == ""


def add_time(project, day, hours, task=None):
    start = datetime(2026, 3, day, 9, tzinfo=BRUSSELS)
    return do_save_entry(
        TimeEntry(project=project, task=task, start=start, end=start + timedelta(hours=hours))
    )


def test_unbilled_work_becomes_a_draft_invoice_and_is_freed_if_it_is_deleted(owner_client, acme):
    site = Project.objects.create(
        name="Website", client=acme, rate=Decimal("90"), billing_increment_minutes=15
    )
    wireframes = Task.objects.create(project=site, title="Wireframes")
    add_time(site, 2, 1.1, wireframes)  # 66 min → 75 billed
    add_time(site, 3, 2, wireframes)
    add_time(site, 4, 1)
    Expense.objects.create(
        supplier="Fonts Inc", amount_excl_vat=Decimal("40"), billable=True, client=acme
    )
    response = owner_client.post(
        "/app/billing/from-work/",
        {"client_search": "Acme SA", "grouping": "task", "with_expenses": "on"},
    )
    document = Document.objects.get()
    assert response["Location"] == f"/app/billing/{document.pk}/"
    lines = list(document.lines.values_list("description", "quantity", "unit_price"))
    assert ("Website — Wireframes", Decimal("3.2500"), Decimal("90.0000")) in lines
    assert ("Website", Decimal("1.0000"), Decimal("90.0000")) in lines
    assert ("Fonts Inc", Decimal("1.0000"), Decimal("40.0000")) in lines
    assert document.total_excl_vat == Decimal("422.50")
    assert TimeEntry.objects.filter(invoice=document).count() == 3
    # Nothing left to bill: a second draft is refused.
    response = owner_client.post(
        "/app/billing/from-work/", {"client_search": "Acme SA", "grouping": "one"}
    )
    assert "There is no unbilled time or billable expense to invoice." in response.text
    owner_client.post(f"/app/billing/{document.pk}/delete/")
    assert not Document.objects.exists()
    assert TimeEntry.objects.filter(invoice__isnull=True).count() == 3


def test_an_issued_invoice_is_credited_in_full_or_in_part(owner_client, owner, acme):
    from patron.billing.documents.issuing import do_issue
    from tests.fixtures import draft

    invoice = do_issue(owner, draft(acme, ("Design", "2", "100", "21")))
    response = owner_client.post(f"/app/billing/{invoice.pk}/credit/", {"full": "1"})
    note = Document.objects.get(kind=Kind.CREDIT_NOTE)
    assert response["Location"] == f"/app/billing/{note.pk}/"
    assert note.corrects == invoice and note.total_incl_vat == invoice.total_incl_vat
    owner_client.post(f"/app/billing/{invoice.pk}/credit/")
    partial = Document.objects.filter(kind=Kind.CREDIT_NOTE).latest("pk")
    assert partial.lines.count() == 0
    draft_invoice = Document.objects.create(client=acme)
    response = owner_client.post(f"/app/billing/{draft_invoice.pk}/credit/", follow=True)
    assert "Only an issued invoice can be credited." in response.text


def test_the_list_costs_the_same_however_many_documents(owner_client, acme):
    def cost():
        return queries_of(owner_client, "/app/billing/")

    Document.objects.create(client=acme)
    before = cost()
    Document.objects.bulk_create(Document(client=acme) for _ in range(30))
    assert cost() == before
    page = owner_client.get("/app/billing/?kind=nonsense&status=<script>&q=" + "x" * 500)
    assert page.status_code == 200 and "<script>" not in page.text


def test_a_new_quote_is_valid_for_thirty_days(owner_client, acme):
    from django.utils import timezone

    owner_client.post("/app/billing/new/", {"kind": "quote", "client": acme.pk})
    quote = Document.objects.get()
    assert quote.kind == Kind.QUOTE
    assert quote.valid_until == timezone.localdate() + timedelta(days=30)
