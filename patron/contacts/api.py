"""Contacts and interactions over the REST API: the same checks as the pages."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from patron.api.errors import ValidationErrors, form_errors
from patron.api.errors import api_actor as actor
from patron.api.fields import Money
from patron.api.forms import patch_form
from patron.contacts.forms import ContactForm, InteractionForm
from patron.contacts.models import Contact, Interaction
from patron.contacts.network import (
    CONTACT_FIELDS,
    do_delete_contact,
    do_delete_interaction,
    do_log_interaction,
    do_save_contact,
    search_contacts,
)

router = Router(tags=["contacts"])


class ContactOut(Schema):
    id: int
    display_name: str
    is_organisation: bool
    name: str
    first_name: str
    last_name: str
    organisation_id: int | None
    position: str
    kinds: list[str]
    tags: list[str]
    email: str
    phone: str
    website: str
    linkedin_url: str
    street: str
    postcode: str
    city: str
    country: str
    language: str
    vat_number: str
    company_number: str
    hourly_rate: Money | None
    notes: str
    referred_by_id: int | None
    next_contact_on: date | None
    cadence_days: int | None
    connected_on: date | None

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]


class ContactIn(Schema):
    is_organisation: bool | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    organisation_id: int | None = None
    position: str | None = None
    is_client: bool | None = None
    is_prospect: bool | None = None
    is_peer: bool | None = None
    is_partner: bool | None = None
    is_supplier: bool | None = None
    tags: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    linkedin_url: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    language: str | None = None
    vat_number: str | None = None
    company_number: str | None = None
    hourly_rate: Decimal | None = None
    notes: str | None = None
    referred_by_id: int | None = None
    next_contact_on: date | None = None
    cadence_days: int | None = None


class ContactFilters(Schema):
    q: str = ""
    kind: str = ""
    tag: str = ""
    due: bool = False
    sort: str = "name"


class InteractionOut(Schema):
    id: int
    contact_id: int
    on: date
    kind: str
    note: str


class InteractionIn(Schema):
    on: date | None = None
    kind: str
    note: str = ""


class InteractionFilters(Schema):
    contact_id: int | None = None
    kind: str = ""
    since: date | None = None
    until: date | None = None


def contact_form(payload, contact=None):
    """A ContactForm from the contact's current values and the payload's changes."""
    current = {"language": Contact._meta.get_field("language").default}
    if contact is not None:
        for field in CONTACT_FIELDS:
            value = getattr(
                contact, field if field not in ("organisation", "referred_by") else f"{field}_id"
            )
            current[field] = value
        current["tags"] = ", ".join(t.name for t in contact.tags.all())
    return patch_form(ContactForm, current, payload, convert={"tags": tags_text}, instance=contact)


def tags_text(tags):
    return ", ".join(tags or [])


def contacts_query():
    return Contact.objects.select_related("organisation").prefetch_related("tags")


@router.get("", response=list[ContactOut], url_name="contacts_list", summary="List contacts")
@paginate(PageNumberPagination, page_size=50)
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]):
    return search_contacts(**filters.dict())


@router.post(
    "",
    response={201: ContactOut, 422: ValidationErrors},
    url_name="contacts_create",
    summary="Add a contact",
)
def create_contact(request: HttpRequest, payload: ContactIn):
    form = contact_form(payload)
    if not form.is_valid():
        return form_errors(form, "The contact was not added.")
    return 201, do_save_contact(request.user, form, actor=actor(request))


@router.get(
    "/interactions",
    response=list[InteractionOut],
    url_name="interactions_list",
    summary="List interactions, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def list_interactions(request: HttpRequest, filters: Query[InteractionFilters]):
    interactions = Interaction.objects.all()
    if filters.contact_id:
        interactions = interactions.filter(contact_id=filters.contact_id)
    if filters.kind:
        interactions = interactions.filter(kind=filters.kind)
    if filters.since:
        interactions = interactions.filter(on__gte=filters.since)
    if filters.until:
        interactions = interactions.filter(on__lte=filters.until)
    return interactions


@router.delete(
    "/interactions/{int:interaction_id}",
    response={204: None},
    url_name="interactions_delete",
    summary="Delete an interaction",
)
def delete_interaction(request: HttpRequest, interaction_id: int):
    do_delete_interaction(
        request.user, get_object_or_404(Interaction, pk=interaction_id), actor=actor(request)
    )
    return 204, None


@router.get(
    "/{int:contact_id}", response=ContactOut, url_name="contacts_read", summary="Read a contact"
)
def read_contact(request: HttpRequest, contact_id: int):
    return get_object_or_404(contacts_query(), pk=contact_id)


@router.patch(
    "/{int:contact_id}",
    response={200: ContactOut, 422: ValidationErrors},
    url_name="contacts_update",
    summary="Change some fields of a contact",
)
def update_contact(request: HttpRequest, contact_id: int, payload: ContactIn):
    contact = get_object_or_404(contacts_query(), pk=contact_id)
    form = contact_form(payload, contact)
    if not form.is_valid():
        return form_errors(form, "The contact was not changed.")
    do_save_contact(request.user, form, actor=actor(request))
    return contacts_query().get(pk=contact_id)


@router.delete(
    "/{int:contact_id}",
    response={204: None},
    url_name="contacts_delete",
    summary="Delete a contact",
)
def delete_contact(request: HttpRequest, contact_id: int):
    do_delete_contact(request.user, get_object_or_404(Contact, pk=contact_id), actor=actor(request))
    return 204, None


@router.post(
    "/{int:contact_id}/interactions",
    response={201: InteractionOut, 422: ValidationErrors},
    url_name="interactions_create",
    summary="Log an interaction (moves the follow-up on by the cadence)",
)
def create_interaction(request: HttpRequest, contact_id: int, payload: InteractionIn):
    contact = get_object_or_404(Contact, pk=contact_id)
    data = payload.dict()
    data["on"] = data["on"] or timezone.localdate()
    form = InteractionForm(data)
    if not form.is_valid():
        return form_errors(form, "The interaction was not logged.")
    return 201, do_log_interaction(request.user, contact, form, actor=actor(request))
