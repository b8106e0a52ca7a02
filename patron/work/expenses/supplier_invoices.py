"""A supplier's e-invoice booked as an expense: supplier matched or created as a contact,
lines and VAT per rate from the XML, the original file kept as the receipt.

Each supplier invoice is booked once: its identity (the seller's VAT number, else its
company number, else its name; credit note or invoice; the number) is hashed into the
expense's unique `einvoice_key`, so importing the same invoice again, as the same file,
its PDF after its XML or from two requests at once, returns the expense already there.
A supplier credit note is an expense with negative amounts.

`ExpenseImporter` is the `patron import expense FILE` importer; the page and the API call
`do_import_supplier_invoice` directly.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from patron.audit.log import record
from patron.contacts.models import Contact
from patron.money import cents
from patron.system.importing import ImportPlan, ImportRefused, check_size, shortened
from patron.work.expenses.einvoice_reading import EInvoiceRefused, read_einvoice
from patron.work.expenses.receipts import MAX_RECEIPT_BYTES, check_pdf
from patron.work.models import Expense, ExpenseLine, ExpenseVat

CENT = Decimal("0.01")


@dataclass
class Booked:
    expense: Expense
    created: bool  # False: the invoice was already booked as this expense
    new_supplier: bool = False
    warnings: list = field(default_factory=list)  # what fitted(invoice) said


def column(model, name):
    return model._meta.get_field(name).max_length


def fitted(invoice):
    """What of the invoice does not fit Patron's columns: EInvoiceRefused for a name, a
    number or a code (cut, it would be another one); the warnings, in words, for free text
    shortened to fit (a line's description, ending in "…") and a new supplier's details
    left out. The original file is kept as the receipt: nothing is lost."""
    seller = invoice.seller
    identities = [
        (invoice.number, column(Expense, "number"), _("The invoice number (BT-1)"), "BR-02"),
        (seller.name, column(Expense, "supplier"), _("The seller's name (BT-27)"), "BR-06"),
        (
            compact(seller.vat_number),
            column(Contact, "vat_number"),
            _("The seller's VAT number (BT-31)"),
            "",
        ),
        (
            compact(seller.company_number),
            column(Contact, "company_number"),
            _("The seller's legal registration (BT-30)"),
            "",
        ),
    ]
    for number, line in enumerate(invoice.lines, start=1):
        identities += [
            (
                line.unit,
                column(ExpenseLine, "unit"),
                _("The unit of line %(line)s (BT-130)") % {"line": number},
                "BR-CL-23",
            ),
            (
                line.vat_category,
                column(ExpenseLine, "vat_category"),
                _("The VAT category of line %(line)s (BT-151)") % {"line": number},
                "BR-CL-18",
            ),
        ]
    identities += [
        (
            group.category,
            column(ExpenseVat, "vat_category"),
            _("A VAT category (BT-118)"),
            "BR-CL-18",
        )
        for group in invoice.vat_groups
    ]
    for value, limit, term, rule in identities:
        if len(value) > limit:
            raise EInvoiceRefused(
                _("%(term)s is %(count)s characters long; Patron takes at most %(limit)s.")
                % {"term": term, "count": len(value), "limit": limit},
                rule,
            )
    warnings = []
    limit = column(ExpenseLine, "description")
    for number, line in enumerate(invoice.lines, start=1):
        if len(line.description) > limit:
            warnings.append(
                _(
                    "Line %(line)s: its description is %(count)s characters long; Patron keeps "
                    "the first %(limit)s, ending in “…” (the whole is in the original file, kept "
                    "as the receipt)."
                )
                % {"line": number, "count": len(line.description), "limit": limit - 1}
            )
            line.description = shortened(line.description, limit)
    details = [
        ("street", _("street (BT-35)")),
        ("postcode", _("postcode (BT-38)")),
        ("city", _("city (BT-37)")),
        ("email", _("email (BT-34)")),
    ]
    for name, label in details:
        value = getattr(seller, name)
        if len(value) > column(Contact, name) and find_supplier(seller) is None:
            warnings.append(
                _(
                    "The seller's %(detail)s is %(count)s characters long: the new supplier "
                    "contact is made without it."
                )
                % {"detail": label, "count": len(value)}
            )
            setattr(seller, name, "")
    return warnings


def compact(identifier):
    return re.sub(r"[^0-9A-Za-z]", "", identifier).upper()


def einvoice_key(invoice):
    seller = invoice.seller
    who = (
        f"vat:{compact(seller.vat_number)}"
        if compact(seller.vat_number)
        else f"id:{compact(seller.company_number)}"
        if compact(seller.company_number)
        else f"name:{' '.join(seller.name.casefold().split())}"
    )
    kind = "credit" if invoice.is_credit_note else "invoice"
    number = " ".join(invoice.number.casefold().split())
    return hashlib.sha256(f"{who}|{kind}|{number}".encode()).hexdigest()


def find_supplier(party):
    """The contact this seller already is (by VAT number, company number, then name)."""
    for number, value in (
        ("vat_number", compact(party.vat_number)),
        ("company_number", compact(party.company_number)),
    ):
        found = Contact.objects.filter(**{f"{number}__iexact": value}).first() if value else None
        if found:
            return found
    return Contact.objects.filter(is_organisation=True, name__iexact=party.name.strip()).first()


def supplier_contact(party, user, actor):
    """(contact, created): the seller as a contact, marked as a supplier."""
    contact = find_supplier(party)
    if contact is not None:
        if not contact.is_supplier:
            contact.is_supplier = True
            contact.save(update_fields=["is_supplier", "updated_at"])
            record(user, "update", contact, {"is_supplier": [False, True]}, actor=actor)
        return contact, False
    country = party.country.upper() if re.fullmatch(r"[A-Za-z]{2}", party.country) else ""
    contact = Contact.objects.create(
        is_organisation=True,
        name=party.name,
        is_supplier=True,
        vat_number=compact(party.vat_number),
        company_number=compact(party.company_number),
        street=party.street,
        postcode=party.postcode,
        city=party.city,
        country=country,
        email=party.email if "@" in party.email else "",
    )
    record(user, "create", contact, actor=actor)
    return contact, True


def receipt_file(data, invoice):
    """The original file, stored under a random name, as the expense's receipt."""
    if invoice.format == "facturx":
        if len(data) > MAX_RECEIPT_BYTES:
            raise EInvoiceRefused(_("The PDF is over 10 MB, the limit for a receipt."))
        try:
            check_pdf(data)
        except ValidationError as e:
            raise EInvoiceRefused(" ".join(e.messages)) from None
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")
    return ContentFile(data, name=f"{uuid.uuid4().hex}.xml")


def expense_fields(invoice):
    """The Expense's own fields for a read invoice (amounts negative for a credit note)."""
    sign = -1 if invoice.is_credit_note else 1
    largest = max(invoice.vat_groups, key=lambda group: abs(group.taxable_amount))
    vat = invoice.totals.vat
    if vat is None:
        vat = sum(group.tax_amount for group in invoice.vat_groups)
    first = invoice.lines[0].description
    more = len(invoice.lines) - 1
    label = _("Credit note %(number)s") if invoice.is_credit_note else _("Invoice %(number)s")
    description = label % {"number": invoice.number}
    if first:
        description += f": {first}"
    if more:
        description += " " + _("(+%(count)s lines)") % {"count": more}
    return {
        "on": invoice.issued_on,
        "supplier": invoice.seller.name,
        # Patron's own summary of the lines, which keep their descriptions in full.
        "description": shortened(description, column(Expense, "description")),
        "amount_excl_vat": cents(invoice.totals.excl_vat * sign),
        "vat_rate": largest.rate.quantize(CENT),
        "vat_amount": cents(vat * sign),
        "currency": invoice.currency,
        "number": invoice.number,
        "due_on": invoice.due_on,
        "einvoice_format": invoice.format,
    }


def do_import_supplier_invoice(data, *, user=None, actor="", invoice=None):
    """Book the e-invoice in `data` as an expense (or find it booked); EInvoiceRefused if not.
    `invoice`: what read_einvoice already made of `data`, not to read it twice."""
    if invoice is None:
        check_size(len(data))
        invoice = read_einvoice(data)
    key = einvoice_key(invoice)
    existing = Expense.objects.filter(einvoice_key=key).first()
    if existing is not None:
        return Booked(existing, created=False)
    warnings = fitted(invoice)
    fields = expense_fields(invoice)
    receipt = receipt_file(data, invoice)
    sign = -1 if invoice.is_credit_note else 1
    expense = Expense(**fields, einvoice_key=key)
    expense.receipt.save(receipt.name, receipt, save=False)
    stored = expense.receipt.name
    try:
        with transaction.atomic():
            contact, new_supplier = supplier_contact(invoice.seller, user, actor)
            expense.supplier_contact = contact
            expense.save()
            ExpenseLine.objects.bulk_create(
                ExpenseLine(
                    expense=expense,
                    position=position,
                    description=line.description,
                    quantity=line.quantity * sign,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    net_amount=cents(line.net_amount * sign),
                    vat_category=line.vat_category,
                    vat_rate=line.vat_rate.quantize(CENT),
                )
                for position, line in enumerate(invoice.lines, start=1)
            )
            ExpenseVat.objects.bulk_create(
                ExpenseVat(
                    expense=expense,
                    vat_category=group.category,
                    vat_rate=group.rate.quantize(CENT),
                    taxable_amount=cents(group.taxable_amount * sign),
                    vat_amount=cents(group.tax_amount * sign),
                )
                for group in invoice.vat_groups
            )
            record(
                user,
                "create",
                expense,
                {"e-invoice": [None, f"{invoice.format} {invoice.number}"]},
                actor=actor,
            )
    except IntegrityError:
        # The same invoice booked at the same moment by another request: that one stands.
        expense.receipt.storage.delete(stored)
        existing = Expense.objects.filter(einvoice_key=key).first()
        if existing is None:
            raise
        return Booked(existing, created=False)
    except BaseException:
        expense.receipt.storage.delete(stored)
        raise
    return Booked(expense, created=True, new_supplier=new_supplier, warnings=warnings)


class ExpenseImporter:
    """`patron import expense FILE`: one supplier e-invoice, booked once."""

    def __init__(self):
        self.booked = None

    def plan(self, data):
        check_size(len(data))
        invoice = read_einvoice(data)
        known = Expense.objects.filter(einvoice_key=einvoice_key(invoice)).exists()
        plan = ImportPlan(items=[(data, invoice)], warnings=[] if known else fitted(invoice))
        plan.counts = {"supplier invoices already booked" if known else "supplier invoices": 1}
        return plan

    def apply(self, plan, progress=None, user=None):
        if not plan.ok:
            raise ImportRefused(_("This file has errors; nothing was imported."))
        data, invoice = plan.items[0]
        self.booked = do_import_supplier_invoice(
            data, user=user, actor="command line", invoice=invoice
        )
        if not self.booked.created:
            return {"supplier invoices already booked": 1}
        done = {"supplier invoices": 1}
        if self.booked.new_supplier:
            done["new suppliers"] = 1
        return done


# What this importer's counts mean, in plural forms: a plan's (what would be done) and
# then apply's (what was done); `patron import` and the pages read them (system/registry).
PHRASES = {
    "supplier invoices": ngettext_lazy(
        "%(count)s supplier invoice booked as an expense",
        "%(count)s supplier invoices booked as expenses",
        "count",
    ),
    "supplier invoices already booked": ngettext_lazy(
        "%(count)s supplier invoice already booked (nothing new)",
        "%(count)s supplier invoices already booked (nothing new)",
        "count",
    ),
    "new suppliers": ngettext_lazy("%(count)s new supplier", "%(count)s new suppliers", "count"),
}
