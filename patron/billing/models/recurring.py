"""Recurring invoices (retainers): their lines, and one run per period, made exactly once."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patron.billing.rules.vat import Treatment
from patron.contacts.models import Contact


class Recurring(models.Model):
    """A retainer: the invoice a client gets every N months or weeks, from a start date,
    until an end date or a number of invoices; left as a draft or issued and sent."""

    class Unit(models.TextChoices):
        MONTHS = "months", _("months")
        WEEKS = "weeks", _("weeks")

    name = models.CharField(_("name"), max_length=100)
    client = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="recurring", verbose_name=_("client")
    )
    every = models.PositiveSmallIntegerField(_("every"), default=1)
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices, default=Unit.MONTHS)
    start = models.DateField(_("first invoice on"))
    end = models.DateField(_("last invoice on or before"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of invoices"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    treatment = models.CharField(
        _("VAT"), max_length=20, choices=Treatment.choices, default=Treatment.NORMAL
    )
    auto_send = models.BooleanField(
        _("issue and email it"),
        default=False,
        help_text=_("Otherwise each invoice waits as a draft for you to review."),
    )
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every__gte=1, every__lte=52), name="recurring_every_in_range"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="recurring_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name


class RecurringLine(models.Model):
    recurring = models.ForeignKey(Recurring, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=1000)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=1)
    unit = models.CharField(_("unit"), max_length=3, default="C62")
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=0
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.description


class RecurringRun(models.Model):
    """The invoice of one period of a retainer: unique per (retainer, period start), so a
    period is invoiced exactly once however often, or however late, the job runs. A retainer
    that is issued and emailed has its run "issuing" from the draft's creation until the
    email is queued: a run left so by a process that died is taken up again (recurring.py)."""

    class State(models.TextChoices):
        DONE = "done", _("Done")
        ISSUING = "issuing", _("Being issued and sent")
        HELD = "held", _("Left as a draft")

    recurring = models.ForeignKey(Recurring, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateField()
    document = models.ForeignKey(
        "billing.Document",
        null=True,
        on_delete=models.SET_NULL,
        related_name="recurring_runs",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DONE)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["recurring", "period_start"], name="one_invoice_a_period"
            )
        ]

    def __str__(self):
        return f"{self.recurring} {self.period_start}"
