from django.db import models

from patron.system.outbox import Outbox


class ScheduledJob(models.Model):
    """When a periodic job was last enqueued, shared by every worker."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class MailServer(models.Model):
    """The SMTP server Patron sends mail through, set under Settings; the PATRON_EMAIL_*
    environment variables, when set, take precedence (patron/system/mail.py)."""

    class Security(models.TextChoices):
        STARTTLS = "starttls", "STARTTLS"
        SSL = "ssl", "SSL/TLS"
        NONE = "none", "—"

    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=587)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.STARTTLS)
    username = models.CharField(max_length=200, blank=True)
    password = models.CharField(max_length=200, blank=True)
    from_address = models.EmailField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.host}:{self.port}"


class Email(Outbox):
    """A plain-text email from Patron itself (a password reset, a notice to the owner): an
    outbox row, sent once by the worker and again if it dies on the way (outbox.py)."""

    delivery = "patron.system.tasks.deliver_email"
    forget_when_sent = ("body",)  # a reset link stays in the database no longer than needed

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.subject} to {self.to}"
