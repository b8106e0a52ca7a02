"""Bad input that used to be taken, in a real browser and both languages: a payment a thousand
times the balance asks to be confirmed; an IBAN whose bank Patron does not know is saved
with a hint."""

import pytest
from playwright.sync_api import expect

from patron.billing.documents.issuing import do_issue
from patron.billing.models import Payment
from patron.business.models import Business
from patron.contacts.models import Contact
from tests.fixtures import draft, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_payment_far_beyond_the_balance_is_confirmed_first(
    page_fr, live_server, owner, business, screenshot
):
    acme = Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
    )
    invoice = do_issue(owner, draft(acme, ("Design", "10", "100", "21")))  # 1 210,00 €
    page = page_fr
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/billing/{invoice.pk}/")
    page.get_by_text("Enregistrer un paiement").click()
    page.locator("#id_payment-amount").fill("1210000")
    page.locator(".payment-form button[type=submit]").click()
    expect(page.locator(".payment-form")).to_contain_text("de plus que les")
    box = page.locator("#id_payment-confirm_overpayment")
    expect(box).to_be_visible()
    expect(page.locator(".payment-form")).to_contain_text("comme avoir du client")
    screenshot(page, "payment-overpayment-fr")
    assert not Payment.objects.exists()
    box.check()
    page.locator(".payment-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("gardé comme avoir du client")
    assert Payment.objects.get().amount == 1210000


def test_an_iban_of_an_unlisted_bank_is_saved_with_a_hint(
    page_en, live_server, owner, business, screenshot
):
    page = page_en
    log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/app/settings/business/")
    page.locator("#id_iban").fill("BE68 5390 0754 7034")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("The business profile has been saved.")
    expect(page.locator("main")).to_contain_text("does not know the bank code")
    screenshot(page, "profile-iban-hint-en")
    assert Business.objects.get().iban == "BE68 5390 0754 7034"
