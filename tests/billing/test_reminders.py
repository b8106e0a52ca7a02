"""Reminders of overdue invoices: the schedule, once per step and invoice, never for a paid
or credited invoice, pausable, the formal notice with its interest, indemnity and letter."""

import io
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from patron.billing.documents.drafting import do_credit_note
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Reminder, ReminderStep, StepKind
from patron.billing.payments.recording import do_record_payment
from patron.billing.reminders.dunning import do_pause, do_resume, do_update_step, run, schedule
from patron.billing.reminders.notice import letter_pdf
from patron.billing.rules.late_interest import late_cost
from patron.contacts.models import Contact
from tests.billing.pdf_fonts import embedded_fonts, patron_fonts
from tests.fixtures import acme_contact, draft


@pytest.fixture
def invoice(owner, business):
    return do_issue(owner, draft(acme_contact(), ("Design", "10", "85", "21"), language="fr"))


def days_after(invoice, days):
    return invoice.due_date + timedelta(days=days)


def test_the_schedule_starts_friendly_firm_then_formal_notice(db):
    steps = schedule()
    assert [(s.kind, s.days_after_due) for s in steps] == [
        ("friendly", 3),
        ("firm", 15),
        ("notice", 30),
    ]
    assert "{number}" in steps[0].subject_fr and "{number}" in steps[0].subject_en
    assert len(schedule()) == 3 and ReminderStep.objects.count() == 3


def test_each_step_is_sent_once_on_its_day(invoice, inbox):
    assert run(today=days_after(invoice, 2)).written == 0
    first = run(today=days_after(invoice, 3))
    assert (first.written, first.sent) == (1, 1)
    [message] = inbox.messages
    assert message["To"] == "compta@acme.example"
    assert message["Subject"] == f"Rappel : facture {invoice.number}"
    assert "028,50" in message.get_body(("plain",)).get_content()
    assert message["Message-ID"].startswith(f"<reminder-{invoice.pk}-friendly-")
    # Again the same day, the next day, by another worker: nothing more.
    for extra in (3, 4, 14):
        assert run(today=days_after(invoice, extra)).written == 0
    assert len(inbox.messages) == 1
    assert run(today=days_after(invoice, 15)).sent == 1
    assert inbox.messages[-1]["Subject"].startswith("Second rappel")
    assert run(today=days_after(invoice, 30)).sent == 1
    assert run(today=days_after(invoice, 60)).written == 0
    assert len(inbox.messages) == 3
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}


def test_the_formal_notice_claims_interest_and_the_indemnity_with_a_pdf_letter(invoice, inbox):
    today = days_after(invoice, 30)
    for day in (3, 15, 30):
        run(today=days_after(invoice, day))
    notice = Reminder.objects.get(step=StepKind.NOTICE)
    expected = late_cost("BE", invoice.due_date, Decimal("1028.50"), today)
    assert notice.interest == expected.interest > 0 and notice.indemnity == Decimal("40")
    assert notice.interest_rate == Decimal("10.50") and notice.days_late == 30
    message = inbox.messages[-1]
    text = message.get_body(("plain",)).get_content()
    assert "Mise en demeure" in message["Subject"] and "40,00" in text
    assert f"{expected.interest}".replace(".", ",") in text
    [letter] = list(message.iter_attachments())
    assert letter.get_filename() == f"mise-en-demeure-{invoice.number}.pdf"
    assert letter.get_content().startswith(b"%PDF")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(letter.get_content())).pages
    )
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    assert "Mise en demeure" in text and invoice.number in text
    assert "Indemnité forfaitaire pour frais de recouvrement" in text and "40,00 €" in text
    assert "Acme" in text and "Total réclamé" in text


def test_the_formal_notice_letter_is_the_same_pdf_a_every_time_in_patron_s_fonts(invoice, inbox):
    for day in (3, 15, 30):
        run(today=days_after(invoice, day))
    notice = Reminder.objects.get(step=StepKind.NOTICE)
    first = letter_pdf(notice)
    time.sleep(1.1)  # a timestamp anywhere in the file would differ now
    assert letter_pdf(notice) == first
    reader = PdfReader(io.BytesIO(first))
    assert b"<pdfaid:part>3</pdfaid:part>" in reader.trailer["/Root"]["/Metadata"].get_data()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: readable aloud
    embedded, bare = embedded_fonts(first)
    assert bare == set() and embedded and set(embedded) <= patron_fonts()


