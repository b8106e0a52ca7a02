"""The minimum rate: from the net income wanted, the costs, the time really billed and
what the regime takes, the turnover a year must bring and the hourly and daily rates
that bring it. A pure function of its inputs (`compute`), used by the page, the API and
`patron rate`.

Steps:
1. working days = 52 weeks × days a week − weeks off × days a week − public holidays
   − sick days − training days; billable hours = days × hours a day × billable share;
2. the smallest turnover (excl. VAT, to the cent) whose net, after costs, contributions
   and income tax (regimes.py), reaches the wanted net: every regime keeps the net
   non-decreasing in turnover, so a bisection over cents finds it, and more net income
   or more costs never lowers it;
3. hourly rate = turnover ÷ billable hours, daily rate = hourly × hours a day (half-up).
"""

from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from patron.billing.books import thresholds
from patron.money import cents
from patron.pricing.regimes import REGIMES

ZERO = Decimal("0.00")
WEEKS = 52
MONTHS = 12

# Limits past which an input is a typing mistake rather than a plan; the form, the API
# and the command line all say so instead of computing nonsense.
LIMITS = {
    "net_monthly": (Decimal(0), Decimal(1_000_000)),
    "costs_yearly": (Decimal(0), Decimal(10_000_000)),
    "contributions_pct": (Decimal(0), Decimal(99)),
    "tax_pct": (Decimal(0), Decimal(99)),
    "communal_surcharge": (Decimal(0), Decimal(20)),
    "vat_rate": (Decimal(0), Decimal(50)),
    "days_per_week": (Decimal(0), Decimal(7)),
    "hours_per_day": (Decimal(0), Decimal(24)),
    "weeks_off": (Decimal(0), Decimal(52)),
    "public_holidays": (Decimal(0), Decimal(366)),
    "sick_days": (Decimal(0), Decimal(366)),
    "training_days": (Decimal(0), Decimal(366)),
    "billable": (Decimal(0), Decimal(1)),
}


@dataclass(frozen=True)
class RateInputs:
    net_monthly: Decimal = Decimal("3000")
    costs_yearly: Decimal = Decimal("0")
    regime: str = "custom"
    contributions_pct: Decimal = Decimal("0")  # custom: % of the turnover after costs
    tax_pct: Decimal = Decimal("0")  # custom: % of the turnover after costs
    versement_liberatoire: bool = False  # fr-micro
    communal_surcharge: Decimal = Decimal("7")  # be-main: % of the federal tax
    vat_rate: Decimal = Decimal("0")  # % charged on top of the rate; 0 under a franchise
    days_per_week: Decimal = Decimal("5")
    hours_per_day: Decimal = Decimal("8")
    weeks_off: Decimal = Decimal("5")
    public_holidays: Decimal = Decimal("10")
    sick_days: Decimal = Decimal("5")
    training_days: Decimal = Decimal("5")
    billable: Decimal = Decimal("0.6")  # share of working hours billed, 0 < b <= 1

    def as_dict(self):
        """Plain JSON values: decimals as strings."""
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data):
        """From stored JSON; unknown keys are ignored, missing ones take the defaults."""
        known = {f.name: f for f in fields(cls)}
        values = {}
        for name, value in data.items():
            if name not in known:
                continue
            if name == "regime":
                values[name] = str(value)
            elif name == "versement_liberatoire":
                values[name] = bool(value)
            else:
                values[name] = Decimal(str(value))
        return cls(**values)


