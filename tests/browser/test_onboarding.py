"""A new install, from the first visit to the dashboard, in French and in English.

Fields are found through their labels where the test must not depend on the
words (the French catalogue grows separately): the label text is read from the
page, then the field is looked up by that label, which also proves every input
is labelled. The business form is filled by input name.
"""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = pytest.mark.browser

OWNER = {
    "first_name": "Claire",
    "last_name": "Dubois",
    "email": "claire@atelier-lumen.example",
}
BUSINESS = {
    "legal_name": "Claire Dubois",
    "trading_name": "Atelier Lumen",
    "street": "Rue de la Loi 42",
    "postcode": "1000",
    "city": "Bruxelles",
    "email": "bonjour@atelier-lumen.example",
    "vat_number": "BE0712345630",
    "company_number": "0712345630",
    "iban": "BE71 0961 2345 6769",
    "currency": "EUR",
    "payment_terms_days": "30",
}
BUSINESS_CHOICES = {
    "legal_form": "sole_trader",
    "country": "BE",
    "vat_regime": "normal",
    "time_zone": "Europe/Brussels",
}
NEW_PRIMARY = "#7c3aed"


def path_is(path):
    return re.compile(re.escape(path) + r"$")


def labelled(page, name):
    """The field named `name`, found by its label's text, whatever the language."""
    field = page.locator(f"[name={name}]")
    label = page.locator(f"label[for='{field.get_attribute('id')}']")
    text = label.inner_text().replace("*", "").strip()
    assert text, f"the {name} field has no label"
    # The label reads "Name *" when required; the star is aria-hidden.
    found = page.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))
    expect(found).to_have_attribute("name", name)
    return found


def assert_no_csp_violations(page):
    assert page.console.csp_violations() == []


def create_owner(page, live_server, language, screenshot=None):
    page.goto(f"{live_server.url}/app/")
    expect(page).to_have_url(path_is("/app/welcome/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".steps [aria-current=step]")).to_have_count(1)
    if screenshot:
        screenshot(page, f"onboarding-{language}-welcome")
    for name, value in OWNER.items():
        labelled(page, name).fill(value)
    labelled(page, "password1").fill(PASSWORD)
    labelled(page, "password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(path_is("/app/setup/business/"))


def fill_business(page, **changes):
    values = {**BUSINESS, **changes}
    for name, value in values.items():
        page.locator(f"input[name={name}]").fill(value)
    for name, value in BUSINESS_CHOICES.items():
        page.locator(f"select[name={name}]").select_option(value)


def create_business(page, language, screenshot=None):
    expect(page.locator("html")).to_have_attribute("lang", language)
    fill_business(page)
    page.locator("select[name=document_language]").select_option(language)
    if screenshot:
        screenshot(page, f"onboarding-{language}-business")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(path_is("/app/setup/brand/"))


def letterhead_bar(page):
    """The coloured band across the top of the letterhead preview."""
    return page.locator(".letterhead svg rect").nth(1)


@pytest.fixture
def logo_png(tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGB", (240, 96), (124, 58, 237)).save(path)
    return path


@pytest.mark.parametrize("language", ["fr", "en"])
def test_onboarding_from_empty_install_to_dashboard(
    request, language, live_server, screenshot, logo_png
):
    page = request.getfixturevalue(f"page_{language}")
    create_owner(page, live_server, language, screenshot)
    create_business(page, language, screenshot)

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".steps [aria-current=step]")).to_have_count(1)
    expect(page.locator(".steps li.done")).to_have_count(2)
    expect(letterhead_bar(page)).to_have_attribute("fill", "#1f4e79")
    expect(page.locator("#letterhead")).to_contain_text("Atelier Lumen")
    screenshot(page, f"onboarding-{language}-brand")

    with page.expect_response("**/app/settings/brand/preview/") as preview:
        page.locator("input[name=primary_colour]").fill(NEW_PRIMARY)
    assert preview.value.ok
    expect(letterhead_bar(page)).to_have_attribute("fill", NEW_PRIMARY)

    with page.expect_response("**/app/settings/brand/preview/"):
        page.get_by_label("Lora", exact=True).check()
    expect(page.locator("#letterhead svg g")).to_have_attribute("font-family", "'Lora', serif")
    expect(letterhead_bar(page)).to_have_attribute("fill", NEW_PRIMARY)

    page.locator("input[name=logo]").set_input_files(logo_png)
    screenshot(page, f"onboarding-{language}-brand-changed")
    page.locator(".brand-layout button[type=submit]").click()

    expect(page).to_have_url(path_is("/app/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".app-header .brand")).to_have_text("Atelier Lumen")
    expect(page.locator("main hgroup")).to_contain_text("Claire Dubois")
    expect(page.locator("main h1")).to_contain_text("Claire")
    expect(letterhead_bar(page)).to_have_attribute("fill", NEW_PRIMARY)
    expect(page.locator(".letterhead svg g")).to_have_attribute("font-family", "'Lora', serif")
    brand_primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')"
    )
    assert brand_primary.strip() == NEW_PRIMARY, "the brand colour did not reach the page style"

    logo = page.locator(".letterhead svg image")
    expect(logo).to_have_count(1)
    response = page.request.get(live_server.url + logo.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "image/png"
    screenshot(page, f"onboarding-{language}-dashboard")
    assert_no_csp_violations(page)


def test_brand_step_can_be_skipped(page_en, live_server, screenshot):
    page = page_en
    create_owner(page, live_server, "en")
    create_business(page, "en")
    # Pico follows the system's dark mode; Patron's own colours must too.
    page.emulate_media(color_scheme="dark")
    screenshot(page, "onboarding-en-brand-dark")

    page.get_by_role("button", name="Skip for now").click()

    expect(page).to_have_url(path_is("/app/"))
    expect(page.locator(".app-header .brand")).to_have_text("Atelier Lumen")
    expect(letterhead_bar(page)).to_have_attribute("fill", "#1f4e79")
    expect(page.locator(".letterhead svg image")).to_have_count(0)
    expect(page.get_by_role("link", name="Upload your logo")).to_be_visible()
    screenshot(page, "onboarding-en-skipped-dashboard-dark")
    assert_no_csp_violations(page)


def test_bad_vat_number_is_shown_next_to_the_field_and_typing_is_kept(
    page_fr, live_server, screenshot
):
    page = page_fr
    create_owner(page, live_server, "fr")
    fill_business(page, vat_number="BE0712345631")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(path_is("/app/setup/business/"))
    vat = page.locator("input[name=vat_number]")
    expect(vat).to_have_value("BE0712345631")
    vat_field = page.locator(".field.has-error")
    expect(vat_field).to_have_count(1)
    expect(vat_field.locator("input[name=vat_number]")).to_have_count(1)
    expect(vat_field.locator("small.error")).to_be_visible()
    expect(vat).to_have_attribute("aria-invalid", "true")
    for name, value in BUSINESS.items():
        if name != "vat_number":
            expect(page.locator(f"input[name={name}]")).to_have_value(value)
    for name, value in BUSINESS_CHOICES.items():
        expect(page.locator(f"select[name={name}]")).to_have_value(value)
    screenshot(page, "onboarding-fr-business-error")
    assert_no_csp_violations(page)


def test_language_switch_on_the_welcome_page(page_fr, live_server):
    page = page_fr
    page.goto(f"{live_server.url}/app/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.locator(".language button[value=en]").click()

    expect(page).to_have_url(path_is("/app/welcome/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_be_visible()
    expect(page.locator(".language button[value=fr]")).to_have_text("Français")
    assert_no_csp_violations(page)
