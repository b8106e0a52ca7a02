"""Quotes, pro-formas, invoices and credit notes, their lines, and the numbering sequences.

A draft has no number and may change freely. Issuing (patron/billing/issuing.py) numbers it
in its sequence, snapshots seller and buyer, freezes lines and totals and chains its hash to
the previous document of the sequence; from then on the model refuses every change but the
few status moves that follow (sent, accepted, credited…).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patron.billing.totals import compute, line_amounts
from patron.billing.vat import Treatment, category
from patron.contacts.models import Contact
from patron.system.outbox import Outbox
from patron.work.models import Project

LANGUAGES = [("fr", "Français"), ("en", "English")]
FROZEN = _("An issued document cannot be changed: correct it with a credit note.")
UNDELETABLE = _("An issued document cannot be deleted: cancel it with a credit note.")
# What may still change on an issued document: the moves of its life after issuing.
AFTER_ISSUE = {"status", "updated_at"}


class Kind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    PROFORMA = "proforma", _("Pro-forma invoice")
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


DEFAULT_PATTERNS = {
    Kind.QUOTE: "Q-{year}-{seq:04}",
    Kind.PROFORMA: "PF-{year}-{seq:04}",
    Kind.INVOICE: "F-{year}-{seq:04}",
    Kind.CREDIT_NOTE: "CN-{year}-{seq:04}",
}


class Sequence(models.Model):
    """One numbering series: a kind of document in a year; gapless, its hash chain's head."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    pattern = models.CharField(max_length=60)
    last = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_a_year")]

    def __str__(self):
        return f"{self.kind} {self.year}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CREDITED = "credited", _("Credited")


class Unit(models.TextChoices):
    """UN/ECE Recommendation 20 codes, as EN 16931 wants them (BT-130)."""

    HOUR = "HUR", _("h")
    DAY = "DAY", _("day(s)")
    UNIT = "C62", _("unit(s)")
    MONTH = "MON", _("month(s)")
    KILOMETRE = "KMT", _("km")
    LUMP_SUM = "LS", _("lump sum")


