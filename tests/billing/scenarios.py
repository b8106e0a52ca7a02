"""Issued documents of every kind Patron must render legally, and the independent validator.

Each scenario builds its drafts through the models and issues them with do_issue, as the
application does; the validator is ../shared/einvoice/validate.py, imported once.
"""

import importlib.util
import os
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest

from patron.billing.issuing import do_issue
from patron.billing.models import Document, Kind, Line
from patron.billing.vat import Treatment
from patron.business.forms import ProfileForm
from patron.business.models import Business
from patron.business.profile import do_save_business
from patron.contacts.models import Contact

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(
    os.environ.get("PATRON_EINVOICE_VALIDATOR")
    or ROOT.parent / "shared" / "einvoice" / "validate.py"
)
ARTIFACTS = ROOT / "test-artifacts" / "renderings"

# A French micro-entrepreneur, as typed into the profile form: no VAT number, a SIRET.
FRENCH_PROFILE = {
    "trading_name": "Studio Marin",
    "legal_name": "Julien Marin",
    "legal_form": "micro",
    "country": "FR",
    "street": "12 rue des Carmes",
    "postcode": "69002",
    "city": "Lyon",
    "email": "bonjour@studio-marin.example",
    "phone": "+33 6 12 34 56 78",
    "website": "",
    "vat_number": "",
    "company_number": "443 061 841 00047",
    "vat_regime": "franchise",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "currency": "EUR",
    "payment_terms_days": 30,
    "document_language": "fr",
    "time_zone": "Europe/Paris",
    "default_hourly_rate": "60.00",
    "planned_hours_per_day": "7",
}


