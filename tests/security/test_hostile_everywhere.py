"""Hostile text in every text field of every model, shown everywhere Patron shows it.

A client's name, a note imported from a time tracker, a supplier's invoice line: all of
it is typed by someone else, and arrives by the forms, the API, the imports and the
portal. Each piece is filled with markup (a live element would be stored XSS), htmx
attributes (one would make requests as the owner), a spreadsheet formula, template
syntax, a path and a CRLF that would inject a mail header.

How the fields are found: Django's app registry lists every CharField and TextField
of every Patron model. The demo builds a whole business through the application's own
code (issuing, payments, reminders…); then the hostile text is put in front of every
such value of every row, and more documents are issued from the hostile data, so that
snapshots, PDFs and XML carry it too. A field is left
alone only when it has fixed choices, holds a format checked on the way in (EmailField,
URLField, the ones in FORMATS) or is written by Patron itself (WRITTEN_BY_PATRON), or is
too short to hold markup; any other field that ends with no hostile row fails the test,
by name: a new field is covered the day it is added, or the test says why not.

Then every page the owner can reach is crawled from the dashboard (each link followed,
each CSV, PDF and XML download read), with the portal, the sent and reminder emails.
No element or attribute from the data may be live in the HTML (parsed with lxml, not
searched as a substring), every piece of data shown on a page that loads htmx must sit
inside an hx-disable element, CSV cells must not start a formula, PDFs and XML must
show the text as text, and mail headers carry nothing injected.

The other input paths (forms, API, imports, portal) are fed the same text by the tests
after the first one, and their pages are read by the same checks.
"""

import contextlib
import csv
import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import DatabaseError, close_old_connections, models, transaction
from django.test import Client

DATA = Path(__file__).resolve().parents[1] / "data"
MARK = "zqx"
LONG = (
    '=HYPERLINK("http://x.example","zqx")"\'></textarea></title></style>'
    "<img src=x onerror=alert(1) data-hostile>"
    '<div hx-post="/app/settings/tokens/" hx-trigger="load" data-hostile>'
    "{{ settings.SECRET_KEY }}{% debug %}../../etc/passwd\r\nBcc: evil@example.com "
)
MEDIUM = (
    "=1+zqx\"'></textarea><b data-hostile hx-post=/app/settings/tokens/ hx-trigger=load>"
    "{{x}}\r\nBcc:e@x.io"
)
SHORT = "=1+zqx\"'><b data-hostile hx-get=/x> "
FRESH = LONG + "(issued from hostile data)"
assert len(LONG) <= 300 and len(MEDIUM) <= 99 and len(SHORT) <= 40

# Fields holding a format checked where it comes in (a wrong one is refused), not text.
FORMATS = {
    "accounts.User": {"username", "password"},  # the login is the email; a hash
    "business.Business": {
        "iban",
        "bic",
        "currency",
        "time_zone",
        "vat_number",
        "company_number",
        "phone",
    },
    "contacts.Contact": {"vat_number", "company_number", "phone"},
    "billing.Sequence": {"pattern"},  # a numbering pattern, checked by the settings form
    "billing.BankMapping": {
        "date_column",
        "amount_column",
        "credit_column",
        "debit_column",
        "currency_column",
        "name_column",
        "iban_column",
        "communication_column",
        "reference_column",
    },  # a file's header
    "system.MailServer": {"host", "username", "password"},  # the SMTP server's own
    "work.Expense": {"currency"},
    "billing.Payment": {"currency"},
    "billing.Recurring": {"currency"},
    "billing.Document": {"currency"},
    "billing.StatementLine": {"currency", "iban"},
    "billing.Statement": {"account_iban"},
    "pricing.Scenario": {"currency"},
}
# Written by Patron, never typed by anyone: digests, numbers, machine states.
WRITTEN_BY_PATRON = {
    "accounts.LoginFailure": {"username", "browser"},
    "accounts.ApiToken": {"prefix", "digest"},
    "audit.AuditEntry": {"actor", "action", "object_type", "object_id", "object_repr"},
    "billing.Document": {"number", "hash", "previous_hash", "structured_reference"},
    "billing.Sequence": {"last_hash"},
    "billing.Rendering": {"sha256"},
    "billing.Statement": {"sha256"},
    "billing.StatementLine": {"fingerprint"},
    # An outbox row's Message-ID, the worker that claimed it, the error its server gave.
    "billing.Sending": {"error", "message_id", "claimed_by"},
    "billing.Reminder": {"error", "message_id", "claimed_by"},
    "billing.RecurringRun": {"error"},
    "billing.AccountantArchive": {"error"},
    # Patron's own mail (a password reset): its templates' text, sent, never shown.
    "system.Email": {"subject", "body", "error", "message_id", "claimed_by"},
    "portal.Link": {"digest"},
    "portal.Decision": {"version"},
    "system.ScheduledJob": {"name"},
    "work.CalendarFeed": {"digest", "prefix"},
    "work.Expense": {"einvoice_key"},
    "work.TimeEntry": {"source"},
}