class InputError(ValueError):
    """Inputs that cannot give a rate: {field or "__all__": message}."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def working_days(inputs):
    per_week = inputs.days_per_week
    return (
        WEEKS * per_week
        - inputs.weeks_off * per_week
        - inputs.public_holidays
        - inputs.sick_days
        - inputs.training_days
    )


def billable_hours(inputs):
    return working_days(inputs) * inputs.hours_per_day * inputs.billable


def check_inputs(inputs):
    """InputError with a message a field for anything outside what can be computed."""
    errors = {}
    for name, (low, high) in LIMITS.items():
        value = getattr(inputs, name)
        try:
            finite = value.is_finite()
        except AttributeError:
            finite = False
        if not finite:
            errors[name] = _("Enter a number.")
        elif value < low:
            errors[name] = _("Enter a number of at least %(low)s.") % {"low": low}
        elif value > high:
            errors[name] = _("Enter a number of at most %(high)s.") % {"high": high}
    if "billable" not in errors and inputs.billable <= 0:
        errors["billable"] = _("The billable share must be above 0 (and at most 1).")
    if "days_per_week" not in errors and inputs.days_per_week <= 0:
        errors["days_per_week"] = _("Work at least part of a day a week.")
    if "hours_per_day" not in errors and inputs.hours_per_day <= 0:
        errors["hours_per_day"] = _("Work at least part of an hour a day.")
    if inputs.regime not in REGIMES:
        errors["regime"] = _("Choose one of: %(regimes)s.") % {"regimes": ", ".join(REGIMES)}
    pcts = ("contributions_pct", "tax_pct")
    if not any(p in errors for p in pcts) and sum(getattr(inputs, p) for p in pcts) >= 99:
        errors["tax_pct"] = _("Contributions and tax together must stay below 99 percent.")
    if not errors and billable_hours(inputs) <= 0:
        errors["__all__"] = _(
            "These days leave no billable hours: weeks off, holidays, sick and training "
            "days take the whole year."
        )
    if errors:
        raise InputError(errors)


@dataclass(frozen=True)
class RateResult:
    inputs: RateInputs
    year: int
    working_days: Decimal
    billable_hours: Decimal  # a year
    hourly_rate: Decimal
    daily_rate: Decimal
    yearly_turnover: Decimal  # excl. VAT
    vat: Decimal
    costs: Decimal
    contributions: Decimal
    income_tax: Decimal
    net_yearly: Decimal
    warnings: tuple
    unconfirmed: tuple = ()  # what of the year's figures is not confirmed, for the page

    @property
    def regime_label(self):
        return REGIMES[self.inputs.regime].label

    @property
    def monthly_turnover(self):
        return cents(self.yearly_turnover / MONTHS)

    @property
    def gross_turnover(self):
        return self.yearly_turnover + self.vat

    @property
    def net_monthly(self):
        return cents(self.net_yearly / MONTHS)

    @property
    def billable_hours_per_month(self):
        return cents(self.billable_hours / MONTHS)

    def breakdown(self):
        """(key, yearly amount) from the gross turnover down to the net."""
        return [
            ("gross_turnover", self.gross_turnover),
            ("vat", self.vat),
            ("turnover_excl_vat", self.yearly_turnover),
            ("costs", self.costs),
            ("contributions", self.contributions),
            ("income_tax", self.income_tax),
            ("net", self.net_yearly),
        ]

    def as_json(self):
        return {
            "regime": self.inputs.regime,
            "year": self.year,
            "hourly_rate": str(self.hourly_rate),
            "daily_rate": str(self.daily_rate),
            "yearly_turnover": str(self.yearly_turnover),
            "monthly_turnover": str(self.monthly_turnover),
            "working_days": str(self.working_days),
            "billable_hours": str(self.billable_hours),
            "breakdown": {key: str(amount) for key, amount in self.breakdown()},
            "warnings": list(self.warnings),
            "unconfirmed": [str(note) for note in self.unconfirmed],
            "inputs": self.inputs.as_dict(),
        }


def net_of(regime, turnover, inputs, year):
    takes = regime.takes(turnover, inputs.costs_yearly, inputs, year)
    return turnover - inputs.costs_yearly - takes.contributions - takes.income_tax, takes


def required_turnover(inputs, year):
    """The smallest turnover, to the cent, whose net reaches the wanted yearly net."""
    regime = REGIMES[inputs.regime]
    wanted = inputs.net_monthly * MONTHS
    high = int((wanted + inputs.costs_yearly) * 100) + 100_000
    for _doubling in range(64):
        if net_of(regime, Decimal(high) / 100, inputs, year)[0] >= wanted:
            break
        high *= 2
    low = -1  # invariant: low does not reach the net (or is below zero), high does
    while high - low > 1:
        middle = (low + high) // 2
        if net_of(regime, Decimal(middle) / 100, inputs, year)[0] >= wanted:
            high = middle
        else:
            low = middle
    return cents(Decimal(high) / 100)


def ceiling_warnings(inputs, turnover, year):
    """(warnings, unconfirmed): the limits the turnover passes, and what is not confirmed
    about those limits."""
    warnings, unconfirmed = [], []
    if inputs.regime.startswith("fr-micro"):
        ceiling = thresholds.limit("FR", "micro_services", year) or max(
            (found for found in thresholds.LIMITS if found.kind == "micro_services"),
            key=lambda found: found.valid_from,
        )
        if turnover > ceiling.amount:
            warnings.append(
                _(
                    "The turnover needed (%(turnover)s) passes the micro-entrepreneur "
                    "ceiling for services (%(ceiling)s): past it two years running, you "
                    "leave the micro regime."
                )
                % {"turnover": turnover, "ceiling": ceiling.amount}
            )
            if ceiling.unconfirmed:
                unconfirmed.append(str(ceiling.unconfirmed))
    country = "BE" if inputs.regime == "be-main" else "FR" if inputs.regime != "custom" else ""
    franchise = thresholds.limit(country, "vat_franchise", year) if country else None
    if inputs.vat_rate == 0 and franchise is not None and turnover > franchise.amount:
        warnings.append(
            _(
                "Without VAT, the turnover needed (%(turnover)s) passes the VAT franchise "
                "threshold (%(threshold)s): you would have to charge VAT."
            )
            % {"turnover": turnover, "threshold": franchise.amount}
        )
        if franchise.unconfirmed:
            unconfirmed.append(str(franchise.unconfirmed))
    return tuple(warnings), tuple(unconfirmed)


def compute(inputs, on=None):
    """The RateResult of `inputs` with the figures of `on`'s year; InputError if they
    cannot give a rate."""
    check_inputs(inputs)
    year = (on or date.today()).year  # noqa: DTZ011 -- a calendar year, not an instant
    turnover = required_turnover(inputs, year)
    net, takes = net_of(REGIMES[inputs.regime], turnover, inputs, year)
    hours = billable_hours(inputs)
    hourly = cents(turnover / hours)
    warnings, unconfirmed = ceiling_warnings(inputs, turnover, year)
    return RateResult(
        inputs=inputs,
        year=year,
        working_days=cents(working_days(inputs)),
        billable_hours=cents(hours),
        hourly_rate=hourly,
        daily_rate=cents(turnover / hours * inputs.hours_per_day),
        yearly_turnover=turnover,
        vat=cents(turnover * inputs.vat_rate / 100),
        costs=cents(inputs.costs_yearly),
        contributions=takes.contributions,
        income_tax=takes.income_tax,
        net_yearly=cents(net),
        warnings=warnings,
        unconfirmed=tuple(str(note) for note in takes.notes) + unconfirmed,
    )


def parse_decimal(value):
    """A Decimal from what a person or a JSON client sent, or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
