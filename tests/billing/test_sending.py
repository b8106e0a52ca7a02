"""Sending quotes and invoices by email, through a real SMTP server on loopback."""

import pytest

from patron.billing.documents.issuing import do_issue
from patron.billing.documents.sending import deliver
from patron.billing.models import Sending, Status
from patron.contacts.models import Contact
from patron.system.mail import mail_server
from patron.system.models import MailServer
from tests.fixtures import draft, free_port


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what is enqueued after the commit (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def invoice(owner, business):
    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        email="compta@acme.example",
        language="fr",
        vat_number="BE0403170701",
        company_number="0403170701",
    )
    return do_issue(owner, draft(acme, ("Design", "10", "85", "21"), language="fr"))


def test_an_invoice_is_sent_in_the_client_s_language_with_its_portal_link(
    owner_client, client, inbox, invoice, immediate_tasks, on_commit
):
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "compta@acme.example" in page and f"Facture {invoice.number}" in page
    with on_commit():
        response = owner_client.post(
            f"/app/billing/{invoice.pk}/send/",
            {
                "to": "compta@acme.example",
                "subject": f"Facture {invoice.number}\r\nBcc: evil@x.example",
                "body": "Bonjour,\n\nVotre facture : {link}\n\nClaire",
            },
            follow=True,
        )
    assert "compta@acme.example" in response.text
    [message] = inbox.messages
    assert message["To"] == "compta@acme.example" and message["Bcc"] is None
    assert message["From"] == "claire@atelier-lumen.example"
    assert message["Subject"] == f"Facture {invoice.number} Bcc: evil@x.example"
    attached = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attached) == {
        f"{invoice.number}.pdf",
        f"{invoice.number}-cii.xml",
        f"{invoice.number}-ubl.xml",
    }
    assert attached[f"{invoice.number}.pdf"].get_content().startswith(b"%PDF")
    body = message.get_body(("plain",)).get_content()
    link = next(word for word in body.split() if "/p/" in word)
    assert client.get(link.replace("http://testserver", "")).status_code == 200
    sending = Sending.objects.get()
    assert sending.state == Sending.State.SENT and sending.sent_at
    invoice.refresh_from_db()
    assert invoice.status == Status.SENT
    # A worker that picks it up again sends nothing more.
    assert deliver.call(sending.pk) == "skipped" and len(inbox.messages) == 1


def test_the_default_text_is_in_the_document_s_language(owner_client, invoice):
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Bonjour Acme SA," in page and "{link}" in page


def test_a_server_that_refuses_leaves_a_failed_sending_that_says_why(
    owner_client, invoice, db, immediate_tasks, on_commit
):
    MailServer.objects.create(
        host="127.0.0.1",
        port=free_port(),
        security="none",
        from_address="claire@atelier-lumen.example",
    )
    with on_commit():
        owner_client.post(
            f"/app/billing/{invoice.pk}/send/",
            {"to": "compta@acme.example", "subject": "Facture", "body": "{link}"},
        )
    sending = Sending.objects.get()
    assert sending.state == Sending.State.FAILED and "refused" in sending.error.lower()
    assert "Failed" in owner_client.get(f"/app/billing/{invoice.pk}/").text
    invoice.refresh_from_db()
    assert invoice.status == Status.ISSUED


def test_bad_addresses_and_drafts_are_refused(
    owner_client, owner, invoice, inbox, immediate_tasks, on_commit
):
    response = owner_client.post(
        f"/app/billing/{invoice.pk}/send/",
        {"to": "not an address", "subject": "x", "body": "y"},
        follow=True,
    )
    assert "Enter a valid email address." in response.text
    a_draft = draft(invoice.client, ("Design", "1", "1", "21"))
    response = owner_client.post(
        f"/app/billing/{a_draft.pk}/send/",
        {"to": "a@b.example", "subject": "x", "body": "y"},
        follow=True,
    )
    assert "Issue the document before sending it." in response.text
    assert not Sending.objects.exists() and not inbox.messages