def patron_models():
    return [m for m in apps.get_models() if m.__module__.startswith("patron.")]


def hostile_fields(model):
    """The text fields of `model` that hold text typed by someone (see the module's rules)."""
    label = model._meta.label
    left_alone = FORMATS.get(label, set()) | WRITTEN_BY_PATRON.get(label, set())
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.EmailField | models.URLField)
        and not f.choices
        and f.name not in left_alone
        and (f.max_length is None or f.max_length > len(SHORT))
    ]


def hostile(value, field):
    if MARK in (value or ""):
        return value
    limit = field.max_length or 10_000
    payload = next(p for p in (LONG, MEDIUM, SHORT) if len(p) + 1 <= limit)
    return (payload + (value or ""))[:limit]


def make_every_row_hostile():
    """Put the hostile text in every hostile field of every row the database lets change.

    Issued documents refuse (a trigger): the world gets fresh ones issued from hostile
    drafts instead (hostile_world). A unique value that would clash is left as it was.
    """
    for model in patron_models():
        fields = hostile_fields(model)
        for row in model._default_manager.all() if fields else ():
            values = {f.name: hostile(getattr(row, f.attname), f) for f in fields}
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**values)
            except DatabaseError:
                pass


# The checks


def live_hostile(tree):
    """Elements and attributes of the parsed page that came from the data."""
    found = tree.xpath("//*[@data-hostile] | //*[@onerror] | //*[@hx-trigger='load']")
    found += tree.xpath("//*[@hx-post='/app/settings/tokens/'] | //*[@hx-get='/x']")
    return [lxml.etree.tostring(e, encoding="unicode")[:120] for e in found]


def outside_hx_disable(tree):
    """Pieces of data (text or attribute values with the mark) on no hx-disable element."""
    body = tree.find(".//body") if tree.tag != "body" else tree
    if body is None:
        body = tree
    naked = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("name") == "csrfmiddlewaretoken":
            continue  # random: it may hold the mark by chance
        texts = [element.text or ""] + [v for k, v in element.attrib.items()]
        if not any(MARK in t for t in texts):
            continue
        if element.xpath("ancestor-or-self::*[@hx-disable]"):
            continue
        naked.append(f"<{element.tag} {dict(element.attrib)}>{(element.text or '')[:60]}")
    for element in body.iter():
        if isinstance(element.tag, str) and MARK in (element.tail or ""):
            if not element.xpath("parent::*/ancestor-or-self::*[@hx-disable]"):
                naked.append(f"text after <{element.tag}>: {element.tail[:60]}")
    return naked


FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?[\d\s.,]+$")


def formula_cells(text):
    rows = csv.reader(
        io.StringIO(text.lstrip("\ufeff")), delimiter=";" if ";" in text[:500] else ","
    )
    return [cell for row in rows for cell in row if FORMULA.match(cell) and not NUMBER.match(cell)]


