from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed what, and when. Entries are only ever added."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept as text too: the entry must still say who after the user is gone.
    actor = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32)
    object_type = models.CharField(_("object"), max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries cannot be deleted.")

    ACTIONS = {
        "create": _("created"),
        "update": _("changed"),
        "revoke": _("revoked"),
        "delete": _("deleted"),
    }

    @property
    def action_label(self):
        return self.ACTIONS.get(self.action, self.action)

    def readable_changes(self):
        """(field label, old, new) with the model's own labels and choice names."""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            model = None
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            if field is None:
                rows.append((name, old, new))
                continue
            choices = dict(field.flatchoices)
            rows.append((field.verbose_name, choices.get(old, old), choices.get(new, new)))
        return rows
