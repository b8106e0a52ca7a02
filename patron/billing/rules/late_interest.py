"""What a late invoice costs its (business) client: interest per day late on what is still
owed, at the rate the law sets, and the fixed recovery indemnity.

The rates are dated tables (rule 1 of the design) with their source (how each was
established: docs/facts/tax-figures.md §2): the ECB's main refinancing (MRO) rate, and the
late-payment rate of each half-year it makes. France: the MRO rate in force on 1 January or
1 July plus 10 points (Code de commerce L441-10). Belgium: the MRO rate of the last
operation before the half-year plus 8 points, rounded up to the next half point (law of
2 August 2002, art. 5), published by the SPF Finances each half-year. A half-year the
sources could not confirm says so (`unconfirmed`); past the last row, the last known rate
is used and said to be so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext_lazy as _

from patron.billing.rules.mentions import LATE_PAYMENT
from patron.money import cents

DAYS_A_YEAR = Decimal("365")


@dataclass(frozen=True)
class EcbRate:
    """The ECB's MRO fixed rate from a day on (docs/facts/tax-figures.md §2.1)."""

    valid_from: date
    percent: Decimal
    source: str


ECB = "ECB key interest rates, as published by"
ECB_TABLES = f"{ECB} Banque de France and Banka Slovenije"
ECB_MRO = (
    EcbRate(date(2022, 12, 21), Decimal("2.50"), ECB_TABLES),
    EcbRate(date(2023, 2, 8), Decimal("3.00"), ECB_TABLES),
    EcbRate(date(2023, 3, 22), Decimal("3.50"), ECB_TABLES),
    EcbRate(date(2023, 5, 10), Decimal("3.75"), ECB_TABLES),
    EcbRate(date(2023, 6, 21), Decimal("4.00"), ECB_TABLES),
    EcbRate(date(2023, 8, 2), Decimal("4.25"), ECB_TABLES),
    EcbRate(date(2023, 9, 20), Decimal("4.50"), ECB_TABLES),
    EcbRate(date(2024, 6, 12), Decimal("4.25"), ECB_TABLES),
    EcbRate(date(2024, 9, 18), Decimal("3.65"), ECB_TABLES),
    EcbRate(date(2024, 10, 23), Decimal("3.40"), ECB_TABLES),
    EcbRate(date(2024, 12, 18), Decimal("3.15"), f"{ECB} Banka Slovenije; fxstreet"),
    EcbRate(date(2025, 2, 5), Decimal("2.90"), f"{ECB} Banka Slovenije"),
    EcbRate(date(2025, 3, 12), Decimal("2.65"), f"{ECB} Banka Slovenije; "
            "Banque de France, 7 Mar 2025"),
    EcbRate(date(2025, 4, 23), Decimal("2.40"), f"{ECB} Banka Slovenije"),
    EcbRate(date(2025, 6, 11), Decimal("2.15"), "ECB decision of 5 Jun 2025 (Seldon "
            "Finance; devizu; CorD), held on 24 Jul 2025, 18 Dec 2025 and 5 Feb 2026"),
)  # fmt: skip
# The last decision the sources confirm the MRO rate after (a hold); later ones are not.
ECB_KNOWN_UNTIL = date(2026, 2, 5)


@dataclass(frozen=True)
class Rate:
    country: str
    valid_from: date
    valid_to: date
    percent: Decimal  # a year
    source: str
    unconfirmed: str = ""  # why the rate is not confirmed, if it is not


