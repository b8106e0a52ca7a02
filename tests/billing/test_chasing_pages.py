"""The pages of reminders and recurring invoices: what they show, hostile input, queries."""

from datetime import date, timedelta

import pytest

from patron.billing.documents.issuing import do_issue
from patron.billing.models import Recurring, Reminder, ReminderPause, ReminderStep
from patron.billing.reminders.dunning import run, schedule
from tests.fixtures import acme_contact, draft, queries_of

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def invoice(owner, business):
    return do_issue(owner, draft(acme_contact(), ("Design", "10", "85", "21"), language="fr"))


def queries(client, url):
    return queries_of(client, url)


def test_the_invoice_page_shows_its_reminder_history_and_pauses_it(owner_client, invoice, inbox):
    for day in (3, 15, 30):
        run(today=invoice.due_date + timedelta(days=day))
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Friendly reminder" in page and "Formal notice" in page and "Letter (PDF)" in page
    notice = Reminder.objects.get(step="notice")
    letter = owner_client.get(f"/app/billing/reminders/{notice.pk}/letter/")
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    owner_client.post(
        f"/app/billing/{invoice.pk}/reminders/", {"action": "pause", "scope": "invoice"}
    )
    assert ReminderPause.objects.filter(document=invoice).exists()
    assert (
        "Resume reminders for this invoice" in owner_client.get(f"/app/billing/{invoice.pk}/").text
    )
    owner_client.post(
        f"/app/billing/{invoice.pk}/reminders/", {"action": "pause", "scope": "client"}
    )
    owner_client.post(
        f"/app/billing/{invoice.pk}/reminders/", {"action": "resume", "scope": "invoice"}
    )
    assert list(ReminderPause.objects.values_list("client_id", flat=True)) == [invoice.client_id]


@pytest.mark.parametrize(
    "data", [{}, {"action": "delete", "scope": "invoice"}, {"action": "pause", "scope": HOSTILE}]
)
def test_a_hostile_pause_changes_nothing(owner_client, invoice, data):
    response = owner_client.post(f"/app/billing/{invoice.pk}/reminders/", data, follow=True)
    assert response.status_code == 200 and "Nothing was changed" in response.text
    assert not ReminderPause.objects.exists()


def test_an_outsider_reaches_nothing(client, invoice):
    for url in (
        "/app/billing/reminders/",
        "/app/billing/recurring/",
        "/app/billing/recurring/new/",
    ):
        assert client.get(url).status_code in (302, 404)
    response = client.post(
        f"/app/billing/{invoice.pk}/reminders/", {"action": "pause", "scope": "invoice"}
    )
    assert response.status_code in (302, 404) and not ReminderPause.objects.exists()


def test_a_step_is_edited_on_the_reminders_page(owner_client, business):
    schedule()
    response = owner_client.post(
        "/app/billing/reminders/",
        {
            "step": "firm",
            "firm-days_after_due": "20",
            "firm-active": "on",
            "firm-subject_fr": "Relance {number}",
            "firm-body_fr": "Texte {amount}",
            "firm-subject_en": "Reminder {number}",
            "firm-body_en": "Text {amount}",
        },
        follow=True,
    )
    assert "The step has been saved" in response.text
    assert ReminderStep.objects.get(kind="firm").days_after_due == 20


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"firm-days_after_due": "-5"}, ""),
        ({"firm-days_after_due": ""}, ""),
        ({"firm-days_after_due": "99999"}, ""),
        ({"firm-subject_fr": ""}, ""),
        ({"firm-body_en": "x" * 6000}, ""),
        ({"firm-body_fr": HOSTILE + "{__import__}"}, "unknown placeholders"),
        ({"step": "nothing"}, None),
    ],
)
def test_hostile_step_edits_are_refused_and_re_shown(owner_client, business, changes, message):
    schedule()
    data = {
        "step": "firm", "firm-days_after_due": "20", "firm-active": "on",
        "firm-subject_fr": "Relance {number}", "firm-body_fr": "Texte",
        "firm-subject_en": "Reminder {number}", "firm-body_en": "Text", **changes,
    }  # fmt: skip
    response = owner_client.post("/app/billing/reminders/", data)
    if message is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and message in response.text
        assert HOSTILE not in response.text
    assert ReminderStep.objects.get(kind="firm").days_after_due == 15


