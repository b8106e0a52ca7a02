from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    """A saved set of calculator inputs; at most one is the target the rest of Patron
    holds rates against."""

    name = models.CharField(_("name"), max_length=100)
    inputs = models.JSONField(_("inputs"), default=dict)  # RateInputs.as_dict()
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_target = models.BooleanField(_("target"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_target", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_target"], condition=Q(is_target=True), name="pricing_one_target"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def rate_inputs(self):
        from patron.pricing.calculator import RateInputs

        return RateInputs.from_dict(self.inputs)
