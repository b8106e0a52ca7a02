"""What each regime takes from a year's turnover: social contributions and income tax.

One small module a regime (a class with its figures, their year and source): Belgian
self-employed main occupation, French micro-entrepreneur (BNC and BIC services), and a
custom regime whose percentages the user types. Each regime answers one question —
`takes(turnover, costs, options, year)` — with the contributions and the income tax
of the year, rounded half-up to the cent, and what of the figures it used is not
confirmed (`Takes.notes`, shown with the result). The calculator searches the turnover
that leaves the wanted net; every regime keeps net income non-decreasing in turnover.

Social contributions come from `patron.business.contributions`; the income tax scales,
with their sources, are in docs/facts/tax-figures.md §8. A year whose scale is not known
yet takes the latest earlier one and says so: the Belgian scale of the income of 2026 was
not published when the table was written, and is not guessed.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from patron.business.contributions import (
    MICRO_RATES,
    belgian_contributions,
    belgian_scale,
    micro_rates,
)
from patron.money import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxScale:
    """A progressive income tax scale: (upper limit or None, rate %) from the bottom up."""

    income_year: int
    brackets: tuple
    allowance: Decimal  # Belgium: the tax-free allowance (quotité exemptée); France: 0
    source: str
    unconfirmed: str = ""  # what is not confirmed about the scale, if anything

    def on(self, income):
        income = max(income, ZERO)
        tax, floor = Decimal(0), Decimal(0)
        for upper, rate in self.brackets:
            if upper is None or income <= upper:
                return tax + (income - floor) * rate / HUNDRED
            tax += (upper - floor) * rate / HUNDRED
            floor = upper
        return tax


# Federal personal income tax (IPP) of a Belgian resident (docs/facts/tax-figures.md
# §8.1): SPF Finances, "Taux d'imposition" (primary) for the income of 2024 and both
# allowances; the brackets of the income of 2025 from accountancy sites (Bona, Fiscusonweb,
# Billy). The allowance is the basic one, without children, taken off at the lowest rate
# (25 %). The scale of the income of 2026 was not found: do not hard-code it.
BELGIAN_TAX = (
    TaxScale(2024, ((Decimal("15820"), Decimal(25)), (Decimal("27920"), Decimal(40)),
                    (Decimal("48320"), Decimal(45)), (None, Decimal(50))),
             Decimal("10570"), "SPF Finances, Taux d'imposition: income of 2024 (tax "
             "year 2025)"),
    TaxScale(2025, ((Decimal("16320"), Decimal(25)), (Decimal("28800"), Decimal(40)),
                    (Decimal("49840"), Decimal(45)), (None, Decimal(50))),
             Decimal("10910"), "income of 2025 (tax year 2026): allowance SPF Finances, "
             "Taux d'imposition; brackets as published by Bona, Fiscusonweb, Billy"),
)  # fmt: skip

# The French barème for one part (a single person without other income; no décote, no
# quotient familial), CGI art. 197 (docs/facts/tax-figures.md §8.2): the loi de finances
# pour 2025 (art. 2, +1.8 %) for the income of 2024, the loi de finances pour 2026 (art. 4,
# JO 20 Feb 2026, +0.9 %) for the income of 2025.
FRENCH_TAX = (
    TaxScale(2024, ((Decimal("11497"), Decimal(0)), (Decimal("29315"), Decimal(11)),
                    (Decimal("83823"), Decimal(30)), (Decimal("180294"), Decimal(41)),
                    (None, Decimal(45))),
             ZERO, "CGI art. 197, loi de finances pour 2025, income of 2024, one part"),
    TaxScale(2025, ((Decimal("11600"), Decimal(0)), (Decimal("29579"), Decimal(11)),
                    (Decimal("84577"), Decimal(30)), (Decimal("181917"), Decimal(41)),
                    (None, Decimal(45))),
             ZERO, "CGI art. 197, loi de finances pour 2026, income of 2025, one part"),
)  # fmt: skip


def tax_scale(scales, year):
    """(scale, confirmed): the income year's scale, else the latest earlier one."""
    known = [s for s in scales if s.income_year <= year] or [scales[0]]
    scale = max(known, key=lambda s: s.income_year)
    return scale, scale.income_year == year


@dataclass(frozen=True)
class Takes:
    contributions: Decimal
    income_tax: Decimal
    notes: tuple = field(default=())  # what of the figures used is not confirmed, for the page


def rounded(contributions, tax, notes=()):
    """Both to the cent with their sum rounded once: two separate roundings could make one
    more cent of turnover cost two cents, and the net would no longer only grow."""
    total = cents(contributions + tax)
    contributions = cents(contributions)
    return Takes(contributions, total - contributions, tuple(notes))


SOCIAL_SCALE_STANDS_IN = _(
    "The social contribution scale of %(year)s is not known yet: that of %(used)s is used."
)
TAX_SCALE_STANDS_IN = _(
    "The income tax scale of %(year)s is not known yet: that of %(used)s is used."
)


