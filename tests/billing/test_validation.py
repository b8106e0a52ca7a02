"""Patron's own e-invoice validator: the official examples pass, the broken ones fail with
the rule they break, hostile files are refused unread, and the command and the API tell it.
The independent validator (../shared/einvoice), when it is there, must agree."""

import hashlib
import io
import json
import subprocess
import sys
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from patron.billing.einvoice.validation import Finding, Report, rules, validate
from tests.billing.scenarios import EXAMPLES, SECOND_OPINION, second_opinion

PEPPOL_EXAMPLES = sorted(
    p.name for p in [*EXAMPLES.glob("peppol/*.xml"), *EXAMPLES.glob("en16931/cen-BIS3_*")]
)
CII_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("en16931/cen-CII_*"))
# EN 16931 invoices that are not Peppol ones (no business process, no electronic address…).
CEN_UBL_EXAMPLES = ["cen-ubl-tc434-example1.xml", "cen-ubl-tc434-creditnote1.xml"]
FACTURX = "sample-weasyprint-drafthorse.pdf"
# Each broken example and the rules it must raise (tests/data/einvoice/PROVENANCE.md).
BROKEN = {
    "cii-BR-CO-15-grand-total.xml": {"BR-CO-15", "BR-CO-16"},
    "cii-bad-date-format.xml": {"CII-DT-097"},
    "cii-no-lines.xml": {"BR-16"},
    "cii-no-seller-vat.xml": {"BR-S-02"},
    "facturx-af-unspecified.pdf": {"PDF-AF"},
    "facturx-no-fx-xmp.pdf": {"FX-XMP"},
    "facturx-taxtotal-no-currency.pdf": {"BR-CO-15"},
    "ubl-BR-CO-15-tax-inclusive.xml": {"BR-CO-15"},
    "ubl-bad-date-format.xml": {"XSD", "PEPPOL-EN16931-F001"},
    "ubl-no-buyer-reference.xml": {"PEPPOL-EN16931-R003"},
    "ubl-no-seller-vat.xml": {"BR-S-02"},
}


def example(name):
    return next(EXAMPLES.glob(f"*/{name}")).read_bytes()


def error_rules(report):
    return {f.rule for f in report.errors}