def load_validator():
    if not VALIDATOR.is_file():
        pytest.skip(f"the e-invoice validator is not at {VALIDATOR}")
    spec = importlib.util.spec_from_file_location("einvoice_validate", VALIDATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def french_business(owner):
    form = ProfileForm(FRENCH_PROFILE)
    assert form.is_valid(), form.errors
    return do_save_business(owner, form)


def client(**fields):
    defaults = {"is_organisation": True, "is_client": True}
    return Contact.objects.create(**{**defaults, **fields})


def acme():
    return client(
        name="Acme SA", street="Avenue Louise 1", postcode="1050", city="Ixelles",
        country="BE", vat_number="BE0403170701", company_number="0403.170.701",
        email="compta@acme.example",
    )  # fmt: skip


def draft(contact, lines, **fields):
    """A draft of `lines`: (description, quantity, price, rate[, discount %[, unit]])."""
    document = Document.objects.create(client=contact, **fields)
    for position, (description, quantity, price, rate, *more) in enumerate(lines):
        line = Line(
            document=document, position=position, description=description,
            quantity=Decimal(quantity), unit_price=Decimal(price), vat_rate=Decimal(rate),
            discount_percent=Decimal(more[0] if more else "0"),
        )  # fmt: skip
        if len(more) > 1:
            line.unit = more[1]
        line.refresh_amounts(document.treatment).save()
    document.compute_totals()
    document.save()
    return document


def issue(owner, contact, lines, **fields):
    return do_issue(owner, draft(contact, lines, **fields))


def set_regime(**fields):
    Business.objects.update(**fields)


# Each scenario: (name, builder(owner) -> [issued documents]); the Belgian business exists.
def normal_single_rate(owner):
    return [issue(owner, acme(), [("Logo design", "1", "1200", "21")], language="fr")]


def with_brand_kit(owner):
    """The demo's brand kit: an SVG logo, Lora, teal and amber."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from patron.business.demo import LOGO
    from patron.business.forms import BrandForm

    brand = BrandForm(
        {"primary_colour": "#0f766e", "accent_colour": "#b45309", "typeface": "lora"},
        {"logo": SimpleUploadedFile("lumen.svg", LOGO, "image/svg+xml")},
        instance=Business.objects.get(),
    )
    assert brand.is_valid(), brand.errors
    do_save_business(owner, brand)


def several_rates(owner):
    with_brand_kit(owner)
    lines = [
        ("Website, design and build", "32", "85", "21", "0", "HUR"),
        ("Printed brochure (books rate)", "200", "1.35", "6"),
        ("Event catering coordination", "1", "450", "12", "0", "LS"),
    ]
    return [issue(owner, acme(), lines, language="en", buyer_reference="PO-2026-117")]


def discount_lines(owner):
    lines = [
        ("Workshop day", "2", "780", "21", "10", "DAY"),
        ("Follow-up calls", "3.5", "85.5", "21", "12.5", "HUR"),
        ("Travel", "120", "0.4269", "21"),
    ]
    return [issue(owner, acme(), lines, language="fr")]


def franchise_be(owner):
    set_regime(vat_regime="franchise")
    lines = [("Illustrations for the annual report", "6", "150", "0")]
    return [issue(owner, acme(), lines, treatment=Treatment.FRANCHISE, language="fr")]


def reverse_charge_nl(owner):
    nl = client(
        name="Grachten Media BV", street="Keizersgracht 100", postcode="1015 AA",
        city="Amsterdam", country="NL", vat_number="NL004495445B01", company_number="12345678",
    )  # fmt: skip
    lines = [("Brand identity, phase 1", "1", "4800", "21"), ("Revisions", "4", "85", "21")]
    return [issue(owner, nl, lines, treatment=Treatment.REVERSE_CHARGE, language="en")]


def reverse_charge_fr(owner):
    fr = client(
        name="Éditions du Rhône SAS", street="5 quai Saint-Antoine", postcode="69002",
        city="Lyon", country="FR", vat_number="FR96552100554", company_number="552 100 554",
    )  # fmt: skip
    lines = [("Mise en page d'un catalogue", "24", "70", "21", "0", "HUR")]
    return [issue(owner, fr, lines, treatment=Treatment.REVERSE_CHARGE, language="fr")]


def outside_eu_us(owner):
    us = client(
        name="Hudson Labs Inc.", street="350 Fifth Avenue", postcode="10118",
        city="New York", country="US", company_number="12-3456789", email="ap@hudson.example",
    )  # fmt: skip
    lines = [("UX audit of the onboarding flow", "5", "900", "0", "0", "DAY")]
    return [issue(owner, us, lines, treatment=Treatment.OUTSIDE_EU, language="en")]


def outside_eu_usd(owner):
    us = client(
        name="Pacific Apps LLC", street="1 Market Street", postcode="94105",
        city="San Francisco", country="US", company_number="98-7654321",
    )  # fmt: skip
    lines = [("Mobile app icons", "12", "95", "0"), ("Licence, worldwide", "1", "1500", "0")]
    return [issue(owner, us, lines, treatment=Treatment.OUTSIDE_EU, currency="USD", language="en")]


def reverse_charge_usd(owner):
    nl = client(
        name="Delta Robotics BV", street="Stationsplein 3", postcode="3511 ED",
        city="Utrecht", country="NL", vat_number="NL004495445B01",
    )  # fmt: skip
    lines = [("Technical illustrations", "10", "120", "21")]
    return [
        issue(owner, nl, lines, treatment=Treatment.REVERSE_CHARGE, currency="USD", language="en")
    ]


def outside_eu_ch(owner):
    ch = client(
        name="Alpenblick AG", street="Bahnhofstrasse 10", postcode="8001", city="Zürich",
        country="CH", vat_number="CHE-116.281.710 MWST",
    )  # fmt: skip
    lines = [("Packaging design", "1", "3200", "0")]
    return [issue(owner, ch, lines, treatment=Treatment.OUTSIDE_EU, language="fr")]


def deposit_and_final(owner):
    contact = acme()
    deposit = issue(
        owner, contact, [("Deposit: 30 % of quote Q-2026-0004", "1", "1500", "21")],
        is_deposit=True, language="fr",
    )  # fmt: skip
    final = issue(
        owner, contact,
        [("Website redesign", "1", "5000", "21"), ("Hosting, first year", "1", "240", "21")],
        prepaid=deposit.total_incl_vat, language="fr",
        service_start=deposit.issue_date.replace(day=1), service_end=deposit.issue_date,
    )  # fmt: skip
    return [deposit, final]


def credit_notes(owner):
    contact = acme()
    invoice = issue(owner, contact, [("Design", "10", "85", "21"), ("Hosting", "1", "120", "21")])
    full = issue(
        owner, contact, [("Design", "10", "85", "21"), ("Hosting", "1", "120", "21")],
        kind=Kind.CREDIT_NOTE, corrects=invoice, language="fr",
    )  # fmt: skip
    other = issue(owner, contact, [("Support", "8", "85", "21")], language="en")
    partial = issue(
        owner, contact, [("Support, two hours not worked", "2", "85", "21")],
        kind=Kind.CREDIT_NOTE, corrects=other, language="en",
    )  # fmt: skip
    return [invoice, full, other, partial]


def hostile(owner):
    contact = client(
        name='<script>alert(1)</script> "Evil" & Co', street="<b>1</b> rue <i>x</i>",
        postcode="1000", city="Bruxelles", country="BE", vat_number="BE0403170701",
        company_number="0403170701",
    )  # fmt: skip
    lines = [
        ('<img src="file:///etc/passwd"> <img src="https://example.com/x.png">', "1", "10", "21"),
        ('=HYPERLINK("http://evil.example","click") +cmd|\' /C calc\'!A0', "1", "10", "21"),
        ("Long " + "description, " * 75 + "end.", "1", "10", "21"),  # under the 1,000 allowed
        ("Unbreakable" + "x" * 300, "1", "10", "21"),
        ("Control \x01 characters \x0b and ünïcödé — “quotes” 😀", "1", "10", "21"),
    ]
    return [
        issue(
            owner, contact, lines, language="en",
            notes='<link rel="attachment" href="file:///proc/self/environ">',
            terms="<style>@import url(http://attacker.test/x.css);</style>",
            buyer_reference="<PO & 'ref'>",
        )
    ]  # fmt: skip


BELGIAN_SCENARIOS = {
    "normal-single-rate": normal_single_rate,
    "several-rates": several_rates,
    "discount-lines": discount_lines,
    "franchise-be": franchise_be,
    "reverse-charge-nl": reverse_charge_nl,
    "reverse-charge-fr": reverse_charge_fr,
    "reverse-charge-usd": reverse_charge_usd,
    "outside-eu-us": outside_eu_us,
    "outside-eu-usd": outside_eu_usd,
    "outside-eu-ch": outside_eu_ch,
    "deposit-and-final": deposit_and_final,
    "credit-notes": credit_notes,
    "hostile-input": hostile,
}


@contextmanager
def issuing_on(day):
    """Issue documents as if on `day`. do_issue dates a document from the clock, so the clock
    of the issuing module alone is set (payments and expenses are given their dates)."""
    from patron.billing import issuing

    class Clock:
        @staticmethod
        def localdate():
            return day

        @staticmethod
        def now():
            return datetime.combine(day, time(12), tzinfo=UTC)

    with mock.patch.object(issuing, "timezone", Clock):
        yield


def accepted_quote(owner, contact, lines, percent="30", **fields):
    """An issued quote of `lines` asking a `percent` deposit, accepted by the client."""
    from patron.billing.quotes import do_answer

    quote = issue(owner, contact, lines, kind=Kind.QUOTE, deposit_percent=Decimal(percent),
                  **fields)  # fmt: skip
    do_answer(quote, accepted=True, name="Jo Peeters", terms_accepted=True)
    quote.refresh_from_db()
    return quote


def deposit_invoice(owner, quote, on):
    from patron.billing.quotes import do_deposit_invoice

    with issuing_on(on):
        return do_issue(owner, do_deposit_invoice(owner, quote))


def final_invoice(owner, quote, on):
    from patron.billing.quotes import do_final_invoice

    with issuing_on(on):
        return do_issue(owner, do_final_invoice(owner, quote))


def credit_note(owner, invoice, on, lines=None):
    """An issued credit note of `invoice`: in full, or of `lines` (as `draft` takes them)."""
    from patron.billing.drafting import do_credit_note, save_lines

    note = do_credit_note(owner, invoice, full=lines is None)
    if lines is not None:
        save_lines(note, [Line(description=d, quantity=Decimal(q), unit_price=Decimal(p),
                               vat_rate=Decimal(r)) for d, q, p, r in lines])  # fmt: skip
    with issuing_on(on):
        return do_issue(owner, note)


def french_vat_business(owner):
    """The French profile, charging VAT; its client in Lyon."""
    french_business(owner)
    set_regime(vat_regime="normal", vat_number="FR44732829320", legal_form="sole_trader")
    return client(name="Lumière SARL", street="8 place Bellecour", postcode="69002",
                  city="Lyon", country="FR", company_number="552 100 554 00013")  # fmt: skip


def french_job_with_a_refunded_deposit(owner, lyon):
    """10,000.00 at 20 % with a 30 % deposit, a third of the deposit credited and refunded:

    - 10 Feb deposit invoice 3,000.00 + 600.00, paid 3,600.00 on 20 Feb;
    - 2 Mar credit note on it of 1,000.00 + 200.00, refunded 1,200.00 on 3 Mar;
    - 10 Mar final invoice 10,000.00 + 2,000.00 less the 2,400.00 left of the deposit:
      9,600.00 (8,000.00 + 1,600.00), paid on 2 Apr 2026."""
    from patron.billing.models import Payment
    from patron.billing.payments import do_record_payment

    quote = accepted_quote(owner, lyon, [("Website", "1", "10000", "20")])
    deposit = deposit_invoice(owner, quote, date(2026, 2, 10))
    do_record_payment(owner, client=lyon, date=date(2026, 2, 20), amount="3600",
                      documents=[deposit])  # fmt: skip
    note = credit_note(owner, deposit, date(2026, 3, 2), [("Deposit, a third", "1", "1000", "20")])
    do_record_payment(owner, client=lyon, date=date(2026, 3, 3), amount="1200",
                      direction=Payment.Direction.REFUNDED, documents=[note])  # fmt: skip
    final = final_invoice(owner, quote, date(2026, 3, 10))
    do_record_payment(owner, client=lyon, date=date(2026, 4, 2), amount=final.amount_due,
                      documents=[final])  # fmt: skip
    return final


def franchise_fr(owner):
    french_business(owner)
    contact = client(
        name="Boulangerie Lumière SARL", street="8 place Bellecour", postcode="69002",
        city="Lyon", country="FR", company_number="552 100 554 00013",
        email="contact@lumiere.example",
    )  # fmt: skip
    person = client(
        is_organisation=False, first_name="Anne", last_name="Roux", street="3 rue Neuve",
        postcode="69001", city="Lyon", country="FR",
    )  # fmt: skip
    return [
        issue(owner, contact, [("Site vitrine", "1", "1800", "0"), ("Photos", "10", "25", "0")],
              treatment=Treatment.FRANCHISE, language="fr"),
        issue(owner, person, [("Faire-part de naissance", "1", "180", "0")],
              treatment=Treatment.FRANCHISE, language="fr"),
    ]  # fmt: skip