class Report:
    """Every problem found, by where it was seen: one failure lists them all."""

    def __init__(self):
        self.problems = []
        self.seen = Counter()

    def add(self, where, what, items):
        for item in items[:5]:
            self.problems.append(f"{where}: {what}: {item}")

    def check_response(self, where, response):
        self.seen[response["Content-Type"].split(";")[0]] += 1
        body = b"".join(response) if response.streaming else response.content
        if settings.SECRET_KEY.encode() in body:
            self.add(where, "the SECRET_KEY is shown", ["(template syntax in data was run)"])
        kind = response["Content-Type"]
        if kind.startswith("text/html"):
            self.check_html(where, body, htmx=b"htmx" in body[:3000])
        elif kind.startswith("text/csv"):
            self.add(where, "a CSV cell starts a formula", formula_cells(body.decode("utf-8")))
        elif kind.startswith("application/pdf"):
            self.check_pdf(where, body)
        elif "xml" in kind:
            self.check_xml(where, body)

    def check_html(self, where, body, htmx=True):
        tree = lxml.html.document_fromstring(body) if body.strip() else None
        if tree is None:
            return
        self.add(where, "data became markup", live_hostile(tree))
        if htmx:
            self.add(where, "data outside hx-disable", outside_hx_disable(tree))

    def check_pdf(self, where, body, expected=()):
        import pypdf

        reader = pypdf.PdfReader(io.BytesIO(body))
        text = " ".join(page.extract_text() for page in reader.pages)
        if "root:x:" in text:
            self.add(where, "a local file was read into the PDF", ["/etc/passwd"])
        missing = [piece for piece in expected if piece not in text]
        self.add(where, "the PDF does not show the data as text", missing)
        names = set((reader.attachments or {}).keys())
        if not names <= {"factur-x.xml"}:
            self.add(where, "the PDF embeds files it should not", sorted(names))

    def check_xml(self, where, body, expected=()):
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        text = "".join(lxml.etree.fromstring(body, parser).itertext())
        self.add(
            where,
            "the XML does not carry the data as text",
            [piece for piece in expected if piece not in text],
        )

    def check_mail(self, message):
        where = f"mail “{message.subject[:40]}”"
        built = message.message()
        for name, value in built.items():
            if "\n" in value.replace("\n ", "").replace("\n\t", "") or "\r" in value:
                self.add(where, "a header has a line break", [name])
        if built["Bcc"] or message.bcc:
            self.add(where, "a Bcc was injected", [built["Bcc"]])
        if len(message.recipients()) != 1:
            self.add(where, "recipients were injected", message.recipients())

    def fail_if_any(self):
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


# The crawl

SKIP = re.compile(r"/logout/|/language/|^/static/|^/media/|\.ics$")
# The audit log answers 500 on the demo's entries (issue 12, fixed in the reliability
# branch): crawled once that fix is in.
NOT_YET = {"/app/settings/audit/"}
PER_SHAPE = 3
PDF_LIMIT = 4


def shape(url):
    parts = urlsplit(url)
    path = re.sub(r"/\d+/", "/N/", parts.path)
    return path + ("?" if parts.query else "")


def links(body):
    tree = lxml.html.document_fromstring(body)
    for href in tree.xpath("//a/@href | //link[@rel='alternate']/@href"):
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith(("/app/", "/p/")):
            continue
        yield href.split("#")[0]


@contextlib.contextmanager
def connection_kept():
    """A streamed download (a vCard, a PDF) sends request_finished when read to its end,
    which closes the database connection on PostgreSQL in the middle of the test's
    transaction: the crawl keeps it, as Django's test client does for other responses."""
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_finished.connect(close_old_connections)


def crawl(client, start, report, limit=400):
    """Every page reachable from `start`, each shape of address a few times, checked."""
    with connection_kept():
        return crawl_pages(client, start, report, limit)


def crawl_pages(client, start, report, limit):
    queue, seen, shapes, pdfs = list(start), set(), Counter(), 0
    visited = []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url) or urlsplit(url).path in NOT_YET:
            continue
        seen.add(url)
        if shapes[shape(url)] >= PER_SHAPE:
            continue
        shapes[shape(url)] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        if response.status_code != 200:
            continue
        kind = response["Content-Type"]
        if kind.startswith("application/pdf"):
            pdfs += 1
            if pdfs > PDF_LIMIT:
                # Read to its end all the same: the test client then closes the stream with
                # the database connection kept (a stream left to the garbage collector
                # would close it on PostgreSQL, in the middle of the test).
                if response.streaming:
                    b"".join(response)
                continue
        visited.append(url)
        report.check_response(url, response)
        if kind.startswith("text/html"):
            queue.extend(u for u in links(response.content) if u not in seen)
    return visited