def test_interest_is_counted_per_day_at_each_day_s_rate():
    # France, 12.15 % a year: 1000 € for 21 days.
    cost = late_cost("FR", date(2025, 12, 20), Decimal("1000.00"), date(2026, 1, 10))
    assert (cost.days_late, cost.rate, cost.interest) == (21, Decimal("12.15"), Decimal("6.99"))
    assert cost.indemnity == Decimal("40") and not cost.provisional
    # Belgium past the last published rate: the last one, said to be provisional.
    later = late_cost("BE", date(2026, 6, 20), Decimal("1000.00"), date(2026, 7, 10))
    assert later.interest == Decimal("5.75") and later.provisional
    # A consumer is owed neither interest nor the indemnity by these laws.
    consumer = late_cost("BE", date(2026, 3, 1), Decimal("100"), date(2026, 4, 1), False)
    assert consumer.interest == 0 and consumer.indemnity == 0
    assert late_cost("BE", date(2026, 3, 1), Decimal("100"), date(2026, 3, 1)).interest == 0


def test_a_paid_or_credited_invoice_gets_no_reminder(owner, invoice, inbox):
    other = do_issue(
        owner,
        draft(acme_contact(name="Beta", email="beta@example.org"), ("Design", "1", "100", "21")),
    )
    do_record_payment(
        owner,
        client=invoice.client,
        date=invoice.issue_date,
        amount=invoice.amount_due,
        documents=[invoice],
    )
    do_issue(owner, do_credit_note(owner, other, full=True))
    assert run(today=days_after(invoice, 40)).written == 0 and inbox.messages == []


def test_a_partly_paid_invoice_is_reminded_of_what_remains(owner, invoice, inbox):
    do_record_payment(
        owner,
        client=invoice.client,
        date=invoice.issue_date,
        amount=Decimal("1000"),
        documents=[invoice],
    )
    run(today=days_after(invoice, 3))
    assert Reminder.objects.get().outstanding == Decimal("28.50")


def test_reminders_pause_per_invoice_or_client_and_resume(owner, invoice, inbox):
    do_pause(owner, document=invoice)
    do_pause(owner, document=invoice)  # twice is once
    assert run(today=days_after(invoice, 3)).written == 0
    do_resume(owner, document=invoice)
    do_pause(owner, client=invoice.client)
    assert run(today=days_after(invoice, 3)).written == 0
    do_resume(owner, client=invoice.client)
    assert run(today=days_after(invoice, 3)).sent == 1


def test_an_invoice_found_late_starts_with_the_friendly_step(invoice, inbox):
    run(today=days_after(invoice, 45))
    run(today=days_after(invoice, 45))
    assert list(Reminder.objects.values_list("step", flat=True)) == ["friendly"]
    run(today=days_after(invoice, 46))  # the firm one waits 12 days after the friendly one
    assert Reminder.objects.count() == 1
    run(today=days_after(invoice, 57))
    assert Reminder.objects.count() == 2


def test_a_consumer_s_formal_notice_claims_no_interest(owner, business, inbox):
    person = Contact.objects.create(
        first_name="Jo",
        last_name="Doe",
        email="jo@example.org",
        is_client=True,
        country="BE",
        street="Rue 1",
        postcode="1000",
        city="Bruxelles",
    )
    invoice = do_issue(owner, draft(person, ("Design", "1", "100", "21"), language="en"))
    for day in (3, 15, 30):
        run(today=days_after(invoice, day))
    notice = Reminder.objects.get(step="notice")
    assert notice.interest == 0 and notice.indemnity == 0
    assert inbox.messages[-1]["Subject"] == f"Formal notice: invoice {invoice.number}"


def test_a_dry_run_sends_nothing(invoice, inbox):
    assert len(run(today=days_after(invoice, 3), dry_run=True).planned) == 1
    assert Reminder.objects.count() == 0 and inbox.messages == []


def test_an_unreachable_server_leaves_a_failed_reminder_never_retried_blindly(invoice, db):
    from patron.system.models import MailServer
    from tests.fixtures import free_port

    MailServer.objects.create(
        host="127.0.0.1",
        port=free_port(),
        security="none",
        from_address="claire@atelier-lumen.example",
    )
    assert run(today=days_after(invoice, 3)).failed == 1
    reminder = Reminder.objects.get()
    assert reminder.state == "failed" and reminder.error
    assert run(today=days_after(invoice, 4)).written == 0


