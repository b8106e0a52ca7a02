"""Keeping the network: finding contacts, saving them with the audit trail, logging interactions."""

from django.db import transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower
from django.utils import timezone

from patron.audit.log import changes_between, record, snapshot
from patron.contacts.models import Contact, Tag
from patron.system.picker import Source

CONTACT_FIELDS = [
    "is_organisation",
    "name",
    "first_name",
    "last_name",
    "organisation",
    "position",
    "is_client",
    "is_prospect",
    "is_peer",
    "is_partner",
    "is_supplier",
    "email",
    "phone",
    "website",
    "linkedin_url",
    "street",
    "postcode",
    "city",
    "country",
    "language",
    "vat_number",
    "company_number",
    "notes",
    "referred_by",
    "next_contact_on",
    "cadence_days",
    "hourly_rate",
]
KIND_FILTERS = {
    "organisation": Q(is_organisation=True),
    "person": Q(is_organisation=False),
    **{kind: Q(**{f"is_{kind}": True}) for kind in Contact.KINDS},
}
SORTS = {
    "name": ["sort_name", "first_name", "id"],
    "-name": ["-sort_name", "-first_name", "-id"],
    "next": [F("next_contact_on").asc(nulls_last=True), "sort_name", "id"],
    "recent": ["-created_at", "-id"],
}
MAX_TAGS = 20


def contacts_named(queryset, text):
    """Contacts whose names hold every word typed, for a picker."""
    for word in text.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return queryset.select_related("organisation").order_by("name", "last_name", "first_name", "pk")


def contact_detail(contact):
    if contact.is_organisation:
        return ""
    return contact.organisation.name if contact.organisation_id else contact.email


CONTACTS = Source(
    "contacts:pick", contacts_named, lambda contact: contact.display_name, contact_detail
)


def clients(current=None):
    """Clients and prospects, and the one already chosen whatever it is now."""
    query = Q(is_client=True) | Q(is_prospect=True)
    if current is not None:
        query |= Q(pk=getattr(current, "pk", current))
    return Contact.objects.filter(query)


PICK_SCOPES = {
    "any": lambda: Contact.objects.all(),
    "organisations": lambda: Contact.objects.filter(is_organisation=True),
    "clients": clients,
}


def search_contacts(q="", kind="", tag="", due=False, sort="name", today=None):
    """The contacts matching the list's search and filters, in the order asked.

    Unknown filter or sort values are ignored rather than refused: they come from
    a URL anyone may edit.
    """
    contacts = (
        Contact.objects.select_related("organisation")
        .prefetch_related("tags")
        .annotate(
            sort_name=Lower(Case(When(is_organisation=True, then="name"), default="last_name"))
        )
    )
    q = (q or "").strip()[:100]
    for word in q.split()[:5]:
        contacts = contacts.filter(
            Q(name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if kind in KIND_FILTERS:
        contacts = contacts.filter(KIND_FILTERS[kind])
    if tag:
        contacts = contacts.filter(tags__name__iexact=tag[:50])
    if due:
        contacts = contacts.due_for_follow_up(today)
    return contacts.order_by(*SORTS.get(sort, SORTS["name"]))


def parse_tags(text):
    """Tag names from "design, web ,Design": stripped, without repeats, case kept from the first."""
    names, seen = [], set()
    for name in (text or "").split(","):
        name = " ".join(name.split())[:50]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names[:MAX_TAGS]


def get_tags(names):
    """The Tag rows for these names, created when missing; matched case-insensitively."""
    tags = []
    existing = {t.name.lower(): t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        tag = existing.get(name.lower())
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags.append(tag)
    return tags


def contact_snapshot(contact):
    values = snapshot(
        contact, [f for f in CONTACT_FIELDS if f not in ("organisation", "referred_by")]
    )
    values["organisation"] = contact.organisation_id
    values["referred_by"] = contact.referred_by_id
    values["tags"] = ", ".join(sorted(t.name for t in contact.tags.all())) if contact.pk else ""
    return values


def do_save_contact(user, form, *, actor=""):
    """Save a valid ContactForm (its `tags` are names) and log what changed."""
    created = form.instance.pk is None
    before = {} if created else contact_snapshot(Contact.objects.get(pk=form.instance.pk))
    with transaction.atomic():
        contact = form.save()
        contact.tags.set(get_tags(form.cleaned_data.get("tags") or []))
        after = contact_snapshot(contact)
        record(
            user,
            "create" if created else "update",
            contact,
            changes_between(before, after),
            actor=actor,
        )
    return contact


def do_delete_contact(user, contact, *, actor=""):
    with transaction.atomic():
        record(user, "delete", contact, actor=actor)
        contact.delete()


def do_log_interaction(user, contact, form, *, actor=""):
    """Save a valid InteractionForm for contact and move its follow-up on by the cadence."""
    with transaction.atomic():
        interaction = form.save(commit=False)
        interaction.contact = contact
        interaction.save()
        before = contact.next_contact_on
        # The latest interaction decides: logging an old one does not pull the date back.
        latest = contact.interactions.order_by("-on").values_list("on", flat=True).first()
        contact.move_follow_up_on(latest)
        if contact.next_contact_on != before:
            Contact.objects.filter(pk=contact.pk).update(
                next_contact_on=contact.next_contact_on, updated_at=timezone.now()
            )
        record(
            user,
            "create",
            interaction,
            {"kind": [None, interaction.kind], "on": [None, str(interaction.on)]},
            actor=actor,
        )
    return interaction


def do_delete_interaction(user, interaction, *, actor=""):
    with transaction.atomic():
        record(user, "delete", interaction, actor=actor)
        interaction.delete()
