"""The dashboard part of `patron demo`: what its figures need that the other apps' demos
do not make: a rate target (unless the pricing demo saved one) and a project in proposal,
so that every block of the dashboard shows a figure."""

from decimal import Decimal

from patron.contacts.models import Contact
from patron.pricing.scenarios import do_save_scenario
from patron.pricing.target import current_target
from patron.work.models import Project

TARGETS = {
    "BE": ("Objectif 2026", {"net_monthly": "3200", "costs_yearly": "6000",
                             "regime": "be-main", "vat_rate": "21"}),
    "FR": ("Objectif 2026", {"net_monthly": "2500", "costs_yearly": "3000",
                             "regime": "fr-micro-bnc", "vat_rate": "0"}),
}  # fmt: skip


def populate(owner, country="BE"):
    made = []
    if current_target() is None:
        name, inputs = TARGETS.get(country, TARGETS["BE"])
        do_save_scenario(name=name, inputs=inputs, make_target=True)
        made.append(f"the target “{name}”")
    if not Project.objects.filter(status=Project.Status.PROPOSAL).exists():
        client = Contact.objects.filter(is_client=True).order_by("pk").first()
        Project.objects.create(
            name="Identité visuelle — proposition", client=client,
            status=Project.Status.PROPOSAL, billing_mode=Project.BillingMode.FIXED,
            rate=Decimal("4800"),
        )  # fmt: skip
        made.append("a project in proposal")
    return ", ".join(made) or "nothing to add"
