from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.business.brand import TYPEFACE_CHOICES
from patron.business.countries import COUNTRY_CHOICES


class Business(models.Model):
    """The one business this Patron runs: its identity, legal details and brand kit."""

    class LegalForm(models.TextChoices):
        SOLE_TRADER = "sole_trader", _("Sole trader (self-employed in own name)")
        MICRO = "micro", _("Micro-entrepreneur (France)")
        SRL = "srl", _("SRL / BV (Belgium)")
        SARL = "sarl", _("SARL / EURL (France)")
        SAS = "sas", _("SAS / SASU (France)")
        SA = "sa", _("SA / NV")
        OTHER = "other", _("Other")

    class VatRegime(models.TextChoices):
        NORMAL = "normal", _("Normal: I charge VAT")
        FRANCHISE = "franchise", _("Small-business franchise: I do not charge VAT")

    class SocialRegime(models.TextChoices):
        """Who collects the owner's social contributions, and on what (contributions.py)."""

        NONE = "", _("Not set")
        BE_MAIN = "be-main", _("Belgium: self-employed, main occupation")
        FR_MICRO_BNC = "fr-micro-bnc", _("France: micro-entrepreneur, liberal profession (BNC)")
        FR_MICRO_BNC_CIPAV = (
            "fr-micro-bnc-cipav",
            _("France: micro-entrepreneur, regulated liberal profession (BNC, CIPAV)"),
        )
        FR_MICRO_BIC = (
            "fr-micro-bic",
            _("France: micro-entrepreneur, commercial or craft services (BIC)"),
        )
        FR_MICRO_BIC_SALES = (
            "fr-micro-bic-sales",
            _("France: micro-entrepreneur, sales of goods (BIC)"),
        )

    class DeclarationPeriod(models.TextChoices):
        MONTH = "month", _("Every month")
        QUARTER = "quarter", _("Every quarter")

    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    email = models.EmailField(_("email"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    company_number = models.CharField(_("company number"), max_length=20)
    vat_regime = models.CharField(
        _("VAT regime"), max_length=20, choices=VatRegime.choices, default=VatRegime.NORMAL
    )
    iban = models.CharField(_("IBAN"), max_length=42, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    currency = models.CharField(_("default currency"), max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
    )
    document_language = models.CharField(
        _("language of documents"),
        max_length=2,
        choices=[("fr", _("French")), ("en", _("English"))],
        default="fr",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    default_hourly_rate = models.DecimalField(
        _("default hourly rate"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Used for projects and clients that have no rate of their own."),
    )
    social_regime = models.CharField(
        _("social regime"), max_length=20, choices=SocialRegime.choices, blank=True, default=""
    )
    versement_liberatoire = models.BooleanField(
        _("versement libératoire"),
        default=False,
        help_text=_("France: income tax paid with the contributions, as a share of turnover."),
    )
    declaration_period = models.CharField(
        _("turnover declared"),
        max_length=10,
        choices=DeclarationPeriod.choices,
        default=DeclarationPeriod.QUARTER,
        help_text=_("France: how often you declare your turnover to URSSAF."),
    )
    quarterly_contribution = models.DecimalField(
        _("provisional contribution a quarter"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Belgium: what your social insurance fund asks you to pay each quarter."),
    )
    planned_hours_per_day = models.DecimalField(
        _("hours you plan to work a day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("8"),
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )

    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1f4e79")
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#c2410c")
    typeface = models.CharField(
        _("typeface"), max_length=40, choices=TYPEFACE_CHOICES, default="inter"
    )
    # Always True and unique: the database itself keeps Patron to one business.
    singleton = models.BooleanField(default=True, unique=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.trading_name or self.legal_name


PROFILE_FIELDS = [
    "trading_name", "legal_name", "legal_form", "country", "street", "postcode", "city",
    "email", "phone", "website", "vat_number", "company_number", "vat_regime",
    "iban", "bic", "currency", "payment_terms_days", "document_language", "time_zone",
    "default_hourly_rate", "planned_hours_per_day", "social_regime", "versement_liberatoire",
    "declaration_period", "quarterly_contribution",
]  # fmt: skip
BRAND_FIELDS = ["logo", "primary_colour", "accent_colour", "typeface"]
