"""`patron rate [--net-monthly N] [--regime R] … [--json]`: the minimum rate.

Every flag left out takes the saved target scenario's value, else a first guess from the
business profile (scenarios.starting_inputs). The computation is the calculator page's.
"""

from dataclasses import replace
from json import dumps

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from patron.business.profile import get_business
from patron.pricing.calculator import InputError, compute, parse_decimal
from patron.pricing.regimes import REGIMES
from patron.pricing.scenarios import starting_inputs

# flag → (RateInputs field, help)
NUMBERS = {
    "--net-monthly": ("net_monthly", "Net income wanted a month, after contributions and tax."),
    "--costs-yearly": ("costs_yearly", "Business costs a year, excl. VAT."),
    "--contributions": ("contributions_pct", "Custom regime: contributions, % of turnover after costs."),
    "--tax": ("tax_pct", "Custom regime: income tax, % of turnover after costs."),
    "--communal-surcharge": ("communal_surcharge", "be-main: communal surcharge, % of the tax."),
    "--vat": ("vat_rate", "VAT charged on top of the rate, % (0 under a franchise)."),
    "--days-per-week": ("days_per_week", "Working days a week."),
    "--hours-per-day": ("hours_per_day", "Working hours a day."),
    "--weeks-off": ("weeks_off", "Weeks of holiday a year."),
    "--sick-days": ("sick_days", "Sick days expected a year."),
    "--public-holidays": ("public_holidays", "Public holidays a year on working days."),
    "--training-days": ("training_days", "Training days a year."),
    "--billable": ("billable", "Share of working hours billed, 0 < b <= 1 (e.g. 0.6)."),
}  # fmt: skip


class Command(BaseCommand):
    help = (
        "The minimum hourly and daily rate for a net income wanted, from the saved target "
        "scenario; any flag overrides one of its inputs."
    )

    def add_arguments(self, parser):
        for flag, (_field, help_text) in NUMBERS.items():
            parser.add_argument(flag, help=help_text)
        parser.add_argument("--regime", choices=sorted(REGIMES))
        parser.add_argument(
            "--versement-liberatoire",
            choices=["yes", "no"],
            help="fr-micro: income tax paid as a share of turnover.",
        )
        parser.add_argument("--json", action="store_true", help="The result as JSON.")

    def handle(self, *args, **options):
        translation.activate("en")  # as every command: English output
        inputs = starting_inputs(get_business())
        changes = {}
        for flag, (field, _help) in NUMBERS.items():
            raw = options[flag[2:].replace("-", "_")]
            if raw is None:
                continue
            value = parse_decimal(raw)
            if value is None:
                raise CommandError(f"{flag}: “{raw[:40]}” is not a number.")
            changes[field] = value
        if options["regime"]:
            changes["regime"] = options["regime"]
        if options["versement_liberatoire"]:
            changes["versement_liberatoire"] = options["versement_liberatoire"] == "yes"
        inputs = replace(inputs, **changes)
        try:
            result = compute(inputs)
        except InputError as error:
            flags = {field: flag for flag, (field, _help) in NUMBERS.items()}
            flags["regime"] = "--regime"
            raise CommandError(
                " ".join(
                    f"{flags.get(field, 'inputs')}: {message}"
                    for field, message in error.errors.items()
                )
            ) from None
        if options["json"]:
            self.stdout.write(dumps(result.as_json(), indent=2))
            return
        self.stdout.write(describe(result))


def describe(result):
    b = result.inputs
    lines = [
        f"Regime: {b.regime} ({result.year} figures)",
        f"Billable hours: {result.billable_hours} a year ({result.working_days} working days"
        f" × {b.hours_per_day} h × {b.billable} billed)",
        f"Minimum hourly rate: {result.hourly_rate} EUR excl. VAT",
        f"Minimum daily rate:  {result.daily_rate} EUR excl. VAT",
        f"Turnover needed:     {result.yearly_turnover} a year, {result.monthly_turnover} a month",
        "",
        "Breakdown (a year):",
    ]
    labels = {
        "gross_turnover": "Turnover incl. VAT",
        "vat": "− VAT (passed on)",
        "turnover_excl_vat": "Turnover excl. VAT",
        "costs": "− Business costs",
        "contributions": "− Social contributions",
        "income_tax": "− Income tax",
        "net": "= Net income",
    }
    for key, amount in result.breakdown():
        lines.append(f"  {labels[key]:<24}{amount:>14}")
    lines += [f"Warning: {warning}" for warning in result.warnings]
    return "\n".join(lines)