def test_the_pages_cost_a_constant_number_of_queries(owner_client, owner, invoice, inbox):
    schedule()
    run(today=invoice.due_date + timedelta(days=3))
    few = queries(owner_client, "/app/billing/reminders/")
    one = queries(owner_client, f"/app/billing/{invoice.pk}/")
    for n in range(5):
        other = do_issue(
            owner,
            draft(
                acme_contact(name=f"C{n}", email=f"c{n}@example.org"), ("Design", "1", "100", "21")
            ),
        )
        make_recurring(other.client, f"R{n}")
    run(today=invoice.due_date + timedelta(days=3))
    run(today=invoice.due_date + timedelta(days=15))
    assert queries(owner_client, "/app/billing/reminders/") == few
    assert queries(owner_client, f"/app/billing/{invoice.pk}/") == one
    lots = queries(owner_client, "/app/billing/recurring/")
    make_recurring(invoice.client, "More")
    assert queries(owner_client, "/app/billing/recurring/") == lots


def make_recurring(client, name):
    recurring = Recurring.objects.create(name=name, client=client, start=date(2026, 1, 1))
    recurring.lines.create(description="Retainer", quantity=1, unit_price=500, vat_rate=21)
    return recurring


def recurring_data(contact, **changes):
    return {
        "name": "Maintenance",
        "client": str(contact.pk),
        "every": "1",
        "unit": "months",
        "start": "2026-01-15",
        "end": "",
        "count": "",
        "currency": "EUR",
        "treatment": "normal",
        "notes": "",
        "active": "on",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Website maintenance",
        "lines-0-quantity": "1",
        "lines-0-unit": "MON",
        "lines-0-unit_price": "450",
        "lines-0-discount_percent": "0",
        "lines-0-vat_rate": "21",
        **changes,
    }


def test_a_recurring_invoice_is_created_on_its_page(owner_client, invoice):
    response = owner_client.post(
        "/app/billing/recurring/new/", recurring_data(invoice.client), follow=True
    )
    assert (
        "The recurring invoice has been saved" in response.text and "Maintenance" in response.text
    )
    recurring = Recurring.objects.get()
    assert recurring.lines.get().description == "Website maintenance"


@pytest.mark.parametrize(
    "changes",
    [
        {"every": "-1"},
        {"every": "0"},
        {"every": "60"},
        {"every": "13"},
        {"unit": "years"},
        {"start": ""},
        {"start": "1850-01-01"},
        {"end": "2025-01-01"},
        {"count": "-2"},
        {"count": "100000"},
        {"name": ""},
        {"name": "x" * 500},
        {"currency": HOSTILE},
        {"client": "999999"},
        {"lines-0-description": ""},
        {"lines-0-unit_price": "-10"},
        {"lines-0-quantity": "abc"},
        {"lines-0-vat_rate": "500"},
        {"lines-TOTAL_FORMS": "5000"},
    ],
)
def test_hostile_recurring_input_changes_nothing(owner_client, invoice, changes):
    response = owner_client.post(
        "/app/billing/recurring/new/", recurring_data(invoice.client, **changes)
    )
    assert response.status_code == 200 and HOSTILE not in response.text
    assert not Recurring.objects.exists()


def test_html_in_a_recurring_name_is_shown_as_text(owner_client, invoice):
    owner_client.post("/app/billing/recurring/new/", recurring_data(invoice.client, name=HOSTILE))
    assert HOSTILE not in owner_client.get("/app/billing/recurring/").text