# The world


@pytest.fixture
def hostile_world(owner, immediate_tasks, django_capture_on_commit_callbacks):
    """The demo business, its every text field hostile, and documents issued from it."""
    from django.core.management import call_command

    from patron.billing.demo import line, typed
    from patron.billing.documents.drafting import do_credit_note, save_adjustments
    from patron.billing.documents.issuing import do_issue
    from patron.billing.models import Adjustment, BankMapping, Kind, Reminder
    from patron.contacts.models import Contact

    owner.delete()  # the demo makes its own owner
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", password="x" * 12, stdout=io.StringIO())
    owner = type(owner).objects.get()
    # What the demo leaves out: an API token, a bank's CSV layout, an imported statement.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner)
    assert client.post("/app/settings/tokens/", {"name": MEDIUM}).status_code == 200
    BankMapping.objects.create(name="Bank", date_column="Date", amount_column="Amount")
    camt = SimpleUploadedFile("camt053.xml", (DATA / "statements" / "camt053.xml").read_bytes())
    assert client.post("/app/billing/statements/", {"file": camt}).status_code == 302
    make_every_row_hostile()
    client = Contact.objects.filter(is_client=True, is_organisation=True).exclude(street="").first()
    with django_capture_on_commit_callbacks(execute=True):
        issued = {}
        for kind in (Kind.INVOICE, Kind.QUOTE):
            lines = [line(LONG + "Design", "2", "85", "21"), line(MEDIUM, "1", "10", "6")]
            draft = typed(owner, client, lines, kind=kind)
            draft.notes, draft.terms, draft.buyer_reference = FRESH, LONG, MEDIUM
            draft.save()
            save_adjustments(draft, [Adjustment(reason=MEDIUM, percent=Decimal("10"))])
            issued[kind] = do_issue(owner, draft)
        do_issue(owner, do_credit_note(owner, issued[Kind.INVOICE], full=True))
    Reminder.objects.all().delete()  # written again from the hostile texts by the test
    return owner


def test_hostile_text_in_every_field_stays_inert_on_every_page_file_and_mail(
    hostile_world, client, django_capture_on_commit_callbacks
):
    from patron.billing.einvoice.rendering import formats_of
    from patron.billing.models import Document, Kind
    from patron.portal.links import create_link, portal_path

    client.force_login(hostile_world)
    report = Report()

    # Every page, export and download the owner can reach.
    visited = crawl(client, ["/app/"], report)
    assert len(visited) > 60, visited

    # The portal, for an invoice and a quote, as the client sees it.
    for kind in (Kind.INVOICE, Kind.QUOTE):
        document = Document.objects.filter(kind=kind).exclude(number="").first()
        crawl(client, [portal_path(create_link(document))], report)

    # The documents issued from hostile data show it as text, in the PDF and the XML.
    for document in Document.objects.filter(notes=FRESH):
        for fmt in formats_of(document):
            url = f"/app/billing/{document.pk}/file/{fmt}/"
            with connection_kept():
                response = client.get(url)
                body = b"".join(response) if response.streaming else response.content
            check = report.check_pdf if fmt == "pdf" else report.check_xml
            check(url, body, expected=["</textarea>", "{{ settings.SECRET_KEY }}", MARK])

    # The emails: a document sent with the text the page offers, and the reminders.
    invoice = Document.objects.get(kind=Kind.INVOICE, notes=FRESH)
    page = lxml.html.document_fromstring(client.get(f"/app/billing/{invoice.pk}/").content)
    [form] = page.xpath("//form[.//textarea[@name='body']]")
    data = {field.name: field.value or "" for field in form.inputs if field.name}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.action, {**data, "to": "client@example.com"})
    assert response.status_code == 302
    from patron.billing.reminders import dunning as reminders

    with django_capture_on_commit_callbacks(execute=True):
        reminders.run()
    assert mail.outbox, "no mail was sent"
    for message in mail.outbox:
        report.check_mail(message)
    sent = mail.outbox[0].body  # the text as the page offered it, the client's name as typed
    if MEDIUM.split("{{")[0] not in sent:
        report.add("sent mail", "the text offered is not the one typed", [sent[:80]])

    # Every hostile field ended up with the hostile text in at least one row.
    for model in patron_models():
        fields = hostile_fields(model)
        if not fields:
            continue
        if not model.objects.exists():
            report.add(model._meta.label, "no row: add one to the hostile world", [""])
            continue
        for field in fields:
            if not model.objects.filter(**{f"{field.name}__contains": MARK}).exists():
                report.add(model._meta.label, "no input path put hostile text here", [field.name])

    assert report.seen["text/csv"] >= 3 and report.seen["application/pdf"] >= 1, report.seen
    report.fail_if_any()


