"""The social declarations the owner files, from what Patron recorded.

A French micro-entrepreneur declares the turnover received each month or quarter and pays
the contributions on it at once: the periods of the year, each with its turnover, its
contributions and the date URSSAF expects it. A Belgian self-employed pays provisional
contributions each quarter on an estimate of the year's income: the income so far,
extended to the whole year, gives the contributions it calls for; when they are above what
the social insurance fund asks, paying the difference before the year ends spares the
increases charged on a regularisation.
"""

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from patron.billing.books.thresholds import invoiced_between, received_between
from patron.business.contributions import (
    belgian_contributions,
    belgian_net_income,
    belgian_scale,
    micro_rates,
)
from patron.money import cents
from patron.work.models import Expense

ZERO = Decimal("0.00")


@dataclass
class MicroPeriod:
    start: date
    end: date
    due: date  # when URSSAF expects the declaration and the payment
    turnover: Decimal
    social: Decimal
    cfp: Decimal
    liberatoire: Decimal

    @property
    def total(self):
        return self.social + self.cfp + self.liberatoire


@dataclass
class MicroDeclarations:
    year: int
    period: str  # month or quarter
    rates: object  # contributions.MicroRates
    confirmed: bool
    periods: list

    @property
    def turnover(self):
        return sum((p.turnover for p in self.periods), ZERO)

    @property
    def total(self):
        return sum((p.total for p in self.periods), ZERO)


def month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def next_month_end(day):
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return month_end(year, month)


def micro_periods(year, period, today):
    """(start, end) of each month or quarter of the year begun by `today`."""
    step = 1 if period == "month" else 3
    for month in range(1, 13, step):
        start = date(year, month, 1)
        if start > today:
            return
        yield start, month_end(year, month + step - 1)


def micro_declarations(business, year, today):
    regime = business.social_regime if business else ""
    if not regime.startswith("fr-micro"):
        return None
    rates, confirmed = micro_rates(regime, date(year, 1, 1))
    if rates is None:
        return None
    periods = []
    for start, end in micro_periods(year, business.declaration_period, today):
        turnover = received_between(start, end)
        periods.append(
            MicroPeriod(
                start,
                end,
                next_month_end(end),
                turnover,
                cents(turnover * rates.social / 100),
                cents(turnover * rates.cfp / 100),
                cents(turnover * rates.liberatoire / 100)
                if business.versement_liberatoire
                else ZERO,
            )
        )
    return MicroDeclarations(year, business.declaration_period, rates, confirmed, periods)


@dataclass
class BelgianEstimate:
    year: int
    scale: object  # contributions.BelgianScale
    confirmed: bool
    earned: Decimal  # turnover invoiced less expenses, excl. VAT, from 1 January to today
    days: int
    estimated: Decimal  # `earned` extended to the whole year
    net_income: Decimal
    yearly: Decimal
    asked: Decimal | None  # what the fund asks each quarter, as the owner typed it

    @property
    def quarterly(self):
        return cents(self.yearly / 4)

    @property
    def top_up(self):
        """What to pay on top for the year, or zero when what is asked covers it."""
        if self.asked is None:
            return ZERO
        return max(ZERO, self.yearly - self.asked * 4)


def belgian_estimate(business, year, today):
    if business is None or business.social_regime != "be-main":
        return None
    start = date(year, 1, 1)
    end = min(today, date(year, 12, 31))
    if end < start:
        return None
    expenses = Expense.objects.filter(on__gte=start, on__lte=end, currency="EUR").aggregate(
        t=Sum("amount_excl_vat", default=ZERO)
    )["t"]
    earned = invoiced_between(start, end) - expenses
    days = (end - start).days + 1
    length = 366 if calendar.isleap(year) else 365
    estimated = cents(earned * length / days)
    scale, confirmed = belgian_scale(year)
    net = belgian_net_income(estimated, scale)
    return BelgianEstimate(
        year,
        scale,
        confirmed,
        cents(earned),
        days,
        estimated,
        net,
        belgian_contributions(net, scale),
        business.quarterly_contribution,
    )


def declarations(business, year, today):
    """The business's declarations of the year, whichever regime it has; None if unset."""
    return micro_declarations(business, year, today) or belgian_estimate(business, year, today)


def as_data(found):
    """The declarations as plain data (the API and `patron books social --json`)."""
    data = asdict(found)
    if isinstance(found, BelgianEstimate):
        data.update(regime="be-main", quarterly=found.quarterly, top_up=found.top_up)
    else:
        data.update(regime=found.rates.regime, turnover=found.turnover, total=found.total)
        for row, period in zip(data["periods"], found.periods, strict=True):
            row["total"] = period.total
    return data
