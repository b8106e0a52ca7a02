"""Contacts as vCard 4.0, for address books and phones."""

import vobject

from patron.contacts.models import Contact


def contact_vcard(contact):
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = contact.display_name or "—"
    if contact.is_organisation:
        card.add("n").value = vobject.vcard.Name()
        card.add("kind").value = "org"
        card.add("org").value = [contact.name]
    else:
        card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
        if contact.organisation_id:
            card.add("org").value = [contact.organisation.name]
        if contact.position:
            card.add("title").value = contact.position
    if contact.email:
        card.add("email").value = contact.email
    if contact.phone:
        card.add("tel").value = contact.phone
    for url in (contact.website, contact.linkedin_url):
        if url:
            card.add("url").value = url
    if contact.street or contact.city or contact.postcode or contact.country:
        card.add("adr").value = vobject.vcard.Address(
            street=contact.street, city=contact.city, code=contact.postcode, country=contact.country
        )
    if contact.language:
        card.add("lang").value = contact.language
    if contact.notes:
        card.add("note").value = contact.notes
    tags = [t.name for t in contact.tags.all()]
    if tags:
        card.add("categories").value = tags
    card.add("uid").value = f"urn:patron:contact:{contact.pk}"
    return card.serialize()


def vcards(contacts):
    """Serialise contacts one card after another (an iterable, for streaming)."""
    for contact in contacts:
        yield contact_vcard(contact)


def all_contacts():
    return Contact.objects.select_related("organisation").prefetch_related("tags").order_by("id")
