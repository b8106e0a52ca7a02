from decimal import Decimal

import pytest

from patron.pricing.calculator import RateInputs
from patron.pricing.models import Scenario
from patron.pricing.scenarios import do_make_target, do_save_scenario
from patron.pricing.target import current_target

SANITY = RateInputs(
    net_monthly=Decimal(3000),
    regime="custom",
    weeks_off=Decimal(0),
    public_holidays=Decimal(0),
    sick_days=Decimal(0),
    training_days=Decimal(0),
    billable=Decimal(1),
)


def test_no_scenario_no_target(db):
    assert current_target() is None


def test_the_saved_target_is_read_back(db):
    scenario = do_save_scenario(name="Plain", inputs=SANITY, make_target=True)
    target = current_target()
    assert target.scenario_id == scenario.pk
    assert target.name == "Plain"
    assert target.currency == "EUR"
    assert target.regime == "custom"
    # 36,000 a year over 52 × 5 × 8 = 2,080 hours.
    assert target.hourly_rate == Decimal("17.31")
    assert target.daily_rate == Decimal("138.46")
    assert target.yearly_turnover == Decimal("36000.00")
    assert target.monthly_turnover == Decimal("3000.00")
    assert target.billable_hours_per_month == Decimal("173.33")


def test_a_dict_of_inputs_is_accepted(db):
    scenario = do_save_scenario(name="Dict", inputs={"net_monthly": "2000"}, make_target=False)
    assert scenario.rate_inputs.net_monthly == Decimal(2000)
    assert current_target() is None


def test_one_target_at_most(db):
    first = do_save_scenario(name="A", inputs=SANITY, make_target=True)
    second = do_save_scenario(name="B", inputs=SANITY, make_target=True)
    assert list(Scenario.objects.filter(is_target=True)) == [second]
    do_make_target(first)
    assert current_target().scenario_id == first.pk
    assert Scenario.objects.filter(is_target=True).count() == 1


def test_custom_set_aside_is_the_typed_share_after_prorated_costs(db):
    inputs = {
        **SANITY.as_dict(),
        "costs_yearly": "1200",
        "contributions_pct": "20",
        "tax_pct": "10",
    }
    do_save_scenario(name="C", inputs=inputs, make_target=True)
    # Three months: 9,000 received, costs 1,200 × 3/12 = 300; base 8,700.
    # Contributions 20 % = 1,740.00; tax 10 % = 870.00.
    aside = current_target().set_aside(Decimal(9000), 3)
    assert (aside.contributions, aside.income_tax) == (Decimal("1740.00"), Decimal("870.00"))


def test_micro_set_aside_is_flat_on_received(db):
    inputs = {**SANITY.as_dict(), "regime": "fr-micro-bnc", "versement_liberatoire": True}
    do_save_scenario(name="M", inputs=inputs, make_target=True)
    aside = current_target().set_aside(Decimal(10000), 6)
    # 2026 BNC: 25.6 % + CFP 0.2 % = 25.8 % → 2,580.00; VL 2.2 % → 220.00.
    assert (aside.contributions, aside.income_tax) == (Decimal("2580.00"), Decimal("220.00"))


@pytest.mark.parametrize("months", [1, 6, 12])
def test_belgian_set_aside_grows_with_what_was_received(db, months):
    do_save_scenario(name="B", inputs={"regime": "be-main"}, make_target=True)
    target = current_target()
    low = target.set_aside(Decimal(1000) * months, months)
    high = target.set_aside(Decimal(8000) * months, months)
    assert high.contributions >= low.contributions
    assert high.income_tax > low.income_tax
