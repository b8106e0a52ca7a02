"""Contact imports cut nothing without a word: a vCard's note is kept whole (notes have no
limit), a tag too long or too many tags is a row error on the page, as a name too long is."""

from django.core.files.uploadedfile import SimpleUploadedFile

from patron.contacts.importers import VCardImporter
from patron.contacts.models import Contact


def card(*lines):
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Janssens;Eva;;;\r\nFN:Eva Janssens\r\n"
        + "".join(f"{line}\r\n" for line in lines)
        + "END:VCARD\r\n"
    ).encode()


def test_a_100_kb_vcard_note_is_kept_whole(db):
    note = "Met at the design week. " * 4_300  # 103,200 characters
    importer = VCardImporter()
    plan = importer.plan(card(f"NOTE:{note.strip()}"))
    assert plan.ok and plan.warnings == []
    importer.apply(plan)
    assert Contact.objects.get().notes == note.strip()


def preview(owner_client, data):
    upload = SimpleUploadedFile("contacts.vcf", data)
    return owner_client.post("/app/contacts/import/", {"kind": "vcard", "file": upload})


def test_a_tag_too_long_is_a_row_error_on_the_import_page(owner_client):
    response = preview(owner_client, card("CATEGORIES:horeca," + "x" * 51))
    assert response.status_code == 400
    assert "Nothing was imported: these rows need fixing first." in response.text
    assert "Row 1: the tag “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is longer than 50 characters." in (
        response.text
    )
    assert not Contact.objects.exists()


def test_more_tags_than_a_contact_takes_is_a_row_error(owner_client):
    tags = ",".join(f"tag{n}" for n in range(25))
    response = preview(owner_client, card(f"CATEGORIES:{tags}"))
    assert response.status_code == 400
    assert "Row 1: 25 tags; a contact takes at most 20." in response.text
    assert not Contact.objects.exists()


def test_the_page_says_it_in_french_too(owner_client):
    upload = SimpleUploadedFile("contacts.vcf", card("CATEGORIES:" + "x" * 51))
    response = owner_client.post(
        "/app/contacts/import/", {"kind": "vcard", "file": upload}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "dépasse 50 caractères" in response.text
