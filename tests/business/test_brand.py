import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from patron.business.brand import contrast_with_white
from patron.business.models import Business


def png_bytes(size=(64, 32), colour=(15, 118, 110)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def brand_data(**extra):
    return {"primary_colour": "#0f766e", "accent_colour": "#b45309", "typeface": "lora", **extra}


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def brand_state():
    return list(Business.objects.values("logo", "primary_colour", "accent_colour", "typeface"))


def test_a_png_logo_is_stored_under_a_random_name_and_served_with_strict_headers(owner_client):
    response = owner_client.post(
        "/app/settings/brand/", brand_data(logo=upload("../../settings.py.png", png_bytes()))
    )
    assert response.status_code == 302
    business = Business.objects.get()
    assert business.logo.name.startswith("logos/")
    assert ".." not in business.logo.name and "settings" not in business.logo.name
    assert business.typeface == "lora"
    served = owner_client.get("/app/settings/brand/logo/")
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (64, 32)


def test_a_replaced_logo_file_is_removed(owner_client, django_capture_on_commit_callbacks):
    owner_client.post("/app/settings/brand/", brand_data(logo=upload("a.png", png_bytes())))
    path = Business.objects.get().logo.path
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            "/app/settings/brand/", brand_data(logo=upload("b.png", png_bytes((10, 10))))
        )
    assert not os.path.exists(path)
    assert os.path.exists(Business.objects.get().logo.path)


