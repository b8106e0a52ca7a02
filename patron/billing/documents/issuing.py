"""Issuing a document (rule 2 of the design): check, then number, snapshot, freeze and chain.

One short transaction locks the draft (and, for a credit note, what it depends on), checks
everything that would make the document invalid on what the database holds at that moment
and reports it all at once, then takes the next number of the document's sequence (SQLite
serialises writers with BEGIN IMMEDIATE; PostgreSQL locks the rows), snapshots seller and
buyer, freezes lines and totals, chains the document's hash to the previous one of its
sequence and writes the audit log. A failure anywhere in it rolls everything back: the draft
stays a draft and no number is used. Beneath the code, database triggers refuse any change
to an issued document (billing/frozen.py)."""

import hashlib
import json
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.documents.quotes import deposits_of
from patron.billing.models import DEFAULT_PATTERNS, Document, Kind, Sequence, Status, locked
from patron.billing.payments.ledger import with_balances
from patron.billing.rules.vat import EU, Treatment, charges_vat, rates_for
from patron.business.profile import get_business
from patron.contacts.models import Contact
from patron.money import check_currency

SELLER_FIELDS = [
    "legal_name", "trading_name", "legal_form", "street", "postcode", "city", "country",
    "email", "phone", "website", "vat_number", "company_number", "vat_regime", "iban", "bic",
    "payment_terms_days",
]  # fmt: skip
BUYER_FIELDS = [
    "is_organisation", "name", "first_name", "last_name", "street", "postcode", "city",
    "country", "email", "vat_number", "company_number",
]  # fmt: skip


def seller_snapshot(business):
    return {name: str(getattr(business, name)) for name in SELLER_FIELDS}


def buyer_snapshot(client):
    snapshot = {name: getattr(client, name) for name in BUYER_FIELDS}
    snapshot["display_name"] = client.display_name
    return snapshot


def problems(document, business=None):  # noqa: C901 -- every check, one after the other
    """Why the document cannot be issued as it is: a list of sentences, empty when it can."""
    business = business or get_business()
    found = []
    if business is None:
        return [_("Fill in your business profile first.")]
    lines = list(document.lines.all())
    client = document.client
    allowed = rates_for(business.country, timezone.localdate())
    if not lines:
        found.append(_("The document has no line."))
    for number, line in enumerate(lines, start=1):
        if not line.description.strip():
            found.append(_("Line %(n)s has no description.") % {"n": number})
        if line.quantity is None or line.quantity <= 0:
            found.append(_("Line %(n)s: the quantity must be above zero.") % {"n": number})
        if line.unit_price is None or line.unit_price < 0:
            found.append(
                _("Line %(n)s: a price cannot be negative; correct an invoice with a credit note.")
                % {"n": number}
            )
        if charges_vat(document.treatment) and allowed and line.vat_rate not in allowed:
            found.append(
                _("Line %(n)s: %(rate)s %% is not a VAT rate of %(country)s.")
                % {"n": number, "rate": line.vat_rate.normalize(), "country": business.country}
            )
    if not (client.street and client.postcode and client.city and client.country):
        found.append(_("The client's address is incomplete (street, postcode, city, country)."))
    if document.treatment == Treatment.FRANCHISE and business.vat_regime != "franchise":
        found.append(_("Your business is not under the VAT franchise: charge VAT."))
    if charges_vat(document.treatment) and business.vat_regime == "franchise":
        found.append(_("Your business is under the VAT franchise: it cannot charge VAT."))
    if charges_vat(document.treatment) and not business.vat_number:
        found.append(_("Your VAT number is missing from your business profile."))
    if document.treatment == Treatment.REVERSE_CHARGE:
        if not client.vat_number:
            found.append(_("Reverse charge needs the client's VAT number."))
        if client.country == business.country or client.country not in EU:
            found.append(_("Reverse charge applies to business clients in another EU country."))
        if not business.vat_number:
            found.append(_("Reverse charge needs your own VAT number."))
    if document.treatment == Treatment.OUTSIDE_EU and client.country in EU:
        found.append(
            _("The client is in the EU: this document cannot be outside the scope of VAT.")
        )
    if (
        client.country == "FR"
        and client.is_organisation
        and not client.company_number
        and document.kind in (Kind.INVOICE, Kind.CREDIT_NOTE)
    ):
        found.append(_("A French business client needs its SIREN (company number)."))
    found += currency_problems(document)
    adjustments = list(document.adjustments.all())
    found += adjustment_problems(document, lines, adjustments, allowed, business.country)
    found += deposit_problems(document)
    if document.kind == Kind.INVOICE and not business.iban:
        found.append(_("Your IBAN is missing from your business profile (payment details)."))
    if document.kind == Kind.CREDIT_NOTE:
        corrected = document.corrects
        if corrected is None or corrected.kind != Kind.INVOICE or corrected.is_draft:
            found.append(_("A credit note must correct an issued invoice."))
        elif corrected.client_id != document.client_id:
            found.append(_("A credit note goes to the client of the invoice it corrects."))
        else:
            # What each takes back of what the invoice asked: a final invoice asked the job
            # less its deposit, and its full credit note deducts the deposit as it did.
            credited = (
                corrected.credit_notes.exclude(pk=document.pk)
                .exclude(status=Status.DRAFT)
                .aggregate(total=Sum("amount_due"))["total"]
            ) or Decimal("0")
            total = document.totals(lines, adjustments).due
            if credited + total > corrected.amount_due:
                found.append(
                    _(
                        "Together with the credit notes already issued (%(credited)s), this one "
                        "would credit more than invoice %(number)s's %(total)s."
                    )
                    % {
                        "credited": credited,
                        "number": corrected.number,
                        "total": corrected.amount_due,
                    }
                )
            if document.prepaid and document.prepaid != corrected.prepaid:
                found.append(
                    _("A credit note deducts a deposit only as its invoice did (%(prepaid)s).")
                    % {"prepaid": corrected.prepaid}
                )
    return found


