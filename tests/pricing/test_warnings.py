"""A rate below the target shows the shortfall where rates are set; it never blocks."""

from decimal import Decimal

from patron.billing.models import Kind
from patron.contacts.models import Contact
from patron.pricing.scenarios import do_save_scenario
from patron.pricing.warnings import shortfall
from patron.work.models import Project
from tests.billing.scenarios import acme, draft
from tests.fixtures import BELGIAN_PROFILE

# 36,000 a year over 2,080 hours: 17.31 an hour, 138.46 a day, 3,000 a month.
SANITY = {
    "net_monthly": "3000",
    "regime": "custom",
    "weeks_off": "0",
    "public_holidays": "0",
    "sick_days": "0",
    "training_days": "0",
    "billable": "1",
}


def set_target():
    return do_save_scenario(name="Goal", inputs=SANITY, make_target=True)


def test_no_target_no_warning(db):
    assert shortfall(Decimal(1), "EUR") is None


def test_shortfall_per_month_by_hand(db):
    set_target()
    # 3,000 a month × (17.31 − 12) / 17.31 = 920.277 → 920.28.
    found = shortfall(Decimal(12), "EUR")
    assert found.per_month == Decimal("920.28")
    assert found.minimum == Decimal("17.31")
    assert "€920.28" in found.message
    # A day: 3,000 × (138.46 − 100) / 138.46 = 833.3092 → 833.31.
    assert shortfall(Decimal(100), "EUR", "day").per_month == Decimal("833.31")
    assert shortfall(Decimal("17.31"), "EUR") is None
    assert shortfall(Decimal(12), "USD") is None
    assert shortfall(Decimal(12), "EUR", "LS") is None  # a lump sum is no hourly rate
    assert shortfall(None, "EUR") is None


def test_business_default_rate_below_target(owner_client):
    set_target()
    response = owner_client.post(
        "/app/settings/business/", {**BELGIAN_PROFILE, "default_hourly_rate": "15"}, follow=True
    )
    assert "below your target" in response.content.decode()
    response = owner_client.post(
        "/app/settings/business/", {**BELGIAN_PROFILE, "default_hourly_rate": "95"}, follow=True
    )
    assert "below your target" not in response.content.decode()


def test_client_rate_below_target_is_saved_with_a_warning(owner_client):
    set_target()
    person = {"first_name": "Lucie", "last_name": "Martin", "language": "fr", "is_client": "on"}
    response = owner_client.post("/app/contacts/new/", {**person, "hourly_rate": "10"}, follow=True)
    text = response.content.decode()
    assert "below your target" in text and "€1,266.90" in text  # 3,000 × 7.31 / 17.31 = 1,266.898
    assert Contact.objects.get(last_name="Martin").hourly_rate == Decimal(10)


def test_project_daily_rate_below_target(owner_client):
    set_target()
    response = owner_client.post(
        "/app/work/projects/new/",
        {
            "name": "Cheap",
            "status": "active",
            "billing_mode": "daily",
            "rate": "100",
            "billing_increment_minutes": 1,
        },
        follow=True,
    )
    assert "a day is below your target" in response.content.decode()
    assert Project.objects.filter(name="Cheap").exists()


def test_quote_lines_below_target_are_flagged(owner_client, django_assert_max_num_queries):
    set_target()
    quote = draft(
        acme(),
        [
            ("Design", "10", "12", "21", "0", "HUR"),
            ("Audit", "1", "90", "21", "0", "HUR"),
            ("Workshop", "2", "100", "21", "0", "DAY"),
            ("Print", "1", "5", "21", "0", "LS"),
        ],
        kind=Kind.QUOTE,
    )
    text = owner_client.get(f"/app/billing/{quote.pk}/").content.decode()
    assert text.count('class="rate-warning"') == 2
    assert "€920.28" in text and "€833.31" in text
