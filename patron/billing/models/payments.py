"""Money received from clients or refunded to them, and how it settles documents."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patron.billing.models.documents import Document
from patron.contacts.models import Contact


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
