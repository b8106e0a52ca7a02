"""Payments: partial, full, beyond the invoice (the client's credit), refunds of credit notes,
and the statuses that follow, without an issued invoice ever changing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.audit.models import AuditEntry
from patron.billing.documents.drafting import do_credit_note, save_lines
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.listing import rows
from patron.billing.models import Allocation, Document, Kind, Line, Payment
from patron.billing.payments.ledger import (
    STATES,
    client_credit,
    filter_state,
    outstanding,
    refundable,
    state_of,
    with_states,
)
from patron.billing.payments.recording import do_delete_payment, do_record_payment, do_use_credit
from patron.contacts.models import Contact
from tests.fixtures import draft, queries_of

TODAY = timezone.localdate


@pytest.fixture
def invoice(owner, business, acme):
    return do_issue(owner, draft(acme, ("Design", "10", "100", "21")))  # 1,210.00


def pay(owner, client, amount, documents=None, **fields):
    return do_record_payment(
        owner, client=client, date=TODAY(), amount=Decimal(amount), documents=documents, **fields
    )


def fresh(document):
    return Document.objects.get(pk=document.pk)


def test_a_partial_then_a_full_payment_move_the_status_not_the_invoice(owner, invoice, acme):
    frozen = (invoice.hash, invoice.amount_due, invoice.updated_at)
    assert state_of(fresh(invoice)) == "issued" and outstanding(fresh(invoice)) == Decimal("1210")
    recorded = pay(owner, acme, "500", [invoice], reference="+++260/0000/00170+++")
    assert recorded.allocated == {invoice.number: Decimal("500.00")} and recorded.credit == 0
    assert state_of(fresh(invoice)) == "partially_paid"
    assert outstanding(fresh(invoice)) == Decimal("710.00")
    pay(owner, acme, "710", [invoice])
    assert state_of(fresh(invoice)) == "paid" and outstanding(fresh(invoice)) == 0
    again = fresh(invoice)
    assert (again.hash, again.amount_due, again.updated_at) == frozen
    assert AuditEntry.objects.filter(action="create", object_type="billing.payment").count() == 2
    [row] = [r for r in rows() if r["number"] == invoice.number]
    assert row["status"] == "paid" and row["amount_due"] == "0.00"


def test_paying_more_keeps_the_rest_as_credit_for_the_next_invoice(owner, invoice, acme):
    recorded = pay(owner, acme, "1500", [invoice])
    assert recorded.credit == Decimal("290.00") and client_credit(acme, "EUR") == Decimal("290")
    assert state_of(fresh(invoice)) == "paid"
    second = do_issue(owner, draft(acme, ("Hosting", "1", "200", "21")))  # 242.00
    assert do_use_credit(owner, second) == Decimal("242.00")
    assert state_of(fresh(second)) == "paid" and client_credit(acme, "EUR") == Decimal("48.00")
    with pytest.raises(ValidationError, match="no credit"):
        do_use_credit(owner, fresh(second))


def test_a_payment_without_documents_settles_the_oldest_open_invoices_first(owner, invoice, acme):
    second = do_issue(owner, draft(acme, ("Hosting", "1", "200", "21")))
    recorded = pay(owner, acme, "1300")
    assert recorded.allocated == {invoice.number: Decimal("1210.00"), second.number: Decimal("90")}
    assert state_of(fresh(invoice)) == "paid" and state_of(fresh(second)) == "partially_paid"


def test_a_credit_note_on_a_paid_invoice_is_refunded(owner, invoice, acme):
    pay(owner, acme, "1210", [invoice])
    note = do_credit_note(owner, invoice, full=False)
    save_lines(
        note,
        [Line(description="Geste", quantity=1, unit_price=Decimal("100"), vat_rate=Decimal("21"))],
    )
    note = do_issue(owner, note)  # 121.00 back to the client
    assert refundable(fresh(note)) == Decimal("121.00")
    with pytest.raises(ValidationError, match="more than the client is owed"):
        pay(owner, acme, "200", [note], direction=Payment.Direction.REFUNDED)
    assert not Payment.objects.filter(direction="refunded").exists()
    pay(owner, acme, "121", [note], direction=Payment.Direction.REFUNDED, method="transfer")
    assert refundable(fresh(note)) == 0 and state_of(fresh(invoice)) == "paid"


def test_a_credit_note_on_an_unpaid_invoice_lowers_what_it_asks(owner, invoice, acme):
    note = do_credit_note(owner, invoice, full=False)
    save_lines(
        note,
        [Line(description="Geste", quantity=1, unit_price=Decimal("100"), vat_rate=Decimal("21"))],
    )
    note = do_issue(owner, note)
    assert outstanding(fresh(invoice)) == Decimal("1089.00") and refundable(fresh(note)) == 0
    # A full credit note now would credit 1,331.00 on an invoice of 1,210.00: refused.
    with pytest.raises(ValidationError, match="would credit more than invoice"):
        do_issue(owner, do_credit_note(owner, invoice, full=True))
    rest = do_credit_note(owner, invoice, full=False)
    save_lines(
        rest,
        [Line(description="Reste", quantity=1, unit_price=Decimal("900"), vat_rate=Decimal("21"))],
    )
    rest = do_issue(owner, rest)
    assert state_of(fresh(invoice)) == "credited" and outstanding(fresh(invoice)) == 0
    assert refundable(fresh(rest)) == 0  # nothing was paid


@pytest.mark.parametrize(
    "amount, error",
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("12.345", "to the cent"),
        ("99999999999", "at most"),
        ("NaN", "more than zero"),
        ("Infinity", "more than zero"),
        ("=1+1", "not a number"),
        ("", "not a number"),
    ],
)
def test_bad_amounts_are_refused_and_record_nothing(owner, invoice, acme, amount, error):
    with pytest.raises(ValidationError, match=error):
        do_record_payment(owner, client=acme, date=TODAY(), amount=amount, documents=[invoice])
    assert not Payment.objects.exists() and not Allocation.objects.exists()


def test_payments_refuse_what_they_cannot_settle(owner, business, invoice, acme):
    other = Contact.objects.create(is_organisation=True, name="Other SPRL", is_client=True)
    cases = [
        ({"client": other, "documents": [invoice]}, "another client"),
        ({"documents": [draft(acme, ("x", "1", "1", "21"))]}, "not"),
        ({"documents": [invoice], "currency": "USD"}, "is in EUR"),
        ({"documents": [invoice], "date": TODAY() + timedelta(days=2)}, "future"),
        ({"documents": [invoice], "method": "bitcoin"}, "how it was paid"),
        ({"documents": [invoice], "direction": "refunded"}, "not"),
    ]
    for fields, error in cases:
        arguments = {"client": acme, "date": TODAY(), "amount": "10", **fields}
        with pytest.raises(ValidationError, match=error):
            do_record_payment(owner, **arguments)
    pay(owner, acme, "1210", [invoice])
    with pytest.raises(ValidationError, match="Nothing is left"):
        pay(owner, acme, "1", [invoice])
    assert Payment.objects.count() == 1


def test_deleting_a_payment_makes_the_invoice_ask_again(owner, invoice, acme):
    recorded = pay(owner, acme, "1210", [invoice])
    do_delete_payment(owner, recorded.payment)
    assert state_of(fresh(invoice)) == "issued" and outstanding(fresh(invoice)) == Decimal("1210")
    assert AuditEntry.objects.filter(action="delete", object_type="billing.payment").exists()


def test_the_state_filter_agrees_with_the_state_of_each_document(owner, business, acme):
    make = lambda *lines, **f: do_issue(owner, draft(acme, *lines, **f))  # noqa: E731
    unpaid = make(("a", "1", "100", "21"))
    partly = make(("b", "1", "100", "21"))
    paid = make(("c", "1", "100", "21"))
    late = draft(acme, ("d", "1", "100", "21"))
    late = make(("d", "1", "100", "21"), due_date=TODAY() + timedelta(days=1))
    credited = make(("e", "1", "100", "21"))
    do_issue(owner, do_credit_note(owner, credited, full=True))
    quote = make(("q", "1", "100", "21"), kind=Kind.QUOTE)
    pay(owner, acme, "50", [partly])
    pay(owner, acme, "121", [paid])
    tomorrow = TODAY() + timedelta(days=2)  # the late one is overdue then
    documents = list(with_states(Document.objects.all()))
    for state in STATES:
        expected = {d.pk for d in documents if state_of(d, tomorrow) == state}
        found = set(
            filter_state(with_states(Document.objects.all()), state, tomorrow).values_list(
                "pk", flat=True
            )
        )
        assert found == expected, state
    assert state_of(fresh(late), tomorrow) == "overdue" and state_of(fresh(unpaid)) == "issued"
    assert state_of(fresh(quote), tomorrow) == "issued"


def form(**fields):
    data = {"date": TODAY().isoformat(), "amount": "500", "method": "transfer", "reference": ""}
    return {f"payment-{key}": value for key, value in {**data, **fields}.items()}


def test_a_payment_recorded_on_the_invoice_page(owner_client, invoice):
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Record a payment" in page and "Still to pay:" in page and "€1,210.00" in page
    assert invoice.structured_reference in page  # the reference the form starts from
    response = owner_client.post(f"/app/billing/{invoice.pk}/payment/", form(), follow=True)
    assert f"€500.00 recorded. {invoice.number} is now partially paid." in response.text
    assert "Partially paid" in response.text and "€710.00" in response.text
    response = owner_client.post(
        f"/app/billing/{invoice.pk}/payment/", form(amount="800"), follow=True
    )
    assert "€90.00 beyond it is kept as the client&#x27;s credit." in response.text
    assert "Nothing left to pay." in response.text
    listed = owner_client.get("/app/billing/?status=paid").text
    assert invoice.number in listed
    assert invoice.number not in owner_client.get("/app/billing/?status=overdue").text
    payments = owner_client.get("/app/billing/payments/").text
    assert "Acme SA" in payments and "€800.00" in payments and invoice.number in payments


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"amount": ""}, "This field is required."),
        ({"amount": "-3"}, "The amount must be more than zero."),
        ({"amount": "1e400"}, "no more than 14 digits"),
        ({"amount": "=HYPERLINK(1)"}, "Enter a number."),
        ({"amount": "12.345"}, "Ensure that there are no more than 2 decimal places."),
        ({"date": "2999-01-01"}, "A payment cannot be dated in the future."),
        ({"date": "31/02/2026"}, "Enter a valid date."),
        ({"method": "<script>"}, "Select a valid choice."),
        ({"reference": "x" * 141}, "at most 140 characters"),
    ],
)
def test_a_bad_payment_form_says_why_keeps_what_was_typed_and_records_nothing(
    owner_client, invoice, fields, error
):
    response = owner_client.post(f"/app/billing/{invoice.pk}/payment/", form(**fields))
    assert response.status_code == 422 and error in response.text
    assert not Payment.objects.exists()
    assert "<script>" not in response.text


def test_a_hostile_reference_is_shown_as_text(owner_client, invoice):
    reference = '<img src=x onerror=alert(1)> =cmd|"/C calc"!A0'
    owner_client.post(f"/app/billing/{invoice.pk}/payment/", form(reference=reference))
    for url in (f"/app/billing/{invoice.pk}/", "/app/billing/payments/"):
        page = owner_client.get(url).text
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_payments_are_for_issued_invoices_and_credit_notes_only(owner_client, owner, acme):
    quote = do_issue(owner, draft(acme, ("Design", "1", "100", "21"), kind=Kind.QUOTE))
    a_draft = draft(acme, ("Design", "1", "100", "21"))
    for document in (quote, a_draft):
        assert owner_client.post(f"/app/billing/{document.pk}/payment/", form()).status_code == 404
    assert "Record a payment" not in owner_client.get(f"/app/billing/{quote.pk}/").text


def test_the_client_s_credit_is_offered_on_the_next_invoice(owner_client, owner, invoice, acme):
    pay(owner, acme, "1300", [invoice])
    second = do_issue(owner, draft(acme, ("Hosting", "1", "50", "21")))
    page = owner_client.get(f"/app/billing/{second.pk}/").text
    assert "Use the client's credit (€90.00)" in page
    response = owner_client.post(f"/app/billing/{second.pk}/use-credit/", follow=True)
    assert "€60.50 of the client&#x27;s credit used." in response.text
    assert state_of(fresh(second)) == "paid"


def test_a_payment_is_deleted_after_a_confirmation(owner_client, owner, invoice, acme):
    recorded = pay(owner, acme, "100", [invoice])
    url = f"/app/billing/payments/{recorded.payment.pk}/delete/"
    assert "What it settled is to pay again:" in owner_client.get(url).text
    response = owner_client.post(url)
    assert response["Location"] == f"/app/billing/{invoice.pk}/"
    assert not Payment.objects.exists()


def test_payment_pages_cost_the_same_however_many_payments(owner_client, owner, invoice, acme):
    def cost(url):
        return queries_of(owner_client, url)

    pay(owner, acme, "10", [invoice])
    before = cost("/app/billing/payments/"), cost(f"/app/billing/{invoice.pk}/")
    for _ in range(12):
        pay(owner, acme, "10", [invoice])
        do_issue(owner, draft(acme, ("Hosting", "1", "50", "21")))
    assert (cost("/app/billing/payments/"), cost(f"/app/billing/{invoice.pk}/")) == before
    assert cost("/app/billing/?status=partially_paid") == cost("/app/billing/")


def test_one_payment_settles_several_invoices_from_the_invoice_page(
    owner_client, owner, invoice, acme
):
    second = do_issue(owner, draft(acme, ("Hosting", "1", "100", "21")))  # 121.00
    other_client = Contact.objects.create(
        is_organisation=True,
        name="Other SA",
        is_client=True,
        street="Rue 1",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        vat_number="BE0403019261",
    )
    stranger = do_issue(owner, draft(other_client, ("Design", "1", "100", "21")))
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Also settled by this payment" in page and f"{second.number} (€121.00)" in page
    assert stranger.number not in page
    refused = owner_client.post(
        f"/app/billing/{invoice.pk}/payment/",
        {**form(amount="1331"), "payment-also": [stranger.pk]},
    )
    assert refused.status_code == 422 and "Select a valid choice" in refused.text
    assert not Payment.objects.exists()
    response = owner_client.post(
        f"/app/billing/{invoice.pk}/payment/",
        {**form(amount="1331"), "payment-also": [second.pk]},
        follow=True,
    )
    assert (
        f"€1,331.00 recorded. {invoice.number} is now paid. {second.number} is now paid."
        in response.text
    )
    assert state_of(fresh(invoice)) == state_of(fresh(second)) == "paid"
    assert Payment.objects.get().allocations.count() == 2
