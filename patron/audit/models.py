from dataclasses import dataclass

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
        "issue": _("issued"),
        "send": _("sent by email"),
        "send again": _("sent again by email"),
        "share": _("shared through a client link"),
        "revoke links": _("client links revoked"),
        "pause reminders": _("reminders paused"),
        "resume reminders": _("reminders resumed"),
        "accept": _("accepted by the client"),
        "decline": _("declined by the client"),
    }

    @property
    def action_label(self):
        return self.ACTIONS.get(self.action, self.action)

    def readable_changes(self):
        """A Change per entry of `changes`, with the model's own labels and choice names.

        Entries come in two shapes: a field's [old, new], or a plain fact about the
        action (the address an email went to, the amounts a payment settled…), which may
        be any JSON value. Every shape is shown; none may break the page."""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            model = None
        changes = self.changes if isinstance(self.changes, dict) else {"": self.changes}
        rows = []
        for name, value in changes.items():
            field = field_of(model, name)
            label = field.verbose_name if field else name
            if isinstance(value, list) and len(value) == 2:
                old, new = (shown(field, v) for v in value)
                rows.append(Change(label, old, new, is_pair=True))
            else:
                rows.append(Change(label, None, shown(field, value), is_pair=False))
        return rows


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None
    new: str | None
    is_pair: bool


def field_of(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def shown(field, value):
    """One logged value as text: a choice by its name, a list or a mapping spelled out."""
    if value is None:
        return None
    if isinstance(value, dict):
        return ", ".join(f"{key}: {shown(None, item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(shown(None, item)) for item in value)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))
