"""Fixtures of the billing tests: Acme SA, the invoices the sample statements pay, the BNP
layout, an API client."""

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.billing.documents.issuing import do_issue
from patron.billing.models import BankMapping
from patron.contacts.models import Contact
from tests.billing.statement_samples import numbered
from tests.fixtures import draft


@pytest.fixture
def invoices(owner, business):
    """Acme's invoice (1,210.00), Brasserie Vos's (242.00), Atelier Nord's (605.00)."""
    made = []
    for number, (name, price) in enumerate(
        [("Acme SA", "1000"), ("Brasserie Vos", "200"), ("Atelier Nord", "500")], 1
    ):
        client = Contact.objects.create(
            is_organisation=True,
            name=name,
            is_client=True,
            street="Rue Haute 1",
            postcode="1000",
            city="Bruxelles",
            country="BE",
        )
        made.append(numbered(do_issue(owner, draft(client, ("Design", "1", price, "21"))), number))
    return made


@pytest.fixture
def acme(db):
    """Acme SA of Ixelles, a Belgian client with a VAT number."""
    return Contact.objects.create(
        is_organisation=True, name="Acme SA", is_client=True, street="Avenue Louise 1",
        postcode="1050", city="Ixelles", country="BE", vat_number="BE0403170701",
    )  # fmt: skip


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


@pytest.fixture
def token_client(owner, business):
    token = create_token(owner, "tests")[1]
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")
