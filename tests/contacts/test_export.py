"""The contacts CSV export speaks the user's language, not the database's."""

import csv
import io

from patron.contacts.models import Contact


def rows_of(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_contacts_export_has_human_headers_in_the_page_language(owner_client):
    Contact.objects.create(first_name="Anna", last_name="Peeters", is_client=True, is_peer=True)
    header, row = rows_of(owner_client.get("/app/contacts/export.csv"))
    assert header[:4] == ["Type", "Organisation name", "First name", "Last name"]
    assert "Email" in header and "Referred by" in header and "linkedin_url" not in header
    line = dict(zip(header, row, strict=True))
    assert line["Type"] == "Person"
    assert line["Relationship"] == "client, peer freelancer"
    assert line["Language"] == "French"
    response = owner_client.get("/app/contacts/export.csv", HTTP_ACCEPT_LANGUAGE="fr")
    header, row = rows_of(response)
    assert {"Prénom", "Nom", "Adresse e-mail", "Relation", "Recommandé par"} <= set(header)
    assert "client" in row[header.index("Relation")]
