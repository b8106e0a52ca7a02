import pytest

from patron.pricing import demo
from patron.pricing.calculator import compute
from patron.pricing.models import Scenario
from patron.pricing.target import current_target


@pytest.mark.parametrize(("country", "regime"), [("BE", "be-main"), ("FR", "fr-micro-bnc")])
def test_demo_target_matches_the_business(owner, country, regime):
    demo.populate(owner, country=country)
    target = current_target()
    assert target.regime == regime
    assert target.name == "Objectif 2026"
    assert Scenario.objects.count() == 2
    # The demo's own figures stay clear of the limits that would change its regime.
    assert compute(demo.TARGETS[country]).warnings == ()
