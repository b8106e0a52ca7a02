"""A statement's credits matched to open invoices, and the matches the user confirms.

Each credit line (a debit is never a client's payment) gets at most one proposal, by the
first rule that finds an open invoice in the line's currency:
  1. structured: the digits of a Belgian structured communication (+++123/4567/89002+++)
     are those of the invoice's;
  2. number: the invoice's number appears in the communication (F-2026-0001, F20260001);
  3. amount: the line's amount is exactly what the invoice still asks, and the counterparty's
     name is the client's (case, accents, punctuation and legal forms aside).
Nothing is recorded until the user confirms: then the payment is recorded through
payments.do_record_payment, dated as the bank booked it, and linked to the line, so that a
line confirmed twice records one payment.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.models import Document, Kind, Payment, StatementLine, Status
from patron.billing.payments.ledger import with_states
from patron.billing.payments.recording import do_record_payment

State, Rule = StatementLine.State, StatementLine.Rule
LEGAL_FORMS = {
    "sa", "nv", "srl", "bv", "sprl", "bvba", "scrl", "cvba", "sc", "cv", "snc", "vof", "asbl",
    "vzw", "sas", "sasu", "sarl", "eurl", "sca", "gmbh", "ag", "ltd", "llc", "inc", "plc",
    "ei", "scs", "comm", "v",
}  # fmt: skip
STRUCTURED = re.compile(
    r"(?:\+{3}|\*{3})\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*(?:\+{3}|\*{3})"
)


def structured_digits(text):
    """The 12 digits of every Belgian structured communication in a text, with a valid check."""
    found = ["".join(m.groups()) for m in STRUCTURED.finditer(text)]
    found += re.findall(r"(?<!\d)\d{12}(?!\d)", text)
    return {d for d in found if (int(d[:10]) % 97 or 97) == int(d[10:])}


def squeezed(text):
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def name_words(name):
    """A name as a set of words: no accents, no punctuation, no legal form."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"\b(s\.?\s?a\.?|n\.?\s?v\.?|b\.?\s?v\.?)(?=\s|$)", " ", plain)
    words = set(re.findall(r"[0-9a-z]+", plain))
    return words - LEGAL_FORMS


def same_name(counterparty, client_name):
    ours, theirs = name_words(client_name), name_words(counterparty)
    return bool(ours) and bool(theirs) and (ours <= theirs or theirs <= ours)


def open_invoices(currency=None):
    """Every issued invoice that still asks for money, with its client and `outstanding`."""
    invoices = with_states(
        Document.objects.filter(kind=Kind.INVOICE).exclude(status=Status.DRAFT)
    ).filter(outstanding__gt=0)
    if currency:
        invoices = invoices.filter(currency=currency)
    return list(invoices.select_related("client").order_by("issue_date", "sequence_number"))


def propose(line, invoices):
    """(invoice, rule) for a credit line among open invoices, or (None, "")."""
    if line.amount <= 0:
        return None, ""
    candidates = [i for i in invoices if i.currency == line.currency]
    digits = structured_digits(line.communication)
    for invoice in candidates:
        ours = "".join(c for c in invoice.structured_reference if c.isdigit())
        if ours and ours in digits:
            return invoice, Rule.STRUCTURED
    words = squeezed(line.communication)
    for invoice in candidates:
        number = squeezed(invoice.number)
        if number and re.search(rf"(?<!\d){re.escape(number)}(?!\d)", words):
            return invoice, Rule.NUMBER
    for invoice in candidates:
        if invoice.outstanding == line.amount and same_name(
            line.counterparty, invoice.client.display_name
        ):
            return invoice, Rule.AMOUNT
    return None, ""


def do_propose(lines):
    """Propose a match for each unmatched or proposed credit line; how many have one."""
    lines = list(lines.filter(state__in=[State.UNMATCHED, State.PROPOSED], amount__gt=0))
    invoices = open_invoices() if lines else []
    changed, proposed = [], 0
    for line in lines:
        invoice, rule = propose(line, invoices)
        state = State.PROPOSED if invoice else State.UNMATCHED
        proposed += invoice is not None
        if (line.document_id, line.rule, line.state) != (getattr(invoice, "pk", None), rule, state):
            line.document, line.rule, line.state = invoice, rule, state
            changed.append(line)
    StatementLine.objects.bulk_update(changed, ["document", "rule", "state"])
    return proposed


def shortened(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def do_confirm_line(user, line, document=None):
    """Record the payment a credit line is: of its proposed invoice, or of `document` (another
    open invoice the user chose). Refused with a ValidationError, nothing recorded, for a
    debit, a line already confirmed or ignored, or an invoice that cannot take it."""
    line = StatementLine.objects.select_for_update().select_related("statement").get(pk=line.pk)
    if line.state == State.CONFIRMED:
        raise ValidationError(_("This line is already confirmed: its payment is recorded."))
    if line.amount <= 0:
        raise ValidationError(_("This line is money going out, not a client's payment."))
    document = document or line.document
    if document is None:
        raise ValidationError(_("Choose the invoice this line pays."))
    document = Document.objects.select_related("client").get(pk=document.pk)
    if document.kind != Kind.INVOICE or document.is_draft:
        raise ValidationError(_("A statement line pays an issued invoice."))
    recorded = do_record_payment(
        user,
        client=document.client,
        date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        method=Payment.Method.TRANSFER,
        # The payment's reference holds 140 characters, a communication 500: the whole of it
        # stays on the statement line the payment is linked to.
        reference=shortened(line.communication or line.bank_reference, 140),
        note=_("Bank statement %(name)s, row %(row)s")
        % {"name": line.statement.file_name, "row": line.row},
        documents=[document],
        # The bank's amount, not a typed one: the money came. What goes beyond the invoice
        # is the client's credit, and the confirmation's message says so.
        overpayment_confirmed=True,
    )
    chosen = document.pk != line.document_id
    line.state, line.payment, line.document = State.CONFIRMED, recorded.payment, document
    if chosen:
        line.rule = ""
    line.save(update_fields=["state", "payment", "document", "rule"])
    return recorded, document


def do_confirm_proposed(user, statement):
    """Confirm every proposed line of a statement, each on its own: ([confirmed lines],
    [(line, reason)] for those refused, which stay proposed)."""
    done, refused = [], []
    for line in statement.lines.filter(state=State.PROPOSED).order_by("row", "pk"):
        try:
            do_confirm_line(user, line)
        except ValidationError as e:
            refused.append((line, " ".join(e.messages)))
        else:
            done.append(line)
    return done, refused


@transaction.atomic
def do_ignore_line(user, line):
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.state == State.CONFIRMED:
        raise ValidationError(_("This line is confirmed: delete its payment first."))
    line.state, line.document, line.rule = State.IGNORED, None, ""
    line.save(update_fields=["state", "document", "rule"])
    record(user, "update", line.statement, {"ignored row": line.row})
    return line


def do_restore_line(user, line):
    """An ignored line back in the matching."""
    line = StatementLine.objects.get(pk=line.pk)
    if line.state == State.IGNORED:
        line.state = State.UNMATCHED
        line.save(update_fields=["state"])
        do_propose(StatementLine.objects.filter(pk=line.pk))
    return line


def statement_counts(statements):
    """The statements with, for their credit lines, `n_<state>` each state's number, and
    `n_debits`: one query for a whole list."""
    return statements.annotate(
        **{
            f"n_{state}": Count("lines", filter=Q(lines__state=state, lines__amount__gt=0))
            for state in State.values
        },
        n_debits=Count("lines", filter=Q(lines__amount__lt=0)),
    )
