"""Filter menus offer what is current, not ten years of finished projects."""

from patron.contacts.models import Contact
from patron.work.models import Project


def make_projects():
    client = Contact.objects.create(is_organisation=True, name="Brasserie Vos", is_client=True)
    old_client = Contact.objects.create(is_organisation=True, name="Old Client", is_client=True)
    live = Project.objects.create(name="Live project", client=client)
    old = Project.objects.create(name="Old project", client=old_client, status="done")
    return live, old, old_client


def test_the_time_filter_offers_open_projects_and_the_chosen_one(owner_client):
    live, old, _ = make_projects()
    page = owner_client.get("/app/work/time/").text
    assert "Live project" in page and "Old project" not in page
    page = owner_client.get(f"/app/work/time/?project={old.pk}").text
    assert "Old project" in page


def test_the_expense_filter_offers_open_projects_and_the_chosen_one(owner_client):
    live, old, _ = make_projects()
    page = owner_client.get("/app/work/expenses/").text
    assert "Live project" in page and "Old project" not in page
    response = owner_client.get(f"/app/work/expenses/?project={old.pk}")
    assert "Old project" in response.text
    assert not response.context["filters"].errors


def test_the_project_list_offers_clients_of_open_projects_and_the_chosen_one(owner_client):
    live, old, old_client = make_projects()
    live_client = live.client
    page = owner_client.get("/app/work/").text
    assert f'<option value="{live_client.pk}"' in page
    assert f'<option value="{old_client.pk}"' not in page
    page = owner_client.get(f"/app/work/?client={old_client.pk}&status=done").text
    assert f'<option value="{old_client.pk}"' in page
