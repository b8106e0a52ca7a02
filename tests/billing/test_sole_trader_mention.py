"""A French individual entrepreneur's name carries "EI" once (C. com. R123-237), on the
PDF, the CII and the UBL alike, however the name already writes it."""

import io

import pytest
from lxml import etree
from pypdf import PdfReader

from patron.billing.einvoice.facturx import cii_xml, facturx_pdf
from patron.billing.einvoice.ubl import ubl_xml
from patron.billing.rules.mentions import registered_name
from patron.billing.rules.vat import Treatment
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business
from tests.billing import scenarios

FRENCH_SOLE_TRADER = {"country": "FR", "legal_form": "micro"}


@pytest.mark.parametrize(
    "name",
    [
        "Camille Exemple EI",
        "Camille Exemple ei",
        "Camille Exemple E.I.",
        "Camille Exemple E. I.",
        "Camille Exemple (EI)",
        "Camille Exemple - EI",
        "EI Camille Exemple",
        "Camille Exemple, entrepreneur individuel",
        "Camille Exemple Entrepreneur Individuel",
        "Camille Exemple, entrepreneure individuelle",
        "Entrepreneur individuel Camille Exemple",
        "Camille Exemple EIRL",
    ],
)
def test_a_name_that_already_carries_the_mention_is_left_as_it_is(name):
    assert registered_name(name, FRENCH_SOLE_TRADER) == name


@pytest.mark.parametrize("name", ["Camille Exemple", "Camille Leï", "Eiffel Conseil"])
def test_a_name_without_the_mention_gets_it(name):
    assert registered_name(name, FRENCH_SOLE_TRADER) == f"{name} EI"


def test_only_a_french_sole_trader_gets_the_mention():
    assert registered_name("Camille Exemple", {"country": "BE", "legal_form": "micro"}) == (
        "Camille Exemple"
    )
    assert registered_name("Camille SAS", {"country": "FR", "legal_form": "company"}) == (
        "Camille SAS"
    )


def pdf_text(data):
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_camille_exemple_ei_is_not_ei_ei_on_the_pdf_the_cii_or_the_ubl(owner):
    form = ProfileForm(
        {**scenarios.FRENCH_PROFILE, "legal_name": "Camille Exemple EI", "trading_name": ""}
    )
    assert form.is_valid(), form.errors
    do_save_business(owner, form)
    client = scenarios.client(
        name="Boulangerie Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )
    invoice = scenarios.issue(
        owner,
        client,
        [("Site vitrine", "1", "1800", "0")],
        treatment=Treatment.FRANCHISE,
        language="fr",
    )
    assert invoice.seller["legal_name"] == "Camille Exemple EI"

    text = pdf_text(facturx_pdf(invoice))
    assert "Camille Exemple EI" in text
    assert "EI EI" not in text

    cii = etree.fromstring(cii_xml(invoice))
    seller = cii.xpath("//*[local-name()='SellerTradeParty']/*[local-name()='Name']/text()")
    assert seller == ["Camille Exemple EI"]

    ubl = etree.fromstring(ubl_xml(invoice))
    names = ubl.xpath(
        "//*[local-name()='AccountingSupplierParty']//*[local-name()='RegistrationName']/text()"
    )
    assert names == ["Camille Exemple EI"]
    legal_form = ubl.xpath("//*[local-name()='CompanyLegalForm']/text()")
    assert legal_form == ["EI"]  # BT-33 still says it


def test_a_name_without_the_mention_still_gets_it_once_everywhere(owner):
    invoice = scenarios.franchise_fr(owner)[0]
    assert "Julien Marin EI" in pdf_text(facturx_pdf(invoice))
    cii = etree.fromstring(cii_xml(invoice))
    seller = cii.xpath("//*[local-name()='SellerTradeParty']/*[local-name()='Name']/text()")
    assert seller == ["Julien Marin EI"]
    ubl = etree.fromstring(ubl_xml(invoice))
    names = ubl.xpath(
        "//*[local-name()='AccountingSupplierParty']//*[local-name()='RegistrationName']/text()"
    )
    assert names == ["Julien Marin EI"]