def test_the_settings_page_saves_the_server_and_sends_a_test(
    owner_client, owner, inbox, immediate_tasks, on_commit
):
    server = MailServer.objects.get()
    response = owner_client.post(
        "/app/settings/mail/",
        {
            "host": "127.0.0.1",
            "port": server.port,
            "security": "none",
            "username": "",
            "password": "",
            "from_address": "hello@atelier-lumen.example",
        },
    )
    assert response.status_code == 302
    with on_commit():
        owner_client.post("/app/settings/mail/", {"test": "1"})
    [message] = inbox.messages
    assert message["To"] == owner.email and message["From"] == "hello@atelier-lumen.example"
    bad = owner_client.post(
        "/app/settings/mail/",
        {
            "host": "smtp.example.com/../x",
            "port": "70000",
            "security": "none",
            "from_address": "nope",
        },
    )
    assert "Give the server&#x27;s name" in bad.text and "between 1 and 65535" in bad.text
    assert MailServer.objects.get().from_address == "hello@atelier-lumen.example"


def test_the_environment_wins_over_the_page(monkeypatch, inbox):
    assert mail_server() is not None
    monkeypatch.setenv("PATRON_EMAIL_HOST", "smtp.admin.example")
    assert mail_server() is None


def test_a_client_name_with_markup_stays_text_in_the_email_box(owner_client, owner, invoice):
    """The name is the client's to choose (the API, a vCard, LinkedIn): an htmx element in it
    would post with the owner's CSRF token the moment the invoice page opened."""
    import lxml.html

    hostile = 'ACME </textarea><div hx-post="/app/settings/tokens/" hx-trigger="load">x</div>'
    attacker = Contact.objects.create(
        is_organisation=True,
        name=hostile,
        is_client=True,
        email="a@acme.example",
        street="Rue 1",
        postcode="1000",
        city="Bruxelles",
        country="BE",
    )
    document = do_issue(owner, draft(attacker, ("Design", "1", "85", "21")))
    page = lxml.html.fromstring(owner_client.get(f"/app/billing/{document.pk}/").content)
    assert page.xpath("//*[@hx-post='/app/settings/tokens/']") == []
    [box] = page.xpath("//textarea[@name='body']")
    assert f" {hostile},\n" in box.text  # the name, as typed, in the text to send


def interrupted(sending, settings):
    """What a worker killed during the SMTP conversation leaves, once the timeout has passed."""
    from datetime import timedelta

    from patron.system import outbox

    claimed = outbox.claim(Sending, sending.pk)
    Sending.objects.filter(pk=sending.pk).update(
        claimed_at=claimed.claimed_at - timedelta(seconds=settings.OUTBOX_TIMEOUT + 1)
    )
    return Sending.objects.get(pk=sending.pk)


def test_an_interrupted_email_shows_so_and_is_sent_again_with_its_message_id(
    owner_client, owner, inbox, invoice, immediate_tasks, on_commit, settings
):
    from patron.billing.documents.sending import do_send

    sending = do_send(
        owner,
        invoice,
        to="compta@acme.example",
        subject="Facture",
        body="{link}",
        base_url="http://testserver/",
    )
    sending = interrupted(sending, settings)
    page = owner_client.get(f"/app/billing/{invoice.pk}/").text
    assert "Interrupted" in page and f"/app/billing/sendings/{sending.pk}/retry/" in page
    with on_commit():
        response = owner_client.post(f"/app/billing/sendings/{sending.pk}/retry/", follow=True)
    assert "The email to compta@acme.example is on its way." in response.text
    [message] = inbox.messages
    assert message["Message-ID"] == sending.message_id
    sending.refresh_from_db()
    assert sending.state == "sent"
    response = owner_client.post(f"/app/billing/sendings/{sending.pk}/retry/", follow=True)
    assert "Only an email that failed or was interrupted can be sent again." in response.text
    assert len(inbox.messages) == 1


def test_the_api_shows_an_interrupted_email_and_sends_it_again(
    owner, invoice, inbox, immediate_tasks, on_commit, settings
):
    from django.test import Client

    from patron.accounts.models import create_token
    from patron.billing.documents.sending import do_send

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'tests')[1]}")
    sending = do_send(
        owner,
        invoice,
        to="compta@acme.example",
        subject="Facture",
        body="{link}",
        base_url="http://testserver/",
    )
    sending = interrupted(sending, settings)
    [shown] = api.get(f"/api/billing/documents/{invoice.pk}/sendings").json()
    assert shown["state"] == "interrupted" and shown["message_id"] == sending.message_id
    with on_commit():
        response = api.post(f"/api/billing/sendings/{sending.pk}/retry")
    assert response.status_code == 202, response.content
    assert [m["Message-ID"] for m in inbox.messages] == [sending.message_id]
    again = api.post(f"/api/billing/sendings/{sending.pk}/retry")
    assert again.status_code == 422
