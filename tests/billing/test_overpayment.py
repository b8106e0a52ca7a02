"""A payment far beyond what it settles is a typing mistake more often than not: refused until
confirmed, on the page, over the API and on the command line. Up to as much again as what it
settles (a rounded-up amount, the same transfer sent twice), it is recorded as it always was,
the rest kept as the client's credit and said."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from patron.audit.models import AuditEntry
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Allocation, Payment
from patron.billing.payments.ledger import client_credit
from patron.billing.payments.recording import do_record_payment
from tests.fixtures import draft

TODAY = timezone.localdate


@pytest.fixture
def invoice(owner, business, acme):
    return do_issue(owner, draft(acme, ("Design", "10", "100", "21")))  # 1,210.00


def recorded_nothing():
    return (
        Payment.objects.count(),
        Allocation.objects.count(),
        AuditEntry.objects.filter(object_type="billing.payment").count(),
    ) == (0, 0, 0)


def pay(owner, acme, amount, invoice, **options):
    return do_record_payment(
        owner, client=acme, date=TODAY(), amount=Decimal(amount), documents=[invoice], **options
    )


def test_a_thousand_times_the_balance_is_refused_and_records_nothing(owner, acme, invoice):
    with pytest.raises(ValidationError) as refused:
        pay(owner, acme, "1210000", invoice)
    # 1,210,000.00 - 1,210.00 = 1,208,790.00 would be the client's credit.
    assert "€1,210,000.00 is €1,208,790.00 more than the €1,210.00 still due" in str(refused.value)
    assert recorded_nothing()


@pytest.mark.parametrize(
    "amount, credit",
    [("1210", "0"), ("1250", "40.00"), ("1500", "290.00"), ("2420", "1210.00")],
)
def test_an_exact_or_modest_overpayment_is_recorded_with_the_rest_as_credit(
    owner, acme, invoice, amount, credit
):
    recorded = pay(owner, acme, amount, invoice)
    assert recorded.credit == Decimal(credit)
    assert client_credit(acme, "EUR") == Decimal(credit)


def test_just_over_twice_the_balance_asks_for_confirmation(owner, acme, invoice):
    with pytest.raises(ValidationError):
        pay(owner, acme, "2420.01", invoice)  # 1,210.01 left over, more than the 1,210 settled
    assert recorded_nothing()
    recorded = pay(owner, acme, "2420.01", invoice, overpayment_confirmed=True)
    assert recorded.credit == Decimal("1210.01")


def form(**fields):
    data = {"date": TODAY().isoformat(), "amount": "1210000", "method": "transfer"}
    return {f"payment-{key}": value for key, value in {**data, **fields}.items()}


def test_the_invoice_page_asks_to_confirm_then_records_it(owner_client, invoice):
    url = f"/app/billing/{invoice.pk}/payment/"
    response = owner_client.post(url, form())
    assert response.status_code == 422
    assert "€1,210,000.00 is €1,208,790.00 more than the €1,210.00 still due" in response.text
    assert "Yes, keep €1,208,790.00 as the client&#x27;s credit" in response.text
    assert 'value="1210000"' in response.text  # what was typed is kept
    assert recorded_nothing()
    # Sent again without ticking the box: still refused.
    response = owner_client.post(url, form(confirm_overpayment=""))
    assert response.status_code == 422 and recorded_nothing()
    response = owner_client.post(url, form(confirm_overpayment="on"), follow=True)
    assert "€1,208,790.00 beyond it is kept as the client&#x27;s credit." in response.text
    assert Payment.objects.get().amount == Decimal("1210000.00")


def test_the_invoice_page_asks_in_french_too(owner_client, invoice):
    response = owner_client.post(
        f"/app/billing/{invoice.pk}/payment/", form(), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 422
    assert "de plus que les" in response.text and "avoir du client" in response.text
    assert recorded_nothing()


def test_a_correct_amount_typed_after_the_refusal_needs_no_confirmation(owner_client, invoice):
    url = f"/app/billing/{invoice.pk}/payment/"
    owner_client.post(url, form())
    response = owner_client.post(url, form(amount="1210"), follow=True)
    assert f"{invoice.number} is now paid." in response.text


def post(api, body):
    response = api.post("/api/billing/payments", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_api_refuses_it_without_confirm_overpayment(api, invoice):
    body = {"document_ids": [invoice.pk], "date": str(TODAY()), "amount": "1210000"}
    status, refused = post(api, body)
    assert status == 422
    assert "€1,208,790.00 more than the €1,210.00 still due" in refused["errors"]["amount"][0]
    assert "confirm_overpayment" in refused["errors"]["confirm_overpayment"][0]
    assert recorded_nothing()
    status, payment = post(api, {**body, "confirm_overpayment": True})
    assert status == 201 and payment["unallocated"] == "1208790.00"


def test_the_api_asks_the_same_of_money_with_nothing_due(api, acme, business):
    body = {"client_id": acme.pk, "date": str(TODAY()), "amount": "500"}
    status, refused = post(api, body)
    assert status == 422
    assert "all of €500.00 would be kept as the client's credit" in refused["errors"]["amount"][0]
    assert recorded_nothing()
    status, payment = post(api, {**body, "confirm_overpayment": True})
    assert status == 201 and payment["unallocated"] == "500.00"


def test_the_command_line_refuses_it_without_the_flag(invoice):
    with pytest.raises(CommandError, match="Add --confirm-overpayment"):
        call_command("payment", "add", invoice.number, "1210000")
    assert recorded_nothing()
    out = StringIO()
    call_command("payment", "add", invoice.number, "1210000", "--confirm-overpayment", stdout=out)
    assert "€1,208,790.00 beyond it is kept as the client's credit." in out.getvalue()
    assert Payment.objects.get().amount == Decimal("1210000.00")


@pytest.mark.parametrize("field, limit", [("reference", 140), ("note", 500)])
def test_a_reference_or_note_too_long_is_refused_over_the_api_not_cut(api, invoice, field, limit):
    body = {"document_ids": [invoice.pk], "date": str(TODAY()), "amount": "10"}
    status, refused = post(api, {**body, field: "x" * 100_000})
    assert status == 422
    assert f"At most {limit} characters (it has 100000)." in refused["errors"][field][0]
    assert recorded_nothing()
    with pytest.raises(CommandError, match=f"At most {limit} characters"):
        call_command("payment", "add", invoice.number, "10", f"--{field}", "x" * (limit + 1))
    assert recorded_nothing()
