"""The owner's social contributions, by regime: dated figures with their source (rule 1 of
the design); how each was established: docs/facts/tax-figures.md §6 and §7.

France (micro-social): a share of the turnover received, by activity, plus the training
contribution (CFP) and, if chosen, the income tax paid with them (versement libératoire).
Belgium (self-employed, main occupation): brackets on the year's net taxable income with a
quarterly minimum, plus the social insurance fund's fee. A year without its own figures
takes the latest earlier ones and says so (`confirmed`); a figure the sources could not
confirm carries what is unconfirmed about it (`unconfirmed`), which the pages show.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from patron.money import cents


@dataclass(frozen=True)
class MicroRates:
    regime: str
    social: Decimal  # % of the turnover received
    cfp: Decimal  # formation professionnelle, %
    liberatoire: Decimal  # versement libératoire, %
    valid_from: date
    valid_to: date | None
    source: str
    unconfirmed: str = ""  # what is not confirmed about these figures, if anything


# CFP: 0.1 % commerce, 0.2 % services and liberal professions (0.3 % for crafts);
# versement libératoire (art. 151-0 CGI): 1 % sales, 1.7 % BIC services, 2.2 % BNC.
CFP_VL = "versement libératoire: CGI art. 151-0; CFP: Centre Inffo"
CSS = "Code de la sécurité sociale, art. D613-4"
MICRO_RATES = (
    MicroRates("fr-micro-bnc", Decimal("24.6"), Decimal("0.2"), Decimal("2.2"), date(2025, 1, 1),
               date(2025, 12, 31), f"{CSS}: BNC (SSI), 2025 (décret 2025-943; ARAPL; Weblex "
               f"2025); {CFP_VL}"),
    MicroRates("fr-micro-bnc", Decimal("25.6"), Decimal("0.2"), Decimal("2.2"), date(2026, 1, 1),
               None, f"{CSS}: BNC (SSI), 2026 (décret 2025-943 of 8 Sep 2025; ARAPL); "
               f"{CFP_VL}"),
    MicroRates("fr-micro-bnc-cipav", Decimal("23.2"), Decimal("0.2"), Decimal("2.2"),
               date(2024, 7, 1), None, f"{CSS}: BNC (CIPAV) since 1 Jul 2024 (décret "
               f"2024-484 of 30 May 2024), 2025 and 2026; {CFP_VL}"),
    MicroRates("fr-micro-bic", Decimal("21.2"), Decimal("0.2"), Decimal("1.7"), date(2025, 1, 1),
               None, f"{CSS}: BIC services, 2025 and 2026 (Weblex 2025; ARAPL); "
               f"{CFP_VL}"),
    MicroRates("fr-micro-bic-sales", Decimal("12.3"), Decimal("0.1"), Decimal("1.0"),
               date(2025, 1, 1), None, f"{CSS}: BIC sales of goods, 2025 and 2026 "
               f"(Weblex 2025; ARAPL); {CFP_VL}"),
)  # fmt: skip


@dataclass(frozen=True)
class BelgianScale:
    year: int
    rate_1: Decimal  # % up to limit_1
    limit_1: Decimal
    rate_2: Decimal  # % between limit_1 and limit_2; nothing above
    limit_2: Decimal
    minimum_quarter: Decimal  # excl. the fund's fee
    fee: Decimal  # the social insurance fund's management fee, % of the contributions
    source: str
    unconfirmed: str = ""  # what is not confirmed about this scale, if anything


FEE_UNCONFIRMED = _(
    "The fund's fee (3.05 %) is worked out from one fund's figures (Xerius 2025): funds "
    "charge between 3 and 4 %, and the legal maximum was not found. The other figures come "
    "from funds and accountancy sites, not from INASTI itself."
)
BELGIAN_SCALES = (
    BelgianScale(2025, Decimal("20.50"), Decimal("73447.52"), Decimal("14.16"),
                 Decimal("108238.40"), Decimal("871.71"), Decimal("3.05"),
                 "INASTI scale, main occupation, 2025 (as published by Eloya, Office SFA, "
                 "Xerius)", FEE_UNCONFIRMED),
    BelgianScale(2026, Decimal("20.50"), Decimal("75024.54"), Decimal("14.16"),
                 Decimal("110562.42"), Decimal("890.42"), Decimal("3.05"),
                 "INASTI scale, main occupation, 2026 (Tamtam, citing the INASTI 2026 grid)",
                 FEE_UNCONFIRMED),
)  # fmt: skip


def micro_rates(regime, on):
    """(rates, confirmed): the figures of the day, else the latest before it (unconfirmed)."""
    known = [r for r in MICRO_RATES if r.regime == regime and r.valid_from <= on]
    if not known:
        return None, False
    for rates in known:
        if rates.valid_to is None or on <= rates.valid_to:
            return rates, True
    return max(known, key=lambda r: r.valid_from), False


def belgian_scale(year):
    """(scale, confirmed): the year's scale, else the latest earlier one, not confirmed for
    that year (the brackets are indexed each year)."""
    known = [s for s in BELGIAN_SCALES if s.year <= year]
    if not known:
        return BELGIAN_SCALES[0], False
    scale = max(known, key=lambda s: s.year)
    return scale, scale.year == year


def belgian_contributions(income, scale):
    """The year's contributions (fee included) on a net taxable income."""
    income = max(income, Decimal(0))
    first = min(income, scale.limit_1) * scale.rate_1 / 100
    second = max(Decimal(0), min(income, scale.limit_2) - scale.limit_1) * scale.rate_2 / 100
    yearly = max(first + second, scale.minimum_quarter * 4)
    return cents(yearly * (1 + scale.fee / 100))


def belgian_net_income(earned, scale):
    """The net taxable income N when `earned` (turnover less expenses) must pay for N and
    for the contributions on N, which are deductible: N + C(N) = earned
    (docs/facts/tax-figures.md §7).
    C grows slower than N, so a few rounds of N = earned − C(N) settle it."""
    net = earned
    for _round in range(60):
        following = earned - belgian_contributions(net, scale)
        if abs(following - net) < Decimal("0.005"):
            break
        net = following
    return cents(max(net, Decimal(0)))
