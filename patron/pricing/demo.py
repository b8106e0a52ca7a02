"""The pricing part of `patron demo`: a target scenario matching the demo business, and a
second, more ambitious one to compare it with."""

from dataclasses import replace
from decimal import Decimal

from patron.pricing.calculator import RateInputs
from patron.pricing.scenarios import do_save_scenario

TARGETS = {
    # Claire's Belgian studio: main occupation, VAT charged.
    "BE": RateInputs(
        net_monthly=Decimal("3000"), costs_yearly=Decimal("7500"), regime="be-main",
        communal_surcharge=Decimal("7"), vat_rate=Decimal("21"), days_per_week=Decimal("5"),
        hours_per_day=Decimal("8"), weeks_off=Decimal("6"), public_holidays=Decimal("10"),
        sick_days=Decimal("5"), training_days=Decimal("5"), billable=Decimal("0.65"),
    ),
    # Her French twin: micro-entrepreneur (BNC) under the VAT franchise.
    "FR": RateInputs(
        net_monthly=Decimal("1900"), costs_yearly=Decimal("4000"), regime="fr-micro-bnc",
        versement_liberatoire=True, vat_rate=Decimal("0"), days_per_week=Decimal("5"),
        hours_per_day=Decimal("7"), weeks_off=Decimal("5"), public_holidays=Decimal("11"),
        sick_days=Decimal("5"), training_days=Decimal("5"), billable=Decimal("0.6"),
    ),
}  # fmt: skip


def populate(owner, country="BE"):
    target = TARGETS.get(country, TARGETS["BE"])
    do_save_scenario(name="Objectif 2026", inputs=target, make_target=True)
    more = replace(target, net_monthly=target.net_monthly + Decimal("1000"))
    do_save_scenario(name="Objectif ambitieux", inputs=more)
    return "2 rate scenarios, one of them the target"
