"""An IBAN is judged by its check digits and its country's format; a bank code missing from
python-stdnum's registry is a hint, never a refusal."""

import json

import pytest
from django.test import Client

from patron.accounts.models import create_token
from patron.business.countries import check_iban, iban_hint
from patron.business.models import Business
from tests.fixtures import BELGIAN_PROFILE

# The standard Belgian example: mod-97 right, national check digits right (539007547 % 97 = 34),
# but bank code 539 is in no registry python-stdnum carries.
UNKNOWN_BANK = "BE68 5390 0754 7034"


def test_a_belgian_iban_with_right_check_digits_and_an_unlisted_bank_is_accepted():
    assert check_iban("be68539007547034") == UNKNOWN_BANK
    assert "bank code" in iban_hint(UNKNOWN_BANK)


@pytest.mark.parametrize(
    "wrong",
    [
        "BE69 5390 0754 7034",  # the IBAN check digits
        "BE41 0918 1173 5141",  # the Belgian check digits (last two) are wrong, mod-97 right
        "BE68 5390 0754 703",  # too short for Belgium
    ],
)
def test_an_iban_whose_digits_are_wrong_is_still_refused(wrong):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not a valid IBAN"):
        check_iban(wrong)


def test_a_known_bank_gives_no_hint():
    assert iban_hint(BELGIAN_PROFILE["iban"]) == ""
    assert iban_hint("FR76 3000 6000 0112 3456 7890 189") == ""


def test_the_profile_page_saves_it_and_says_the_bank_is_unknown(owner_client):
    response = owner_client.post(
        "/app/settings/business/", {**BELGIAN_PROFILE, "iban": "BE68539007547034"}, follow=True
    )
    assert Business.objects.get().iban == UNKNOWN_BANK
    assert "The business profile has been saved." in response.text
    assert "does not know the bank code of BE68 5390 0754 7034" in response.text
    # And it stays said under the field, in French too.
    page = owner_client.get("/app/settings/business/", HTTP_ACCEPT_LANGUAGE="fr").text
    assert "ne connaît pas le code de banque de BE68 5390 0754 7034" in page


def test_the_api_saves_it_and_returns_the_hint(business, owner):
    token = create_token(owner, "tests")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    response = api.patch(
        "/api/business", json.dumps({"iban": UNKNOWN_BANK}), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["iban"] == UNKNOWN_BANK
    assert "bank code" in response.json()["iban_hint"]
    assert api.get("/api/business").json()["iban_hint"] == response.json()["iban_hint"]
    Business.objects.update(iban=BELGIAN_PROFILE["iban"])
    assert api.get("/api/business").json()["iban_hint"] == ""
