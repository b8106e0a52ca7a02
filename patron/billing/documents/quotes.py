"""A quote's life after it is issued: the client accepts or declines it (through the portal),
and an accepted one becomes a deposit invoice and then the final invoice that deducts it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.documents.drafting import follow_up, save_copy, save_lines
from patron.billing.models import Document, Kind, Line, Status, Unit
from patron.billing.payments.ledger import with_balances
from patron.money import cents
from patron.portal.models import Decision

OPEN = (Status.ISSUED, Status.SENT)


def is_expired(quote, today=None):
    today = today or timezone.localdate()
    return bool(quote.valid_until and quote.valid_until < today)


def why_not_answerable(quote):
    """Why the client cannot answer this quote now, or "" when they can."""
    if quote.kind != Kind.QUOTE or quote.is_draft:
        return _("Only an issued quote can be accepted or declined.")
    if Decision.objects.filter(document=quote).exists():
        return _("This quote has already been answered.")
    if quote.status not in OPEN:
        return _("This quote can no longer be answered.")
    if is_expired(quote):
        return _("This quote expired on %(date)s.") % {"date": quote.valid_until.isoformat()}
    return ""


def do_answer(quote, *, accepted, name="", reason="", terms_accepted=False, ip=None):
    """Record the client's answer to the exact version of the quote they saw."""
    with transaction.atomic():
        quote = Document.objects.select_for_update().get(pk=quote.pk)
        problem = why_not_answerable(quote)
        if problem:
            raise ValidationError(problem)
        name, reason = " ".join(name.split())[:200], reason.strip()[:2000]
        if accepted and (not name or not terms_accepted):
            raise ValidationError(_("Type your name and accept the terms to accept the quote."))
        if not accepted and not reason:
            raise ValidationError(_("Tell us why you decline the quote."))
        decision = Decision.objects.create(
            document=quote,
            accepted=accepted,
            name=name,
            reason=reason,
            terms_accepted=terms_accepted,
            ip=ip,
            version=quote.hash,
        )
        quote.status = Status.ACCEPTED if accepted else Status.DECLINED
        quote.save(update_fields=["status", "updated_at"])
        who = f"{name} (portal)" if name else "client (portal)"
        record(None, "accept" if accepted else "decline", quote, actor=who)
    return decision


def accepted_quote(quote):
    if quote.kind != Kind.QUOTE or quote.status != Status.ACCEPTED:
        raise ValidationError(_("Only an accepted quote can be invoiced."))
    return quote


def deposits_of(invoice):
    """The issued deposit invoices a final invoice deducts: those of its quote, issued before
    it (all of them while it is a draft), oldest first."""
    if invoice.quote_id is None or invoice.is_deposit or invoice.kind != Kind.INVOICE:
        return Document.objects.none()
    deposits = Document.objects.filter(quote_id=invoice.quote_id, is_deposit=True).exclude(
        status=Status.DRAFT
    )
    if invoice.issued_at:
        deposits = deposits.filter(issued_at__lt=invoice.issued_at)
    return deposits.order_by("issued_at", "pk")


def deposited(quote):
    """What the quote's issued deposit invoices still stand for: a credit note on a deposit
    gives back its part, so the final invoice deducts the deposit less what was credited."""
    deposits = with_balances(quote.invoices.filter(is_deposit=True).exclude(status=Status.DRAFT))
    return sum((d.total_incl_vat - d.credited for d in deposits), Decimal("0.00"))


@transaction.atomic
def do_deposit_invoice(user, quote):
    """A draft invoice of the quote's deposit: its percentage of each VAT group of the quote,
    discounts and charges on the whole quote included."""
    accepted_quote(quote)
    if not quote.deposit_percent:
        raise ValidationError(_("This quote asks for no deposit."))
    if quote.invoices.filter(is_deposit=True).exists():
        raise ValidationError(_("The deposit of this quote is already invoiced."))
    if quote.invoices.filter(is_deposit=False).exists():
        # The final invoice deducts only the deposits issued before it: one invoiced after
        # would be asked on top of the whole job.
        raise ValidationError(_("The final invoice of this quote exists: it asks for the rest."))
    totals = quote.compute_totals()
    invoice = follow_up(quote, Kind.INVOICE, quote=quote, is_deposit=True)
    invoice.save()
    percent = quote.deposit_percent
    shown = f"{percent.normalize():f}"
    lines = [
        Line(
            description=_("Deposit of %(percent)s %% on quote %(number)s")
            % {"percent": shown, "number": quote.number},
            quantity=Decimal(1),
            unit=Unit.LUMP_SUM,
            unit_price=cents(group.taxable * percent / 100),
            vat_rate=group.rate,
        )
        for group in totals.groups
    ]
    save_lines(invoice, lines)
    record(user, "create", invoice)
    return invoice


@transaction.atomic
def do_final_invoice(user, quote):
    """A draft invoice of the whole quote (its lines, discounts and charges) that deducts the
    deposit invoices already issued."""
    accepted_quote(quote)
    if quote.invoices.filter(is_deposit=False).exists():
        raise ValidationError(_("The final invoice of this quote already exists."))
    if quote.invoices.filter(is_deposit=True, status=Status.DRAFT).exists():
        raise ValidationError(
            _("The deposit invoice of this quote is a draft: issue or delete it first.")
        )
    invoice = follow_up(quote, Kind.INVOICE, quote=quote, prepaid=deposited(quote))
    invoice.save()
    # The deposit invoices are named on it (and in its XML) by deposits_of().
    save_copy(invoice, quote)
    record(user, "create", invoice)
    return invoice


@transaction.atomic
def do_invoice_from_proforma(user, proforma):
    """A draft invoice with the pro-forma's lines: a pro-forma is not an invoice itself."""
    if proforma.kind != Kind.PROFORMA or proforma.is_draft:
        raise ValidationError(_("Only an issued pro-forma invoice can become an invoice."))
    invoice = follow_up(proforma, Kind.INVOICE)
    invoice.save()
    save_copy(invoice, proforma)
    record(user, "create", invoice)
    return invoice
