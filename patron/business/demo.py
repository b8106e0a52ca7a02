"""The sample business of `patron demo`: a Brussels designer working in French and English,
or with `--country fr` a micro-entrepreneur in Lyon under the VAT franchise."""

from django.core.files.uploadedfile import SimpleUploadedFile

from patron.business.forms import BrandForm, ProfileForm
from patron.business.profile import do_save_business

LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80" width="240" height="80">
  <circle cx="40" cy="40" r="30" fill="#0f766e"/>
  <path d="M28 52 L40 22 L52 52 Z" fill="#ffffff"/>
  <text x="84" y="50" font-family="Lora, serif" font-size="30" font-weight="700" fill="#0f766e">Lumen</text>
</svg>
"""

PROFILE = {
    "trading_name": "Atelier Lumen",
    "legal_name": "Claire Dubois",
    "legal_form": "sole_trader",
    "country": "BE",
    "street": "Rue de la Loi 42",
    "postcode": "1000",
    "city": "Bruxelles",
    "email": "bonjour@atelier-lumen.example",
    "phone": "+32 470 12 34 56",
    "website": "https://atelier-lumen.example",
    "vat_number": "BE 0712.345.630",
    "company_number": "0712345630",
    "vat_regime": "normal",
    "iban": "BE71 0961 2345 6769",
    "bic": "GKCCBEBB",
    "currency": "EUR",
    "payment_terms_days": 30,
    "document_language": "fr",
    "time_zone": "Europe/Brussels",
    "default_hourly_rate": "85.00",
    "planned_hours_per_day": "7",
    "social_regime": "be-main",
    "quarterly_contribution": "900.00",
}


FRENCH_PROFILE = {
    **PROFILE,
    "trading_name": "Atelier Lumen",
    "legal_name": "Claire Dubois",
    "legal_form": "micro",
    "country": "FR",
    "street": "12 rue de la République",
    "postcode": "69002",
    "city": "Lyon",
    "phone": "+33 6 12 34 56 78",
    "vat_number": "",
    "company_number": "732 829 320 00074",
    "vat_regime": "franchise",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "time_zone": "Europe/Paris",
    "default_hourly_rate": "60.00",
    "social_regime": "fr-micro-bnc",
    "quarterly_contribution": "",
    "declaration_period": "quarter",
}
PROFILES = {"BE": PROFILE, "FR": FRENCH_PROFILE}


def populate(owner, country="BE"):
    profile = ProfileForm(PROFILES[country])
    if not profile.is_valid():
        raise ValueError(f"The demo profile is invalid: {profile.errors.as_text()}")
    business = do_save_business(owner, profile, actor="demo")
    brand = BrandForm(
        {"primary_colour": "#0f766e", "accent_colour": "#b45309", "typeface": "lora"},
        {"logo": SimpleUploadedFile("lumen.svg", LOGO, "image/svg+xml")},
        instance=business,
    )
    if not brand.is_valid():
        raise ValueError(f"The demo brand kit is invalid: {brand.errors.as_text()}")
    do_save_business(owner, brand, actor="demo")
    return f"business “{business.display_name}” with its brand kit"
