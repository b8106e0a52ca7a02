"""The contacts pages: list, search, forms, detail, interactions, referrals, follow-ups."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from patron.audit.models import AuditEntry
from patron.contacts.models import Contact, Interaction, Tag

PERSON = {
    "first_name": "Lucie",
    "last_name": "Martin",
    "email": "lucie@studio.example",
    "language": "fr",
    "is_peer": "on",
    "tags": "design, Lyon, design",
}


def test_a_stranger_cannot_see_the_network(client, business, anna):
    for url in ("/app/contacts/", f"/app/contacts/{anna.pk}/", "/app/contacts/export.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_adding_a_person_saves_tags_and_logs_it(owner_client):
    response = owner_client.post("/app/contacts/new/", PERSON)
    assert response.status_code == 302
    lucie = Contact.objects.get(email="lucie@studio.example")
    assert lucie.is_peer and not lucie.is_client
    assert {t.name for t in lucie.tags.all()} == {"design", "Lyon"}
    assert AuditEntry.objects.filter(object_type="contacts.contact", action="create").exists()
    page = owner_client.get(response["Location"])
    assert "Lucie Martin" in page.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"first_name": "", "last_name": ""}, "last_name"),
        ({"email": "not-an-email"}, "email"),
        ({"linkedin_url": "https://evil.example/in/x"}, "linkedin_url"),
        ({"cadence_days": "0"}, "cadence_days"),
        ({"next_contact_on": "2024-13-45"}, "next_contact_on"),
        ({"first_name": "x" * 5000}, "first_name"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(owner_client, change, field):
    response = owner_client.post("/app/contacts/new/", {**PERSON, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_an_organisation_has_its_numbers_checked_for_its_country(owner_client):
    data = {"is_organisation": "on", "name": "Studio Nord", "country": "BE", "language": "fr"}
    bad = owner_client.post("/app/contacts/new/", {**data, "vat_number": "BE0123456788"})
    assert "vat_number" in bad.context["form"].errors
    ok = owner_client.post(
        "/app/contacts/new/",
        {**data, "vat_number": "be 0712.345.630", "company_number": "0712345630"},
    )
    assert ok.status_code == 302
    studio = Contact.objects.get(name="Studio Nord")
    assert studio.vat_number == "BE0712345630"
    assert studio.company_number == "0712.345.630"
    french = owner_client.post(
        "/app/contacts/new/",
        {
            "is_organisation": "on",
            "name": "Atelier Sud",
            "country": "FR",
            "language": "fr",
            "company_number": "123",
        },
    )
    assert "company_number" in french.context["form"].errors


def test_the_same_email_twice_is_refused_whatever_its_case(owner_client, anna):
    response = owner_client.post("/app/contacts/new/", {**PERSON, "email": "ANNA@acme.example"})
    assert "email" in response.context["form"].errors


def test_hostile_html_is_shown_as_text(owner_client):
    owner_client.post("/app/contacts/new/", {**PERSON, "first_name": "<script>alert(1)</script>"})
    contact = Contact.objects.get()
    page = owner_client.get(f"/app/contacts/{contact.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    listing = owner_client.get("/app/contacts/").content.decode()
    assert "<script>alert(1)</script>" not in listing


def test_editing_keeps_what_was_not_changed_and_logs_the_change(owner_client, anna):
    response = owner_client.post(
        f"/app/contacts/{anna.pk}/edit/",
        {
            "first_name": "Anna",
            "last_name": "Peeters-Janssens",
            "email": anna.email,
            "organisation": anna.organisation_id,
            "language": "en",
            "is_client": "on",
            "linkedin_url": anna.linkedin_url,
        },
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.last_name == "Peeters-Janssens" and anna.language == "en"
    entry = AuditEntry.objects.get(action="update")
    assert "last_name" in entry.changes


def test_deleting_asks_first_then_deletes(owner_client, anna):
    assert owner_client.get(f"/app/contacts/{anna.pk}/delete/").status_code == 200
    assert Contact.objects.filter(pk=anna.pk).exists()
    assert owner_client.post(f"/app/contacts/{anna.pk}/delete/").status_code == 302
    assert not Contact.objects.filter(pk=anna.pk).exists()


def test_an_unknown_contact_is_404(owner_client):
    assert owner_client.get("/app/contacts/999/").status_code == 404


def make_many(count):
    tag = Tag.objects.create(name="events")
    org = Contact.objects.create(is_organisation=True, name="Big Org")
    people = Contact.objects.bulk_create(
        Contact(
            first_name=f"P{i}", last_name=f"Person{i:03}", email=f"p{i}@x.example", organisation=org
        )
        for i in range(count)
    )
    for person in people:
        person.tags.add(tag)


def test_the_list_costs_a_constant_number_of_queries(owner_client, django_assert_max_num_queries):
    make_many(120)
    with django_assert_max_num_queries(12):
        response = owner_client.get("/app/contacts/?tag=events&sort=-name")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 3" in response.content.decode()
    with django_assert_max_num_queries(12):
        owner_client.get("/app/contacts/reconnect/")


def test_search_finds_by_name_email_and_organisation(owner_client, anna):
    Contact.objects.create(first_name="Bob", last_name="Lambert", email="bob@else.example")
    for q in ("peeters", "ANNA@acme", "acme srl"):
        names = [
            c.display_name for c in owner_client.get("/app/contacts/", {"q": q}).context["page"]
        ]
        assert "Anna Peeters" in names and "Bob Lambert" not in names, q


def test_filters_by_kind_tag_and_follow_up(owner_client, anna):
    today = timezone.localdate()
    bob = Contact.objects.create(last_name="Lambert", is_prospect=True, next_contact_on=today)
    bob.tags.add(Tag.objects.create(name="Lyon"))

    def names(**params):
        return {c.display_name for c in owner_client.get("/app/contacts/", params).context["page"]}

    assert names(kind="prospect") == {"Lambert"}
    assert names(kind="organisation") == {"Acme SRL"}
    assert names(tag="lyon") == {"Lambert"}
    assert names(due="1") == {"Lambert"}
    assert names(kind="nonsense", sort="nonsense") == {"Lambert", "Anna Peeters", "Acme SRL"}


def test_sorting_by_name_mixes_people_and_organisations(owner_client, anna):
    Contact.objects.create(first_name="Zoé", last_name="Bernard")
    names = [c.display_name for c in owner_client.get("/app/contacts/").context["page"]]
    assert names == ["Acme SRL", "Zoé Bernard", "Anna Peeters"]
    names = [c.display_name for c in owner_client.get("/app/contacts/?sort=-name").context["page"]]
    assert names == ["Anna Peeters", "Zoé Bernard", "Acme SRL"]


def test_logging_an_interaction_moves_the_follow_up_by_the_cadence(owner_client, anna):
    anna.cadence_days = 42
    anna.next_contact_on = date(2024, 1, 1)
    anna.save()
    response = owner_client.post(
        f"/app/contacts/{anna.pk}/interactions/",
        {"on": "2024-03-01", "kind": "call", "note": "Coffee"},
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.next_contact_on == date(2024, 3, 1) + timedelta(days=42)
    assert Interaction.objects.get().note == "Coffee"
    page = owner_client.get(f"/app/contacts/{anna.pk}/").content.decode()
    assert "Coffee" in page


def test_a_bad_interaction_is_refused(owner_client, anna):
    response = owner_client.post(
        f"/app/contacts/{anna.pk}/interactions/", {"on": "", "kind": "bogus"}
    )
    assert response.status_code == 400
    assert not Interaction.objects.exists()


def test_the_reconnect_page_lists_due_and_overdue_only(owner_client, anna):
    today = timezone.localdate()
    Contact.objects.create(last_name="Overdue", next_contact_on=today - timedelta(days=10))
    Contact.objects.create(last_name="Today", next_contact_on=today)
    Contact.objects.create(last_name="Later", next_contact_on=today + timedelta(days=3))
    names = [c.display_name for c in owner_client.get("/app/contacts/reconnect/").context["page"]]
    assert names == ["Overdue", "Today"]


def test_the_referrers_page_lists_whom_they_sent(owner_client, anna):
    Contact.objects.create(last_name="Sent", first_name="Paul", referred_by=anna)
    page = owner_client.get(f"/app/contacts/{anna.pk}/").content.decode()
    assert "Paul Sent" in page
    paul = Contact.objects.get(last_name="Sent")
    assert "Anna Peeters" in owner_client.get(f"/app/contacts/{paul.pk}/").content.decode()


def test_a_contact_cannot_be_referred_by_itself(owner_client, anna):
    response = owner_client.post(
        f"/app/contacts/{anna.pk}/edit/",
        {"first_name": "Anna", "last_name": "P", "language": "fr", "referred_by": anna.pk},
    )
    assert "referred_by" in response.context["form"].errors


def test_the_demo_network_fills_the_pages(owner_client):
    from patron.contacts.demo import populate

    made = populate(None)
    assert "25 contacts" in made
    assert owner_client.get("/app/contacts/").context["page"].paginator.count == 25
    assert owner_client.get("/app/contacts/reconnect/").context["page"].paginator.count >= 3
    sophie = Contact.objects.get(first_name="Sophie")
    assert sophie.referred_by.first_name == "Lars"
    assert "Eva Janssens" in owner_client.get(f"/app/contacts/{sophie.pk}/").content.decode()
