"""Reminders of overdue invoices: the steps the owner edits, each reminder written and sent
once (an outbox row per invoice and step), and the pauses per client or invoice."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patron.contacts.models import Contact
from patron.system.outbox import Outbox


class StepKind(models.TextChoices):
    FRIENDLY = "friendly", _("Friendly reminder")
    FIRM = "firm", _("Firm reminder")
    NOTICE = "notice", _("Formal notice")


class ReminderStep(models.Model):
    """One step of the business's reminder schedule: how many days after the due date, and
    the email it sends, in French and in English (the invoice's language picks)."""

    kind = models.CharField(_("step"), max_length=10, choices=StepKind.choices, unique=True)
    days_after_due = models.PositiveSmallIntegerField(_("days after the due date"))
    active = models.BooleanField(_("active"), default=True)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    body_fr = models.TextField(_("text (French)"), max_length=5000)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"), max_length=5000)

    class Meta:
        ordering = ["days_after_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_after_due__gte=1, days_after_due__lte=365),
                name="reminder_days_in_range",
            )
        ]

    def __str__(self):
        return self.get_kind_display()


class Reminder(Outbox):
    """The outbox row of one reminder: one per (invoice, step), never two (the unique
    constraint is the idempotency key). Claimed queued → sending in its own transaction
    before the SMTP conversation, marked sent after it: a worker killed in between leaves
    it "sending" until it shows as interrupted and is sent again, with the same Message-ID
    (patron/system/outbox.py)."""

    delivery = "patron.billing.tasks.deliver_reminder"

    document = models.ForeignKey(
        "billing.Document", on_delete=models.PROTECT, related_name="reminders"
    )
    step = models.CharField(max_length=10, choices=StepKind.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=12000)
    written_on = models.DateField()  # the day of the run that wrote it (a business date)
    days_late = models.PositiveIntegerField(default=0)
    outstanding = models.DecimalField(max_digits=14, decimal_places=2)
    interest = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    interest_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    indemnity = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "step"], name="one_reminder_a_step")
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.get_step_display()}: {self.document}"

    def new_message_id(self):
        from patron.billing.reminders.dunning import message_id

        return message_id(self)


class ReminderPause(models.Model):
    """Reminders held back for one client (all their invoices) or one invoice."""

    client = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="reminder_pause"
    )
    document = models.OneToOneField(
        "billing.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_pause",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, document__isnull=True)
                | Q(client__isnull=True, document__isnull=False),
                name="a_pause_is_for_a_client_or_an_invoice",
            )
        ]

    def __str__(self):
        return f"pause {self.client or self.document}"