def scale_notes(message, year, used_year, confirmed):
    """The message when the figures of another year stand in for the year's own."""
    return () if confirmed else (message % {"year": year, "used": used_year},)


class BelgianMain:
    """Self-employed, main occupation: contributions on the net taxable income N, which
    they lower (N + C(N) = turnover − costs, docs/facts/tax-figures.md §7), then the IPP on
    N less the tax on the tax-free allowance, plus the communal surcharge (a typed average,
    7 % by default)."""

    code = "be-main"
    label = _("Belgium: self-employed, main occupation")

    def net_taxable(self, earned, scale):
        """The largest N, to the cent, with N + C(N) <= earned: C is non-decreasing, so
        N + C(N) is increasing and a bisection over cents finds it exactly."""
        low = int((earned - belgian_contributions(Decimal("1e9"), scale)) * 100) - 1
        high = int(earned * 100) + 1  # N <= earned since C >= 0
        while high - low > 1:  # invariant: low fits, high does not
            middle = (low + high) // 2
            n = Decimal(middle) / 100
            if n + belgian_contributions(n, scale) <= earned:
                low = middle
            else:
                high = middle
        return Decimal(low) / 100

    def income_tax(self, net_taxable, year, surcharge):
        scale, _confirmed = tax_scale(BELGIAN_TAX, year)
        federal = max(ZERO, scale.on(net_taxable) - scale.on(scale.allowance))
        return cents(federal * (1 + surcharge / HUNDRED))

    def notes(self, year):
        scale, confirmed = belgian_scale(year)
        tax, tax_confirmed = tax_scale(BELGIAN_TAX, year)
        return (
            *scale_notes(SOCIAL_SCALE_STANDS_IN, year, scale.year, confirmed),
            *((str(scale.unconfirmed),) if scale.unconfirmed else ()),
            *scale_notes(TAX_SCALE_STANDS_IN, year, tax.income_year, tax_confirmed),
            *((str(tax.unconfirmed),) if tax.unconfirmed else ()),
        )

    def takes(self, turnover, costs, options, year):
        scale, _confirmed = belgian_scale(year)
        earned = cents(turnover - costs)
        n = self.net_taxable(earned, scale)
        contributions = cents(earned - n)
        tax = self.income_tax(n, year, options.communal_surcharge)
        return Takes(contributions, tax, self.notes(year))


class FrenchMicro:
    """Micro-entrepreneur: contributions, CFP and (if chosen) the versement libératoire as
    shares of the turnover (docs/facts/tax-figures.md §6); without it, the barème on the
    turnover less the flat allowance (34 % BNC, 50 % BIC services). Expenses are not
    deductible but must be paid: they come out of the net, not out of the base."""

    def __init__(self, code, label, allowance):
        self.code, self.label, self.allowance = code, label, allowance

    def rates(self, year):
        """(rates, confirmed) of the year; before the table, the oldest figures."""
        rates, confirmed = micro_rates(self.code, date(year, 1, 1))
        if rates is None:
            oldest = min(r.valid_from for r in MICRO_RATES if r.regime == self.code)
            rates, confirmed = micro_rates(self.code, oldest)[0], False
        return rates, confirmed

    def takes(self, turnover, costs, options, year):
        rates, confirmed = self.rates(year)
        notes = (
            [
                _("The micro-social rates of %(year)s are not known yet: the latest are used.")
                % {"year": year}
            ]
            if not confirmed
            else []
        )
        if rates.unconfirmed:
            notes.append(str(rates.unconfirmed))
        turnover = max(turnover, ZERO)
        contributions = turnover * (rates.social + rates.cfp) / HUNDRED
        if options.versement_liberatoire:
            tax = turnover * rates.liberatoire / HUNDRED
        else:
            scale, scale_confirmed = tax_scale(FRENCH_TAX, year)
            notes += scale_notes(TAX_SCALE_STANDS_IN, year, scale.income_year, scale_confirmed)
            notes += [str(scale.unconfirmed)] if scale.unconfirmed else []
            tax = scale.on(turnover * (HUNDRED - self.allowance) / HUNDRED)
        return rounded(contributions, tax, notes)


class Custom:
    """Typed percentages of the turnover after costs (nothing below zero)."""

    code = "custom"
    label = _("Custom: percentages I type")

    def takes(self, turnover, costs, options, year):
        base = max(ZERO, turnover - costs)
        return rounded(base * options.contributions_pct / HUNDRED, base * options.tax_pct / HUNDRED)


REGIMES = {
    regime.code: regime
    for regime in (
        BelgianMain(),
        FrenchMicro(
            "fr-micro-bnc",
            _("France: micro-entrepreneur, liberal profession (BNC)"),
            Decimal(34),
        ),
        FrenchMicro(
            "fr-micro-bic",
            _("France: micro-entrepreneur, commercial or craft services (BIC)"),
            Decimal(50),
        ),
        Custom(),
    )
}

CHOICES = [(code, regime.label) for code, regime in REGIMES.items()]