class Document(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    client = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="documents", verbose_name=_("client")
    )
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("project"),
    )
    # Set when issued.
    sequence = models.ForeignKey(Sequence, null=True, on_delete=models.PROTECT, editable=False)
    sequence_number = models.PositiveIntegerField(null=True, editable=False)
    number = models.CharField(_("number"), max_length=60, blank=True, editable=False)
    issue_date = models.DateField(_("issue date"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, editable=False)
    seller = models.JSONField(default=dict, editable=False)
    buyer = models.JSONField(default=dict, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    structured_reference = models.CharField(max_length=20, blank=True, editable=False)

    due_date = models.DateField(_("due date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    service_start = models.DateField(_("service from"), null=True, blank=True)
    service_end = models.DateField(_("service to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fr")
    treatment = models.CharField(
        _("VAT"), max_length=20, choices=Treatment.choices, default=Treatment.NORMAL
    )
    buyer_reference = models.CharField(
        _("client's reference"),
        max_length=100,
        blank=True,
        help_text=_("Their purchase order or reference, printed on the document."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    terms = models.TextField(_("terms"), blank=True, max_length=5000)
    deposit_percent = models.DecimalField(
        _("deposit (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    quote = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        limit_choices_to={"kind": Kind.QUOTE},
    )
    is_deposit = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("corrected invoice"),
    )

    total_excl_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total_incl_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    prepaid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    amount_due = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence", "sequence_number"],
                condition=Q(sequence__isnull=False),
                name="one_number_a_document",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(number=""), name="issued_documents_have_a_number"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["issue_date"])]

    def __str__(self):
        return self.number or f"{self.get_kind_display()} ({_('draft')})"

    def save(self, *args, **kwargs):
        if self.stored_status() not in (None, Status.DRAFT):
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= AFTER_ISSUE:
                raise ValidationError(FROZEN, code="frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_status() not in (None, Status.DRAFT):
            raise ValidationError(UNDELETABLE, code="frozen")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    def stored_status(self):
        if self.pk is None:
            return None
        return Document.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def refresh_lines(self, lines):
        """Each line's category and net again (the treatment may have changed), written in one
        query, and the totals they make; a draft's only."""
        if self.stored_status() not in (None, Status.DRAFT):
            raise ValidationError(FROZEN, code="frozen")
        for line in lines:
            line.refresh_amounts(self.treatment)
        Line.objects.bulk_update(lines, ["category", "vat_rate", "net"])
        return self.compute_totals(lines)

    def compute_totals(self, lines=None):
        lines = self.lines.all() if lines is None else lines
        totals = compute(((line.category, line.vat_rate, line.net) for line in lines), self.prepaid)
        self.total_excl_vat, self.total_vat = totals.excl_vat, totals.vat
        self.total_incl_vat, self.amount_due = totals.incl_vat, totals.due
        return totals


class Line(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=1000)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=1)
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    category = models.CharField(max_length=2, editable=False)
    net = models.DecimalField(max_digits=14, decimal_places=2, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        if not self.document_is_draft():
            raise ValidationError(FROZEN, code="frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.document_is_draft():
            raise ValidationError(FROZEN, code="frozen")
        return super().delete(*args, **kwargs)

    def document_is_draft(self):
        status = Document.objects.filter(pk=self.document_id).values_list("status", flat=True)
        return status.first() in (None, Status.DRAFT)

    def refresh_amounts(self, treatment):
        """The line's category and net amount from its figures and the document's treatment."""
        if self.quantity is None or self.unit_price is None or self.vat_rate is None:
            raise ValidationError(_("A line needs a quantity, a price and a VAT rate."))
        self.category = category(treatment, self.vat_rate)
        if self.category != "S" and self.category != "Z":
            self.vat_rate = Decimal("0")
        self.net = line_amounts(self.quantity, self.unit_price, self.discount_percent or 0).net
        return self


class Sending(Outbox):
    """One email of a document to a client: queued by the page, sent once by the worker
    (an outbox row: patron/system/outbox.py)."""

    delivery = "patron.billing.sending.deliver"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="sendings")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.document} to {self.to}"


class Rendering(models.Model):
    """A file rendered from an issued document: its PDF, its CII or its UBL XML.

    Rendered once, after the document is issued (rendering.py), and kept: downloading it
    again gives the same bytes, whatever became of the templates since. The SHA-256 says
    what the file held when it was written."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF (Factur-X)")
        CII = "cii", _("CII XML (Factur-X, EN 16931)")
        UBL = "ubl", _("UBL XML (Peppol BIS 3)")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="renderings")
    format = models.CharField(max_length=3, choices=Format.choices)
    file = models.FileField(upload_to="documents/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "format"], name="one_rendering_a_format")
        ]

    def __str__(self):
        return f"{self.document} ({self.format})"


class AccountantArchive(models.Model):
    """The ZIP of a period for the accountant, built by the worker (archive.py): one per
    period, so that requests for it share one job, and built again replaces the file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)  # and at each document, while built
    built_at = models.DateTimeField(null=True, blank=True)
    documents = models.PositiveIntegerField(default=0)  # in the period
    done = models.PositiveIntegerField(default=0)  # of those, in the ZIP so far
    size = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="one_archive_a_period")
        ]

    def __str__(self):
        return f"archive {self.start} – {self.end}"


class Payment(models.Model):
    """Money received from a client, or refunded to them; recorded, never part of a document.

    A payment is spread over documents by allocations: a received payment over the client's
    invoices, a refund over their credit notes. What is not allocated stays with the client
    as a credit (an overpayment), to use on a later invoice or to refund. Recording a payment
    changes nothing in the invoices themselves (rule 2 of the design): their status follows
    from the allocations (payments.py)."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received")
        REFUNDED = "refunded", _("Refunded")

    client = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="payments", verbose_name=_("client")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.RECEIVED
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.TRANSFER
    )
    reference = models.CharField(
        _("reference"),
        max_length=140,
        blank=True,
        help_text=_("The bank's reference or the communication of the transfer."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_are_positive")
        ]
        indexes = [models.Index(fields=["client", "date"])]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount} {self.currency} ({self.date})"


class Allocation(models.Model):
    """The part of a payment that settles one document."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocations_are_positive"),
            models.UniqueConstraint(fields=["payment", "document"], name="one_allocation_a_pair"),
        ]

    def __str__(self):
        return f"{self.amount} of {self.payment} to {self.document}"