def pdf_with(data, change):
    """The PDF `data` written again after change(writer)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# The official examples ---------------------------------------------------------------------


@pytest.mark.parametrize("name", PEPPOL_EXAMPLES)
def test_each_official_peppol_example_passes_en16931_and_peppol(name):
    report = validate(example(name))
    assert error_rules(report) == set()
    assert report.ok and report.en16931_ok and report.peppol_ok
    assert report.rule_sets[-2:] == ["EN16931-UBL", "PEPPOL-BIS3"]


@pytest.mark.parametrize("name", CII_EXAMPLES)
def test_each_official_cii_example_passes_the_cii_schema_and_rules(name):
    report = validate(example(name))
    assert error_rules(report) == set()
    assert report.ok and report.syntax == "cii" and report.container == "xml"
    assert report.rule_sets == ["XSD:cii", "EN16931-CII"]
    assert report.peppol_ok is None  # Peppol's rules are for UBL


@pytest.mark.parametrize("name", CEN_UBL_EXAMPLES)
def test_the_cen_ubl_examples_pass_en16931_but_are_not_peppol_invoices(name):
    en16931 = validate(example(name), peppol=False)
    assert error_rules(en16931) == set() and en16931.ok
    assert "PEPPOL-BIS3" not in en16931.rule_sets
    with_peppol = validate(example(name))
    assert "PEPPOL-EN16931-R004" in error_rules(with_peppol)  # not the Peppol specification id
    assert not with_peppol.ok and with_peppol.en16931_ok and with_peppol.peppol_ok is False


def test_a_ubl_credit_note_is_checked_against_the_credit_note_schema():
    report = validate(example("peppol-base-creditnote-correction.xml"))
    assert report.syntax == "ubl-creditnote" and report.rule_sets[0] == "XSD:ubl-creditnote"
    assert report.ok


def test_a_factur_x_pdf_is_checked_as_a_pdf_then_as_cii_and_its_profile():
    report = validate(example(FACTURX))
    assert (report.container, report.syntax, report.profile) == ("pdf", "cii", "EN 16931")
    assert report.rule_sets == ["PDF", "XSD:cii", "XSD:facturx-en16931", "EN16931-CII"]
    assert report.ok, report.errors


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_example_fails_with_the_rule_it_breaks(name):
    report = validate(example(name))
    assert not report.ok
    assert BROKEN[name] <= error_rules(report), error_rules(report)


def test_a_missing_buyer_reference_breaks_only_peppol():
    report = validate(example("ubl-no-buyer-reference.xml"))
    assert report.en16931_ok and report.peppol_ok is False
    assert validate(example("ubl-no-buyer-reference.xml"), peppol=False).ok


def test_a_finding_says_where_without_namespace_noise():
    report = validate(example("cii-bad-date-format.xml"))
    (finding,) = report.errors
    assert finding.location == (
        "/*:CrossIndustryInvoice[1]/*:ExchangedDocument[1]/*:IssueDateTime[1]/*:DateTimeString[1]"
    )
    assert finding.flag == "fatal" and finding.rule_set == "EN16931-CII"
    assert finding.message.startswith("[CII-DT-097]")


def test_warnings_and_information_do_not_fail_a_document():
    advice = [Finding("R1", "warning", "a"), Finding("R2", "information", "b")]
    assert Report(rule_sets=["EN16931-UBL"], findings=advice).ok
    assert not Report(rule_sets=["EN16931-UBL"], findings=[Finding("R3", "fatal", "c")]).ok
    assert not Report().ok  # nothing checked is not a pass


# What the PDF declares ---------------------------------------------------------------------


def test_a_factur_x_attachment_missing_from_the_catalogue_af_fails():
    def drop_af(writer):
        del writer._root_object[NameObject("/AF")]

    report = validate(pdf_with(example(FACTURX), drop_af))
    assert error_rules(report) == {"PDF-AF"}
    assert "not listed in the catalogue" in report.errors[0].message


def test_a_plain_pdf_is_no_e_invoice():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    report = validate(out.getvalue())
    assert {"PDF-A3", "FX-XMP", "FX-ATTACH"} <= error_rules(report)
    assert report.syntax == "" and not report.ok


def test_a_damaged_pdf_is_reported_not_raised():
    report = validate(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert error_rules(report) == {"PDF"}


def test_an_attachment_under_another_name_is_not_taken_for_the_invoice():
    def rename(writer):
        writer.add_attachment("invoice-copy.xml", example("cen-CII_example1.xml"))

    report = validate(pdf_with(plain_pdf(), rename))
    assert "FX-ATTACH" in error_rules(report)
    assert "invoice-copy.xml" in next(f.message for f in report.errors if f.rule == "FX-ATTACH")


def plain_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Hostile and foreign input -----------------------------------------------------------------


def test_an_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-owner-s-secret")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
        "<ID>&e;</ID></Invoice>"
    ).encode()
    report = validate(xxe)
    assert error_rules(report) == {"XML"} and "DOCTYPE" in report.errors[0].message
    assert "the-owner-s-secret" not in json.dumps(report.as_dict())


def test_an_entity_bomb_is_refused_at_once():
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    bomb += b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    )
    bomb += b"]><CrossIndustryInvoice>&i;</CrossIndustryInvoice>"
    report = validate(bomb)
    assert error_rules(report) == {"XML"} and report.seconds < 1


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "XML"),
        (b"not xml at all", "XML"),
        (b"<Invoice><unclosed></Invoice>", "XML"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>', "SYNTAX"),
        (b"<Invoice/>", "SYNTAX"),  # UBL's name without UBL's namespace
    ],
)
def test_what_is_not_an_e_invoice_fails_with_the_reason(data, rule):
    report = validate(data)
    assert error_rules(report) == {rule} and report.rule_sets == []


def test_the_artefacts_are_the_official_files_unchanged():
    listed = {}
    for line in (rules.ARTEFACTS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    present = {
        str(p.relative_to(rules.ARTEFACTS)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("xsd", "xslt")
        for p in sorted((rules.ARTEFACTS / folder).rglob("*"))
        if p.is_file()
    }
    assert present == listed
    used = {*rules.SCHEMAS.values(), *rules.SCHEMATRONS.values()}
    assert used <= set(present)


# Once per process, from any thread ---------------------------------------------------------


def test_each_stylesheet_is_compiled_once_and_reused():
    validate(example("peppol-base-example.xml"))
    compiled = dict(rules._saxon)
    validate(example("peppol-Vat-category-S.xml"))
    assert {"processor", "EN16931-UBL", "PEPPOL-BIS3"} <= set(rules._saxon)
    assert all(rules._saxon[key] is compiled[key] for key in compiled)


@pytest.mark.slow
def test_nothing_of_saxon_is_loaded_before_a_document_needs_it(tmp_path):
    # `patron serve` imports Django, then forks its workers: a Saxon processor made before
    # the fork would be shared by processes that cannot share it.
    script = (
        "import django, sys; django.setup(); import patron.urls, patron.billing.einvoice.validation; "
        "print('saxonche' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PATRON_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "patron.settings",
        },
    )
    assert done.stdout.strip() == "False", done.stderr


def test_threads_validating_at_once_get_the_answers_one_thread_gets():
    names = ["peppol-base-example.xml", "cen-CII_example1.xml", "ubl-no-seller-vat.xml",
             "cii-no-lines.xml", FACTURX, "facturx-af-unspecified.pdf"]  # fmt: skip
    alone = {name: validate(example(name)).findings for name in names}
    together, failures = {}, []

    def check(name):
        try:
            with translation.override("en"):  # a new thread starts in the default language
                together[name] = validate(example(name)).findings
        except Exception as e:  # whatever a thread hits is the test's failure, told
            failures.append(f"{name}: {e!r}")

    threads = [threading.Thread(target=check, args=(n,)) for n in names * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and together == alone


# A second opinion --------------------------------------------------------------------------

ALL_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*/*") if p.suffix in (".xml", ".pdf"))


def independent():
    other = second_opinion()
    if other is None:
        pytest.skip(f"no second opinion: the independent validator is not at {SECOND_OPINION}")
    return other


@pytest.mark.parametrize("peppol", [True, False], ids=["peppol", "en16931"])
def test_the_independent_validator_agrees_on_every_example(peppol):
    other = independent()
    disagree = {}
    for name in ALL_EXAMPLES:
        path = next(EXAMPLES.glob(f"*/{name}"))
        ours = validate(path.read_bytes(), peppol=peppol)
        theirs = other.validate(path, peppol=peppol)
        their_rules = {f["id"] for f in theirs["findings"] if f["flag"] in other.ERROR_FLAGS}
        if (ours.ok, error_rules(ours)) != (theirs["ok"], their_rules):
            disagree[name] = (error_rules(ours), their_rules)
    assert disagree == {}


def test_the_artefacts_are_those_of_the_independent_validator():
    independent()
    shared = SECOND_OPINION.parent
    for folder in ("xsd", "xslt"):
        for path in sorted((rules.ARTEFACTS / folder).rglob("*")):
            if path.is_file():
                theirs = shared / path.relative_to(rules.ARTEFACTS)
                assert path.read_bytes() == theirs.read_bytes(), path


# The command and the API -------------------------------------------------------------------


def test_patron_einvoice_validate_prints_a_verdict_per_file(tmp_path, capsys):
    good = tmp_path / "good.xml"
    good.write_bytes(example("peppol-base-example.xml"))
    call_command("einvoice", "validate", str(good))
    out = capsys.readouterr().out
    assert out.startswith(f"PASS  {good}  [ubl-invoice; XSD:ubl-invoice, EN16931-UBL, PEPPOL-BIS3]")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(example("cii-no-seller-vat.xml"))  # BR-S-02 on each of 20 places
    with pytest.raises(CommandError, match="2 of 3 file"):
        call_command("einvoice", "validate", str(good), str(bad), str(tmp_path / "gone.xml"))
    out = capsys.readouterr().out
    assert f"FAIL  {bad}  [cii; XSD:cii, EN16931-CII]  20 error(s)" in out
    assert out.count("[fatal] BR-S-02 (EN16931-CII):") == 1 and "(and 19 more)" in out
    assert f"FAIL  {tmp_path / 'gone.xml'}" in out and "Cannot read the file" in out


def test_patron_einvoice_validate_json_and_no_peppol(tmp_path, capsys):
    path = tmp_path / "no-reference.xml"
    path.write_bytes(example("ubl-no-buyer-reference.xml"))
    with pytest.raises(CommandError):
        call_command("einvoice", "validate", "--json", str(path))
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False and body["files"][0]["file"] == str(path)
    assert [f["rule"] for f in body["files"][0]["findings"]] == ["PEPPOL-EN16931-R003"]
    call_command("einvoice", "validate", "--json", "--no-peppol", str(path))
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_the_command_exits_0_when_all_pass_and_1_otherwise(patron, tmp_path):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(example(FACTURX))
    bad.write_bytes(example("facturx-no-fx-xmp.pdf"))

    def run(*files):
        return patron("einvoice", "validate", *files)

    passed = run(good)
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.startswith("PASS")
    failed = run(good, bad)
    assert failed.returncode == 1
    assert "[fatal] FX-XMP (PDF)" in failed.stdout and "1 of 2 file(s) fail." in failed.stderr


def post(client, data, query=""):
    upload = SimpleUploadedFile("invoice", data)
    return client.post(f"/api/einvoice/validate{query}", {"file": upload})


def test_the_api_answers_the_report_whatever_the_verdict(api):
    passed = post(api, example(FACTURX))
    assert passed.status_code == 200, passed.content
    assert passed.json()["ok"] is True and passed.json()["profile"] == "EN 16931"
    failed = post(api, example("ubl-no-buyer-reference.xml")).json()
    assert failed["ok"] is False
    assert [f["rule"] for f in failed["findings"]] == ["PEPPOL-EN16931-R003"]
    assert post(api, example("ubl-no-buyer-reference.xml"), "?peppol=false").json()["ok"]


def test_the_api_is_for_the_owner_and_refuses_a_file_too_large(api, client, settings):
    assert post(client, example(FACTURX)).status_code == 401
    settings.MAX_IMPORT_BYTES = 1024
    refused = post(api, example(FACTURX))
    assert refused.status_code == 413 and "larger than" in refused.json()["detail"]


def test_patron_s_own_findings_speak_the_language_in_use():
    with translation.override("fr"):
        report = validate(plain_pdf())
    messages = {f.rule: f.message for f in report.errors}
    assert (
        messages["FX-ATTACH"] == "Le PDF ne contient ni factur-x.xml ni aucune autre pièce jointe."
    )