@pytest.mark.parametrize(
    ("days", "texts", "message"),
    [
        ("0", {}, "between 1 and 365"),
        ("-3", {}, "between 1 and 365"),
        ("400", {}, "between 1 and 365"),
        ("abc", {}, "whole number"),
        ("3", {"subject_fr": ""}, "cannot be empty"),
        ("3", {"body_en": "x" * 6000}, "too long"),
        ("3", {"body_fr": "Hi {__class__} {number.__dict__}"}, "unknown placeholders"),
    ],
)
def test_hostile_step_edits_change_nothing(owner, days, texts, message):
    step = schedule()[0]
    current = {f: getattr(step, f) for f in ("subject_fr", "body_fr", "subject_en", "body_en")}
    with pytest.raises(ValidationError) as error:
        do_update_step(owner, step, days_after_due=days, active=True, texts={**current, **texts})
    assert message in " ".join(error.value.messages)
    step.refresh_from_db()
    assert step.days_after_due == 3


def test_an_edited_step_is_used_and_html_stays_text(owner, invoice, inbox):
    step = schedule()[0]
    do_update_step(
        owner,
        step,
        days_after_due="5",
        active=True,
        texts={
            "subject_fr": "Rappel\r\nBcc: evil@x.example {number}",
            "body_fr": "<b>{client}</b> {amount}",
            "subject_en": "R {number}",
            "body_en": "{client}",
        },
    )
    assert run(today=days_after(invoice, 4)).written == 0
    run(today=days_after(invoice, 5))
    [message] = inbox.messages
    assert message["Bcc"] is None and message["Subject"].startswith("Rappel Bcc")
    assert "<b>Acme SA</b>" in message.get_body(("plain",)).get_content()


def fail_then_fix(invoice, inbox):
    """A reminder that failed (the mail server was down), then the server back."""
    from patron.system.models import MailServer
    from tests.fixtures import free_port

    server = MailServer.objects.get()
    working_port = server.port
    MailServer.objects.update(port=free_port())
    assert run(today=days_after(invoice, 3)).failed == 1
    MailServer.objects.update(port=working_port)
    return Reminder.objects.get()


def test_a_failed_reminder_is_sent_again_from_the_invoice_page(
    owner_client, invoice, inbox, immediate_tasks, django_capture_on_commit_callbacks, english
):
    reminder = fail_then_fix(invoice, inbox)
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Send again" in page and reminder.error[:20] in page
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/app/billing/reminders/{reminder.pk}/retry/", follow=True)
    assert "The reminder goes to compta@acme.example again in a moment." in response.text
    reminder.refresh_from_db()
    assert reminder.state == "sent" and reminder.error == ""
    assert [m["Subject"] for m in inbox.messages] == [f"Rappel : facture {invoice.number}"]
    # Sent: not again.
    response = owner_client.post(f"/app/billing/reminders/{reminder.pk}/retry/", follow=True)
    assert "Only a reminder that failed or was interrupted can be sent again." in response.text
    assert len(inbox.messages) == 1


def test_a_failed_reminder_of_an_invoice_paid_since_is_not_sent_again(owner, invoice, inbox):
    from patron.billing.reminders.dunning import do_retry

    reminder = fail_then_fix(invoice, inbox)
    do_record_payment(
        owner,
        client=invoice.client,
        date=invoice.issue_date,
        amount=invoice.total_incl_vat,
        documents=[invoice],
    )
    with pytest.raises(ValidationError, match="no longer asks for anything"):
        do_retry(owner, reminder)
    reminder.refresh_from_db()
    assert reminder.state == "failed" and inbox.messages == []


def test_the_api_sends_a_failed_reminder_again(
    owner, business, inbox, immediate_tasks, django_capture_on_commit_callbacks
):
    from django.test import Client

    from patron.accounts.models import create_token

    invoice = do_issue(owner, draft(acme_contact(), ("Design", "10", "85", "21"), language="fr"))
    reminder = fail_then_fix(invoice, inbox)
    api = Client(
        HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'tests')[1]}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/billing/reminders/{reminder.pk}/retry")
    assert response.status_code == 202 and response.json()["state"] == "queued"
    assert Reminder.objects.get().state == "sent" and len(inbox.messages) == 1
    again = api.post(f"/api/billing/reminders/{reminder.pk}/retry")
    assert again.status_code == 422 and "failed" in again.json()["errors"]["__all__"][0]
    assert api.post("/api/billing/reminders/999999/retry").status_code == 404


