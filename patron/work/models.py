from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patron.contacts.models import Contact


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        PROPOSAL = "proposal", _("Proposal")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        DONE = "done", _("Done")
        LOST = "lost", _("Lost")

    class BillingMode(models.TextChoices):
        HOURLY = "hourly", _("Hourly")
        DAILY = "daily", _("Daily")
        FIXED = "fixed", _("Fixed price")
        NON_BILLABLE = "non_billable", _("Non-billable")

    client = models.ForeignKey(
        Contact,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    billing_mode = models.CharField(
        _("billing"), max_length=20, choices=BillingMode.choices, default=BillingMode.HOURLY
    )
    # Per hour, or per day in daily mode, or the whole price in fixed mode; in the
    # business currency. Empty: the client's rate, then the business's.
    rate = models.DecimalField(
        _("rate"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_hours = models.DecimalField(
        _("budget (hours)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    budget_amount = models.DecimalField(
        _("budget (amount)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Time is billed by started increments of this many minutes (1: to the minute).
    billing_increment_minutes = models.PositiveSmallIntegerField(
        _("billing increment (minutes)"), default=1, validators=[MinValueValidator(1)]
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "position", "id"]

    def __str__(self):
        return self.title


class TimeEntry(models.Model):
    """Tracked time. Durations are whole seconds; a running entry has no end yet."""

    # No index of its own: the (project, start) index below serves every lookup by
    # project, and one index fewer makes a large import's inserts faster.
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="time_entries", db_index=False
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    # True while running, NULL otherwise: the unique constraint allows one running timer.
    running = models.BooleanField(null=True, default=None, editable=False)
    duration_seconds = models.PositiveIntegerField(_("duration"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="entries")
    billable = models.BooleanField(_("billable"), default=True)
    # The invoice that bills it: the entry is locked once that invoice is issued.
    invoice = models.ForeignKey(
        "billing.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
        editable=False,
    )
    # Where an imported entry came from ("toggl:…"), so a second import adds nothing.
    source = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        verbose_name_plural = "time entries"
        constraints = [
            models.UniqueConstraint(fields=["running"], name="one_running_timer"),
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="time_entry_source_unique"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="time_entry_ends_after_start",
            ),
        ]
        # Start with the duration: a period's total is read from the index alone.
        indexes = [
            models.Index(fields=["start", "duration_seconds"]),
            models.Index(fields=["project", "start"]),
            # Each project's tracked seconds, over all time or a period, from the index alone:
            # the effective rate by project or client over ten years reads 200,000 entries.
            models.Index(
                fields=["project", "start", "duration_seconds"],
                condition=Q(end__isnull=False),
                name="work_entry_finished",
            ),
            # The time not invoiced yet, with every column the dashboard's and the effective
            # rate's sums read: ten years of entries are almost all invoiced, the unbilled
            # time is the last weeks. invoice leads, though always NULL here, so that the
            # query's `invoice_id IS NULL` finds it as an equality and SQLite takes it.
            models.Index(
                fields=["invoice", "start", "project", "duration_seconds", "billable", "end"],
                condition=Q(billable=True, invoice__isnull=True),
                name="work_entry_unbilled",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_running(self):
        return self.end is None

    def elapsed_seconds(self, now=None):
        if self.end is not None:
            return self.duration_seconds
        return max(0, int(((now or timezone.now()) - self.start).total_seconds()))


class Expense(models.Model):
    on = models.DateField(_("date"), default=timezone.localdate)
    supplier = models.CharField(_("supplier"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=0)
    vat_amount = models.DecimalField(_("VAT amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    receipt = models.FileField(_("receipt"), upload_to="receipts/", blank=True)
    billable = models.BooleanField(_("billable to a client"), default=False)
    client = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="expenses"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="expenses"
    )
    invoice = models.ForeignKey(
        "billing.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses",
        editable=False,
    )
    # Read from a supplier's e-invoice (einvoice_reading.py): its number, due date and
    # format; the amounts and lines then come from the XML and are not edited by hand.
    number = models.CharField(_("supplier's invoice number"), max_length=100, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    supplier_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supplier_expenses",
        editable=False,
    )
    einvoice_format = models.CharField(
        _("e-invoice format"),
        max_length=10,
        blank=True,
        choices=[("facturx", "Factur-X / ZUGFeRD"), ("cii", "CII"), ("ubl", "UBL")],
        editable=False,
    )
    # The supplier invoice's identity (seller, type, number), hashed: one expense per invoice.
    einvoice_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["on"]),
            # The list's totals per currency and its category suggestions, read from indexes
            # alone rather than from every expense.
            models.Index(fields=["currency", "amount_excl_vat", "vat_amount"]),
            models.Index(fields=["category"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["einvoice_key"],
                condition=~Q(einvoice_key=""),
                name="one_expense_per_supplier_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.on} {self.supplier} {self.amount_excl_vat} {self.currency}"


class ExpenseLine(models.Model):
    """A line of a supplier's e-invoice, as its XML gives it (BG-25)."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=3, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=19, decimal_places=6)
    net_amount = models.DecimalField(_("net amount"), max_digits=12, decimal_places=2)
    vat_category = models.CharField(_("VAT category"), max_length=2, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["expense", "position"]

    def __str__(self):
        return f"{self.expense_id}/{self.position} {self.description}"


class ExpenseVat(models.Model):
    """The VAT of a supplier's e-invoice at one (category, rate) (BG-23)."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="vat_groups")
    vat_category = models.CharField(_("VAT category"), max_length=2, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=0)
    taxable_amount = models.DecimalField(_("taxable amount"), max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["expense", "-vat_rate", "vat_category"]

    def __str__(self):
        return f"{self.expense_id} {self.vat_category} {self.vat_rate}"


class CalendarFeed(models.Model):
    """A private ICS feed URL: the token is its only key, stored as a hash, revocable."""

    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.prefix}…"
