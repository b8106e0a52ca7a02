"""The French catalogue: complete, consistent with its .mo, and used by the pages.

A string added to the code without a French translation fails here, on
purpose: run `make messages`, translate the new entries in
patron/locale/fr/LC_MESSAGES/django.po, then `make messages` again to compile.
"""

import gettext
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

import patron

PATRON_DIR = Path(patron.__file__).resolve().parent
FR_DIR = PATRON_DIR / "locale" / "fr" / "LC_MESSAGES"
PO_PATH = FR_DIR / "django.po"
MO_PATH = FR_DIR / "django.mo"


def read_catalogue(path):
    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def problems(catalogue):
    """A line per entry that is not ready to ship: empty, fuzzy or malformed."""
    found = []
    if catalogue.fuzzy:
        found.append("the header is marked fuzzy")
    for message in catalogue:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy: {label!r}")
        elif not all(strings):
            found.append(f"untranslated: {label!r}")
    for message, errors in catalogue.check():
        label = message.id if isinstance(message.id, str) else message.id[0]
        found.extend(f"{error}: {label!r}" for error in errors)
    return found


def test_the_french_catalogue_has_a_proper_header():
    catalogue = read_catalogue(PO_PATH)
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == "fr"
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert headers["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


def test_every_french_entry_is_translated():
    catalogue = read_catalogue(PO_PATH)
    assert len(catalogue) > 100
    assert problems(catalogue) == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (installs need no gettext): it must not lag behind the .po."""
    catalogue = read_catalogue(PO_PATH)
    with open(MO_PATH, "rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            found = (
                compiled.pgettext(message.context, message.id)
                if message.context
                else compiled.gettext(message.id)
            )
            if found != message.string:
                stale.append(message.id)
        else:
            singular, plural = message.id[:2]
            if (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2)) != (
                message.string[0],
                message.string[1],
            ):
                stale.append(singular)
    assert stale == [], "run `make messages` to compile the catalogue"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_french_catalogue(tmp_path, monkeypatch, settings):
    """Extract the strings as `make messages` does, on a copy, and merge them into the catalogue."""
    copy = tmp_path / "patron"
    shutil.copytree(
        PATRON_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            "static", "locale", "migrations", "var", "__pycache__", "*.pyc"
        ),
    )
    (copy / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO_PATH, copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_obsolete=True, add_location="file", verbosity=0)
    merged = read_catalogue(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert problems(merged) == [], "run `make messages` and translate the new entries"


def test_the_welcome_page_speaks_french(client, db):
    response = client.get("/app/welcome/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,en;q=0.5")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Bienvenue dans Patron" in response.text
    assert "Créer mon compte" in response.text
    assert "Welcome to Patron" not in response.text


def test_the_welcome_page_speaks_english(client, db):
    response = client.get("/app/welcome/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Welcome to Patron" in response.text
    assert "Create my account" in response.text
    assert "Bienvenue" not in response.text
