from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job was last enqueued, shared by every worker."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name
