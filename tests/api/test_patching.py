"""A PATCH changes what it names and nothing else, through the page's form, in every
resource that patron.api.forms.patch_form serves."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.contacts.models import Contact
from patron.work.models import Project


@pytest.fixture
def api(owner, business):
    token = create_token(owner, "tests")[1]
    return Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")


def patch(api, url, data):
    return api.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def acme(db):
    return Contact.objects.create(is_organisation=True, name="Acme SA", is_client=True)


def test_a_patch_keeps_what_it_leaves_out_and_clears_what_it_sets_to_null(api, acme):
    project = Project.objects.create(
        name="Site", client=acme, rate=Decimal("90"), budget_amount=Decimal("1500")
    )
    response = patch(api, f"/api/work/projects/{project.pk}", {"budget_amount": None})
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.name, project.client, project.rate) == ("Site", acme, Decimal("90.00"))
    assert project.budget_amount is None


def test_a_patch_names_a_relation_by_its_id(api, acme):
    project = Project.objects.create(name="Site")
    other = Contact.objects.create(is_organisation=True, name="Globex", is_client=True)
    assert (
        patch(api, f"/api/work/projects/{project.pk}", {"client_id": other.pk}).status_code == 200
    )
    assert Project.objects.get().client == other
    person = Contact.objects.create(first_name="Jo", last_name="Martin")
    response = patch(api, f"/api/contacts/{person.pk}", {"organisation_id": acme.pk})
    assert response.status_code == 200, response.content
    assert Contact.objects.get(pk=person.pk).organisation == acme


def test_a_patch_can_untick_a_box(api, acme):
    response = patch(api, f"/api/contacts/{acme.pk}", {"is_client": False, "is_supplier": True})
    assert response.status_code == 200, response.content
    acme.refresh_from_db()
    assert (acme.is_client, acme.is_supplier, acme.name) == (False, True, "Acme SA")


def test_a_bad_value_in_a_patch_changes_nothing(api, acme):
    project = Project.objects.create(name="Site", rate=Decimal("90"))
    response = patch(api, f"/api/work/projects/{project.pk}", {"name": "", "rate": "95"})
    assert response.status_code == 422 and "name" in response.json()["errors"]
    project.refresh_from_db()
    assert (project.name, project.rate) == ("Site", Decimal("90.00"))
