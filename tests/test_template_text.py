"""Text that people read or hear in the templates goes through gettext."""

import re
from pathlib import Path

import patron

PATRON_DIR = Path(patron.__file__).resolve().parent
# Attributes a screen reader speaks or a browser shows.
SPOKEN = re.compile(r'\b(aria-label|placeholder|title|alt)="([^"{]*[A-Za-z]{2}[^"{]*)"')


def templates():
    return [p for p in PATRON_DIR.rglob("templates/**/*.html")]


def test_spoken_attributes_are_translated_in_every_template():
    found = [
        f"{path.relative_to(PATRON_DIR)}: {name}={text!r}"
        for path in templates()
        for name, text in SPOKEN.findall(path.read_text())
    ]
    assert templates() and found == []


def test_every_breadcrumb_has_the_class_that_styles_it():
    # Pico styles nav[aria-label=breadcrumb] only; a translated label needs the class.
    navs = [
        (path.relative_to(PATRON_DIR), nav)
        for path in templates()
        for nav in re.findall(r"<nav[^>]*'Breadcrumb'[^>]*>", path.read_text())
    ]
    assert navs and [found for found in navs if 'class="breadcrumb"' not in found[1]] == []


def test_the_breadcrumb_is_labelled_in_the_page_language_and_keeps_its_look(owner_client):
    from patron.work.models import Project

    project = Project.objects.create(name="Website")
    html = owner_client.get(f"/app/work/projects/{project.pk}/").content.decode()
    # Pico styles nav[aria-label=breadcrumb]; the translated label needs the class instead.
    assert '<nav class="breadcrumb" aria-label="Breadcrumb">' in html
    assert (
        "nav.breadcrumb ul li:not(:last-child)::after"
        in (PATRON_DIR / "static" / "patron" / "app.css").read_text()
    )
