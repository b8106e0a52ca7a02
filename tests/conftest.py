"""The small cast every test shares: an owner with a Belgian business."""

import pytest

from patron.accounts.owner import do_create_owner
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business

PASSWORD = "correct horse battery staple"

BELGIAN_PROFILE = {
    "trading_name": "Atelier Lumen",
    "legal_name": "Claire Dubois",
    "legal_form": "sole_trader",
    "country": "BE",
    "street": "Rue de la Loi 42",
    "postcode": "1000",
    "city": "Bruxelles",
    "email": "bonjour@atelier-lumen.example",
    "phone": "+32 470 12 34 56",
    "website": "https://atelier-lumen.example",
    "vat_number": "BE0712345630",
    "company_number": "0712.345.630",
    "vat_regime": "normal",
    "iban": "BE71 0961 2345 6769",
    "bic": "GKCCBEBB",
    "currency": "EUR",
    "payment_terms_days": "30",
    "document_language": "fr",
    "time_zone": "Europe/Brussels",
}


@pytest.fixture
def client():
    """Django's test client, speaking English unless a test asks otherwise."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def owner(db):
    return do_create_owner(
        email="claire@atelier-lumen.example", password=PASSWORD, first_name="Claire"
    )


@pytest.fixture
def business(owner):
    form = ProfileForm(BELGIAN_PROFILE)
    assert form.is_valid(), form.errors
    return do_save_business(owner, form)


@pytest.fixture
def owner_client(client, owner, business):
    client.force_login(owner)
    return client
