"""The countries Patron knows the rules of, and how their numbers are checked.

Adding a country means adding an entry here, and its invoicing rules where billing keeps
the law (billing/rules: VAT, mentions, late interest): nothing else in the business app names
a country.
"""

from dataclasses import dataclass
from types import ModuleType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import bic, iban
from stdnum.be import vat as be_vat
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret
from stdnum.fr import tva as fr_tva
from stdnum.util import get_cc_module


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    vat_module: ModuleType

    def check_vat(self, value):
        """The VAT number normalised to its standard form (BE0123456789), or a ValidationError."""
        compact = "".join(ch for ch in value.upper() if ch.isalnum())
        if compact[:2].isalpha() and compact[:2] != self.code:
            raise ValidationError(
                _(
                    "This VAT number belongs to another country (%(prefix)s); the business’s country is %(country)s."
                ),
                code="foreign",
                params={"prefix": compact[:2], "country": self.name},
            )
        if compact.startswith(self.code):
            compact = compact[2:]
        try:
            number = self.vat_module.validate(compact)
        except StdnumError:
            raise ValidationError(
                _(
                    "“%(value)s” is not a valid VAT number (country: %(country)s): check the digits."
                ),
                code="invalid",
                params={"value": value, "country": self.name},
            ) from None
        return self.code + number

    def check_company_number(self, value):
        raise NotImplementedError


class Belgium(Country):
    def check_company_number(self, value):
        try:
            number = be_vat.validate(value.upper().removeprefix("BE"))
        except StdnumError:
            raise ValidationError(
                _("“%(value)s” is not a valid Belgian enterprise number (0123.456.789)."),
                code="invalid",
                params={"value": value},
            ) from None
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"


class France(Country):
    def check_company_number(self, value):
        digits = "".join(ch for ch in value if not ch.isspace() and ch not in ".-")
        module = siret if len(digits) == 14 else siren
        try:
            return module.format(module.validate(digits))
        except StdnumError:
            raise ValidationError(
                _(
                    "“%(value)s” is not a valid SIREN (9 digits) or SIRET (14 digits): check the digits."
                ),
                code="invalid",
                params={"value": value},
            ) from None


COUNTRIES = {
    "BE": Belgium("BE", _("Belgium"), be_vat),
    "FR": France("FR", _("France"), fr_tva),
}

COUNTRY_CHOICES = [(code, country.name) for code, country in COUNTRIES.items()]


def check_iban(value):
    """The IBAN in groups of four, or a ValidationError: its checksum and its country's
    format decide. A bank code missing from python-stdnum's registry of banks is no reason
    to refuse a number whose check digits are right (the registry lags behind the banks):
    iban_hint says it instead."""
    try:
        number = iban.validate(value, check_country=False)
        national_check(number)
    except StdnumError:
        raise ValidationError(
            _("“%(value)s” is not a valid IBAN: check the digits."),
            code="invalid",
            params={"value": value},
        ) from None
    return iban.format(number)


def national_check(number):
    """The country's own check digits inside the IBAN, where python-stdnum knows them (BE,
    ES, ME, NO); True when they are right but the bank code is not in its registry."""
    module = get_cc_module(number[:2], "iban")
    if module is None:
        return False
    try:
        module.validate(number)
    except InvalidComponent:
        return True
    return False


def iban_hint(value):
    """A word of caution about an IBAN check_iban accepts, or "": its bank code is not in
    the registry of banks python-stdnum carries (a new bank, or a rare typing mistake that
    the check digits missed)."""
    try:
        number = iban.validate(value or "", check_country=False)
        unknown_bank = national_check(number)
    except StdnumError:
        return ""
    if not unknown_bank:
        return ""
    return _(
        "Patron's list of banks does not know the bank code of %(value)s. Its check digits "
        "are right, so it is accepted: compare it once more with your bank's statement."
    ) % {"value": iban.format(number)}


def check_bic(value):
    try:
        return bic.validate(value)
    except StdnumError:
        raise ValidationError(
            _("“%(value)s” is not a valid BIC (8 or 11 letters and digits)."),
            code="invalid",
            params={"value": value},
        ) from None
