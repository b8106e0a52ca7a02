"""The dashboard and the effective-rate page: their figures, their links, their cost."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.billing.books.tables import Period
from patron.billing.books.vat_return import vat_return
from patron.billing.payments.recording import do_record_payment
from patron.business.models import Business
from patron.contacts.models import Contact
from patron.dashboard.figures import figures, vat_to_pay
from patron.pricing.scenarios import do_save_scenario
from patron.work.models import Expense, Project, TimeEntry
from tests.billing import scenarios

D = Decimal
# A custom regime keeps the arithmetic by hand: 20 % contributions, 10 % tax.
INPUTS = {"net_monthly": "3000", "regime": "custom", "contributions_pct": "20", "tax_pct": "10"}


def target():
    return do_save_scenario(name="Plan 2026", inputs=INPUTS, make_target=True)


def track(project, hours, *, days_ago=0):
    seconds = int(hours * 3600)
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, seconds=seconds)
    return TimeEntry.objects.create(
        project=project,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration_seconds=seconds,
    )


def some_business(owner, count=1):
    """`count` clients, each with a project, tracked time, an invoice and a payment."""
    for index in range(count):
        client = scenarios.client(
            name=f"Client {index}", street="Rue 1", postcode="1000", city="Bruxelles", country="BE"
        )
        project = Project.objects.create(name=f"Project {index}", client=client, rate=D("80"))
        track(project, 3, days_ago=index * 40)
        bill = scenarios.issue(owner, client, [("Work", "2", "80", "21")], project=project)
        do_record_payment(owner, client=client, date=timezone.localdate(), amount="193.60")
        TimeEntry.objects.filter(project=project).update(invoice=bill)
        track(project, 1)  # unbilled: 80.00
    Contact.objects.filter(name="Client 0").update(next_contact_on=timezone.localdate())


def test_the_dashboard_shows_revenue_against_the_target(owner_client, owner):
    some_business(owner)
    target()
    page = owner_client.get("/app/").content.decode()
    assert "Revenue" in page and "Plan 2026" in page
    assert "€160.00" in page  # this month's invoice, excl. VAT
    assert "Effective hourly rate" in page and "<svg" in page
    assert 'href="/app/billing/?kind=invoice&amp;status=overdue"' in page
    assert 'href="/app/contacts/reconnect/"' in page
    assert 'href="/app/effective-rate/?by=month"' in page
    assert "style=" not in page.split("</head>")[1]


def test_without_a_target_the_dashboard_asks_for_one(owner_client, owner):
    some_business(owner)
    page = owner_client.get("/app/").content.decode()
    assert 'href="/app/pricing/"' in page
    assert "Set a target in the rate calculator" in page
    assert "What remains yours" not in page


def test_the_dashboard_keeps_the_checklist_while_steps_are_open(owner_client):
    page = owner_client.get("/app/").content.decode()
    assert "Next steps" in page and "✓</span> Add your IBAN" in page  # the profile has one
    assert '<a href="/app/settings/brand/">Upload your logo</a>' in page


def test_the_dashboard_costs_the_same_queries_with_more_data(
    owner_client, owner, django_assert_max_num_queries
):
    target()
    some_business(owner, 1)
    with django_assert_max_num_queries(40) as few:
        assert owner_client.get("/app/").status_code == 200
    some_business_more = 6
    for index in range(1, some_business_more):
        client = scenarios.client(
            name=f"More {index}", street="Rue 1", postcode="1000", city="Bruxelles", country="BE"
        )
        project = Project.objects.create(name=f"More {index}", client=client, rate=D("50"))
        track(project, 2, days_ago=index * 30)
        scenarios.issue(owner, client, [("Work", "1", "50", "21")], project=project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get("/app/").status_code == 200


@pytest.mark.parametrize("by", ["client", "project", "month"])
def test_the_effective_rate_page_costs_the_same_queries(
    owner_client, owner, by, django_assert_max_num_queries
):
    target()
    some_business(owner, 1)
    with django_assert_max_num_queries(30) as few:
        assert owner_client.get(f"/app/effective-rate/?by={by}").status_code == 200
    some_business(owner, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get(f"/app/effective-rate/?by={by}").status_code == 200


def test_the_effective_rate_page_lists_the_draggers_first(owner_client, owner):
    target()  # well above 80 an hour
    acme = scenarios.acme()
    cheap = Project.objects.create(name="Cheap", client=acme, rate=D("40"))
    dear = Project.objects.create(name="Dear", client=acme, rate=D("200"))
    track(cheap, 10)
    track(dear, 1)
    page = owner_client.get("/app/effective-rate/?by=project&period=all").content.decode()
    assert page.index("Cheap") < page.index("Dear")
    assert "state-below" in page
    assert 'href="/work/projects/' not in page and f"/app/work/projects/{cheap.pk}/" in page


@pytest.mark.parametrize(
    "query",
    [
        "by=",
        "by=-1",
        "by=<script>alert(1)</script>",
        "period=9999999999999999999",
        "by=month&period=%00",
        "by=" + "x" * 5000,
        "period=<script>",
    ],
)
def test_odd_effective_rate_queries_show_the_default(owner_client, query):
    response = owner_client.get(f"/app/effective-rate/?{query}")
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


def test_an_outsider_is_sent_to_log_in(client, business):
    for url in ("/app/", "/app/effective-rate/"):
        response = client.get(url)
        assert response.status_code in (302, 404)


def test_the_belgian_vat_to_set_aside_is_the_vat_return_of_the_year(owner, business):
    today = timezone.localdate()
    acme = scenarios.acme()
    scenarios.issue(owner, acme, [("Design", "10", "100", "21")])  # VAT 210.00
    scenarios.issue(owner, acme, [("Brochure", "1", "200", "6")])  # VAT 12.00
    Expense.objects.create(
        on=today,
        supplier="Papeterie",
        amount_excl_vat=D("50"),
        vat_rate=D("21"),
        vat_amount=D("10.50"),
    )
    # Belgium, on invoices: 210.00 + 12.00 − 10.50 = 211.50, the return's box 71.
    assert vat_to_pay(business, today) == (D("211.50"), "invoices")
    assert vat_return(Period(date(today.year, 1, 1), today), business).box("71").amount == D(
        "211.50"
    )


def test_the_french_vat_to_set_aside_is_the_vat_return_of_the_year(owner):
    today = timezone.localdate()
    scenarios.french_business(owner)
    scenarios.set_regime(vat_regime="normal", vat_number="FR44732829320", legal_form="sole_trader")
    business = Business.objects.get()
    lyon = scenarios.client(
        name="Lumière SARL",
        street="8 place Bellecour",
        postcode="69002",
        city="Lyon",
        country="FR",
        company_number="552 100 554 00013",
    )
    bill = scenarios.issue(owner, lyon, [("Site", "10", "100", "20")])  # 1,200.00 incl. 200.00
    scenarios.issue(owner, lyon, [("Logo", "1", "500", "20")])  # not paid: no VAT due yet
    do_record_payment(owner, client=lyon, date=today, amount="600.00", documents=[bill])
    Expense.objects.create(
        on=today,
        supplier="Papeterie",
        amount_excl_vat=D("50"),
        vat_rate=D("20"),
        vat_amount=D("10.00"),
    )
    # France, on payments: half of the invoice paid, so 100.00 of VAT, less 10.00 deductible.
    assert vat_to_pay(business, today) == (D("90.00"), "payments")
    assert vat_return(Period(date(today.year, 1, 1), today), business).box("28").vat == D("90.00")


def test_the_belgian_vat_to_set_aside_counts_a_deposit_once(owner, business):
    today = timezone.localdate()
    quote = scenarios.accepted_quote(owner, scenarios.acme(), [("Website", "1", "10000", "21")])
    scenarios.deposit_invoice(owner, quote, date(today.year, 3, 3))  # VAT 630.00
    scenarios.final_invoice(owner, quote, date(today.year, 3, 20))  # VAT 2,100.00 less 630.00
    # 630.00 + 1,470.00 = 2,100.00, the return's box 71; not 630.00 + 2,100.00 = 2,730.00.
    assert vat_to_pay(business, today) == (D("2100.00"), "invoices")
    year = vat_return(Period(date(today.year, 1, 1), today), business)
    assert year.box("71").amount == D("2100.00")


def test_the_french_vat_to_set_aside_takes_a_refunded_deposit_off(owner):
    today = timezone.localdate()
    lyon = scenarios.french_vat_business(owner)
    quote = scenarios.accepted_quote(owner, lyon, [("Website", "1", "10000", "20")])
    deposit = scenarios.deposit_invoice(owner, quote, date(today.year, 3, 2))
    do_record_payment(
        owner, client=lyon, date=date(today.year, 3, 5), amount="3600", documents=[deposit]
    )
    note = scenarios.credit_note(owner, deposit, date(today.year, 3, 10))  # the whole deposit
    do_record_payment(
        owner,
        client=lyon,
        date=date(today.year, 3, 12),
        amount="3600",
        direction="refunded",
        documents=[note],
    )
    business = Business.objects.get()
    # 600.00 of VAT received with the deposit, 600.00 given back with the refund: 0.00.
    assert vat_to_pay(business, today) == (D("0.00"), "payments")
    # And of the money: 3,600.00 received less 3,600.00 refunded, nothing of it VAT.
    data = figures(business, today).yours
    assert (data.received, data.received_excl_vat, data.vat) == (D("0"), D("0.00"), D("0.00"))


def many_projects(count):
    """`count` projects of Acme, an hour each not invoiced yet, at 10, 11, 12… an hour: the
    effective rate of each is its rate, the cheapest drags the average down most."""
    acme = scenarios.acme()
    projects = Project.objects.bulk_create(
        Project(name=f"P{index:02}", client=acme, rate=D(10 + index)) for index in range(count)
    )
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    TimeEntry.objects.bulk_create(
        TimeEntry(project=project, start=start, end=start + timedelta(hours=1),
                  duration_seconds=3600)
        for project in projects
    )  # fmt: skip
    return projects


def shown_projects(page):
    return re.findall(r'<a href="/app/work/projects/\d+/">(P\d\d)</a>', page)


def test_the_effective_rate_page_shows_the_worst_projects_first_and_the_rest_a_click_away(
    owner_client,
):
    target()  # well above 61 an hour: every project drags the rate down
    many_projects(52)
    page = owner_client.get("/app/effective-rate/?by=project&period=all").content.decode()
    assert shown_projects(page) == [f"P{index:02}" for index in range(50)]
    assert "50 of 52 shown." in page
    # The total is that of all 52 projects: 52 hours worth 10 + 11 + … + 61 = 1,846.00,
    # 35.50 an hour.
    together = page.split("<tfoot")[1]
    assert "€35.50" in together and "52h" in together and "€1,846.00" in together
    # The next rows, as htmx asks for them: only those after the 50 shown, nothing more.
    next_rows = owner_client.get(
        "/app/effective-rate/?by=project&period=all&shown=100&after=50", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert shown_projects(next_rows) == ["P50", "P51"]
    assert "<tfoot" not in next_rows and "shown." not in next_rows
    # Without JavaScript the link shows the whole page with them.
    whole = owner_client.get("/app/effective-rate/?by=project&period=all&shown=all")
    assert shown_projects(whole.content.decode()) == [f"P{index:02}" for index in range(52)]
    assert "€1,846.00" in whole.content.decode().split("<tfoot")[1]


def test_the_effective_rate_page_links_to_the_next_rows_keeping_the_grouping(owner_client):
    many_projects(51)
    page = owner_client.get("/app/effective-rate/?by=project&period=year").content.decode()
    assert 'href="/app/effective-rate/?by=project&amp;period=year&amp;shown=100"' in page
    assert (
        'hx-get="/app/effective-rate/?by=project&amp;period=year&amp;shown=100&amp;after=50"'
        in page
    )
    assert "Show 1 more" in page and "Show all 51" in page
    few = owner_client.get("/app/effective-rate/?by=project&period=year&shown=1").content.decode()
    assert len(shown_projects(few)) == 50  # never less than a page


@pytest.mark.parametrize("by", ["client", "project"])
def test_the_effective_rate_page_costs_the_same_queries_with_pages_of_projects(
    owner_client, owner, by, django_assert_max_num_queries
):
    target()
    some_business(owner, 1)
    url = f"/app/effective-rate/?by={by}&period=all"
    with django_assert_max_num_queries(30) as few:
        assert owner_client.get(url).status_code == 200
    many_projects(120)
    some_business(owner, 3)
    for query in ("", "&shown=all", "&shown=100&after=50"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert owner_client.get(url + query, HTTP_HX_REQUEST="true").status_code == 200


def test_received_excl_vat_counts_only_this_years_payments_in_the_business_currency(
    owner, business
):
    today = timezone.localdate()
    acme = scenarios.acme()
    # 1,000.00 + 21 % VAT = 1,210.00, paid in two parts: last December and this year.
    bill = scenarios.issue(owner, acme, [("Work", "1", "1000", "21")],
                           issue_date=date(today.year - 1, 12, 1))  # fmt: skip
    do_record_payment(owner, client=acme, date=date(today.year - 1, 12, 20), amount="605.00",
                      documents=[bill])  # fmt: skip
    do_record_payment(owner, client=acme, date=today, amount="605.00", documents=[bill])
    # And a dollar invoice paid this year, which the euro figures leave out.
    dollars = scenarios.issue(owner, acme, [("Work", "1", "100", "21")], currency="USD",
                              exchange_rate=D("1.0850"), exchange_rate_date=today,
                              exchange_rate_source="ecb")  # fmt: skip
    do_record_payment(owner, client=acme, date=today, amount="121.00", currency="USD",
                      documents=[dollars])  # fmt: skip
    data = figures(Business.objects.get(), today).yours
    # This year: 605.00 received, of which 605 × 210 / 1,210 = 105.00 of VAT.
    assert (data.received, data.received_excl_vat) == (D("605.00"), D("500.00"))
