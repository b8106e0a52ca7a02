"""What the accountant asks for, for a period: every issued invoice and credit note (one row
per document, one per line), the payments and the expenses as CSV, and the PDF and XML
files of the documents, together in one ZIP.

The CSV cells are made formula-safe (patron/system/exporting.py) and carry a BOM, so that
a spreadsheet opens them in UTF-8. The files in the ZIP are the stored renderings: the
same bytes the client received (rendered now only if one is missing).
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from patron.billing.documents.deposits import deducted_totals, deductions
from patron.billing.einvoice.rendering import filename, formats_of, rendering
from patron.billing.models import Document, Kind, Payment, Status, Unit
from patron.billing.payments.ledger import open_amount, state_of, with_states
from patron.money import amount_text
from patron.system.exporting import neutralise
from patron.work.expenses.views import expense_table
from patron.work.models import Expense

ZERO = Decimal("0.00")
MAX_DAYS = 3 * 366  # a period longer than this is most likely a typing mistake


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise ValidationError(_("Give the first and the last day of the period."))
        if self.end < self.start:
            raise ValidationError(_("The period ends before it starts."))
        if (self.end - self.start).days > MAX_DAYS:
            raise ValidationError(_("A period is at most three years long."))

    @property
    def slug(self):
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def documents_of(period):
    """The invoices and credit notes issued in the period, in the order of their numbers."""
    documents = Document.objects.filter(
        kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE],
        issue_date__gte=period.start,
        issue_date__lte=period.end,
    ).exclude(status=Status.DRAFT)
    return with_states(documents.select_related("client", "corrects")).order_by(
        "kind", "issue_date", "sequence_number"
    )


def deducted_sums(documents):
    """{pk: (base, VAT)} the final invoices among `documents` deduct for their deposits."""
    return {
        pk: (sum((g.taxable for g in groups), ZERO), sum((g.vat for g in groups), ZERO))
        for pk, groups in deductions(documents).items()
    }


def document_table(documents):
    """A row per document, as it states its totals. A final invoice states the whole job and
    deducts its deposit invoices, already in the table: the last two columns say what it
    deducts, so that the totals less them count the job once."""
    header = [
        _("Number"), _("Kind"), _("Issue date"), _("Due date"), _("Client"), _("Client VAT number"),
        _("Country"), _("Currency"), _("VAT"), _("Total excl. VAT"), _("VAT amount"),
        _("Total incl. VAT"), _("Paid"), _("Still to pay or refund"), _("Status"), _("Corrects"),
        _("Deposit deducted excl. VAT"), _("Deposit VAT deducted"),
    ]  # fmt: skip
    documents = list(documents.prefetch_related("lines", "adjustments"))
    deducted = deducted_sums(documents)
    rows = (
        (
            d.number,
            d.get_kind_display(),
            d.issue_date.isoformat(),
            d.due_date.isoformat() if d.due_date else "",
            d.buyer.get("display_name", ""),
            d.buyer.get("vat_number", ""),
            d.buyer.get("country", ""),
            d.currency,
            d.get_treatment_display(),
            d.total_excl_vat,
            d.total_vat,
            d.total_incl_vat,
            amount_text(d.paid),
            amount_text(open_amount(d)),
            state_of(d),
            d.corrects.number if d.corrects else "",
            *(amount_text(amount) for amount in deducted.get(d.pk, (ZERO, ZERO))),
        )
        for d in documents
    )
    return header, rows


def line_table(documents):
    """A row per line; after a final invoice's lines, a row per VAT group of the deposit it
    deducts (no line number, a negative net), so that the nets of a rate add up to what
    the period makes taxable at it."""
    header = [
        _("Number"), _("Issue date"), _("Client"), _("Line"), _("Description"), _("Quantity"),
        _("Unit"), _("Unit price"), _("Discount (%)"), _("VAT category"), _("VAT rate (%)"),
        _("Net"), _("Currency"),
    ]  # fmt: skip
    documents = list(documents.prefetch_related("lines", "adjustments"))
    deducted = deductions(documents)

    def rows_of(d):
        for n, line in enumerate(d.lines.all(), start=1):
            yield (
                d.number,
                d.issue_date.isoformat(),
                d.buyer.get("display_name", ""),
                n,
                line.description,
                line.quantity.normalize(),
                line.unit,
                line.unit_price.normalize(),
                line.discount_percent,
                line.category,
                line.vat_rate,
                line.net,
                d.currency,
            )
        for group in deducted.get(d.pk, ()):
            yield (
                d.number,
                d.issue_date.isoformat(),
                d.buyer.get("display_name", ""),
                "",
                _("Deposit deducted"),
                1,
                Unit.LUMP_SUM,
                -group.taxable,
                Decimal("0.00"),
                group.category,
                amount_text(group.rate),
                amount_text(-group.taxable),
                d.currency,
            )

    return header, (row for d in documents for row in rows_of(d))


def payments_of(period):
    return Payment.objects.filter(date__gte=period.start, date__lte=period.end)


def payment_table(payments):
    header = [
        _("Date"), _("Client"), _("Direction"), _("Method"), _("Reference"), _("Amount"),
        _("Currency"), _("Settles"), _("Client's credit"),
    ]  # fmt: skip
    rows = (
        (
            p.date.isoformat(),
            p.client.display_name,
            p.get_direction_display(),
            p.get_method_display(),
            p.reference,
            p.amount,
            p.currency,
            " ".join(f"{a.document.number}:{a.amount}" for a in p.allocations.all()),
            amount_text(p.amount - sum(a.amount for a in p.allocations.all())),
        )
        for p in payments
    )
    return header, rows


def expenses_of(period):
    return Expense.objects.filter(on__gte=period.start, on__lte=period.end).order_by("on", "pk")


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()


def tables(period):
    """(file name, header, rows) of each CSV of the period."""
    documents = documents_of(period)
    return [
        ("documents.csv", *document_table(documents)),
        ("lines.csv", *line_table(documents)),
        (
            "payments.csv",
            *payment_table(
                payments_of(period)
                .select_related("client")
                .prefetch_related("allocations__document")
                .order_by("date", "pk")
            ),
        ),
        ("expenses.csv", *expense_table(expenses_of(period))),
    ]


def write_archive(period, out, progress=None):
    """Write the period's ZIP into the binary file `out`; the number of documents in it.
    Slow when PDFs must be rendered: the worker runs it (archive.py), never a request.
    `progress(done, total)` is called before the first document and after each."""
    documents = list(documents_of(period))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in tables(period):
            archive.writestr(name, csv_bytes(header, rows))
        if progress:
            progress(0, len(documents))
        for done, document in enumerate(documents, start=1):
            for fmt in formats_of(document):
                _name, _mimetype, data = rendering(document, fmt)
                archive.writestr(f"documents/{filename(document, fmt)}", data)
            if progress:
                progress(done, len(documents))
    return len(documents)


def presets(today):
    """Periods a user asks for most: this and last month, quarter and year."""
    month = date(today.year, today.month, 1)
    last_month_end = month - timedelta(days=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_quarter_end = quarter - timedelta(days=1)
    last_quarter = date(last_quarter_end.year, last_quarter_end.month - 2, 1)
    return [
        (_("This month"), Period(month, today)),
        (_("Last month"), Period(last_month_end.replace(day=1), last_month_end)),
        (_("This quarter"), Period(quarter, today)),
        (_("Last quarter"), Period(last_quarter, last_quarter_end)),
        (_("This year"), Period(date(today.year, 1, 1), today)),
        (_("Last year"), Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))),
    ]


def summary(period):
    """Counts and totals per currency of the period, for the page."""
    documents = (
        Document.objects.filter(
            kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE],
            issue_date__gte=period.start,
            issue_date__lte=period.end,
        )
        .exclude(status=Status.DRAFT)
        .values("currency")
        .annotate(
            invoices=Count("pk", filter=Q(kind=Kind.INVOICE)),
            credit_notes=Count("pk", filter=Q(kind=Kind.CREDIT_NOTE)),
            invoiced=Sum("total_excl_vat", filter=Q(kind=Kind.INVOICE), default=0),
            credited=Sum("total_excl_vat", filter=Q(kind=Kind.CREDIT_NOTE), default=0),
            vat=Sum("total_vat", filter=Q(kind=Kind.INVOICE), default=0),
            vat_credited=Sum("total_vat", filter=Q(kind=Kind.CREDIT_NOTE), default=0),
        )
        .order_by("currency")
    )
    received = (
        payments_of(period)
        .values("currency")
        .annotate(
            received=Sum("amount", filter=Q(direction=Payment.Direction.RECEIVED), default=0),
            refunded=Sum("amount", filter=Q(direction=Payment.Direction.REFUNDED), default=0),
            count=Count("pk"),
        )
        .order_by("currency")
    )
    # A final invoice counts without the deposit it deducts, and so does the credit note
    # that mirrors one (deposits.py).
    issued = Document.objects.filter(
        issue_date__gte=period.start, issue_date__lte=period.end
    ).exclude(status=Status.DRAFT)
    deducted = deducted_totals(issued.filter(kind=Kind.INVOICE))
    deducted_back = deducted_totals(issued.filter(kind=Kind.CREDIT_NOTE))  # negative
    rows = []
    for row in documents:
        base, vat = deducted.get(row["currency"], (ZERO, ZERO))
        base_back, vat_back = deducted_back.get(row["currency"], (ZERO, ZERO))
        invoiced, vat_invoiced = row["invoiced"] - base, row["vat"] - vat
        credited, vat_credited = row["credited"] + base_back, row["vat_credited"] + vat_back
        rows.append(
            {
                **row,
                "invoiced": invoiced,
                "vat": vat_invoiced,
                "credited": credited,
                "vat_credited": vat_credited,
                "net_vat": vat_invoiced - vat_credited,
            }
        )
    return {
        "documents": rows,
        "payments": list(received),
        "expenses": expenses_of(period).count(),
    }
