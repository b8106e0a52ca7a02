"""A truncated image is refused as a logo or a receipt even when a library has turned on
Pillow's process-wide LOAD_TRUNCATED_IMAGES (which pads a cut-off image with grey instead
of failing), as WeasyPrint did on import, and the flag is left as that library wants it."""

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageFile

from patron.accounts.models import create_token
from patron.business.models import Business
from patron.work.models import Expense


def noisy(fmt, size=(120, 90)):
    """An image that does not compress to nothing, so that half of it is half the pixels."""
    rng = random.Random(7)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), 90) for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


PNG, JPEG = noisy("PNG"), noisy("JPEG")
TRUNCATED = {
    "a PNG cut in half": ("logo.png", PNG[: len(PNG) // 2]),
    "a PNG without its last chunk": ("logo.png", PNG[:-12]),
    "a JPEG cut in half": ("logo.jpg", JPEG[: len(JPEG) // 2]),
}


@pytest.fixture(autouse=True)
def library_flag():
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what WeasyPrint did on import
    yield
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # and what it finds after a check
    ImageFile.LOAD_TRUNCATED_IMAGES = before


def brand(logo):
    return {
        "primary_colour": "#0f766e",
        "accent_colour": "#b45309",
        "typeface": "lora",
        "logo": SimpleUploadedFile(logo[0], logo[1]),
    }


@pytest.mark.parametrize("case", list(TRUNCATED))
def test_a_truncated_logo_is_refused_on_the_brand_page(owner_client, case):
    response = owner_client.post("/app/settings/brand/", brand(TRUNCATED[case]))
    assert response.status_code == 200
    assert "The image could not be read: the file is damaged" in " ".join(
        response.context["form"].errors["logo"]
    )
    assert not Business.objects.get().logo


def test_the_whole_image_is_still_taken(owner_client):
    response = owner_client.post("/app/settings/brand/", brand(("logo.png", PNG)))
    assert response.status_code == 302 and Business.objects.get().logo


@pytest.fixture
def expense(business):
    return Expense.objects.create(
        on=date(2025, 3, 1),
        supplier="Proximus",
        amount_excl_vat=Decimal("50.00"),
        vat_rate=Decimal("21"),
        vat_amount=Decimal("10.50"),
    )


@pytest.mark.parametrize("case", list(TRUNCATED))
def test_a_truncated_receipt_is_refused_over_the_api(owner, expense, case):
    token = create_token(owner, "tests")[1]
    api = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {token}")
    name, data = TRUNCATED[case]
    response = api.post(
        f"/api/expenses/{expense.pk}/receipt", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 422
    assert "could not be read" in " ".join(response.json()["errors"]["receipt"])
    assert not Expense.objects.get().receipt
    whole = api.post(f"/api/expenses/{expense.pk}/receipt", {"file": SimpleUploadedFile(name, PNG)})
    assert whole.status_code == 200 and whole.json()["has_receipt"] is True


def test_a_truncated_receipt_is_refused_on_the_expense_page(owner_client):
    data = {"on": "2025-03-14", "supplier": "Librairie Molière", "category": "Books",
            "amount_excl_vat": "100.00", "vat_rate": "6", "vat_amount": "", "currency": "EUR",
            "receipt": SimpleUploadedFile("scan.png", PNG[: len(PNG) // 2])}  # fmt: skip
    response = owner_client.post("/app/work/expenses/add/", data)
    assert response.status_code == 200  # the form again, with the reason
    assert "could not be read" in response.content.decode()
    assert not Expense.objects.exists()
