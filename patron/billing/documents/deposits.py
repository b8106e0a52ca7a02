"""What a final invoice deducts, so that the deposit's VAT and turnover count once.

A final invoice (quotes.do_final_invoice) carries the whole job in its lines and deducts the
deposit invoices through `prepaid` (BT-113), VAT included: a 10,000.00 job at 21 % with a
30 % deposit gives a deposit of 3,000.00 + 630.00 and a final invoice of 10,000.00 + 2,100.00
less 3,630.00 already invoiced. The deposit's VAT became due when the deposit was invoiced
or paid, whichever came first (Belgium since 2016, circulaire 2019/C/65), or paid (France,
CGI art. 269-2-c: docs/facts/invoicing-law.md §2.5); the final invoice adds only the rest,
7,000.00 + 1,470.00.

Every figure that adds up documents (the VAT return, the VAT to set aside, the turnover
against the limits, the accountant's tables) takes the final invoice's VAT groups less what
this module says it deducted. The deduction is the quote's issued deposit invoices, group
by group, less the credit notes on them, scaled to the amount the final invoice states it
deducts (the two are the same unless a deposit was credited after the final invoice was
drafted); a final invoice whose deposit Patron does not hold (`prepaid` without a deposit
document) deducts the same share of each of its own groups.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from patron.billing.models import Document, Kind, Status
from patron.billing.rules.totals import ZERO, VatGroup
from patron.money import cents


def group_sums(documents):
    """{(category, rate): [base, VAT]} of the documents' VAT groups added together."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    for document in documents:
        for group in document.compute_totals().groups:
            sums[(group.category, group.rate)][0] += group.taxable
            sums[(group.category, group.rate)][1] += group.vat
    return sums


def scaled(sums, share):
    return tuple(
        VatGroup(category, rate, cents(base * share), cents(vat * share))
        for (category, rate), (base, vat) in sorted(sums.items())
    )


def deductions(documents):
    """{final invoice pk: (VatGroup, …) it deducts} for the documents that deduct a deposit;
    a few queries whatever their number (the finals' deposits and the credit notes on them,
    with their lines). `documents` may be any documents: those deducting nothing are left
    out."""
    finals = [d for d in documents if deducts(d)]
    if not finals:
        return {}
    # A full credit note of a final invoice deducts the deposit as its invoice did: its
    # basis is the same quote's deposits.
    corrected = [f.corrects_id for f in finals if f.kind == Kind.CREDIT_NOTE]
    quote_of_invoice = dict(Document.objects.filter(pk__in=corrected).values_list("pk", "quote_id"))
    quote_of = {
        f.pk: f.quote_id if f.kind == Kind.INVOICE else quote_of_invoice.get(f.corrects_id)
        for f in finals
    }
    quotes = {quote for quote in quote_of.values() if quote}
    issued = Document.objects.exclude(status=Status.DRAFT).prefetch_related("lines", "adjustments")
    deposits, credited = defaultdict(list), defaultdict(list)
    for deposit in issued.filter(kind=Kind.INVOICE, is_deposit=True, quote_id__in=quotes):
        deposits[deposit.quote_id].append(deposit)
    notes = issued.filter(
        kind=Kind.CREDIT_NOTE, corrects__is_deposit=True, corrects__quote_id__in=quotes
    ).select_related("corrects")
    for note in notes:
        credited[note.corrects.quote_id].append(note)
    deducted = {}
    for final in finals:
        # What the deposits still stand for, group by group: their groups less the credit
        # notes on them.
        basis = group_sums(deposits.get(quote_of[final.pk], []))
        for key, (base, vat) in group_sums(credited.get(quote_of[final.pk], [])).items():
            basis[key][0] -= base
            basis[key][1] -= vat
        basis_incl = sum((base + vat for base, vat in basis.values()), ZERO)
        if basis_incl > 0:
            deducted[final.pk] = scaled(basis, final.prepaid / basis_incl)
        elif final.total_incl_vat > 0:
            deducted[final.pk] = scaled(group_sums([final]), final.prepaid / final.total_incl_vat)
    return deducted


def deducts(document):
    """Whether the document deducts a deposit: a final invoice, or the credit note that
    mirrors one (drafting.do_credit_note)."""
    if document.prepaid <= 0:
        return False
    return document.kind == Kind.CREDIT_NOTE or (
        document.kind == Kind.INVOICE and not document.is_deposit
    )


def deduction_of(document):
    """The (VatGroup, …) one document deducts; () for one that deducts nothing."""
    if not deducts(document):
        return ()
    return deductions([document]).get(document.pk, ())


def remainder(document, deducted=()):
    """(category, rate, base, VAT) of what the document itself makes taxable: its VAT groups
    less the deposit it deducts."""
    sums = group_sums([document])
    for group in deducted:
        sums[(group.category, group.rate)][0] -= group.taxable
        sums[(group.category, group.rate)][1] -= group.vat
    return [(category, rate, base, vat) for (category, rate), (base, vat) in sorted(sums.items())]


def deducted_totals(documents):
    """{currency: (base, VAT)} what the documents among `documents` (a queryset) that deduct
    a deposit deduct, signed as the documents count: a final invoice's positive, a credit
    note's negative (it takes back less by as much)."""
    finals = documents.filter(
        Q(kind=Kind.INVOICE, is_deposit=False) | Q(kind=Kind.CREDIT_NOTE), prepaid__gt=0
    ).prefetch_related("lines", "adjustments")
    finals = list(finals)
    totals = defaultdict(lambda: (ZERO, ZERO))
    by_pk = {final.pk: final for final in finals}
    for pk, groups in deductions(finals).items():
        document = by_pk[pk]
        sign = -1 if document.kind == Kind.CREDIT_NOTE else 1
        base, vat = totals[document.currency]
        totals[document.currency] = (
            base + sign * sum((g.taxable for g in groups), ZERO),
            vat + sign * sum((g.vat for g in groups), ZERO),
        )
    return dict(totals)


def share_of_rest(document, amount):
    """The part of what the document itself asks (its total less the deposit it deducts)
    that `amount` paid: 1 for the whole of it."""
    asked = document.total_incl_vat - document.prepaid
    return amount / asked if asked > 0 else Decimal(0)
