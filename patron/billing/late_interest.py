"""What a late invoice costs its (business) client: interest per day late on what is still
owed, at the rate the law sets, and the fixed recovery indemnity.

The rates are a dated table (rule 1 of the design) with their source. France: the ECB's
main refinancing rate plus 10 points (Code de commerce L441-10), the ECB rate in force on
1 January or 1 July for the half-year. Belgium: the rate of the law of 2 August 2002 (the
ECB reference rate plus 8 points, rounded up to the next half point), published for each
half-year. Past the last row, the last known rate is used and said to be so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from patron.billing.mentions import LATE_PAYMENT

CENT = Decimal("0.01")
DAYS_A_YEAR = Decimal("365")


@dataclass(frozen=True)
class Rate:
    country: str
    valid_from: date
    valid_to: date
    percent: Decimal  # a year
    source: str


ECB_2_15 = "the ECB main refinancing rate 2.15 % in force since 11 June 2025"
RATES = (
    Rate(
        "BE", date(2026, 1, 1), date(2026, 6, 30), Decimal("10.50"),
        "Law of 2 August 2002 art. 5, rate for the first half of 2026 (Embuild); "
        "invoicing-rules.md §2.4 [45][47]",
    ),
    Rate(
        "FR", date(2025, 7, 1), date(2025, 12, 31), Decimal("12.15"),
        f"Code de commerce L441-10: {ECB_2_15} plus 10 points; invoicing-rules.md §2.3 [32] "
        "gives the rule, the ECB rate is the ECB's (press release of 5 June 2025)",
    ),
    Rate(
        "FR", date(2026, 1, 1), date(2026, 6, 30), Decimal("12.15"),
        f"Code de commerce L441-10: {ECB_2_15} plus 10 points; invoicing-rules.md §2.3 [32] "
        "gives the rule, the ECB rate is the ECB's (press release of 5 June 2025)",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class LateCost:
    days_late: int
    outstanding: Decimal
    rate: Decimal | None  # the last rate applied, a year, in %
    interest: Decimal
    indemnity: Decimal
    provisional: bool  # a day was past the table: the last known rate was used
    source: str

    @property
    def total(self):
        return self.outstanding + self.interest + self.indemnity


def rate_on(country, day):
    """(rate, provisional) for a day late in a country, or (None, False) if none is known."""
    rows = sorted((r for r in RATES if r.country == country), key=lambda r: r.valid_from)
    earlier = [r for r in rows if r.valid_from <= day]
    if not earlier:
        return None, False
    row = earlier[-1]
    return row, day > row.valid_to


def indemnity_for(country, on):
    terms = [t for t in LATE_PAYMENT if t.country == country and t.valid_from <= on]
    return terms[-1].recovery_indemnity if terms else Decimal("0")


def late_cost(country, due_date, outstanding, today, business_client=True):
    """Interest from the day after the due date to `today` included, on `outstanding`:
    each day at that day's rate / 365, summed, then rounded half-up to the cent; and the
    indemnity, for a business client only (consumers are owed neither by these laws)."""
    days = max(0, (today - due_date).days)
    if not business_client or days == 0 or outstanding <= 0:
        return LateCost(days, outstanding, None, Decimal("0.00"), Decimal("0.00"), False, "")
    interest, last, provisional = Decimal("0"), None, False
    day = due_date + timedelta(days=1)
    while day <= today:
        row, past = rate_on(country, day)
        if row is None:
            day += timedelta(days=1)
            continue
        # Count the days this row (or, past the table, the last row) covers in one step.
        until = today if past else min(today, row.valid_to)
        covered = (until - day).days + 1
        interest += outstanding * row.percent / 100 * covered / DAYS_A_YEAR
        last, provisional = row, provisional or past
        day = until + timedelta(days=1)
    indemnity = indemnity_for(country, due_date)
    return LateCost(
        days, outstanding, last.percent if last else None,
        interest.quantize(CENT, rounding=ROUND_HALF_UP), indemnity, provisional,
        last.source if last else "",
    )  # fmt: skip
