import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from patron.audit.models import AuditEntry
from patron.contacts.models import Contact
from patron.work.expenses.views import vat_for
from patron.work.models import Expense, Project

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def expense_data(**extra):
    data = {
        "on": "2025-03-14",
        "supplier": "Librairie Molière",
        "description": "Reference books",
        "category": "Books",
        "amount_excl_vat": "100.00",
        "vat_rate": "6",
        "vat_amount": "",
        "currency": "EUR",
    }
    data.update(extra)
    return data


def make_expense(**fields):
    values = {
        "on": date(2025, 3, 1),
        "supplier": "Proximus",
        "category": "Telecom",
        "amount_excl_vat": Decimal("50.00"),
        "vat_rate": Decimal("21"),
        "vat_amount": Decimal("10.50"),
        "currency": "EUR",
    }
    values.update(fields)
    return Expense.objects.create(**values)


def state():
    return list(Expense.objects.order_by("pk").values())


@pytest.fixture
def client_contact(db):
    return Contact.objects.create(is_organisation=True, name="Brasserie Lumière", is_client=True)


@pytest.fixture
def project(client_contact):
    return Project.objects.create(name="Menu redesign", client=client_contact)


def test_vat_is_rounded_half_up_to_the_cent():
    assert vat_for(Decimal("10.05"), Decimal("21")) == Decimal("2.11")  # 2.1105
    assert vat_for(Decimal("0.50"), Decimal("5.5")) == Decimal("0.03")  # 0.0275
    assert vat_for(Decimal("0.10"), Decimal("25")) == Decimal("0.03")  # 0.025 half-up


def test_adding_an_expense_computes_the_vat_and_logs_it(owner_client):
    response = owner_client.post("/app/work/expenses/add/", expense_data())
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.vat_amount == Decimal("6.00")
    assert expense.currency == "EUR"
    assert AuditEntry.objects.filter(action="create", object_type="work.expense").exists()


def test_a_typed_vat_amount_is_kept(owner_client):
    owner_client.post("/app/work/expenses/add/", expense_data(vat_amount="5.99"))
    assert Expense.objects.get().vat_amount == Decimal("5.99")


def test_the_form_offers_the_business_currency_and_belgian_rates_first(owner_client):
    make_expense(category="Software")
    page = owner_client.get("/app/work/expenses/add/").content.decode()
    assert 'value="EUR"' in page
    assert '<option value="Software">' in page
    assert page.index('<option value="21">') < page.index('<option value="20">')
    assert '<option value="5.5">' in page and '<option value="2.1">' in page


def test_a_new_form_starts_with_empty_vat_fields(owner_client):
    form = owner_client.get("/app/work/expenses/add/").context["form"]
    assert form["vat_rate"].value() is None and form["vat_amount"].value() is None


def test_a_computed_vat_is_recomputed_when_the_amount_changes(owner_client):
    expense = make_expense()  # 50.00 at 21 %: 10.50, as computed
    form = owner_client.get(f"/app/work/expenses/{expense.pk}/").context["form"]
    assert form["vat_amount"].value() is None
    typed = make_expense(vat_amount=Decimal("10.49"))
    form = owner_client.get(f"/app/work/expenses/{typed.pk}/").context["form"]
    assert form["vat_amount"].value() == Decimal("10.49")


