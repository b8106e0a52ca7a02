from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGE_CHOICES = [("fr", _("French")), ("en", _("English"))]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def display_name(is_organisation, name, first_name, last_name, email):
    """A contact's name from its columns, for exports that read values, not instances."""
    if is_organisation:
        return name
    return f"{first_name} {last_name}".strip() or name or email


# The columns display_name reads, for values_list() through a foreign key.
DISPLAY_NAME_FIELDS = ("is_organisation", "name", "first_name", "last_name", "email")


class ContactQuerySet(models.QuerySet):
    def due_for_follow_up(self, today=None):
        """Contacts whose next-contact date is today or past: the “to reconnect” list."""
        today = today or timezone.localdate()
        return self.filter(next_contact_on__lte=today)


class Contact(models.Model):
    """A person or an organisation of the freelancer's network, not only clients."""

    KINDS = ("client", "prospect", "peer", "partner", "supplier")

    is_organisation = models.BooleanField(_("organisation"), default=False)
    # An organisation has a name; a person has first and last names (and may belong to one).
    name = models.CharField(_("organisation name"), max_length=200, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "self",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        limit_choices_to={"is_organisation": True},
    )
    position = models.CharField(_("position"), max_length=150, blank=True)

    is_client = models.BooleanField(_("client"), default=False)
    is_prospect = models.BooleanField(_("prospect"), default=False)
    is_peer = models.BooleanField(_("peer freelancer"), default=False)
    is_partner = models.BooleanField(_("partner"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)

    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    linkedin_url = models.URLField(_("LinkedIn profile"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    company_number = models.CharField(_("company number"), max_length=20, blank=True)
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("follow-up every (days)"), null=True, blank=True
    )
    connected_on = models.DateField(_("connected on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="contact_email_unique"
            ),
            models.UniqueConstraint(
                Lower("linkedin_url"), condition=~Q(linkedin_url=""), name="contact_linkedin_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["next_contact_on"]),
            models.Index(fields=["last_name", "first_name"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return display_name(
            self.is_organisation, self.name, self.first_name, self.last_name, self.email
        )

    @property
    def kinds(self):
        return [kind for kind in self.KINDS if getattr(self, f"is_{kind}")]

    def move_follow_up_on(self, on_date):
        """After an interaction on on_date, the next contact falls one cadence later."""
        if self.cadence_days:
            self.next_contact_on = on_date + timedelta(days=self.cadence_days)
        elif self.next_contact_on and self.next_contact_on <= on_date:
            self.next_contact_on = None


class Interaction(models.Model):
    class Kind(models.TextChoices):
        EVENT = "event", _("Met at an event")
        CALL = "call", _("Call")
        EMAIL = "email", pgettext_lazy("interaction kind", "Email")
        MEETING = "meeting", _("Meeting")
        REFERRAL_GIVEN = "referral_given", _("Referral given")
        REFERRAL_RECEIVED = "referral_received", _("Referral received")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()} — {self.contact}"
