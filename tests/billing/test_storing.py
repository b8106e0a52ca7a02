"""Renderings are made once, after issuing, by a background task; kept; served as kept;
made again, identical, when their file is lost; and exported by `patron invoice export`."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from patron.billing.einvoice.rendering import do_store_renderings, rendering
from patron.billing.models import Kind, Rendering
from tests.billing import scenarios
from tests.billing.scenarios import acme, issue


def test_renderings_are_stored_once_and_a_lost_file_comes_back_identical(owner, business):
    invoice = scenarios.normal_single_rate(owner)[0]
    assert do_store_renderings(invoice) == ["cii", "pdf", "ubl"]
    assert do_store_renderings(invoice) == []
    stored = {r.format: r for r in Rendering.objects.filter(document=invoice)}
    pdf = stored["pdf"]
    original = Path(pdf.file.path).read_bytes()
    Path(pdf.file.path).unlink()
    assert do_store_renderings(invoice) == ["pdf"]
    pdf.refresh_from_db()
    assert Path(pdf.file.path).read_bytes() == original
    assert Rendering.objects.filter(document=invoice).count() == 3


def test_issuing_renders_in_the_background_after_commit(
    owner, business, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = issue(owner, acme(), [("Design", "1", "100", "21")])
    assert len(callbacks) == 1
    formats = set(Rendering.objects.filter(document=invoice).values_list("format", flat=True))
    assert formats == {"pdf", "cii", "ubl"}
    assert all(Path(r.file.path).is_file() for r in Rendering.objects.all())


def test_patron_invoice_export_writes_the_stored_file(owner, business, tmp_path):
    invoice = scenarios.normal_single_rate(owner)[0]
    for fmt in ("pdf", "cii", "ubl"):
        out = tmp_path / f"out.{fmt}"
        call_command("invoice", "export", invoice.number, "--format", fmt, "--out", str(out))
        assert out.read_bytes() == rendering(invoice, fmt)[2]
    with pytest.raises(CommandError, match="No issued document is numbered"):
        call_command("invoice", "export", "F-1999-0042", "--out", str(tmp_path / "x"))
    quote = issue(owner, invoice.client, [("Design", "1", "100", "21")], kind=Kind.QUOTE)
    with pytest.raises(CommandError, match="has no cii rendering"):
        call_command("invoice", "export", quote.number, "--format", "cii", "--out", "-")
