"""Every list exports as CSV (rule 8): the documents the filters keep, and the payments."""

import csv
import io

from django.utils import timezone

from patron.billing.documents.drafting import do_credit_note
from patron.billing.documents.issuing import do_issue
from patron.billing.payments.recording import do_record_payment
from tests.fixtures import draft


def read(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_documents_list_exports_what_its_filters_keep(owner_client, owner, acme, english):
    acme.name = "=HYPERLINK(evil)"
    acme.save()
    paid = do_issue(owner, draft(acme, ("Design", "10", "100", "21")))
    do_record_payment(
        owner, client=acme, date=timezone.localdate(), amount=paid.total_incl_vat, documents=[paid]
    )
    open_one = do_issue(owner, draft(acme, ("Hosting", "1", "100", "21")))
    do_credit_note(owner, open_one)  # a draft credit note: not exported
    quote = do_issue(owner, draft(acme, ("Site", "1", "900", "21"), kind="quote"))
    rows = read(owner_client.get("/app/billing/?format=csv"))
    assert rows[0][:3] == ["Number", "Kind", "Issue date"]
    numbers = [row[0] for row in rows[1:]]
    assert sorted(numbers) == sorted([paid.number, open_one.number, quote.number])
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[paid.number][14] == "paid" and by_number[open_one.number][13] == "121.00"
    assert by_number[paid.number][4] == "'=HYPERLINK(evil)"  # formula-safe
    only_paid = read(owner_client.get("/app/billing/?status=paid&format=csv"))
    assert [row[0] for row in only_paid[1:]] == [paid.number]
    page = owner_client.get("/app/billing/?status=paid").text
    assert "status=paid&amp;format=csv" in page


def test_the_payments_list_exports_as_csv(owner_client, owner, acme, django_assert_max_num_queries):
    invoices = [do_issue(owner, draft(acme, ("Design", "1", "100", "21"))) for _ in range(3)]
    for invoice in invoices:
        do_record_payment(
            owner, client=acme, date=timezone.localdate(), amount="150", documents=[invoice]
        )
    with django_assert_max_num_queries(8):
        rows = read(owner_client.get("/app/billing/payments/?format=csv"))
    assert len(rows) == 4 and rows[1][5] == "150.00"
    assert rows[1][7] == f"{invoices[0].number}:121.00" and rows[1][8] == "29.00"
