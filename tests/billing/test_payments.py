"""Payments: partial, full, beyond the invoice (the client's credit), refunds of credit notes,
and the statuses that follow, without an issued invoice ever changing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.audit.models import AuditEntry
from patron.billing.drafting import do_credit_note, save_lines
from patron.billing.issuing import do_issue
from patron.billing.listing import rows
from patron.billing.models import Allocation, Document, Kind, Line, Payment
from patron.billing.payments import (
    STATES,
    client_credit,
    do_delete_payment,
    do_record_payment,
    do_use_credit,
    filter_state,
    outstanding,
    refundable,
    state_of,
    with_states,
)
from patron.contacts.models import Contact
from tests.billing.test_issuing import draft

TODAY = timezone.localdate


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True, name="Acme SA", is_client=True, street="Avenue Louise 1",
        postcode="1050", city="Ixelles", country="BE", vat_number="BE0403170701",
    )  # fmt: skip


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
    save_lines(note, [Line(description="Geste", quantity=1, unit_price=Decimal("100"),
                           vat_rate=Decimal("21"))])  # fmt: skip
    note = do_issue(owner, note)  # 121.00 back to the client
    assert refundable(fresh(note)) == Decimal("121.00")
    with pytest.raises(ValidationError, match="more than the client is owed"):
        pay(owner, acme, "200", [note], direction=Payment.Direction.REFUNDED)
    assert not Payment.objects.filter(direction="refunded").exists()
    pay(owner, acme, "121", [note], direction=Payment.Direction.REFUNDED, method="transfer")
    assert refundable(fresh(note)) == 0 and state_of(fresh(invoice)) == "paid"


def test_a_credit_note_on_an_unpaid_invoice_lowers_what_it_asks(owner, invoice, acme):
    note = do_credit_note(owner, invoice, full=False)
    save_lines(note, [Line(description="Geste", quantity=1, unit_price=Decimal("100"),
                           vat_rate=Decimal("21"))])  # fmt: skip
    note = do_issue(owner, note)
    assert outstanding(fresh(invoice)) == Decimal("1089.00") and refundable(fresh(note)) == 0
    # A full credit note now would credit 1,331.00 on an invoice of 1,210.00: refused.
    with pytest.raises(ValidationError, match="would credit more than invoice"):
        do_issue(owner, do_credit_note(owner, invoice, full=True))
    rest = do_credit_note(owner, invoice, full=False)
    save_lines(rest, [Line(description="Reste", quantity=1, unit_price=Decimal("900"),
                           vat_rate=Decimal("21"))])  # fmt: skip
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
        found = set(filter_state(with_states(Document.objects.all()), state, tomorrow)
                    .values_list("pk", flat=True))  # fmt: skip
        assert found == expected, state
    assert state_of(fresh(late), tomorrow) == "overdue" and state_of(fresh(unpaid)) == "issued"
    assert state_of(fresh(quote), tomorrow) == "issued"
