"""Quotes, pro-formas, invoices and credit notes, their lines, and the numbering sequences.

A draft has no number and may change freely. Issuing (billing/documents/issuing.py) numbers it
in its sequence, snapshots seller and buyer, freezes lines and totals and chains its hash to
the previous document of the sequence; from then on the model refuses every change but the
few status moves that follow (sent, accepted, credited…).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from patron.billing.rules.totals import MAX_AMOUNT, compute, euro_groups, line_amounts, too_large
from patron.billing.rules.vat import STANDARD, ZERO, Treatment, category
from patron.contacts.models import Contact
from patron.money import format_money
from patron.system.outbox import Outbox
from patron.work.models import Project

LANGUAGES = [("fr", "Français"), ("en", "English")]
FROZEN = _("An issued document cannot be changed: correct it with a credit note.")
UNDELETABLE = _("An issued document cannot be deleted: cancel it with a credit note.")
TOO_LARGE = _(
    "The amounts are too large: a total cannot exceed %(max)s. Lower a quantity or a price."
)
NUMBER_TOO_LARGE = _("This number is too large to be stored.")
# What may still change on an issued document: the moves of its life after issuing.
AFTER_ISSUE = {"status", "updated_at"}


def locked(documents, *, delete=False):
    """The documents, their rows locked until the transaction ends: what every change of a
    draft, its deletion and its issue take first, so that each re-reads the document after
    the other has committed (PostgreSQL; SQLite's writers already take turns, BEGIN
    IMMEDIATE). A change that keeps the key takes the weaker NO KEY lock, which still lets
    payments and credit notes refer to the row; a deletion takes the full one."""
    return documents.select_for_update(of=("self",), no_key=not delete)


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


class AllowanceReason(models.TextChoices):
    """UNCL 5189 codes of a discount on the whole document (BT-98), among those Peppol takes."""

    DISCOUNT = "95", _("Discount")
    SPECIAL_REBATE = "100", _("Special rebate")
    LOYALTY = "102", _("Long-term (loyalty) discount")
    YEARLY_TURNOVER = "105", _("Yearly turnover discount")
    SPECIAL_AGREEMENT = "64", _("Special agreement")
    AHEAD_OF_SCHEDULE = "41", _("Bonus for work ahead of schedule")


class ChargeReason(models.TextChoices):
    """UNCL 7161 codes of a charge on the whole document (BT-105)."""

    MISCELLANEOUS = "ABK", _("Miscellaneous charge (travel, fees…)")
    ADMINISTRATIVE = "AEM", _("Administrative fee")
    RUSH = "AAT", _("Rush delivery")
    SHIPPING = "SAA", _("Shipping and handling")
    PACKING = "PC", _("Packing")
    INSTALLATION = "IAA", _("Installation")
    TESTING = "TAC", _("Testing")
    OTHER_SERVICES = "ADR", _("Other services")


def reason_label(code, language):
    """The name of a discount's or charge's type, in a document's language."""
    labels = {**dict(AllowanceReason.choices), **dict(ChargeReason.choices)}
    with translation.override(language):
        return str(labels.get(code, code))


def too_large_error():
    return ValidationError(TOO_LARGE % {"max": format_money(MAX_AMOUNT, "")}, code="too_large")


def fits(value, field):
    """Whether a Decimal fits the column of a DecimalField (max_digits, decimal_places)."""
    return abs(value) < Decimal(10) ** (field.max_digits - field.decimal_places)


def check_fits(instance):
    """ValidationError naming each amount of the row too large for its column: SQLite would
    store it, then fail on every read of the row."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            if value.is_finite() and not fits(value, field):
                too_large = field.decimal_places == 2
                errors[field.name] = too_large_error().message if too_large else NUMBER_TOO_LARGE
    if errors:
        raise ValidationError(errors, code="too_large")


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

    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_(
            "For a currency other than the euro: how much of it one euro buys, as the ECB "
            "quotes it (1 € = 1.0850 USD). VAT is stated in euros at this rate."
        ),
    )
    exchange_rate_date = models.DateField(null=True, blank=True, editable=False)
    exchange_rate_source = models.CharField(max_length=10, blank=True, editable=False)

    total_excl_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total_incl_vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    prepaid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    amount_due = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # BT-111: the VAT total in euros, at the exchange rate, for a document in another currency.
    total_vat_eur = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)

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
        # The stored status is read under the row's lock, in the transaction that writes: a
        # draft saved while it is being issued waits for the issue, then finds it issued.
        with transaction.atomic():
            if self.stored_status(lock=True) not in (None, Status.DRAFT):
                fields = kwargs.get("update_fields")
                if fields is None or not set(fields) <= AFTER_ISSUE:
                    raise ValidationError(FROZEN, code="frozen")
            check_fits(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            if self.stored_status(lock=True, delete=True) not in (None, Status.DRAFT):
                raise ValidationError(UNDELETABLE, code="frozen")
            return super().delete(*args, **kwargs)

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    def stored_status(self, *, lock=False, delete=False):
        """The status as the database holds it; with `lock`, the row stays locked until the
        transaction ends (see `locked`)."""
        if self.pk is None:
            return None
        rows = locked(Document.objects, delete=delete) if lock else Document.objects
        return rows.filter(pk=self.pk).values_list("status", flat=True).first()

    def refresh_lines(self, lines, adjustments=None):
        """Each line's (and adjustment's) category and net again (the treatment may have
        changed), written in one query each, and the totals they make; a draft's only."""
        with transaction.atomic():
            if self.stored_status(lock=True) not in (None, Status.DRAFT):
                raise ValidationError(FROZEN, code="frozen")
            adjustments = list(self.adjustments.all()) if adjustments is None else adjustments
            for line in lines:
                line.refresh_amounts(self.treatment)
            for adjustment in adjustments:
                adjustment.refresh_amounts(self.treatment)
            Line.objects.bulk_update(lines, ["category", "vat_rate", "net"])
            Adjustment.objects.bulk_update(adjustments, ["is_charge", "category", "vat_rate"])
        return self.compute_totals(lines, adjustments)

    def totals(self, lines=None, adjustments=None):
        """The Totals of the lines and adjustments (the stored ones by default)."""
        lines = self.lines.all() if lines is None else lines
        adjustments = self.adjustments.all() if adjustments is None else adjustments
        return compute(
            ((line.category, line.vat_rate, line.net) for line in lines), self.prepaid, adjustments
        )

    @property
    def states_vat_in_euros(self):
        """A document in another currency with its exchange rate: its VAT is stated in euros
        too (BT-6, BT-111), as the VAT Directive's art. 230 asks."""
        return self.currency != "EUR" and bool(self.exchange_rate)

    def compute_totals(self, lines=None, adjustments=None):
        """The Totals, copied into the document's total fields; ValidationError when one of
        them would not fit its column."""
        totals = self.totals(lines, adjustments)
        if too_large(totals):
            raise too_large_error()
        self.total_excl_vat, self.total_vat = totals.excl_vat, totals.vat
        self.total_incl_vat, self.amount_due = totals.incl_vat, totals.due
        self.total_vat_eur = None
        if self.states_vat_in_euros:
            groups = euro_groups(totals, self.exchange_rate)
            self.total_vat_eur = sum((group.vat for group in groups), Decimal("0.00"))
        return totals