def currency_problems(document):
    """A currency out of circulation, or VAT in another currency without its rate in euros."""
    try:
        check_currency(document.currency)
    except ValidationError as e:
        return e.messages
    if document.currency != "EUR" and charges_vat(document.treatment):
        if not document.exchange_rate or document.exchange_rate <= 0:
            return [
                _(
                    "VAT must be stated in euros too: give the exchange rate of the day (or take "
                    "the ECB's), or invoice in EUR."
                )
            ]
    return []


def adjustment_problems(document, lines, adjustments, allowed, country):
    """Discounts and charges on the whole document that cannot be issued as they are."""
    found = []
    totals = document.totals(lines, adjustments)
    groups = {(line.category, line.vat_rate) for line in lines}
    for number, adjustment in enumerate(adjustments, start=1):
        rate = adjustment.vat_rate
        if rate is not None and charges_vat(document.treatment) and allowed and rate not in allowed:
            found.append(
                _("Discount or charge %(n)s: %(rate)s %% is not a VAT rate of %(country)s.")
                % {"n": number, "rate": rate.normalize(), "country": country}
            )
        if adjustment.percent is not None and rate is not None:
            if (adjustment.category, rate) not in groups:
                found.append(
                    _("Discount or charge %(n)s: no line is at %(rate)s %% VAT.")
                    % {"n": number, "rate": rate.normalize()}
                )
    for group in totals.groups:
        if group.taxable < 0:
            found.append(
                _("The discounts at %(rate)s %% VAT are larger than the lines at that rate.")
                % {"rate": group.rate.normalize()}
            )
    if totals.excl_vat < 0:
        found.append(_("The discounts are larger than the lines: the total cannot be negative."))
    return found


def deposit_problems(document):
    """A final invoice must deduct exactly the deposit invoices issued for its quote."""
    if document.kind != Kind.INVOICE or document.is_deposit or document.quote_id is None:
        return []
    # What they still stand for: less the credit notes on them (quotes.deposited).
    deposits = with_balances(deposits_of(document))
    paid = sum((d.total_incl_vat - d.credited for d in deposits), Decimal("0.00"))
    if paid != document.prepaid:
        return [
            _(
                "The deposit invoices of this quote come to %(paid)s, this invoice deducts "
                "%(prepaid)s: delete this draft and make the final invoice again."
            )
            % {"paid": paid, "prepaid": document.prepaid}
        ]
    return []


