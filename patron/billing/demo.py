"""The billing part of `patron demo`: documents issued for every case that applies.

Belgium (VAT charged): an invoice of unbilled time, one with several rates and a discount,
reverse charge to a Dutch agency, a Swiss client outside the scope of VAT in CHF, credit
notes in full and in part, a quote, another (5 % off and a travel fee) accepted with its
deposit and final invoices, and a draft. France (a micro-entrepreneur under the franchise): invoices of unbilled time
and typed, without VAT, and a partial credit note. In both, invoices paid in full and in
part. In both, an invoice 35 days late with its three reminders, and a monthly retainer.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from patron.billing.documents.drafting import (
    do_create_from_work,
    do_credit_note,
    new_draft,
    save_adjustments,
    save_lines,
)
from patron.billing.documents.issuing import do_issue
from patron.billing.documents.quotes import do_answer, do_deposit_invoice, do_final_invoice
from patron.billing.models import (
    Adjustment,
    AllowanceReason,
    ChargeReason,
    Kind,
    Line,
    Recurring,
    Reminder,
    Unit,
)
from patron.billing.payments.recording import do_record_payment
from patron.billing.recurring.runs import add_months
from patron.billing.reminders.dunning import due_steps, write_reminder
from patron.billing.rules.vat import Treatment
from patron.contacts.models import Contact
from patron.money import cents

ADDRESSES = {
    # name: street, postcode, city, country, VAT number, company number
    "Brasserie Vos": ("Rue Dansaert 12", "1000", "Bruxelles", "BE", "BE0417497106", "0417497106"),
    "Atelier Nord": ("Veldstraat 50", "9000", "Gent", "BE", "BE0202239951", "0202239951"),
    "Musée des Arts Modestes": ("3 place du Concert", "59800", "Lille", "FR", "", "732829320"),
}
FOREIGN = [
    # name, street, postcode, city, country, VAT number, language
    (
        "Studio Grachten BV",
        "Keizersgracht 100",
        "1015 AA",
        "Amsterdam",
        "NL",
        "NL853746333B01",
        "en",
    ),
    ("Alpine Works GmbH", "Bahnhofstrasse 10", "8001", "Zürich", "CH", "", "en"),
]


def line(description, quantity, price, rate, unit=Unit.UNIT, discount="0"):
    return Line(
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
        unit_price=Decimal(price),
        vat_rate=Decimal(rate),
        discount_percent=Decimal(discount),
    )


def complete(name, street, postcode, city, country, vat_number, company_number):
    client = Contact.objects.filter(is_organisation=True, name=name).first()
    if client is None:
        client = Contact(is_organisation=True, name=name, is_client=True)
    client.street, client.postcode, client.city, client.country = street, postcode, city, country
    client.vat_number, client.company_number = vat_number, company_number
    client.save()
    return client


def typed(owner, client, lines, **fields):
    document = new_draft(client, **fields)
    document.save()
    save_lines(document, lines)
    return document


def populate(owner, country="BE"):
    clients = {name: complete(name, *details) for name, details in ADDRESSES.items()}
    for name, street, postcode, city, land, vat_number, language in FOREIGN:
        foreign = complete(name, street, postcode, city, land, vat_number, "")
        foreign.language = language
        foreign.save(update_fields=["language"])
        clients[name] = foreign
    issued = []
    if country == "FR":
        issued.append(
            do_issue(owner, do_create_from_work(owner, clients["Musée des Arts Modestes"]))
        )
        typed_invoice = typed(
            owner,
            clients["Atelier Nord"],
            [
                line("Atelier d'identité visuelle (1 jour)", "1", "480", "0", Unit.DAY),
                line("Déplacement Lyon–Gand", "1", "95", "0"),
            ],
        )
        issued.append(do_issue(owner, typed_invoice))
        partial = do_credit_note(owner, issued[-1], full=False)
        save_lines(partial, [line("Déplacement non effectué", "1", "95", "0")])
        issued.append(do_issue(owner, partial))
    else:
        issued.append(do_issue(owner, do_create_from_work(owner, clients["Brasserie Vos"])))
        several = typed(
            owner,
            clients["Atelier Nord"],
            [
                line("Charte graphique", "1", "1200", "21", Unit.LUMP_SUM),
                line("Brochure imprimée (livre, 6 %)", "50", "12.40", "6"),
                line("Heures de mise en page", "6.5", "80", "21", Unit.HOUR, discount="10"),
            ],
        )
        issued.append(do_issue(owner, several))
        issued.append(
            do_issue(
                owner,
                typed(
                    owner,
                    clients["Studio Grachten BV"],
                    [line("Illustrations for the spring campaign", "4", "450", "21", Unit.DAY)],
                    treatment=Treatment.REVERSE_CHARGE,
                ),
            )
        )
        issued.append(
            do_issue(
                owner,
                typed(
                    owner,
                    clients["Alpine Works GmbH"],
                    [line("Poster design", "1", "2400", "0", Unit.LUMP_SUM)],
                    treatment=Treatment.OUTSIDE_EU,
                    currency="CHF",
                ),
            )
        )
        full = do_credit_note(owner, issued[2], full=True)
        issued.append(do_issue(owner, full))
        partial = do_credit_note(owner, issued[1], full=False)
        save_lines(partial, [line("Geste commercial sur la brochure", "1", "100", "6")])
        issued.append(do_issue(owner, partial))
        quote = typed(
            owner,
            clients["Brasserie Vos"],
            [line("Refonte de la carte des bières", "3", "560", "21", Unit.DAY)],
            kind=Kind.QUOTE,
            deposit_percent=Decimal("30"),
        )
        issued.append(do_issue(owner, quote))
        # A second quote the client accepted on the portal, its deposit invoiced, then the rest.
        accepted = typed(
            owner,
            clients["Atelier Nord"],
            [
                line("Identité visuelle du festival", "1", "2800", "21", Unit.LUMP_SUM),
                line("Programme imprimé (livre, 6 %)", "400", "3.20", "6"),
            ],
            kind=Kind.QUOTE,
            deposit_percent=Decimal("40"),
        )
        # 5 % off the whole quote (both rates) and a travel fee: its invoices carry them.
        save_adjustments(
            accepted,
            [
                Adjustment(
                    reason_code=AllowanceReason.DISCOUNT,
                    reason="Remise partenaire culturel",
                    percent=Decimal("5"),
                ),
                Adjustment(
                    reason_code=ChargeReason.MISCELLANEOUS,
                    reason="Déplacement Bruxelles–Gand",
                    amount=Decimal("45"),
                    vat_rate=Decimal("21"),
                ),
            ],
        )
        accepted = do_issue(owner, accepted)
        do_answer(accepted, accepted=True, name="Jan Peeters", terms_accepted=True)
        accepted.refresh_from_db()
        issued.append(accepted)
        issued.append(do_issue(owner, do_deposit_invoice(owner, accepted)))
        issued.append(do_issue(owner, do_final_invoice(owner, accepted)))
    paid = pay_some(owner, issued)
    rate = "0" if country == "FR" else "21"
    issued.append(overdue_with_reminders(owner, clients["Atelier Nord"], rate))
    retainer(
        clients["Brasserie Vos"] if country == "BE" else clients["Musée des Arts Modestes"], rate
    )
    typed(
        owner,
        clients["Atelier Nord"],
        [line("Retouches du logo", "2", "80", "0" if country == "FR" else "21", Unit.HOUR)],
    )
    numbers = ", ".join(document.number for document in issued)
    return (
        f"{len(issued)} documents issued ({numbers}), {paid} payments, reminders of an overdue "
        "invoice, a monthly retainer and a draft"
    )


def overdue_with_reminders(owner, client, rate):
    """An invoice 35 days late, with the reminders the schedule wrote for it on their days
    (marked sent: the demo's clients have no real mailbox)."""
    if not client.email:
        client.email = "compta@atelier-nord.example"
        client.save(update_fields=["email"])
    today = timezone.localdate()
    invoice = do_issue(
        owner,
        typed(
            owner,
            client,
            [line("Maintenance du site (trimestre)", "1", "900", rate)],
            due_date=today - timedelta(days=35),
        ),
    )
    for days in (3, 15, 30):
        day = invoice.due_date + timedelta(days=days)
        for planned in due_steps(day):
            if planned.document.pk == invoice.pk:
                write_reminder(planned, day)
    Reminder.objects.filter(document=invoice).update(
        state=Reminder.State.SENT, sent_at=timezone.now()
    )
    return invoice


def retainer(client, rate):
    """A monthly retainer from the first of next month, left as drafts to review."""
    today = timezone.localdate()
    start = add_months(today.replace(day=1), 1)
    recurring = Recurring.objects.create(
        name="Maintenance mensuelle", client=client, every=1, start=start
    )
    recurring.lines.create(
        description="Maintenance et hébergement du site",
        quantity=1,
        unit=Unit.MONTH,
        unit_price=Decimal("250"),
        vat_rate=Decimal(rate),
    )
    return recurring


def pay_some(owner, issued):
    """The first invoice paid by transfer, the next one in part; a deposit paid in full."""
    invoices = [d for d in issued if d.kind == Kind.INVOICE and d.currency == "EUR"]
    plan = [(invoices[0], invoices[0].amount_due)]
    if len(invoices) > 1:
        plan.append((invoices[1], cents(invoices[1].amount_due / 2)))
    plan += [(d, d.amount_due) for d in invoices[2:] if d.is_deposit]
    for invoice, amount in plan:
        do_record_payment(
            owner,
            client=invoice.client,
            date=invoice.issue_date,
            amount=amount,
            reference=invoice.structured_reference or invoice.number,
            documents=[invoice],
        )
    return len(plan)