ECB_H2_2026 = _(
    "Holds only if the ECB rate is still 2.15 % (on 1 July 2026): decisions after 5 February "
    "2026 were not known when this table was written."
)
FR_RULE = "Code de commerce L441-10, ECB MRO rate + 10 points"
BE_RULE = "law of 2 August 2002 art. 5, ECB MRO rate + 8 points rounded up to the half point"
RATES = (
    Rate("FR", date(2024, 1, 1), date(2024, 6, 30), Decimal("14.50"),
         f"{FR_RULE} (4.50 % on 1 Jan 2024), derived"),
    Rate("FR", date(2024, 7, 1), date(2024, 12, 31), Decimal("14.25"),
         f"{FR_RULE} (4.25 % on 1 Jul 2024); Francis Lefebvre 11 Sep 2024, "
         "Bpifrance"),
    Rate("FR", date(2025, 1, 1), date(2025, 6, 30), Decimal("13.15"),
         f"{FR_RULE} (3.15 % on 1 Jan 2025), derived"),
    Rate("FR", date(2025, 7, 1), date(2025, 12, 31), Decimal("12.15"),
         f"{FR_RULE} (2.15 % on 1 Jul 2025), derived"),
    Rate("FR", date(2026, 1, 1), date(2026, 6, 30), Decimal("12.15"),
         f"{FR_RULE} (2.15 % on 1 Jan 2026), derived"),
    Rate("FR", date(2026, 7, 1), date(2026, 12, 31), Decimal("12.15"),
         f"{FR_RULE}, if 2.15 % on 1 Jul 2026", ECB_H2_2026),
    Rate("BE", date(2024, 1, 1), date(2024, 6, 30), Decimal("12.50"),
         f"{BE_RULE}; medenam.be, webwin.be"),
    Rate("BE", date(2024, 7, 1), date(2024, 12, 31), Decimal("12.50"),
         f"{BE_RULE}; Forum for the Future, citing the SPF Finances notice"),
    Rate("BE", date(2025, 1, 1), date(2025, 6, 30), Decimal("11.50"),
         f"{BE_RULE}; Schoups via leuropeinfo.eu"),
    Rate("BE", date(2025, 7, 1), date(2025, 12, 31), Decimal("10.50"),
         f"{BE_RULE}; Axiris Fiduciaire"),
    Rate("BE", date(2026, 1, 1), date(2026, 6, 30), Decimal("10.50"),
         f"{BE_RULE}; Axiris Fiduciaire, Embuild"),
    Rate("BE", date(2026, 7, 1), date(2026, 12, 31), Decimal("10.50"),
         f"{BE_RULE}, if 2.15 % before 1 Jul 2026", ECB_H2_2026),
)  # fmt: skip


def ecb_rate(day):
    """The MRO rate in force on `day` (the last change on or before it), or None."""
    earlier = [r for r in ECB_MRO if r.valid_from <= day]
    return max(earlier, key=lambda r: r.valid_from).percent if earlier else None


def by_rule(country, half_start):
    """The rate the law's formula gives for the half-year beginning on `half_start`: what the
    table must say (a test holds it to that)."""
    if country == "FR":  # the rate in force on 1 January or 1 July
        return ecb_rate(half_start) + 10
    # Belgium: the rate of the last operation before the half-year, rounded up to a half point.
    rate = ecb_rate(half_start - timedelta(days=1)) + 8
    return (rate * 2).to_integral_value(rounding=ROUND_CEILING) / 2


@dataclass(frozen=True)
class LateCost:
    days_late: int
    outstanding: Decimal
    rate: Decimal | None  # the last rate applied, a year, in %
    interest: Decimal
    indemnity: Decimal
    provisional: bool  # a day was past the table, or at a rate not confirmed
    source: str
    unconfirmed: str = ""  # why the last rate applied is not confirmed, if it is not

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
        last, provisional = row, provisional or past or bool(row.unconfirmed)
        day = until + timedelta(days=1)
    indemnity = indemnity_for(country, due_date)
    return LateCost(
        days,
        outstanding,
        last.percent if last else None,
        cents(interest),
        indemnity,
        provisional,
        last.source if last else "",
        str(unconfirmed_reason(last, provisional)),
    )


PAST_THE_TABLE = _("Past the last half-year Patron knows: its rate is used until updated.")


def unconfirmed_reason(row, provisional):
    if row is None or not provisional:
        return ""
    return row.unconfirmed or PAST_THE_TABLE


def rates_around(country, today):
    """The rows of a country from the half-year before today's on, for the page: (row,
    current, past the table)."""
    rows = sorted((r for r in RATES if r.country == country), key=lambda r: r.valid_from)
    shown = [r for r in rows if r.valid_to >= today - timedelta(days=183)]
    if not shown and rows:
        shown = rows[-1:]
    return [(r, r.valid_from <= today <= r.valid_to, today > r.valid_to) for r in shown]
