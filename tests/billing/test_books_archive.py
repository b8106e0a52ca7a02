"""The accountant's archive is built by the worker, never in a web request: the page says
it is being prepared (with its progress) and then offers it; requests for one period share
one job; building it again replaces it; a build whose worker died is taken up again."""

import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patron.billing.books.archive import path_of, request_archive, resume_interrupted_builds
from patron.billing.books.tables import Period
from patron.billing.documents.issuing import do_issue
from patron.billing.models import AccountantArchive, Rendering
from patron.billing.tasks import build_accountant_archive
from tests.fixtures import acme_contact, draft


@pytest.fixture
def issued(owner, business):
    """Three invoices whose files nobody rendered yet (their render task never ran)."""
    client = acme_contact()
    return [do_issue(owner, draft(client, ("Design", "1", "100", "21"))) for _ in range(3)]


@pytest.fixture
def period(issued, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is enqueued after the commit (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def query(period):
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def test_the_page_asks_the_worker_and_renders_nothing_itself(owner_client, period, committed):
    with committed():
        response = owner_client.post("/app/billing/books/archive/", query(period), follow=True)
    assert "Being prepared: the worker starts on it in a moment." in response.text
    assert Rendering.objects.count() == 0  # no PDF rendered inside the request
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "patron.billing.tasks.build_accountant_archive"
    # Asking for the file before it is ready renders nothing either.
    early = owner_client.get("/app/billing/books/archive.zip", query(period), follow=True)
    assert "Prepare the archive first" in early.text and Rendering.objects.count() == 0
    # The fragment the page polls: its progress while the worker builds it.
    AccountantArchive.objects.update(state="building", documents=3, done=1)
    fragment = owner_client.get("/app/billing/books/archive/", query(period)).text
    assert "Being prepared: 1 of 3 documents." in fragment and 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment
    AccountantArchive.objects.update(state="queued")
    assert build_accountant_archive.call(job.args_kwargs["args"][0]) == "ready"
    fragment = owner_client.get("/app/billing/books/archive/", query(period)).text
    assert "Download the archive (ZIP)" in fragment and "hx-trigger" not in fragment
    assert "with 3 documents" in fragment
    download = owner_client.get("/app/billing/books/archive.zip", query(period))
    assert download.status_code == 200
    names = zipfile.ZipFile(path_of(AccountantArchive.objects.get())).namelist()
    assert sum(name.endswith(".pdf") for name in names) == 3


def test_requests_for_one_period_share_one_job_and_a_rebuild_replaces_the_file(period, committed):
    with committed():
        first, second = request_archive(period), request_archive(period, again=True)
    assert first.pk == second.pk and DBTaskResult.objects.count() == 1
    build_accountant_archive.call(first.pk)
    archive = AccountantArchive.objects.get()
    assert archive.state == "ready" and archive.size == path_of(archive).stat().st_size
    assert oct(path_of(archive).stat().st_mode & 0o777) == "0o600"
    with committed():
        request_archive(period)  # ready: nothing to do
    assert DBTaskResult.objects.count() == 1
    path_of(archive).write_bytes(b"an old archive")
    with committed():
        rebuilt = request_archive(period, again=True)
    assert rebuilt.state == "queued" and DBTaskResult.objects.count() == 2
    build_accountant_archive.call(rebuilt.pk)
    assert zipfile.is_zipfile(path_of(archive))  # the old file replaced
    assert build_accountant_archive.call(rebuilt.pk) == "skipped"  # a duplicate task


def test_a_build_whose_worker_died_is_queued_again(period, settings):
    archive = request_archive(period)
    long_ago = timezone.now() - timedelta(seconds=settings.OUTBOX_TIMEOUT + 1)
    # Claimed, a document done, then no heartbeat: the worker was killed.
    AccountantArchive.objects.update(state="building", claimed_at=long_ago, attempts=1, done=1)
    assert request_archive(period).state == "queued"  # asking again takes it up too
    AccountantArchive.objects.update(state="building", claimed_at=long_ago)
    assert resume_interrupted_builds() == 1
    assert AccountantArchive.objects.get().state == "queued"
    assert build_accountant_archive.call(archive.pk) == "ready"


def test_a_build_still_beating_is_left_to_its_worker(period):
    request_archive(period)
    AccountantArchive.objects.update(state="building", claimed_at=timezone.now())
    assert resume_interrupted_builds() == 0 and request_archive(period).state == "building"


def test_a_failed_build_says_why_and_can_be_asked_again(owner_client, period, settings):
    archive = request_archive(period)
    (settings.DATA_DIR / "archives").write_text("a file where the folder should be")
    assert build_accountant_archive.call(archive.pk) == "failed"
    page = owner_client.get("/app/billing/books/", query(period)).text
    assert "The archive could not be prepared:" in page and "Prepare the archive (ZIP)" in page


def test_the_api_answers_202_with_a_status_url_until_the_archive_is_ready(owner, period, committed):
    from django.test import Client

    from patron.accounts.models import create_token

    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(owner, 'tests')[1]}")
    params = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    assert api.get(f"/api/billing/books/archive/status?{params}").status_code == 404
    with committed():
        queued = api.get(f"/api/billing/books/archive?{params}")
    assert queued.status_code == 202 and queued.json()["download_url"] is None
    status_url = queued.json()["status_url"]
    assert status_url == f"/api/billing/books/archive/status?{params}"
    assert api.get(status_url).json()["state"] == "queued"
    assert Rendering.objects.count() == 0
    build_accountant_archive.call(AccountantArchive.objects.get().pk)
    ready = api.get(status_url).json()
    assert ready["state"] == "ready" and ready["documents"] == 3
    assert api.get(ready["download_url"]).status_code == 200
    with committed():
        again = api.post(
            "/api/billing/books/archive", query(period), content_type="application/json"
        )
    assert again.status_code == 202 and again.json()["state"] == "queued"
    assert DBTaskResult.objects.count() == 2
