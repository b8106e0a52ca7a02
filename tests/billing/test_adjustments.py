"""Discounts and charges on the whole document (EN 16931 BG-20 / BG-21): typed on the draft
page or sent over the API, carried from a quote to its invoices and to a credit note,
checked before issuing, frozen and hashed with the document, stated in its PDF and XML."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from pypdf import PdfReader

from patron.billing.documents.drafting import do_credit_note, save_adjustments
from patron.billing.documents.issuing import do_issue, problems
from patron.billing.documents.quotes import do_answer, do_deposit_invoice, do_final_invoice
from patron.billing.documents.verify import verify
from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
from patron.billing.einvoice.ubl import ubl_xml
from patron.billing.models import Adjustment, Document, Kind, Status
from tests.billing import scenarios

UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
LINES = {
    "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
    "lines-MAX_NUM_FORMS": "200",
    "lines-0-description": "Website design", "lines-0-quantity": "1", "lines-0-unit": "LS",
    "lines-0-unit_price": "2400", "lines-0-vat_rate": "21",
    "lines-1-description": "Printed brochure", "lines-1-quantity": "200", "lines-1-unit": "C62",
    "lines-1-unit_price": "1.35", "lines-1-vat_rate": "6",
}  # fmt: skip


def adjustments_data(*rows):
    data = {
        "adjustments-TOTAL_FORMS": str(len(rows)),
        "adjustments-INITIAL_FORMS": "0",
        "adjustments-MIN_NUM_FORMS": "0",
        "adjustments-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"adjustments-{n}-{key}"] = value
    return data


def header(client):
    return {"client": client.pk, "language": "fr", "currency": "EUR", "treatment": "normal"}


@pytest.fixture
def acme(db):
    return scenarios.acme()


def test_ten_percent_off_a_fixed_discount_and_a_travel_fee_are_typed_on_the_draft_page(
    owner_client, acme
):
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/",
        {
            **header(acme),
            **LINES,
            **adjustments_data(
                {"reason_code": "95", "reason": "Remise fidélité", "percent": "10"},
                {"reason_code": "100", "reason": "", "amount": "20", "vat_rate": "6"},
                {"reason_code": "ABK", "reason": "Déplacement", "amount": "45", "vat_rate": "21"},
            ),
        },
    )
    assert response.status_code == 302, response.text
    document.refresh_from_db()
    # 21 %: 2,400 − 240 + 45 = 2,205 (VAT 463.05); 6 %: 270 − 27 − 20 = 223 (VAT 13.38).
    assert document.total_excl_vat == Decimal("2428.00")
    assert document.total_vat == Decimal("476.43")
    assert document.total_incl_vat == Decimal("2904.43")
    kinds = [(a.reason, a.is_charge, a.category) for a in document.adjustments.all()]
    # A reason left empty is the type's name in the document's language.
    assert kinds == [
        ("Remise fidélité", False, ""),
        ("Rabais spécial", False, "S"),
        ("Déplacement", True, "S"),
    ]
    page = owner_client.get(f"/app/billing/{document.pk}/").text
    assert "Remise fidélité" in page and "Déplacement" in page
    assert "€2,904.43" in page


@pytest.mark.parametrize(
    "row, message",
    [
        ({"reason_code": "95", "reason": "x"}, "Give a percentage or an amount."),
        (
            {"reason_code": "95", "percent": "10", "amount": "5", "vat_rate": "21"},
            "A percentage or an amount, not both.",
        ),
        ({"reason_code": "ABK", "amount": "45"}, "A fixed amount needs its VAT rate."),
        ({"reason_code": "95", "percent": "120"}, "at most 100 %"),
        ({"reason_code": "95", "amount": "-5", "vat_rate": "21"}, "An amount is above zero"),
        ({"reason_code": "ZZZ", "percent": "5"}, "Select a valid choice"),
        (
            {"reason_code": "ABK", "amount": "1000000000000", "vat_rate": "21"},
            "digits before the decimal point",
        ),
    ],
)
def test_a_bad_discount_or_charge_is_refused_with_its_reason_and_nothing_changes(
    owner_client, acme, row, message
):
    document = Document.objects.create(client=acme)
    response = owner_client.post(
        f"/app/billing/{document.pk}/", {**header(acme), **LINES, **adjustments_data(row)}
    )
    assert response.status_code == 200 and message in response.text
    assert not document.lines.exists() and not Adjustment.objects.exists()


def test_discounts_and_charges_are_sent_and_read_over_the_api(token_client, acme):
    body = {
        "client_id": acme.pk,
        "language": "en",
        "lines": [
            {"description": "Design", "unit_price": "2400", "vat_rate": "21"},
            {"description": "Brochure", "quantity": "200", "unit_price": "1.35", "vat_rate": "6"},
        ],
        "adjustments": [
            {"reason": "10 % off", "percent": "10"},
            {"charge": True, "reason": "Travel", "amount": "45", "vat_rate": "21"},
        ],
    }
    response = token_client.post(
        "/api/billing/documents", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["total_lines"] == "2670.00"
    assert draft["total_allowances"] == "267.00" and draft["total_charges"] == "45.00"
    assert draft["total_excl_vat"] == "2448.00"  # 2,670 − 240 − 27 + 45
    assert [a["reason_code"] for a in draft["adjustments"]] == ["95", "ABK"]
    assert [(a["rate"], a["amount"]) for a in draft["applied"]] == [
        ("21.00", "240.00"),
        ("6.00", "27.00"),
        ("21.00", "45.00"),
    ]
    assert {g["rate"]: g["taxable"] for g in draft["vat_groups"]} == {
        "21.00": "2205.00",
        "6.00": "243.00",
    }
    # A charge given a discount's code (or the reverse) is refused, and nothing changes.
    response = token_client.patch(
        f"/api/billing/documents/{draft['id']}",
        json.dumps({"adjustments": [{"charge": True, "reason_code": "95", "percent": "5"}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "adjustments.0.reason_code" in response.json()["errors"]
    assert Document.objects.get().adjustments.count() == 2


def accepted_quote(owner, acme):
    quote = scenarios.issue(
        owner,
        acme,
        scenarios.TWO_RATES,
        [
            scenarios.adjustment("95", "5 % off", percent="5"),
            scenarios.adjustment("ABK", "Travel", amount="60", rate="21"),
        ],
        kind=Kind.QUOTE,
        deposit_percent=Decimal("30"),
    )
    do_answer(quote, accepted=True, name="Anna Peeters", terms_accepted=True)
    quote.refresh_from_db()
    return quote


def test_a_quote_s_discounts_and_charges_carry_to_its_deposit_final_and_credit_note(
    owner, business, acme
):
    quote = accepted_quote(owner, acme)
    # 21 %: 2,400 − 120 + 60 = 2,340 (VAT 491.40); 6 %: 270 − 13.50 = 256.50 (VAT 15.39).
    assert quote.total_incl_vat == Decimal("3103.29")
    shown = PdfReader(io.BytesIO(facturx_pdf(quote))).pages[0].extract_text()
    assert "5 % off" in shown and "Travel" in shown  # what the client accepted
    deposit = do_issue(owner, do_deposit_invoice(owner, quote))
    # 30 % of each group after its discounts and charges: 702.00 and 76.95.
    assert [line.unit_price for line in deposit.lines.all()] == [Decimal("702"), Decimal("76.95")]
    assert not deposit.adjustments.exists()  # already in the deposit's figures
    assert deposit.total_incl_vat == Decimal("930.99")  # 702 + 147.42 + 76.95 + 4.62
    final = do_issue(owner, do_final_invoice(owner, quote))
    assert [a.reason for a in final.adjustments.all()] == ["5 % off", "Travel"]
    assert final.total_incl_vat == quote.total_incl_vat
    assert final.prepaid == Decimal("930.99") and final.amount_due == Decimal("2172.30")
    credit = do_issue(owner, do_credit_note(owner, final, full=True))
    assert [a.reason for a in credit.adjustments.all()] == ["5 % off", "Travel"]
    assert credit.total_incl_vat == final.total_incl_vat


def test_the_final_invoice_refers_to_its_deposit_in_both_syntaxes_and_on_its_pdf(
    owner, business, acme
):
    quote = accepted_quote(owner, acme)
    deposit = do_issue(owner, do_deposit_invoice(owner, quote))
    final = do_issue(owner, do_final_invoice(owner, quote))
    ubl = etree.fromstring(ubl_xml(final))
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert ubl.xpath(f"{reference}cbc:ID/text()", namespaces=UBL) == [deposit.number]
    assert ubl.xpath(f"{reference}cbc:IssueDate/text()", namespaces=UBL) == [
        deposit.issue_date.isoformat()
    ]
    cii = etree.fromstring(cii_xml(final))
    assert cii.xpath(
        "//*[local-name()='InvoiceReferencedDocument']/*[local-name()='IssuerAssignedID']/text()"
    ) == [deposit.number]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(facturx_pdf(final))).pages)
    assert f"déduit la facture d’acompte {deposit.number}" in " ".join(text.split())
    assert final.notes == ""  # no longer a free note only
    # An invoice not of a quote refers to nothing.
    other = scenarios.issue(owner, acme, [("Design", "1", "100", "21")])
    assert not etree.fromstring(ubl_xml(other)).xpath("cac:BillingReference", namespaces=UBL)


def test_a_final_invoice_that_no_longer_deducts_the_issued_deposits_is_not_issued(
    owner, business, acme
):
    quote = accepted_quote(owner, acme)
    deposit_draft = do_deposit_invoice(owner, quote)
    with pytest.raises(ValidationError, match="is a draft"):
        do_final_invoice(owner, quote)  # not while the deposit is a draft
    deposit = do_issue(owner, deposit_draft)
    final = do_final_invoice(owner, quote)
    assert problems(final) == []
    # The deposit credited after the final draft was made: it no longer deducts what stands.
    do_issue(owner, do_credit_note(owner, deposit, full=True))
    assert any("delete this draft and make the final invoice again" in p for p in problems(final))
    with pytest.raises(ValidationError):
        do_deposit_invoice(owner, quote)  # one deposit a quote, and none after the final


def test_discounts_that_cannot_be_issued_are_named(owner, business, acme):
    lines = [("Design", "1", "100", "21")]
    too_much = scenarios.draft(
        acme, lines, [scenarios.adjustment("100", "x", amount="150", rate="21")]
    )
    assert any("larger than the lines at that rate" in p for p in problems(too_much))
    no_line = scenarios.draft(acme, lines, [scenarios.adjustment("95", "x", percent="5", rate="6")])
    assert "Discount or charge 1: no line is at 6 % VAT." in problems(no_line)
    odd_rate = scenarios.draft(
        acme, lines, [scenarios.adjustment("ABK", "x", amount="5", rate="7")]
    )
    assert "Discount or charge 1: 7 % is not a VAT rate of BE." in problems(odd_rate)


def test_discounts_and_charges_are_frozen_and_hashed_with_their_document(
    owner, business, behind_patrons_back
):
    invoice = scenarios.discount_and_charge_two_rates(owner)[0]
    adjustment = invoice.adjustments.first()
    adjustment.percent = Decimal("50")
    with pytest.raises(ValidationError, match="credit note"):
        adjustment.save()
    with pytest.raises(ValidationError, match="credit note"):
        adjustment.delete()
    with pytest.raises(ValidationError, match="credit note"):
        save_adjustments(invoice, [])
    assert verify() == []
    # Changed behind Patron's back (the database's guard lifted): verify names it.
    with behind_patrons_back():
        Adjustment.objects.filter(pk=adjustment.pk).update(percent=Decimal("50"))
    assert [f.problem for f in verify()] == ["altered since it was issued"]


def test_the_pdf_shows_each_discount_and_charge_and_the_totals_they_make(owner, business):
    invoice = scenarios.discount_and_charge_two_rates(owner)[0]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(facturx_pdf(invoice))).pages
    )
    flat = "".join(text.replace("\u202f", "").replace("\xa0", "").split())
    for shown in (
        "Remisefidélité(10%de2400,00€)",
        "-240,00€",
        "Remisefidélité(10%de270,00€)",
        "-27,00€",
        "Gestecommercialsurlabrochure",
        "-20,00€",
        "DéplacementBruxelles–Gand",
        "45,00€",
        "2670,00€",
        "-287,00€",
        "2428,00€",
        "476,43€",
        "2904,43€",
        "2205,00€",
        "223,00€",
    ):
        assert shown in flat, shown


def test_issued_documents_of_before_keep_their_hash(owner, business, acme):
    invoice = scenarios.issue(owner, acme, [("Design", "1", "100", "21")])
    from patron.billing.documents.issuing import canonical

    content = json.loads(canonical(invoice, list(invoice.lines.all())))
    assert not {"adjustments", "exchange_rate", "deducts"} & set(content)
    assert invoice.status == Status.ISSUED and verify() == []