def test_an_svg_logo_keeps_its_drawing_and_loses_external_references(owner_client):
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
      xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">
      <inkscape:metadata>editor junk</inkscape:metadata>
      <style>@import url(http://evil.example/x.css); rect { fill: red }</style>
      <rect width="10" height="10" fill="#0f766e" inkscape:label="box"/>
      <image xlink:href="http://evil.example/track.png" width="1" height="1"/>
      <use href="#r"/>
    </svg>"""
    response = owner_client.post(
        "/app/settings/brand/", brand_data(logo=upload("logo.svg", svg, "image/svg+xml"))
    )
    assert response.status_code == 302
    stored = Business.objects.get().logo.read()
    assert b"<rect" in stored
    assert b"evil.example" not in stored
    assert b"inkscape" not in stored
    assert b'href="#r"' in stored


SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_ONLOAD = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
SVG_JS_LINK = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>'
)
SVG_FOREIGN = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
    b"<iframe src='x'/></body></foreignObject></svg>"
)
SVG_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'
)


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.php", "<?php system($_GET['c']); ?>")
    return out.getvalue()


def bomb_bytes():
    """A tiny PNG whose header claims 50,000 × 50,000 pixels."""
    data = bytearray(png_bytes((1, 1)))
    # IHDR data starts at byte 16: width, height, then its CRC after 13 bytes.
    data[16:24] = struct.pack(">II", 50_000, 50_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.svg", SVG_SCRIPT, "script element"),
        ("logo.svg", SVG_ONLOAD, "event handler (onload)"),
        ("logo.svg", SVG_JS_LINK, "javascript:"),
        ("logo.svg", SVG_FOREIGN, "foreignObject"),
        ("logo.svg", SVG_ENTITY, "DOCTYPE"),
        ("logo.svg", b"<svg><unclosed", "not well-formed"),
        ("logo.png", zip_bytes(), "PNG, JPEG or SVG"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "could not be read"),
        ("logo.png", png_bytes() + zip_bytes(), None),  # a polyglot: accepted, but re-encoded
        ("logo.html", b"<html><script>alert(1)</script></html>", "PNG, JPEG or SVG"),
        ("x.php.png", b"<?php system($_GET['c']); ?>", "PNG, JPEG or SVG"),
        ("bomb.png", bomb_bytes(), "pixels"),
    ],
)
def test_hostile_logos_are_refused_with_a_message_and_change_nothing(
    owner_client, name, content, message
):
    before = brand_state()
    response = owner_client.post("/app/settings/brand/", brand_data(logo=upload(name, content)))
    if message is None:
        assert response.status_code == 302
        stored = Business.objects.get().logo.read()
        assert b"PK" not in stored[-200:] and b"evil.php" not in stored
        return
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    assert brand_state() == before


def test_a_50_mb_logo_is_refused_by_its_size(owner_client):
    big = upload("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (50 * 1024 * 1024))
    before = brand_state()
    response = owner_client.post("/app/settings/brand/", brand_data(logo=big))
    assert response.status_code == 200
    assert "The logo is 50.0 MB; the limit is 2 MB." in response.context["form"].errors["logo"]
    assert brand_state() == before


def test_a_request_over_the_upload_limit_is_refused_before_it_is_read(owner_client, settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    before = brand_state()
    response = owner_client.post(
        "/app/settings/brand/", brand_data(logo=upload("big.png", b"\x00" * (2 * 1024 * 1024)))
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert brand_state() == before


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg", "url(x)", "#123456;}body{"])
def test_a_colour_that_is_not_hex_is_refused(owner_client, colour):
    before = brand_state()
    response = owner_client.post("/app/settings/brand/", brand_data(primary_colour=colour))
    assert "primary_colour" in response.context["form"].errors
    assert brand_state() == before


def test_a_pale_colour_is_saved_with_a_contrast_warning(owner_client):
    response = owner_client.post(
        "/app/settings/brand/", brand_data(primary_colour="#ffee00"), follow=True
    )
    assert Business.objects.get().primary_colour == "#ffee00"
    assert "below the 4.5:1 that WCAG AA asks" in response.text


def test_contrast_ratios_match_wcag():
    assert contrast_with_white("#000000") == 21.0
    assert contrast_with_white("#ffffff") == 1.0
    assert 4.5 < contrast_with_white("#767676") < 4.6


def test_the_preview_redraws_with_the_colours_being_typed(owner_client):
    response = owner_client.post(
        "/app/settings/brand/preview/",
        {"primary_colour": "#aa0000", "accent_colour": "#00aa00", "typeface": "lora"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'fill="#aa0000"' in response.text
    assert "Lora" in response.text
    assert "<html" not in response.text
    # Garbage falls back to the saved colour rather than reaching the page.
    response = owner_client.post("/app/settings/brand/preview/", {"primary_colour": '"/><script>'})
    assert "<script>" not in response.text
    assert 'fill="#1f4e79"' in response.text


def test_the_brand_step_can_be_skipped(owner_client):
    page = owner_client.get("/app/setup/brand/").text
    assert 'href="/app/"' in page
    assert owner_client.get("/app/").status_code == 200


SNEAKY_FETCHES = [
    b"<style>rect { fill: \\75 rl(http://evil.example/a.svg) }</style>",
    b'<style>@\\69mport "http://evil.example/import.css";</style>',
    b"<style>@font-face { font-family: x; src: url(http://evil.example/f.woff) }</style>",
    b'<style>rect { background: image-set("http://evil.example/i.png" 1x) }</style>',
    b"<style>rect { fill: u/**/rl(http://evil.example/c.svg) }</style>",
    b'<rect style="fill: \\75 rl(http://evil.example/s.svg)"/>',
    b'<rect fill="url(http://evil.example/fill.svg)"/>',
    b"<rect mask=\"url( 'http://evil.example/m.svg' )\"/>",
    b'<rect filter="URL(http://evil.example/f.svg)"/>',
    b'<rect cursor="url(http://evil.example/c.png), auto"/>',
    b'<rect marker-start="url(//evil.example/m.svg#x)"/>',
]


@pytest.mark.parametrize("payload", SNEAKY_FETCHES)
def test_an_svg_logo_keeps_no_way_to_fetch_from_outside(owner_client, payload):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">' + payload + b"</svg>"
    owner_client.post("/app/settings/brand/", brand_data(logo=upload("logo.svg", svg)))
    stored = Business.objects.get().logo.read()
    assert b"evil.example" not in stored


def test_local_references_in_an_svg_logo_are_kept(owner_client):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs>'
        b'<linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient></defs>'
        b'<style>.a { fill: url(#g) }</style><rect class="a" fill="url(#g)" width="10" height="10"/></svg>'
    )
    owner_client.post("/app/settings/brand/", brand_data(logo=upload("logo.svg", svg)))
    stored = Business.objects.get().logo.read()
    assert stored.count(b"url(#g)") == 2


def test_a_javascript_link_hidden_by_tabs_is_refused(owner_client):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="java\tscript:alert(1)"><rect/></a></svg>'
    )
    response = owner_client.post("/app/settings/brand/", brand_data(logo=upload("logo.svg", svg)))
    assert "javascript:" in " ".join(response.context["form"].errors["logo"])
