"""What the accountant gets: a period's archive, prepared by the worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