class DocumentPart(models.Model):
    """What a document holds (its lines, its discounts and charges): changed only while the
    document is a draft, under the document's lock."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if not document_is_draft(self.document_id):
                raise ValidationError(FROZEN, code="frozen")
            check_fits(self)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            if not document_is_draft(self.document_id):
                raise ValidationError(FROZEN, code="frozen")
            return super().delete(*args, **kwargs)


class Line(DocumentPart):
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

    def refresh_amounts(self, treatment):
        """The line's category and net amount from its figures and the document's treatment."""
        if self.quantity is None or self.unit_price is None or self.vat_rate is None:
            raise ValidationError(_("A line needs a quantity, a price and a VAT rate."))
        self.category = category(treatment, self.vat_rate)
        if self.category != STANDARD and self.category != ZERO:
            self.vat_rate = Decimal("0")
        self.net = line_amounts(self.quantity, self.unit_price, self.discount_percent or 0).net
        if abs(self.net) > MAX_AMOUNT:
            raise too_large_error()
        return self


def document_is_draft(document_id):
    """Whether the document of a line or an adjustment is a draft, read under the document's
    lock (models.locked): the caller is in a transaction (save and delete open one)."""
    status = locked(Document.objects).filter(pk=document_id).values_list("status", flat=True)
    return status.first() in (None, Status.DRAFT)


class Adjustment(DocumentPart):
    """A discount or a charge on the whole document (EN 16931 BG-20 / BG-21): "10 % off",
    a travel fee. A fixed amount has its own VAT rate; a percentage is of the lines at its
    VAT rate, or, given without a rate, of the lines of every rate, each VAT group getting
    its share (totals.py). Frozen with its document like a line."""

    REASONS = [
        (_("Discounts"), AllowanceReason.choices),
        (_("Charges"), ChargeReason.choices),
    ]

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="adjustments")
    position = models.PositiveIntegerField(default=0)
    is_charge = models.BooleanField(default=False, editable=False)
    reason_code = models.CharField(
        _("type"), max_length=3, choices=REASONS, default=AllowanceReason.DISCOUNT
    )
    reason = models.CharField(
        _("reason"),
        max_length=200,
        blank=True,
        help_text=_("As the client reads it: “Loyalty discount”, “Travel Brussels–Ghent”."),
    )
    percent = models.DecimalField(
        _("percentage"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty for a percentage of the lines of every rate."),
    )
    category = models.CharField(max_length=2, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True, amount__gt=0)
                | Q(amount__isnull=True, percent__gt=0, percent__lte=100),
                name="an_adjustment_is_a_percentage_or_an_amount",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__isnull=False) | Q(percent__isnull=False),
                name="a_fixed_adjustment_has_a_vat_rate",
            ),
        ]

    def __str__(self):
        return self.reason or self.get_reason_code_display()

    def refresh_amounts(self, treatment):
        """Its kind (discount or charge, from its type), category and rate under the
        document's treatment; ValidationError when it is neither a percentage nor an amount."""
        if (self.percent is None) == (self.amount is None):
            raise ValidationError(_("A discount or charge is a percentage or an amount."))
        if self.percent is None and self.vat_rate is None:
            raise ValidationError(_("A discount or charge of a fixed amount needs a VAT rate."))
        self.is_charge = self.reason_code in ChargeReason.values
        self.category = "" if self.vat_rate is None else category(treatment, self.vat_rate)
        if self.category not in ("", STANDARD, ZERO):
            self.vat_rate = Decimal("0")
        return self


class Sending(Outbox):
    """One email of a document to a client: queued by the page, sent once by the worker
    (an outbox row: patron/system/outbox.py)."""

    delivery = "patron.billing.documents.sending.deliver"

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
    # What the e-invoice validator said of this file (validation/documents.py): its verdict,
    # its first errors, and the file digest and rules version it holds for.
    verdict = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "format"], name="one_rendering_a_format")
        ]

    def __str__(self):
        return f"{self.document} ({self.format})"
