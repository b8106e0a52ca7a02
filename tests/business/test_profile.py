import pytest

from patron.audit.models import AuditEntry
from patron.business.models import Business
from tests.fixtures import BELGIAN_PROFILE

FRENCH_PROFILE = {
    **BELGIAN_PROFILE,
    "country": "FR",
    "legal_form": "micro",
    "street": "12 rue des Lilas",
    "postcode": "69001",
    "city": "Lyon",
    "vat_number": "",
    "vat_regime": "franchise",
    "company_number": "732 829 320 00074",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "",
    "time_zone": "Europe/Paris",
    "social_regime": "fr-micro-bnc",
    "quarterly_contribution": "",
}


def business_state():
    return list(Business.objects.values()), AuditEntry.objects.count()


@pytest.fixture
def new_owner_client(client, owner):
    client.force_login(owner)
    return client


def test_the_business_profile_is_saved_with_numbers_normalised(new_owner_client):
    response = new_owner_client.post(
        "/app/setup/business/",
        {**BELGIAN_PROFILE, "vat_number": "be 0712.345.630", "company_number": "0712345630"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/app/setup/brand/"
    business = Business.objects.get()
    assert business.vat_number == "BE0712345630"
    assert business.company_number == "0712.345.630"
    assert business.iban == "BE71 0961 2345 6769"


def test_a_french_micro_entrepreneur_under_franchise_needs_no_vat_number(new_owner_client):
    response = new_owner_client.post("/app/setup/business/", FRENCH_PROFILE)
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.company_number == "732 829 320 00074"
    assert business.vat_regime == "franchise"


def test_a_business_that_charges_vat_must_give_its_number(new_owner_client):
    response = new_owner_client.post("/app/setup/business/", {**BELGIAN_PROFILE, "vat_number": ""})
    assert "vat_number" in response.context["form"].errors
    assert not Business.objects.exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"vat_number": "BE0712345631"}, "vat_number", "not a valid VAT number (country: Belgium)"),
        ({"vat_number": "FR40303265045"}, "vat_number", "another country (FR)"),
        ({"vat_number": "DE136695976"}, "vat_number", "another country (DE)"),
        ({"company_number": "0712.345.631"}, "company_number", "not a valid Belgian enterprise"),
        ({"iban": "BE71 0961 2345 6760"}, "iban", "not a valid IBAN"),
        ({"iban": "=cmd|' /C calc'!A0"}, "iban", "not a valid IBAN"),
        ({"bic": "GKCC"}, "bic", "not a valid BIC"),
        ({"email": "<script>@x"}, "email", "valid email"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"country": "ZZ"}, "country", "Select a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"payment_terms_days": "-5"}, "payment_terms_days", ""),
        ({"payment_terms_days": "99999999999"}, "payment_terms_days", ""),
        ({"legal_name": "x" * 10_000}, "legal_name", "at most 200 characters"),
        ({"legal_name": ""}, "legal_name", "required"),
        ({"website": "javascript:alert(1)"}, "website", "valid URL"),
    ],
)
def test_bad_profile_input_is_refused_with_a_message_and_changes_nothing(
    owner_client, change, field, message
):
    before = business_state()
    response = owner_client.post("/app/settings/business/", {**BELGIAN_PROFILE, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert business_state() == before
    # The page shows the message next to the field and keeps what was typed.
    assert "aria-invalid" in response.text
    assert 'value="Rue de la Loi 42"' in response.text


def test_a_french_siret_with_a_bad_checksum_is_refused(new_owner_client):
    response = new_owner_client.post(
        "/app/setup/business/", {**FRENCH_PROFILE, "company_number": "73282932000075"}
    )
    assert "SIRET" in " ".join(response.context["form"].errors["company_number"])
    assert not Business.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "=cmd|' /C calc'!A0",
        '=HYPERLINK("http://evil.example")',
    ],
)
def test_html_and_formulas_in_text_fields_are_kept_as_text_and_shown_escaped(owner_client, hostile):
    text_fields = ["trading_name", "legal_name", "street", "postcode", "city", "phone"]
    data = {
        **BELGIAN_PROFILE,
        **{name: hostile[:20] if name == "postcode" else hostile for name in text_fields},
    }
    response = owner_client.post("/app/settings/business/", data)
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.legal_name == hostile
    assert business.street == hostile
    for path in (
        "/app/",
        "/app/settings/business/",
        "/app/settings/brand/",
        "/app/settings/audit/",
    ):
        page = owner_client.get(path).text
        assert "<script>alert" not in page
        assert "<img src=x" not in page
    assert owner_client.get("/api/business").status_code == 401  # API needs a token, not a session


def test_changes_to_the_profile_are_in_the_audit_log(owner_client):
    owner_client.post("/app/settings/business/", {**BELGIAN_PROFILE, "city": "Ixelles"})
    entry = AuditEntry.objects.first()
    assert entry.action == "update"
    assert entry.changes == {"city": ["Bruxelles", "Ixelles"]}
    assert entry.actor == "claire@atelier-lumen.example"
    page = owner_client.get("/app/settings/audit/").text
    assert "Ixelles" in page and "Bruxelles" in page


def test_saving_an_unchanged_profile_logs_nothing(owner_client):
    before = AuditEntry.objects.count()
    owner_client.post("/app/settings/business/", BELGIAN_PROFILE)
    assert AuditEntry.objects.count() == before


def test_settings_pages_need_a_login(client, business):
    for path in (
        "/app/settings/",
        "/app/settings/business/",
        "/app/settings/brand/",
        "/app/settings/brand/logo/",
        "/app/settings/audit/",
        "/app/settings/tokens/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/app/login/")


def test_there_is_only_ever_one_business(owner, business):
    from django.db import IntegrityError, transaction

    from patron.business.forms import ProfileForm
    from patron.business.profile import BusinessExists, do_save_business

    form = ProfileForm(BELGIAN_PROFILE)
    assert form.is_valid()
    with pytest.raises(BusinessExists):
        do_save_business(owner, form)
    with pytest.raises(IntegrityError), transaction.atomic():
        Business.objects.create(**{**Business.objects.values().get(), "id": None})
    assert Business.objects.count() == 1


def test_a_second_tab_saving_the_first_profile_does_not_make_a_second_business(
    new_owner_client, owner
):
    from patron.business.forms import ProfileForm
    from patron.business.profile import do_save_business

    form = ProfileForm(BELGIAN_PROFILE)
    assert form.is_valid()
    do_save_business(owner, form)  # the other tab got there first
    response = new_owner_client.post("/app/setup/business/", {**BELGIAN_PROFILE, "city": "Namur"})
    assert response.status_code == 302
    assert Business.objects.count() == 1


def test_a_social_regime_of_another_country_is_refused(new_owner_client):
    response = new_owner_client.post(
        "/app/setup/business/", {**FRENCH_PROFILE, "social_regime": "be-main"}
    )
    assert response.status_code == 200
    assert "This social regime is not one of your business&#x27;s country." in response.text
    assert not Business.objects.exists()