def canonical(document, lines):
    """The frozen content of an issued document, as the text its hash is computed on."""
    content = {
        "kind": document.kind,
        "number": document.number,
        "issue_date": document.issue_date.isoformat(),
        "due_date": document.due_date.isoformat() if document.due_date else "",
        "currency": document.currency,
        "treatment": document.treatment,
        "seller": document.seller,
        "buyer": document.buyer,
        "corrects": document.corrects.number if document.corrects_id else "",
        # Amounts as the database stores them, whatever their scale in memory.
        "lines": [
            [
                line.description,
                f"{line.quantity:.4f}",
                line.unit,
                f"{line.unit_price:.4f}",
                f"{line.discount_percent:.2f}",
                line.category,
                f"{line.vat_rate:.2f}",
                f"{line.net:.2f}",
            ]
            for line in lines
        ],
        "totals": [
            f"{amount:.2f}"
            for amount in (
                document.total_excl_vat,
                document.total_vat,
                document.total_incl_vat,
                document.prepaid,
                document.amount_due,
            )
        ],
        "previous": document.previous_hash,
    }
    # Written only when there is something to say, so that the hashes of documents issued
    # before Patron had them stay what they were.
    adjustments = [
        [
            adjustment.reason_code,
            adjustment.reason,
            "" if adjustment.percent is None else f"{adjustment.percent:.2f}",
            "" if adjustment.amount is None else f"{adjustment.amount:.2f}",
            adjustment.category,
            "" if adjustment.vat_rate is None else f"{adjustment.vat_rate:.2f}",
        ]
        for adjustment in document.adjustments.all()
    ]
    if adjustments:
        content["adjustments"] = adjustments
    if document.states_vat_in_euros:
        content["exchange_rate"] = [
            f"{document.exchange_rate:.6f}",
            document.exchange_rate_date.isoformat() if document.exchange_rate_date else "",
            f"{document.total_vat_eur:.2f}" if document.total_vat_eur is not None else "",
        ]
    deposits = [deposit.number for deposit in deposits_of(document)]
    if deposits:
        content["deducts"] = deposits
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def document_hash(document, lines):
    return hashlib.sha256(canonical(document, lines).encode()).hexdigest()


def structured_reference(year, number):
    """A Belgian structured communication (+++123/4567/89002+++) from the year and number."""
    base = f"{year % 100:02d}{number:08d}"
    check = int(base) % 97 or 97
    digits = f"{base}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def do_issue(user, document, *, actor=""):
    """Issue a draft; ValidationError with every reason when it cannot be.

    Steps, in one transaction:
    1. lock the draft's row (models.locked): an edit or a deletion of the same draft waits
       for the issue, or the issue waits for them and reads what they left;
    2. for a credit note, lock the client's row (as payments do) and the corrected invoice's,
       so that credit notes of one invoice are issued one after the other and each counts
       the ones before it;
    3. check everything (problems), on what the database now holds;
    4. take the next number under the sequence's lock, snapshot, freeze and chain.
    """
    business = get_business()
    with transaction.atomic():
        document = (
            locked(Document.objects)
            .select_related("client", "corrects")
            .filter(pk=document.pk)
            .first()
        )
        if document is None:
            raise ValidationError(_("This draft no longer exists: it has been deleted."))
        if not document.is_draft:
            raise ValidationError(_("This document has already been issued."))
        if document.kind == Kind.CREDIT_NOTE and document.corrects_id:
            Contact.objects.select_for_update().filter(pk=document.client_id).first()
            locked(Document.objects).filter(pk=document.corrects_id).first()
        found = problems(document, business)
        if found:
            raise ValidationError(found)
        lines = list(document.lines.all())
        document.refresh_lines(lines)
        today = timezone.localdate()
        sequence, _created = Sequence.objects.select_for_update().get_or_create(
            kind=document.kind,
            year=today.year,
            defaults={"pattern": DEFAULT_PATTERNS[document.kind]},
        )
        sequence.last += 1
        document.sequence, document.sequence_number = sequence, sequence.last
        document.number = sequence.pattern.format(year=today.year, seq=sequence.last)
        document.issue_date, document.issued_at = today, timezone.now()
        if document.kind == Kind.INVOICE and document.due_date is None:
            document.due_date = today + timedelta(days=business.payment_terms_days)
        document.seller = seller_snapshot(business)
        document.buyer = buyer_snapshot(document.client)
        if business.country == "BE" and document.kind == Kind.INVOICE:
            document.structured_reference = structured_reference(today.year, sequence.last)
        document.previous_hash = sequence.last_hash
        document.status = Status.ISSUED
        document.hash = document_hash(document, lines)
        document.save()
        sequence.last_hash = document.hash
        sequence.save(update_fields=["last", "last_hash"])
        record(user, "issue", document, actor=actor)
        # The PDF and XML files are rendered by a worker once the number is committed:
        # a slow rendering never holds the numbering lock, a failed one leaves no gap.
        transaction.on_commit(partial(enqueue_rendering, document.pk))
    return document


def enqueue_rendering(document_id):
    from patron.billing.tasks import render_document  # imported when needed: it loads Typst

    render_document.enqueue(document_id)
