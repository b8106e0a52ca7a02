"""Each change of a document against its concurrent twin, on the database the suite runs on
(SQLite, then PostgreSQL in CI): issue against edit (API and page), against delete, three
credit notes of one invoice at once, a credit note against a payment. Whatever the order
the database picks, what the client was told holds: a number given is a document issued,
frozen and chained; a refusal is a sentence, never a 500 or a deadlock."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test import Client

from patron.accounts.models import create_token
from patron.billing.documents.drafting import do_credit_note
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.verify import verify
from patron.billing.models import Allocation, Document, Kind, Status
from patron.billing.payments.ledger import with_balances
from patron.billing.payments.recording import do_record_payment
from tests.fixtures import PASSWORD, draft

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 12


def at_once(*actions):
    """Run the actions in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # the test reads what happened
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hangs"
    return results


@pytest.fixture
def acme(db):
    from patron.contacts.models import Contact

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


@pytest.fixture
def api(owner, business):
    token = create_token(owner, "races")[1]
    return lambda: Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def browser_client(owner, business):
    def logged_in():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        assert client.login(username=owner.email, password=PASSWORD)
        return client

    return logged_in


def issue_through_api(api, document):
    return lambda: api().post(f"/api/billing/documents/{document.pk}/issue")


def assert_books_intact():
    """Numbers without gap, hash chains whole: what `patron verify` checks."""
    assert [str(finding) for finding in verify()] == []
    numbers = list(
        Document.objects.exclude(status=Status.DRAFT)
        .filter(kind=Kind.INVOICE)
        .order_by("sequence_number")
        .values_list("sequence_number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_an_api_edit_racing_the_issue_never_undoes_it(api, acme):
    for pair in range(PAIRS):
        document = draft(acme, ("Design", "1", "100", "21"))
        edit = {
            "lines": [
                {
                    "description": f"Edited {pair}",
                    "quantity": "2",
                    "unit_price": "300",
                    "vat_rate": "21",
                }
            ]
        }
        issued, edited = at_once(
            issue_through_api(api, document),
            lambda document=document, edit=edit: api().patch(
                f"/api/billing/documents/{document.pk}", edit, content_type="application/json"
            ),
        )
        assert issued.status_code == 200, issued.content
        assert edited.status_code in (200, 422), edited.content
        stored = Document.objects.get(pk=document.pk)
        assert stored.status == Status.ISSUED and stored.number == issued.json()["number"]
        # The edit counted only if it came first; then the invoice bills it.
        lines = [(line.description, line.net) for line in stored.lines.all()]
        if edited.status_code == 200:
            assert lines == [(f"Edited {pair}", Decimal("600.00"))]
        else:
            assert lines == [("Design", Decimal("100.00"))]
            assert "cannot be changed" in edited.json()["detail"] + str(edited.json())
        assert issued.json()["total_incl_vat"] == str(stored.total_incl_vat)
    assert_books_intact()


def test_a_draft_saved_on_its_page_while_it_is_issued_never_undoes_the_issue(
    browser_client, api, acme
):
    for pair in range(PAIRS):
        document = draft(acme, ("Design", "1", "100", "21"))
        page = browser_client()
        form = {
            "client": acme.pk, "currency": "EUR", "language": "en", "treatment": "normal",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000", "lines-0-id": document.lines.get().pk,
            "lines-0-description": f"Edited {pair}", "lines-0-quantity": "3",
            "lines-0-unit": "C62", "lines-0-unit_price": "100", "lines-0-vat_rate": "21",
            "lines-0-discount_percent": "0",
        }  # fmt: skip
        issued, saved = at_once(
            issue_through_api(api, document),
            lambda document=document, form=form, page=page: page.post(
                f"/app/billing/{document.pk}/", form
            ),
        )
        assert issued.status_code == 200, issued.content
        assert saved.status_code in (200, 302), saved.content
        stored = Document.objects.get(pk=document.pk)
        assert stored.status == Status.ISSUED and stored.number == issued.json()["number"]
        assert issued.json()["total_incl_vat"] == str(stored.total_incl_vat)
    assert_books_intact()


def test_a_draft_deleted_while_it_is_issued_is_either_deleted_or_issued(api, acme):
    outcomes = set()
    for _pair in range(PAIRS):
        document = draft(acme, ("Design", "1", "100", "21"))
        issued, deleted = at_once(
            issue_through_api(api, document),
            lambda document=document: api().delete(f"/api/billing/documents/{document.pk}"),
        )
        # Deleted first, the issue answers 422 (gone while it waited) or 404 (gone before).
        assert (issued.status_code, deleted.status_code) in ((200, 422), (422, 204), (404, 204)), (
            issued.content,
            deleted.content,
        )
        stored = Document.objects.filter(pk=document.pk).first()
        if issued.status_code == 200:
            assert stored is not None and stored.number == issued.json()["number"]
            assert "cannot be deleted" in str(deleted.json())
            outcomes.add("issued")
        else:
            assert stored is None
            assert issued.status_code == 404 or "deleted" in str(issued.json())
            outcomes.add("deleted")
    assert_books_intact()


def test_three_full_credit_notes_at_once_credit_the_invoice_once(owner, api, acme):
    for _invoice in range(PAIRS // 2):
        invoice = do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
        notes = [do_credit_note(owner, invoice, full=True) for _ in range(3)]
        answers = at_once(*(issue_through_api(api, note) for note in notes))
        assert sorted(answer.status_code for answer in answers) == [200, 422, 422]
        refused = [answer.json() for answer in answers if answer.status_code == 422]
        assert all("would credit more than" in str(answer) for answer in refused)
        credited = with_balances(Document.objects.filter(pk=invoice.pk)).get().credited
        assert credited == invoice.total_incl_vat == Decimal("121.00")
    assert_books_intact()


def test_a_payment_racing_a_full_credit_note_is_spread_on_what_was_open(owner, business, acme):
    for _invoice in range(PAIRS // 2):
        invoice = do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
        note = do_credit_note(owner, invoice, full=True)
        paid, credited = at_once(
            lambda invoice=invoice: do_record_payment(
                owner, client=acme, amount=Decimal("121.00"), date=invoice.issue_date
            ),
            lambda note=note: do_issue(owner, note),
        )
        assert not isinstance(credited, Exception), credited
        # Credited first, nothing is due: the payment asks to be confirmed (it would all be
        # the client's credit) and records nothing. Paid first, it settles the invoice.
        if isinstance(paid, Exception):
            assert isinstance(paid, ValidationError) and "confirm" in str(paid).lower(), paid
        allocated = sum(
            Allocation.objects.filter(document=invoice).values_list("amount", flat=True),
            Decimal("0"),
        )
        # Paid first: the invoice was open and took the payment (the credit note then makes
        # it money to refund). Credited first: nothing was open and the payment stays as
        # the client's credit. Never both halves: an invoice paid out of a closed balance.
        assert allocated in (Decimal("0"), Decimal("121.00"))
    assert_books_intact()


def test_two_payments_of_one_invoice_at_once_settle_it_once(owner, business, acme):
    for _invoice in range(PAIRS // 2):
        invoice = do_issue(owner, draft(acme, ("Design", "1", "100", "21")))
        answers = at_once(
            *(
                lambda invoice=invoice: do_record_payment(
                    owner,
                    client=acme,
                    amount=Decimal("121.00"),
                    date=invoice.issue_date,
                    documents=[invoice],
                )
                for _ in range(2)
            )
        )
        # One payment settles the invoice; the other is refused with a sentence (nothing is
        # left to settle on it), never a second allocation to a closed invoice.
        refused = [answer for answer in answers if isinstance(answer, Exception)]
        assert len(refused) == 1 and isinstance(refused[0], ValidationError), answers
        allocated = Allocation.objects.filter(document=invoice).values_list("amount", flat=True)
        assert sorted(allocated) == [Decimal("121.00")]
