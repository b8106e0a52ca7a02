"""The Factur-X PDF's catalogue declares its XML once among the associated files (/AF), as
PDF/A-3 and Factur-X 1.07 ask: each embedded file is listed once."""

import io

from pypdf import PdfReader

from patron.billing.einvoice.facturx import facturx_pdf
from tests.billing import scenarios


def test_the_factur_x_xml_is_listed_once_in_the_catalogue(owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    catalogue = PdfReader(io.BytesIO(facturx_pdf(invoice))).trailer["/Root"]
    listed = [entry.get_object()["/UF"] for entry in catalogue["/AF"]]
    assert listed == ["factur-x.xml"]
    assert catalogue["/AF"][0].get_object()["/AFRelationship"] == "/Data"
