import pytest

from patron.contacts.models import Contact


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True, name="Acme SRL", country="BE", is_client=True
    )


@pytest.fixture
def anna(acme):
    return Contact.objects.create(
        first_name="Anna",
        last_name="Peeters",
        email="anna@acme.example",
        organisation=acme,
        is_client=True,
        linkedin_url="https://www.linkedin.com/in/annapeeters",
    )
