"""The business profile over the REST API: the same checks as the page."""

from decimal import Decimal

from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from patron.api.errors import ValidationErrors, api_actor, form_errors
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.business.countries import iban_hint
from patron.business.forms import ProfileForm
from patron.business.models import PROFILE_FIELDS, Business
from patron.business.profile import do_save_business, get_business

router = Router(tags=["business"])


class BusinessOut(Schema):
    trading_name: str
    legal_name: str
    legal_form: str
    country: str
    street: str
    postcode: str
    city: str
    email: str
    phone: str
    website: str
    vat_number: str
    company_number: str
    vat_regime: str
    iban: str
    bic: str
    currency: str
    payment_terms_days: int
    document_language: str
    time_zone: str
    default_hourly_rate: Money | None
    planned_hours_per_day: Decimal
    social_regime: str
    versement_liberatoire: bool
    declaration_period: str
    quarterly_contribution: Money | None
    primary_colour: str
    accent_colour: str
    typeface: str
    has_logo: bool
    iban_hint: str

    @staticmethod
    def resolve_has_logo(obj):
        return bool(obj.logo)

    @staticmethod
    def resolve_iban_hint(obj):
        """A caution about an accepted IBAN whose bank code Patron does not know, or ""."""
        return iban_hint(obj.iban)


class BusinessPatch(Schema):
    trading_name: str | None = None
    legal_name: str | None = None
    legal_form: str | None = None
    country: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    vat_number: str | None = None
    company_number: str | None = None
    vat_regime: str | None = None
    iban: str | None = None
    bic: str | None = None
    currency: str | None = None
    payment_terms_days: int | None = None
    document_language: str | None = None
    time_zone: str | None = None
    default_hourly_rate: Decimal | None = None
    planned_hours_per_day: Decimal | None = None
    social_regime: str | None = None
    versement_liberatoire: bool | None = None
    declaration_period: str | None = None
    quarterly_contribution: Decimal | None = None


def require_business() -> Business:
    business = get_business()
    if business is None:
        raise HttpError(404, "The business profile is not set up yet.")
    return business


@router.get("", response=BusinessOut, url_name="business_read", summary="Read the business profile")
def read_business(request: HttpRequest):
    return require_business()


@router.patch(
    "",
    response={200: BusinessOut, 422: ValidationErrors},
    url_name="business_update",
    summary="Change some fields of the business profile",
)
def update_business(request: HttpRequest, payload: BusinessPatch):
    business = require_business()
    current = model_to_dict(business, fields=PROFILE_FIELDS)
    form = patch_form(ProfileForm, current, payload, instance=business)
    if not form.is_valid():
        return form_errors(form, "The profile was not changed.")
    return do_save_business(request.user, form, actor=api_actor(request))
