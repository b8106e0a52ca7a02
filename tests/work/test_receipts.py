import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from patron.work.expenses.receipts import check_receipt
from patron.work.models import Expense

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(40, 20)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 10, 10)).save(out, "JPEG", exif=b"Exif\x00\x00secret")
    return out.getvalue()


def zip_bytes(name="evil.html", text="<script>alert(1)</script>"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, text)
    return out.getvalue()


def png_bomb():
    """A tiny PNG whose header claims 50000 × 50000 pixels."""
    header = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


def test_a_pdf_is_kept_as_it_is_under_a_random_name():
    stored = check_receipt(upload("../../../etc/passwd.pdf", PDF))
    assert stored.read() == PDF
    assert stored.name.endswith(".pdf") and len(stored.name) == 36
    assert "passwd" not in stored.name and "/" not in stored.name


def test_images_are_reencoded_and_lose_their_metadata():
    png = check_receipt(upload("scan.png", png_bytes(), "image/png"))
    assert png.name.endswith(".png")
    assert Image.open(io.BytesIO(png.read())).size == (40, 20)
    jpeg = check_receipt(upload("photo.jpeg", jpeg_bytes(), "image/jpeg"))
    assert jpeg.name.endswith(".jpg")
    assert b"secret" not in jpeg.read()


def test_a_png_with_an_appended_archive_loses_it():
    stored = check_receipt(upload("x.png", png_bytes() + zip_bytes(), "image/png"))
    assert b"evil.html" not in stored.read()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.html", b"<!doctype html><script>alert(1)</script>", "PDF, PNG or JPEG"),
        ("receipt.pdf", b"<html><body>%PDF-1.4</body></html>", "PDF, PNG or JPEG"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "PDF, PNG or JPEG",
        ),
        ("archive.pdf", zip_bytes(), "PDF, PNG or JPEG"),
        ("x.php.png", b"<?php system($_GET['c']); ?>", "PDF, PNG or JPEG"),
        ("polyglot.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>\n%%EOF", "carries HTML"),
        ("polyglot.pdf", PDF + zip_bytes("run.exe", "MZ"), "appended after its end"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "cut short"),
        ("broken.png", b"\x89PNG\r\n\x1a\nnot really", "could not be read"),
        ("bomb.png", png_bomb(), "pixels"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(ValidationError) as refused:
        check_receipt(upload(name, content))
    assert message in " ".join(refused.value.messages)


def test_a_file_over_10_mb_is_refused():
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF")
    with pytest.raises(ValidationError) as refused:
        check_receipt(big)
    assert "the limit is 10 MB" in refused.value.messages[0]
    assert "20.0 MB" in refused.value.messages[0]


def expense_data(**extra):
    return {
        "on": "2025-03-14",
        "supplier": "Colruyt",
        "amount_excl_vat": "10",
        "vat_rate": "6",
        "currency": "EUR",
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("receipt.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("receipt.pdf", zip_bytes()),
        ("../../patron/settings.py", b"SECRET_KEY = 'x'"),
    ],
)
def test_a_refused_receipt_changes_nothing_and_says_why(owner_client, name, content):
    response = owner_client.post(
        "/app/work/expenses/add/", expense_data(receipt=upload(name, content))
    )
    assert response.status_code == 200
    assert "A receipt must be a PDF, PNG or JPEG file" in response.content.decode()
    assert not Expense.objects.exists()


def test_a_20_mb_receipt_is_refused_through_the_form(owner_client, settings):
    media = settings.MEDIA_ROOT
    before = sorted(os.listdir(media)) if os.path.exists(media) else []
    big = upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF")
    response = owner_client.post("/app/work/expenses/add/", expense_data(receipt=big))
    assert response.status_code == 200
    assert "the limit is 10 MB" in response.content.decode()
    assert not Expense.objects.exists()
    assert (sorted(os.listdir(media)) if os.path.exists(media) else []) == before


def test_an_edit_with_a_refused_receipt_keeps_the_old_one(owner_client):
    owner_client.post("/app/work/expenses/add/", expense_data(receipt=upload("a.pdf", PDF)))
    expense = Expense.objects.get()
    name = expense.receipt.name
    response = owner_client.post(
        f"/app/work/expenses/{expense.pk}/",
        expense_data(supplier="Changed", receipt=upload("b.pdf", b"<html></html>")),
    )
    assert response.status_code == 200
    expense.refresh_from_db()
    assert expense.receipt.name == name and expense.supplier == "Colruyt"


def test_downloads_cannot_be_steered_to_other_files(owner_client):
    owner_client.post("/app/work/expenses/add/", expense_data(receipt=upload("a.pdf", PDF)))
    for url in (
        "/app/work/expenses/..%2f..%2fsettings.py/receipt/",
        "/app/work/expenses/%2fetc%2fpasswd/receipt/",
        "/app/work/expenses/999/receipt/",
    ):
        assert owner_client.get(url).status_code == 404


def test_a_stored_name_that_is_not_ours_is_never_served(owner_client):
    expense = Expense.objects.create(
        supplier="x", amount_excl_vat=1, currency="EUR", receipt="receipts/page.html"
    )
    assert owner_client.get(f"/app/work/expenses/{expense.pk}/receipt/").status_code == 404
