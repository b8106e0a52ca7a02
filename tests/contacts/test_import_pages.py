"""Importing from the web: upload, preview, confirm; exports."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from patron.contacts.models import Contact
from patron.contacts.views import UPLOAD_KEY, upload_dir

DATA = Path(__file__).resolve().parents[1] / "data" / "contacts"


def upload(client, name="Connections.csv", kind="linkedin", content=None):
    content = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        "/app/contacts/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_upload_preview_then_confirm_imports(owner_client):
    response = upload(owner_client)
    assert response.status_code == 302 and response["Location"].endswith("/import/preview/")
    assert not Contact.objects.exists()
    preview = owner_client.get("/app/contacts/import/preview/")
    assert preview.context["plan"].counts["create"] == 4
    assert "Sophie" in preview.content.decode()
    done = owner_client.post("/app/contacts/import/preview/", {"action": "confirm"})
    assert done.status_code == 302
    assert Contact.objects.filter(is_organisation=False).count() == 4
    assert list(upload_dir().iterdir()) == []  # the upload is gone once imported
    assert UPLOAD_KEY not in owner_client.session
    # Confirming again imports nothing: the upload is spent.
    assert (
        owner_client.post("/app/contacts/import/preview/", {"action": "confirm"}).status_code == 302
    )
    assert Contact.objects.filter(is_organisation=False).count() == 4


def test_cancelling_the_preview_writes_nothing(owner_client):
    upload(owner_client, "contacts.vcf", "vcard")
    owner_client.post("/app/contacts/import/preview/", {"action": "cancel"})
    assert not Contact.objects.exists()
    assert list(upload_dir().iterdir()) == []


def test_a_forged_session_token_cannot_reach_other_files(owner_client):
    session = owner_client.session
    session[UPLOAD_KEY] = {"token": "../../secret_key", "kind": "linkedin"}
    session.save()
    response = owner_client.get("/app/contacts/import/preview/")
    assert response.status_code == 302 and response["Location"].endswith("/import/")


def test_a_bad_file_shows_row_errors_and_keeps_nothing(owner_client):
    bad = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\nA,B,,nope,,,\r\n"
    )
    response = upload(owner_client, content=bad)
    assert response.status_code == 400
    assert "Row 2" in response.content.decode()
    assert not Contact.objects.exists() and UPLOAD_KEY not in owner_client.session
    wrong = upload(owner_client, content=b"\x00\x01\x02 binary")
    assert wrong.status_code == 400 and "not a text file" in wrong.content.decode()
    empty = upload(owner_client, content=b"")
    assert empty.status_code == 400


def test_a_file_over_the_limit_is_refused(owner_client, settings):
    settings.MAX_IMPORT_BYTES = 100
    response = upload(owner_client)
    assert response.status_code == 400 and "at most" in response.content.decode()


def test_csv_export_neutralises_formulas_and_follows_the_filters(owner_client):
    Contact.objects.create(
        first_name='=HYPERLINK("http://evil.example","x")', last_name="Doe", is_client=True
    )
    Contact.objects.create(first_name="Other", last_name="Prospect", is_prospect=True)
    response = owner_client.get("/app/contacts/export.csv?kind=client")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body
    assert "Prospect" not in body


def test_one_contact_as_a_vcard(owner_client):
    anna = Contact.objects.create(first_name="Anna", last_name="Peeters", email="anna@x.example")
    response = owner_client.get(f"/app/contacts/{anna.pk}/card.vcf")
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/vcard")
    assert "FN:Anna Peeters" in body and "EMAIL:anna@x.example" in body


ONE_CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lea Martin\r\nN:Martin;Lea;;;\r\nEMAIL:lea@example.com\r\nEND:VCARD\r\n"


def test_the_preview_and_the_result_count_in_the_singular_for_one_contact(owner_client):
    upload(owner_client, name="one.vcf", kind="vcard", content=ONE_CARD)
    preview = owner_client.get("/app/contacts/import/preview/").content.decode()
    assert "</strong> new contact</li>" in preview
    assert "</strong> new organisations</li>" in preview  # none: plural in English
    done = owner_client.post("/app/contacts/import/preview/", {"action": "confirm"}, follow=True)
    assert (
        "Imported: 1 new contact, 0 contacts merged, 0 contacts already there, "
        "0 new organisations." in done.content.decode()
    )