# Each input path, fed the same text: stored as typed, shown inert.

NO_CRLF = LONG.replace("\r\n", " ")
NAME = MEDIUM.replace("\r\n", " ")


def shown_inert(client, start, limit=25):
    """Crawl a few pages from `start` with the checks above; fail on any problem."""
    report = Report()
    crawl(client, start, report, limit=limit)
    report.fail_if_any()


def stored(model, field):
    """Some row of `model` holds the markup in `field`, as typed (spaces and line ends aside)."""
    lookup = {f"{field}__contains": "</textarea><"}
    assert model.objects.filter(**lookup).exists(), f"{model.__name__}.{field} was not stored"


def rewrite_csv(data, replacements):
    """The sample file, with some of its cells replaced (quoted as CSV needs)."""
    text = data.decode("utf-8-sig")
    head, _, body = text.partition("\n") if text.startswith("Notes:") else ("", "", text)
    rows = list(csv.reader(io.StringIO(body)))
    rows = [[replacements.get(cell, cell) for cell in row] for row in rows]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ((head + "\n") if head else "").encode() + out.getvalue().encode()


def imported(kind, data, **options):
    from patron.system.importing import get_importer

    importer = get_importer(kind, **options)
    found = importer.plan(data)
    assert found.ok, [str(e) for e in found.errors]
    importer.apply(found)