def test_editing_an_expense_logs_what_changed(owner_client):
    expense = make_expense()
    response = owner_client.post(
        f"/app/work/expenses/{expense.pk}/", expense_data(supplier="Orange", vat_rate="21")
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.supplier == "Orange" and expense.vat_amount == Decimal("21.00")
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["supplier"] == ["Proximus", "Orange"]


def test_deleting_asks_first_then_removes_the_expense_and_its_receipt(
    owner_client, django_capture_on_commit_callbacks
):
    owner_client.post(
        "/app/work/expenses/add/",
        expense_data(receipt=SimpleUploadedFile("r.pdf", PDF, "application/pdf")),
    )
    expense = Expense.objects.get()
    path = expense.receipt.path
    assert owner_client.get(f"/app/work/expenses/{expense.pk}/delete/").status_code == 200
    assert Expense.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/app/work/expenses/{expense.pk}/delete/")
    assert response.status_code == 302
    assert not Expense.objects.exists()
    import os

    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(action="delete").exists()


def test_a_billable_expense_takes_the_client_of_its_project(owner_client, project):
    owner_client.post(
        "/app/work/expenses/add/", expense_data(billable="on", project=str(project.pk))
    )
    expense = Expense.objects.get()
    assert expense.billable and expense.client == project.client


def test_a_billable_expense_needs_a_client_or_project(owner_client):
    response = owner_client.post("/app/work/expenses/add/", expense_data(billable="on"))
    assert response.status_code == 200
    assert "Say which client or project to bill this expense to." in response.content.decode()
    assert not Expense.objects.exists()


def test_a_project_of_another_client_is_refused(owner_client, project):
    other = Contact.objects.create(is_organisation=True, name="Other SA", is_client=True)
    response = owner_client.post(
        "/app/work/expenses/add/",
        expense_data(billable="on", project=str(project.pk), client=str(other.pk)),
    )
    assert "belongs to another client" in response.content.decode()
    assert not Expense.objects.exists()


def test_the_list_filters_and_totals_per_currency(owner_client, project):
    make_expense(on=date(2025, 3, 2), amount_excl_vat=Decimal("100"), vat_amount=Decimal("21"))
    make_expense(on=date(2025, 3, 20), amount_excl_vat=Decimal("10"), vat_amount=Decimal("2.10"))
    make_expense(on=date(2025, 4, 1), amount_excl_vat=Decimal("999"), vat_amount=Decimal("0"))
    make_expense(
        on=date(2025, 3, 5), currency="USD", amount_excl_vat=Decimal("7"), vat_amount=Decimal(0)
    )
    make_expense(
        on=date(2025, 3, 6),
        category="Travel",
        billable=True,
        project=project,
        client=project.client,
        supplier="SNCB",
    )
    response = owner_client.get("/app/work/expenses/", {"month": "2025-03", "category": "telecom"})
    totals = {row["currency"]: row for row in response.context["totals"]}
    assert totals["EUR"]["excl"] == Decimal("110.00")
    assert totals["EUR"]["vat"] == Decimal("23.10")
    assert totals["EUR"]["incl"] == Decimal("133.10")
    assert totals["USD"]["excl"] == Decimal("7.00")
    assert len(response.context["page"].object_list) == 3

    billable = owner_client.get("/app/work/expenses/", {"billable": "yes"})
    assert [e.supplier for e in billable.context["page"]] == ["SNCB"]
    by_project = owner_client.get("/app/work/expenses/", {"project": str(project.pk)})
    assert [e.supplier for e in by_project.context["page"]] == ["SNCB"]
    ranged = owner_client.get(
        "/app/work/expenses/", {"date_from": "2025-03-06", "date_to": "2025-04-30"}
    )
    assert {e.on for e in ranged.context["page"]} == {
        date(2025, 3, 6),
        date(2025, 3, 20),
        date(2025, 4, 1),
    }


def test_bad_filters_are_left_out_with_a_message(owner_client):
    make_expense()
    response = owner_client.get(
        "/app/work/expenses/",
        {"month": "2025-13", "date_from": "yesterday", "project": "'; DROP TABLE x"},
    )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert "Some filters were not understood" in response.content.decode()


def test_the_list_paginates_with_a_constant_number_of_queries(
    owner_client, project, django_assert_max_num_queries
):
    for day in range(1, 29):
        make_expense(on=date(2025, 2, day), billable=True, project=project, client=project.client)
    with django_assert_max_num_queries(12):
        owner_client.get("/app/work/expenses/")
    for day in range(1, 29):
        make_expense(on=date(2025, 3, day), billable=True, project=project, client=project.client)
    with django_assert_max_num_queries(12):
        response = owner_client.get("/app/work/expenses/")
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 2
    second = owner_client.get("/app/work/expenses/", {"page": "2", "category": "Telecom"})
    assert 'href="?page=1&amp;category=Telecom"' in second.content.decode()


def test_the_csv_export_has_the_filtered_list(owner_client):
    make_expense(on=date(2025, 3, 2), supplier="In March")
    make_expense(on=date(2025, 5, 2), supplier="In May")
    response = owner_client.get("/app/work/expenses/", {"month": "2025-03", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="expenses.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Date", "Supplier"]
    assert [row[1] for row in rows[1:]] == ["In March"]
    assert rows[1][7] == "60.50"


def test_a_receipt_downloads_as_an_attachment_with_strict_headers(owner_client):
    owner_client.post(
        "/app/work/expenses/add/",
        expense_data(receipt=SimpleUploadedFile("../../etc/passwd.pdf", PDF, "application/pdf")),
    )
    expense = Expense.objects.get()
    assert expense.receipt.name.startswith("receipts/")
    assert "passwd" not in expense.receipt.name and ".." not in expense.receipt.name
    response = owner_client.get(f"/app/work/expenses/{expense.pk}/receipt/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_a_replaced_receipt_file_is_removed(owner_client, django_capture_on_commit_callbacks):
    import os

    owner_client.post(
        "/app/work/expenses/add/",
        expense_data(receipt=SimpleUploadedFile("a.pdf", PDF, "application/pdf")),
    )
    expense = Expense.objects.get()
    old = expense.receipt.path
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            f"/app/work/expenses/{expense.pk}/",
            expense_data(receipt=SimpleUploadedFile("b.pdf", PDF, "application/pdf")),
        )
    expense.refresh_from_db()
    assert not os.path.exists(old) and os.path.exists(expense.receipt.path)


def test_an_expense_without_receipt_has_no_download(owner_client):
    expense = make_expense()
    assert owner_client.get(f"/app/work/expenses/{expense.pk}/receipt/").status_code == 404
    assert owner_client.get("/app/work/expenses/999/receipt/").status_code == 404


def test_strangers_and_visitors_get_nothing(client, owner, business, django_user_model):
    expense = make_expense()
    urls = [
        "/app/work/expenses/",
        "/app/work/expenses/add/",
        f"/app/work/expenses/{expense.pk}/",
        f"/app/work/expenses/{expense.pk}/delete/",
        f"/app/work/expenses/{expense.pk}/receipt/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    outsider = django_user_model.objects.create_user("mallory", "m@example.com", "x")
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(f"/app/work/expenses/{expense.pk}/delete/").status_code == 404
    assert Expense.objects.count() == 1


def test_posting_without_a_csrf_token_is_refused(owner, business):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(owner)
    assert browser.post("/app/work/expenses/add/", expense_data()).status_code == 403
    assert not Expense.objects.exists()


# Hostile input: each is refused with a reason, or shown harmless, and changes nothing.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_excl_vat", "-10", "An expense cannot be negative"),
        ("amount_excl_vat", "1" * 30, "Ensure that there are no more than"),
        ("amount_excl_vat", "12,34abc", "Enter a number."),
        ("amount_excl_vat", "", "This field is required."),
        ("vat_rate", "150", "A VAT rate is between 0 and 100"),
        ("vat_rate", "-6", "A VAT rate is between 0 and 100"),
        ("vat_amount", "-1", "The VAT amount cannot be negative."),
        ("vat_amount", "500", "cannot be more than the amount excluding VAT"),
        ("currency", "EURO", "Ensure this value has at most 3 characters"),
        ("currency", "ZZZ", "is not an ISO 4217 currency code"),
        ("on", "2025-02-30", "Enter a valid date."),
        ("supplier", "   ", "This field is required."),
        ("supplier", "x" * 5000, "Ensure this value has at most 200 characters"),
        ("project", "99999", "Select a valid choice."),
    ],
)
def test_bad_values_are_refused_and_change_nothing(owner_client, field, value, message):
    existing = make_expense()
    before = state()
    for url in ("/app/work/expenses/add/", f"/app/work/expenses/{existing.pk}/"):
        response = owner_client.post(url, expense_data(**{field: value}))
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page.replace("&#x27;", "'")
        assert "Nothing was saved" in page
        assert state() == before


def test_an_empty_form_is_refused(owner_client):
    response = owner_client.post("/app/work/expenses/add/", {})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Expense.objects.exists()


def test_html_in_text_fields_is_shown_escaped(owner_client):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    owner_client.post(
        "/app/work/expenses/add/",
        expense_data(supplier=hostile, description=hostile, category=hostile[:100]),
    )
    assert Expense.objects.get().supplier == hostile
    for url in ("/app/work/expenses/", f"/app/work/expenses/{Expense.objects.get().pk}/"):
        page = owner_client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_formulas_are_neutralised_in_the_csv_export(owner_client):
    make_expense(
        supplier='=HYPERLINK("http://evil.example","Click")',
        description="+cmd|' /C calc'!A0",
        category="@SUM(1+1)",
    )
    response = owner_client.get("/app/work/expenses/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row[2].startswith("'+") and row[3].startswith("'@")


# In the browser: last in this module, so the rest keeps Django's async-safety check.

from tests.browser import conftest as browser_fixtures  # noqa: E402

# The browser fixtures of tests/browser, for this module too.
artifacts, browser = browser_fixtures.artifacts, browser_fixtures.browser
page, screenshot = browser_fixtures.page, browser_fixtures.screenshot


def log_in(page, live_server, user):
    from django.test import Client

    session = Client()
    session.force_login(user)
    cookie = session.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
def test_the_expense_pages_in_the_browser(page, live_server, owner, business, screenshot):
    client = Contact.objects.create(is_organisation=True, name="Brasserie Lumière", is_client=True)
    project = Project.objects.create(name="Menu redesign", client=client)
    for day in range(1, 8):
        make_expense(
            on=date(2025, 3, day),
            supplier=f"Supplier {day} <b>bold</b>",
            description="Train tickets Brussels–Paris and back" if day % 2 else "",
            billable=day % 3 == 0,
            project=project if day % 3 == 0 else None,
            client=client if day % 3 == 0 else None,
        )
    make_expense(currency="USD", supplier="GitHub", category="Software")
    log_in(page, live_server, owner)

    page.goto(f"{live_server.url}/app/work/expenses/")
    assert page.get_by_role("heading", name="Expenses").is_visible()
    assert page.get_by_text("Supplier 1 <b>bold</b>").is_visible()
    screenshot(page, "expenses-list")

    page.get_by_role("button", name="Add an expense").click() if False else page.goto(
        f"{live_server.url}/app/work/expenses/add/"
    )
    page.get_by_label("Supplier").fill("Colruyt")
    page.get_by_label("Amount excl. VAT").fill("-5")
    page.get_by_label("VAT rate (%)").fill("150")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("An expense cannot be negative").is_visible()
    assert page.get_by_text("A VAT rate is between 0 and 100").is_visible()
    screenshot(page, "expense-form-errors")

    page.get_by_label("Amount excl. VAT").fill("12.40")
    page.get_by_label("VAT rate (%)").fill("6")
    page.get_by_label("Category").fill("Food")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The expense from “Colruyt” has been saved.").is_visible()
    saved = Expense.objects.get(supplier="Colruyt")
    assert (saved.vat_rate, saved.vat_amount) == (Decimal("6"), Decimal("0.74"))

    page.goto(f"{live_server.url}/app/work/calendar/")
    page.get_by_role("button", name="Make a new feed address").click()
    assert "/app/work/feed/" in page.get_by_label("Feed address").input_value()
    screenshot(page, "calendar-feed")
