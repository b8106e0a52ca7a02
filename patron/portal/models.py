"""The client portal's keys and what clients answered through it.

A Link is a capability (rule 5 of the design): a random 32-byte token, bound to one issued
document and one purpose, revocable; only its SHA-256 is stored. A Decision is a client's
answer to a quote, with who typed their name, when, from where, and which exact version
(the quote's hash) they accepted or declined.
"""

from django.db import models

from patron.billing.models import Document


class Link(models.Model):
    class Purpose(models.TextChoices):
        DOCUMENT = "document", "document"

    digest = models.CharField(max_length=64, unique=True)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="portal_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.DOCUMENT)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"link to {self.document}"


class Decision(models.Model):
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="decision")
    accepted = models.BooleanField()
    name = models.CharField(max_length=200, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    terms_accepted = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    version = models.CharField(max_length=64)

    def __str__(self):
        return f"{'accepted' if self.accepted else 'declined'} {self.document}"