class BankMapping(models.Model):
    """How one bank lays out its CSV statements: which column holds what, by header name."""

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Detect (UTF-8, else Windows-1252)")
        UTF8 = "utf-8", "UTF-8"
        CP1252 = "cp1252", "Windows-1252"
        LATIN1 = "latin-1", "ISO-8859-1"

    class Delimiter(models.TextChoices):
        SEMICOLON = ";", _("Semicolon (;)")
        COMMA = ",", _("Comma (,)")
        TAB = "\t", _("Tab")

    class DateFormat(models.TextChoices):
        DMY_SLASH = "%d/%m/%Y", "31/12/2026"
        DMY_DASH = "%d-%m-%Y", "31-12-2026"
        DMY_DOT = "%d.%m.%Y", "31.12.2026"
        ISO = "%Y-%m-%d", "2026-12-31"

    name = models.CharField(_("bank"), max_length=60, unique=True)
    delimiter = models.CharField(
        _("separator"), max_length=1, choices=Delimiter.choices, default=Delimiter.SEMICOLON
    )
    encoding = models.CharField(
        _("encoding"), max_length=10, choices=Encoding.choices, default=Encoding.AUTO
    )
    skip_rows = models.PositiveSmallIntegerField(
        _("lines before the header"), default=0, help_text=_("Lines above the column names.")
    )
    decimal_comma = models.BooleanField(
        _("decimal comma"), default=True, help_text=_("1.234,56 rather than 1,234.56.")
    )
    date_column = models.CharField(_("date column"), max_length=100)
    date_format = models.CharField(
        _("date format"), max_length=10, choices=DateFormat.choices, default=DateFormat.DMY_SLASH
    )
    amount_column = models.CharField(
        _("amount column"),
        max_length=100,
        blank=True,
        help_text=_("Credits positive, debits negative. Or fill the two columns below."),
    )
    credit_column = models.CharField(_("credit column"), max_length=100, blank=True)
    debit_column = models.CharField(_("debit column"), max_length=100, blank=True)
    currency_column = models.CharField(
        _("currency column"), max_length=100, blank=True, help_text=_("Euros when left empty.")
    )
    name_column = models.CharField(_("counterparty name column"), max_length=100, blank=True)
    iban_column = models.CharField(_("counterparty IBAN column"), max_length=100, blank=True)
    communication_column = models.CharField(_("communication column"), max_length=100, blank=True)
    reference_column = models.CharField(
        _("bank reference column"),
        max_length=100,
        blank=True,
        help_text=_("The bank's own number for each line: it tells two equal lines apart."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Statement(models.Model):
    """A bank statement file as imported: its lines are kept, its payments confirmed one by one."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", "camt.053"
        CSV = "csv", "CSV"

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    mapping = models.ForeignKey(BankMapping, null=True, blank=True, on_delete=models.SET_NULL)
    account_iban = models.CharField(max_length=34, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.file_name


class StatementLine(models.Model):
    """One movement of a statement: credits are matched to open invoices, debits only listed."""

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        IGNORED = "ignored", _("Ignored")

    class Rule(models.TextChoices):
        STRUCTURED = "structured", _("structured communication")
        NUMBER = "number", _("invoice number in the communication")
        AMOUNT = "amount", _("exact amount and client's name")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField()
    booking_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    communication = models.CharField(_("communication"), max_length=500, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    fingerprint = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNMATCHED)
    rule = models.CharField(max_length=10, choices=Rule.choices, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_lines"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_lines"
    )

    class Meta:
        ordering = ["statement", "row", "id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.booking_date} {self.amount} {self.currency} {self.counterparty}"

    @property
    def is_credit(self):
        return self.amount > 0


from patron.billing.chasing_models import (  # noqa: E402, F401 -- the app's models, kept apart
    Recurring,
    RecurringLine,
    RecurringRun,
    Reminder,
    ReminderPause,
    ReminderStep,
    StepKind,
)
