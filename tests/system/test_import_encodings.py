"""Every text file Patron imports is read in UTF-8 with or without its byte order mark, and in
UTF-16 (little- or big-endian) with it, as Excel's "Unicode text" and Windows tools save:
time, contacts, bank statements and supplier e-invoices, from the command line, the pages
and the API."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from patron.accounts.models import create_token
from patron.billing.einvoice.rendering import rendering
from patron.billing.models import BankMapping, StatementLine
from patron.contacts.models import Contact
from patron.system.importing import ImportRefused, decode_text, get_importer
from patron.work.models import Expense, TimeEntry
from tests.billing import scenarios

DATA = Path(__file__).parent.parent / "data"
SAMPLES = {
    "toggl": "time/toggl_detailed.csv",
    "clockify": "time/clockify_detailed_eu.csv",
    "harvest": "time/harvest_detailed.csv",
    "watson": "time/watson_frames.json",
    "linkedin": "contacts/Connections.csv",
    "vcard": "contacts/contacts.vcf",
    "statement-camt": "statements/camt053.xml",
    "statement-csv": "statements/bnp.csv",
}
ENCODINGS = {
    "utf-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16 little-endian with BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 big-endian with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
}


def as_text(data):
    return decode_text(data)  # the samples: UTF-8 (some with a BOM) or Windows-1252


def encoded(text, encoding):
    """The text in `encoding`; an XML declaration says the encoding it now is in."""
    if encoding != "utf-8 with BOM":
        text = re.sub(r'encoding="UTF-8"', 'encoding="UTF-16"', text, count=1, flags=re.I)
    return ENCODINGS[encoding](text)


@pytest.fixture
def bnp(db):
    return BankMapping.objects.create(
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


def importer_for(sample, bnp):
    if sample == "statement-csv":
        return get_importer("statement", mapping=bnp)
    return get_importer(sample.removeprefix("statement-").replace("camt", "statement"))


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_each_text_import_reads_the_file_in_each_marked_encoding(business, bnp, sample, encoding):
    text = as_text((DATA / SAMPLES[sample]).read_bytes())
    expected = importer_for(sample, bnp).plan(text.encode("utf-8"))
    assert expected.ok and expected.counts
    found = importer_for(sample, bnp).plan(encoded(text, encoding))
    assert [str(e) for e in found.errors] == []
    assert found.counts == expected.counts


def test_a_byte_order_mark_wins_over_the_encoding_a_mapping_names(bnp):
    bnp.encoding = BankMapping.Encoding.CP1252
    bnp.save()
    text = as_text((DATA / SAMPLES["statement-csv"]).read_bytes())
    plan = get_importer("statement", mapping=bnp).plan(encoded(text, "utf-16 big-endian with BOM"))
    # Its 4 lines. Read as Windows-1252, the header ("Numéro de séquence"…) would match no
    # column of the mapping.
    assert [str(e) for e in plan.errors] == [] and plan.counts["statement lines"] == 4


def test_utf_16_without_its_mark_is_refused_with_the_way_out(business):
    text = as_text((DATA / SAMPLES["toggl"]).read_bytes())
    with pytest.raises(ImportRefused, match="save it again as UTF-8"):
        get_importer("toggl").plan(text.encode("utf-16-le"))


def test_a_damaged_utf_16_file_is_refused_not_garbled(business):
    with pytest.raises(ImportRefused, match="UTF-16-LE text but is not"):
        get_importer("toggl").plan(b"\xff\xfe" + "Project".encode("utf-16-le") + b"\x00\xd8")


def test_a_doctype_in_utf_16_xml_is_refused_before_it_is_parsed(db):
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Document [<!ENTITY x "y">]><Document/>'
    with pytest.raises(ImportRefused, match="DOCTYPE"):
        get_importer("statement").plan(b"\xff\xfe" + xml.encode("utf-16-le"))


def test_patron_import_takes_a_utf_16_toggl_export(business, tmp_path):
    text = as_text((DATA / SAMPLES["toggl"]).read_bytes())
    path = tmp_path / "toggl.csv"
    path.write_bytes(encoded(text, "utf-16 little-endian with BOM"))
    out = StringIO()
    call_command("import", "toggl", str(path), stdout=out)
    assert "Imported: 4 time entries" in out.getvalue()
    assert TimeEntry.objects.count() == 4


def test_the_contacts_import_page_takes_a_utf_16_vcard(owner_client):
    text = as_text((DATA / SAMPLES["vcard"]).read_bytes())
    upload = SimpleUploadedFile("contacts.vcf", encoded(text, "utf-16 little-endian with BOM"))
    response = owner_client.post("/app/contacts/import/", {"kind": "vcard", "file": upload})
    assert response.status_code == 302 and response["Location"] == "/app/contacts/import/preview/"
    response = owner_client.post("/app/contacts/import/preview/", {"action": "confirm"})
    assert response.status_code == 302 and Contact.objects.exists()


def test_the_statement_page_and_api_take_a_utf_16_camt_file(owner_client, owner):
    text = as_text((DATA / SAMPLES["statement-camt"]).read_bytes())
    data = encoded(text, "utf-16 big-endian with BOM")
    response = owner_client.post(
        "/app/billing/statements/", {"file": SimpleUploadedFile("camt.xml", data)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StatementLine.objects.count() == 5
    token = create_token(owner, "tests")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    again = api.post(
        "/api/billing/statements",
        {"file": SimpleUploadedFile("again.xml", encoded(text, "utf-16 little-endian with BOM"))},
    )
    assert again.status_code == 200 and again.json()["already_imported"] == 5


def test_the_expense_page_and_api_take_a_utf_16_e_invoice(owner_client, owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    _name, _type, cii = rendering(invoice, "cii")
    data = encoded(cii.decode("utf-8"), "utf-16 little-endian with BOM")
    response = owner_client.post(
        reverse("work:expense_import"), {"file": SimpleUploadedFile("i.xml", data)}, follow=True
    )
    assert "is booked as this expense" in response.content.decode()
    assert Expense.objects.get().number == invoice.number
    _name, _type, ubl = rendering(invoice, "ubl")
    token = create_token(owner, "tests")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.post(
        "/api/expenses/import",
        {"file": SimpleUploadedFile("i.xml", encoded(ubl.decode(), "utf-16 big-endian with BOM"))},
    )
    assert response.status_code == 200, response.json()  # the same invoice: booked once