def test_the_contact_form_and_the_api_keep_hostile_text_as_text(owner_client, owner):
    from patron.accounts.models import create_token
    from patron.contacts.models import Contact

    response = owner_client.post(
        "/app/contacts/new/",
        {
            "is_organisation": "on",
            "name": NAME,
            "notes": LONG,
            "city": NAME,
            "is_client": "on",
            "street": NAME,
            "position": NAME,
            "country": "BE",
            "tags": NAME[:40],
            "language": "fr",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    stored(Contact, "name")
    _token, secret = create_token(owner, "api")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = api.post(
        "/api/contacts",
        {
            "first_name": NAME,
            "last_name": NAME,
            "position": NAME,
            "notes": LONG,
            "tags": [NAME[:40]],
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    stored(Contact, "first_name")
    shown_inert(owner_client, ["/app/contacts/", "/app/contacts/export.csv"])


def test_linkedin_and_vcard_imports_keep_hostile_text_as_text(owner_client):
    from patron.contacts.models import Contact

    linkedin = rewrite_csv(
        (DATA / "contacts" / "Connections.csv").read_bytes(),
        {"Studio Nord": NAME, "Art Director": NAME, "Sophie": NAME[:90]},
    )
    imported("linkedin", linkedin)
    stored(Contact, "position")
    card = (DATA / "contacts" / "contacts.vcf").read_bytes().decode()
    card = card.replace("Brasserie du Canal", NAME.replace(",", "\\,").replace(";", "\\;"))
    card = card.replace("Gérante", NAME.replace(",", "\\,").replace(";", "\\;"))
    imported("vcard", card.encode())
    stored(Contact, "position")
    shown_inert(owner_client, ["/app/contacts/"])


@pytest.mark.parametrize(
    "kind, sample, replacements",
    [
        (
            "toggl",
            "toggl_detailed.csv",
            {
                "Hero illustration": NO_CRLF,
                "Website": NAME,
                "Home page": NAME,
                "Brasserie Vos": NAME,
            },
        ),
        (
            "clockify",
            "clockify_detailed_eu.csv",
            {"Maquettes": NO_CRLF, "Website": NAME, "Brasserie Vos": NAME},
        ),
    ],
)
def test_time_imports_keep_hostile_text_as_text(owner_client, kind, sample, replacements):
    from patron.work.models import TimeEntry

    imported(kind, rewrite_csv((DATA / "time" / sample).read_bytes(), replacements))
    stored(TimeEntry, "note")
    shown_inert(owner_client, ["/app/work/", "/app/work/time/"])


def test_a_watson_import_keeps_hostile_text_as_text(owner_client):
    import json

    from patron.work.models import Project

    frames = json.loads((DATA / "time" / "watson_frames.json").read_text())
    frames[0][2], frames[0][4] = NAME, [NAME[:40]]
    imported("watson", json.dumps(frames).encode())
    stored(Project, "name")
    shown_inert(owner_client, ["/app/work/"])


def test_a_bank_statement_keeps_hostile_text_as_text(owner_client):
    from patron.billing.models import BankMapping, StatementLine

    mapping = BankMapping.objects.create(
        name="BNP Paribas Fortis",
        delimiter=";",
        date_column="Date d'exécution",
        date_format="%d/%m/%Y",
        amount_column="Montant",
        currency_column="Devise du compte",
        name_column="Nom de la contrepartie",
        iban_column="Contrepartie",
        communication_column="Communication",
        reference_column="Numéro de séquence",
    )
    text = (DATA / "statements" / "bnp.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    name_at, note_at = rows[0].index("Nom de la contrepartie"), rows[0].index("Communication")
    for row in rows[1:]:
        if len(row) > note_at:
            row[name_at], row[note_at] = NAME, NO_CRLF
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    upload = SimpleUploadedFile("=cmd|' /C calc'!A0.csv", out.getvalue().encode("cp1252"))
    response = owner_client.post(
        "/app/billing/statements/", {"file": upload, "mapping": mapping.pk}
    )
    assert response.status_code == 302, response.content[:3000]
    stored(StatementLine, "counterparty")
    shown_inert(owner_client, ["/app/billing/statements/"])


def test_a_supplier_e_invoice_keeps_hostile_text_as_text(owner_client, business):
    from patron.work.expenses.demo_einvoice import demo_invoice
    from patron.work.models import ExpenseLine

    escaped = NAME.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    xml = demo_invoice("BE", NAME, business.company_number)
    xml = xml.replace(b"Serveur virtuel 4 Go (mois)", escaped)
    upload = SimpleUploadedFile("invoice.xml", xml, content_type="application/xml")
    response = owner_client.post("/app/work/expenses/import/", {"file": upload})
    assert response.status_code in (200, 302), response.content[:3000]
    stored(ExpenseLine, "description")
    shown_inert(owner_client, ["/app/work/expenses/"])


def test_a_quote_declined_on_the_portal_keeps_the_reason_as_text(owner, business, client):
    from patron.billing.demo import line, typed
    from patron.billing.documents.issuing import do_issue
    from patron.billing.models import Kind
    from patron.contacts.models import Contact
    from patron.portal.links import create_link, portal_path
    from patron.portal.models import Decision

    acme = Contact.objects.create(
        is_organisation=True,
        is_client=True,
        name="Acme SA",
        street="Rue 1",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        email="compta@acme.example",
    )
    quote = do_issue(owner, typed(owner, acme, [line("Design", "1", "85", "21")], kind=Kind.QUOTE))
    path = portal_path(create_link(quote))
    response = client.post(path + "answer/", {"answer": "decline", "reason": LONG})
    assert response.status_code == 302
    stored(Decision, "reason")
    owner_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    owner_client.force_login(owner)
    shown_inert(owner_client, [f"/app/billing/{quote.pk}/", path], limit=5)