def test_patron_reminders_retry_sends_a_failed_one_again(patron):
    from aiosmtpd.controller import Controller

    from tests.fixtures import Inbox, free_port

    assert patron("demo", "--password", "a demo passphrase").returncode == 0
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        setup = patron(
            "shell",
            "--no-imports",
            "-c",
            "from patron.billing.models import Reminder\n"
            "from patron.system.models import MailServer\n"
            "MailServer.objects.all().delete()\n"
            f"MailServer.objects.create(host='127.0.0.1', port={controller.port}, "
            "security='none', from_address='claire@atelier-lumen.example')\n"
            "r = Reminder.objects.order_by('pk').first()\n"
            "Reminder.objects.filter(pk=r.pk).update(state='failed', error='timed out')\n"
            "print(r.pk)",
        )
        reminder_id = setup.stdout.strip().splitlines()[-1]
        done = patron("reminders", "retry", reminder_id)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"Reminder {reminder_id} sent to ")
        assert len(handler.messages) == 1
        again = patron("reminders", "retry", reminder_id)
        assert again.returncode != 0 and "Only a reminder that failed" in again.stderr
        missing = patron("reminders", "retry", "999999")
        assert missing.returncode != 0 and "There is no reminder 999999." in missing.stderr
    finally:
        controller.stop()


def test_the_late_payment_rates_follow_the_law_s_formula_from_the_ecb_rate():
    from patron.billing.rules.late_interest import ECB_MRO, RATES, by_rule, ecb_rate

    # docs/facts/tax-figures.md §2.1: the MRO rate is 2.15 % since 11 June 2025.
    assert ECB_MRO[-1].valid_from == date(2025, 6, 11) and ecb_rate(date(2026, 3, 1)) == Decimal(
        "2.15"
    )
    # France 2024 H1: 4.50 % on 1 January + 10 = 14.50 %; Belgium 2024 H2: 4.25 % before
    # 1 July + 8 = 12.25 %, rounded up to the half point: 12.50 %.
    assert by_rule("FR", date(2024, 1, 1)) == Decimal("14.50")
    assert by_rule("BE", date(2024, 7, 1)) == Decimal("12.50")
    for row in RATES:
        assert by_rule(row.country, row.valid_from) == row.percent, row
    for country in ("BE", "FR"):
        rows = sorted((r for r in RATES if r.country == country), key=lambda r: r.valid_from)
        # Every half-year from 2024 H1 to 2026 H2, one after the other.
        assert (rows[0].valid_from, rows[-1].valid_to) == (date(2024, 1, 1), date(2026, 12, 31))
        assert all(
            a.valid_to + timedelta(days=1) == b.valid_from
            for a, b in zip(rows, rows[1:], strict=False)
        )
        # Only the second half of 2026 is not confirmed (the ECB decisions after 5 Feb 2026).
        assert [r.valid_from for r in rows if r.unconfirmed] == [date(2026, 7, 1)]


def test_a_rate_not_confirmed_is_said_so_on_the_reminders_page(owner_client):
    cost = late_cost("FR", date(2026, 6, 20), Decimal("1000.00"), date(2026, 7, 10))
    assert cost.provisional and "1 July 2026" in cost.unconfirmed
    page = owner_client.get("/app/billing/reminders/").text
    assert "Late-payment interest rates" in page and "[UNCONFIRMED]" in page
    french = owner_client.get("/app/billing/reminders/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Taux des intérêts de retard" in french and "[NON CONFIRMÉ]" in french


def test_an_interrupted_reminder_shows_so_and_is_sent_again_with_its_message_id(
    owner_client, invoice, inbox, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    from patron.billing.reminders.dunning import due_steps, write_reminder
    from patron.system import outbox

    day = days_after(invoice, 3)
    [planned] = due_steps(day)
    reminder = write_reminder(planned, day)
    claimed = outbox.claim(Reminder, reminder.pk)  # then the worker was killed mid-send
    Reminder.objects.update(
        claimed_at=claimed.claimed_at - timedelta(seconds=settings.OUTBOX_TIMEOUT)
    )
    page = owner_client.get("/app/billing/reminders/").text
    assert "Interrupted" in page and f"/app/billing/reminders/{reminder.pk}/retry/" in page
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/app/billing/reminders/{reminder.pk}/retry/")
    [message] = inbox.messages
    assert message["Message-ID"] == claimed.message_id
    assert Reminder.objects.get().state == "sent"


def test_the_next_run_sends_a_reminder_a_killed_run_left_half_sent(invoice, inbox, settings):
    from patron.billing.reminders.dunning import write_reminder
    from patron.system import outbox

    planned = run(today=days_after(invoice, 3), dry_run=True).planned
    reminder = write_reminder(planned[0], days_after(invoice, 3))
    claimed = outbox.claim(Reminder, reminder.pk)  # the run was killed during DATA
    assert run(today=days_after(invoice, 3)).sent == 0  # its worker may still be at it
    Reminder.objects.update(
        claimed_at=claimed.claimed_at - timedelta(seconds=settings.OUTBOX_TIMEOUT)
    )
    again = run(today=days_after(invoice, 4))
    assert again.sent == 1 and [m["Message-ID"] for m in inbox.messages] == [claimed.message_id]
    assert Reminder.objects.get().attempts == 2
