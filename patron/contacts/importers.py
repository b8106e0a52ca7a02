"""Contacts from LinkedIn's Connections.csv and from vCard files.

Both importers turn the file into records (plain dicts, one per person or
organisation, with the row it came from), check every record, then match each
against the network: same email or same LinkedIn profile (case-insensitive),
or, with neither, the same name. A match is merged: only its empty fields are
filled and tags added, so what the user typed wins, and importing a file
twice changes nothing the second time.
"""

import csv
import re
from datetime import date, datetime

import vobject
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from patron.audit.log import record
from patron.contacts.forms import is_linkedin
from patron.contacts.models import Contact, Tag
from patron.contacts.network import MAX_TAGS, get_tags, parse_tags
from patron.system.importing import ImportPlan, ImportRefused, RowError, decode_text

# Fields an import may fill, with their longest value.
TEXT_FIELDS = {
    "name": 200,
    "first_name": 100,
    "last_name": 100,
    "position": 150,
    "email": 254,
    "phone": 40,
    "website": 200,
    "linkedin_url": 200,
    "street": 200,
    "postcode": 20,
    "city": 100,
    "country": 2,
    "language": 2,
}
TAG_LIMIT = Tag._meta.get_field("name").max_length
COUNTRY_NAMES = {
    "belgium": "BE",
    "belgique": "BE",
    "belgië": "BE",
    "belgie": "BE",
    "france": "FR",
    "luxembourg": "LU",
    "netherlands": "NL",
    "nederland": "NL",
    "pays-bas": "NL",
    "germany": "DE",
    "allemagne": "DE",
    "deutschland": "DE",
    "switzerland": "CH",
    "suisse": "CH",
    "united kingdom": "GB",
    "royaume-uni": "GB",
    "spain": "ES",
    "espagne": "ES",
    "italy": "IT",
    "italie": "IT",
}


def profile_key(url):
    """A LinkedIn address as compared: no scheme, no www., no trailing slash, lower case."""
    url = url.strip().lower()
    url = re.sub(r"^https?://", "", url)
    url = url.removeprefix("www.")
    return url.rstrip("/")


def keys_of(values):
    """How a record or contact is recognised: email, LinkedIn profile, else its name."""
    keys = []
    if values.get("email"):
        keys.append("email:" + values["email"].strip().lower())
    if values.get("linkedin_url"):
        keys.append("in:" + profile_key(values["linkedin_url"]))
    if not keys:
        if values.get("is_organisation"):
            keys.append("org:" + values.get("name", "").strip().lower())
        else:
            name = f"{values.get('first_name', '')} {values.get('last_name', '')}"
            keys.append("person:" + " ".join(name.lower().split()))
    return keys


def tag_names(names):
    """Tag names as parse_tags makes them, but none cut and none dropped: check_record
    refuses a row whose tags do not fit."""
    found, seen = [], set()
    for name in names:
        for part in name.split(","):
            part = " ".join(part.split())
            if part and part.casefold() not in seen:
                seen.add(part.casefold())
                found.append(part)
    return found


def check_record(values):
    """The problems of one record, as messages (empty when it can be imported)."""
    problems = []
    tags = values.get("tags", [])
    for tag in tags:
        if len(tag) > TAG_LIMIT:
            problems.append(
                _("the tag “%(tag)s…” is longer than %(limit)s characters.")
                % {"tag": tag[:30], "limit": TAG_LIMIT}
            )
    if len(tags) > MAX_TAGS:
        problems.append(
            _("%(count)s tags; a contact takes at most %(limit)s.")
            % {"count": len(tags), "limit": MAX_TAGS}
        )
    for field, limit in TEXT_FIELDS.items():
        value = values.get(field, "")
        if len(value) > limit:
            problems.append(
                _("“%(field)s” is longer than %(limit)s characters.")
                % {"field": field.replace("_", " "), "limit": limit}
            )
    if values.get("is_organisation"):
        if not values.get("name"):
            problems.append(_("the organisation has no name."))
    elif not (values.get("first_name") or values.get("last_name")):
        problems.append(_("the contact has no name."))
    if len(values.get("organisation", "")) > 200:
        problems.append(_("the company name is longer than 200 characters."))
    if values.get("email"):
        try:
            EmailValidator()(values["email"])
        except ValidationError:
            problems.append(
                _("“%(value)s” is not an email address.") % {"value": values["email"][:80]}
            )
    for field in ("website", "linkedin_url"):
        if values.get(field):
            try:
                URLValidator(schemes=["http", "https"])(values[field])
            except ValidationError:
                problems.append(
                    _("“%(value)s” is not a web address.") % {"value": values[field][:80]}
                )
    return problems


class ContactImporter:
    """What the LinkedIn and vCard importers share: matching, planning and applying."""

    def records(self, text):
        """[(row, values or None, problems)] read from the file's text."""
        raise NotImplementedError

    def plan(self, data):
        text = decode_text(data)
        if not text.strip():
            raise ImportRefused(_("The file is empty."))
        plan = ImportPlan(counts={"create": 0, "merge": 0, "skip": 0})
        existing = {}
        for contact in Contact.objects.only(
            "id", "is_organisation", "name", "first_name", "last_name", "email", "linkedin_url"
        ):
            for key in keys_of(contact.__dict__):
                existing.setdefault(key, contact.pk)
        organisations = {
            name.lower(): pk
            for pk, name in Contact.objects.filter(is_organisation=True).values_list("id", "name")
        }
        new_organisations = set()
        in_file = {}
        for row, values, problems in self.records(text):
            problems = problems or check_record(values)
            if problems:
                plan.errors.extend(RowError(row, p) for p in problems)
                continue
            keys = keys_of(values)
            earlier = next((in_file[k] for k in keys if k in in_file), None)
            if earlier is not None:
                # The same person twice in one file: one contact, the first row wins.
                fill(earlier["values"], values)
                continue
            match = next((existing[k] for k in keys if k in existing), None)
            if match is not None:
                # An email or profile that belongs to another contact is not copied over.
                for key in keys:
                    if existing.get(key, match) != match:
                        values.pop("email" if key.startswith("email:") else "linkedin_url", None)
            item = {"row": row, "values": values, "contact_id": match}
            for key in keys:
                in_file[key] = item
            company = values.get("organisation", "")
            if company and company.lower() not in organisations:
                new_organisations.add(company.lower())
            plan.items.append(item)
        if plan.errors:
            return plan
        ids = [item["contact_id"] for item in plan.items if item["contact_id"]]
        contacts = Contact.objects.prefetch_related("tags").in_bulk(ids)
        for item in plan.items:
            contact = contacts.get(item["contact_id"])
            if contact is None:
                item["action"] = "create"
            else:
                item["changes"] = merge_changes(contact, item["values"], organisations)
                item["action"] = "merge" if item["changes"] else "skip"
                item["current"] = contact.display_name
            plan.counts[item["action"]] += 1
        plan.counts["organisations"] = len(new_organisations)
        return plan

    def apply(self, plan, progress=None):
        """Write a checked plan in one transaction; the counts of what was done."""
        if not plan.ok:
            raise ImportRefused(_("This file has errors; nothing was imported."))
        done = {"created": 0, "merged": 0, "unchanged": 0, "organisations created": 0}
        with transaction.atomic():
            organisations = {
                c.name.lower(): c for c in Contact.objects.filter(is_organisation=True)
            }
            for number, item in enumerate(plan.items, 1):
                values = dict(item["values"])
                company = values.pop("organisation", "")
                tags = values.pop("tags", [])
                organisation = None
                if company and not values.get("is_organisation"):
                    organisation = organisations.get(company.lower())
                    if organisation is None:
                        organisation = Contact.objects.create(is_organisation=True, name=company)
                        organisations[company.lower()] = organisation
                        record(
                            None, "create", organisation, {"name": [None, company]}, actor="import"
                        )
                        done["organisations created"] += 1
                contact = None
                if item["contact_id"]:
                    contact = Contact.objects.filter(pk=item["contact_id"]).first()
                if contact is None and values.get("is_organisation"):
                    contact = organisations.get(values["name"].lower())
                if contact is None:
                    contact = Contact.objects.create(organisation=organisation, **values)
                    if values.get("is_organisation"):
                        organisations.setdefault(contact.name.lower(), contact)
                    contact.tags.set(get_tags(tags))
                    record(None, "create", contact, {"source": [None, self.source]}, actor="import")
                    done["created"] += 1
                else:
                    changes = {}
                    for field, value in values.items():
                        if value and not getattr(contact, field):
                            changes[field] = [None, str(value)]
                            setattr(contact, field, value)
                    if organisation and not contact.organisation_id:
                        contact.organisation = organisation
                        changes["organisation"] = [None, organisation.name]
                    have = {t.name.lower() for t in contact.tags.all()}
                    missing = [t for t in tags if t.lower() not in have]
                    if missing:
                        contact.tags.add(*get_tags(missing))
                        changes["tags"] = [None, ", ".join(missing)]
                    if changes:
                        contact.save()
                        record(None, "update", contact, changes, actor="import")
                        done["merged"] += 1
                    else:
                        done["unchanged"] += 1
                if progress:
                    progress(number)
        return done


def fill(target, values):
    for field, value in values.items():
        if field == "tags":
            target["tags"] = parse_tags(", ".join(target.get("tags", []) + value))
        elif value and not target.get(field):
            target[field] = value


def merge_changes(contact, values, organisations):
    """What merging values into contact would fill in: [field names]."""
    changes = [
        field
        for field, value in values.items()
        if field in TEXT_FIELDS or field in ("connected_on", "notes")
        if value and not getattr(contact, field)
    ]
    if values.get("organisation") and not contact.organisation_id and not contact.is_organisation:
        changes.append("organisation")
    have = {t.name.lower() for t in contact.tags.all()}
    if any(t.lower() not in have for t in values.get("tags", [])):
        changes.append("tags")
    return changes


class LinkedInImporter(ContactImporter):
    """LinkedIn's Connections.csv: a preamble, then First Name,Last Name,URL,… ."""

    source = "LinkedIn"
    COLUMNS = {
        "first name": "first_name",
        "last name": "last_name",
        "url": "linkedin_url",
        "profile url": "linkedin_url",
        "email address": "email",
        "company": "organisation",
        "position": "position",
        "connected on": "connected_on",
    }

    def records(self, text):
        reader = csv.reader(text.splitlines())
        header = None
        try:
            for cells in reader:
                names = [c.strip().lower() for c in cells]
                if "first name" in names and "last name" in names:
                    header = names
                    break
                if reader.line_num > 50:
                    break
            if header is None:
                raise ImportRefused(
                    _(
                        "This is not LinkedIn's Connections.csv: no line starts with "
                        "“First Name,Last Name,URL,Email Address,Company,Position,Connected On”."
                    )
                )
            for cells in reader:
                row = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    yield (
                        row,
                        None,
                        [
                            _("%(found)s columns where the header has %(expected)s.")
                            % {"found": len(cells), "expected": len(header)}
                        ],
                    )
                    continue
                values, problems = {"is_organisation": False}, []
                for name, cell in zip(header, cells, strict=True):
                    field = self.COLUMNS.get(name)
                    if field:
                        values[field] = " ".join(cell.split())
                connected = values.pop("connected_on", "")
                if connected:
                    try:
                        values["connected_on"] = parse_connected_on(connected)
                    except ValueError:
                        problems.append(
                            _("“%(value)s” is not a date like 15 Mar 2024.")
                            % {"value": connected[:40]}
                        )
                if values.get("linkedin_url"):
                    values["linkedin_url"] = values["linkedin_url"].rstrip("/")
                    if not is_linkedin(values["linkedin_url"]):
                        problems.append(_("the URL is not a LinkedIn profile."))
                yield row, values, problems
        except csv.Error as e:
            raise ImportRefused(
                _("The CSV is malformed near line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": e}
            ) from None


MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def parse_connected_on(text):
    """15 Mar 2024 (LinkedIn's form, in English whatever the locale) or 2024-03-15."""
    parts = text.split()
    if len(parts) == 3 and parts[1][:3].lower() in MONTHS:
        return date(int(parts[2]), MONTHS[parts[1][:3].lower()], int(parts[0]))
    return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 (a date, no time)


class VCardImporter(ContactImporter):
    """vCard 2.1, 3.0 and 4.0 files, one or many cards; the row is the card's first line."""

    source = "vCard"

    def records(self, text):
        found = False
        for row, card_text, problem in split_cards(text):
            found = True
            if problem:
                yield row, None, [problem]
                continue
            try:
                card = vobject.readOne(card_text, ignoreUnreadable=True)
                values = card_values(card)
            except Exception as e:  # vobject raises many kinds on malformed cards
                yield (
                    row,
                    None,
                    [_("this card cannot be read (%(error)s).") % {"error": str(e)[:120]}],
                )
                continue
            yield row, values, []
        if not found and text.strip():
            raise ImportRefused(_("This is not a vCard file: no BEGIN:VCARD line."))


def split_cards(text):
    """(first line number, card text, problem) for each BEGIN:VCARD…END:VCARD.

    Quoted-printable soft line breaks (vCard 2.1: a line ending in "=") are
    joined here, since they are not vCard folding.
    """
    lines = text.splitlines()
    start, card = None, []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                yield start, None, _("the card has no END:VCARD line.")
            start, card = index, [line.strip()]
            continue
        if start is None:
            continue
        if "QUOTED-PRINTABLE" in line.upper().split(":", 1)[0]:
            while line.endswith("=") and index < len(lines):
                line = line[:-1] + lines[index]
                index += 1
        card.append(line)
        if upper == "END:VCARD":
            yield start, "\r\n".join(card) + "\r\n", None
            start, card = None, []
    if start is not None:
        yield start, None, _("the card has no END:VCARD line.")


def first(card, name):
    prop = getattr(card, name, None)
    if prop is None:
        return ""
    value = prop.value
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split()) if isinstance(value, str) else value


def card_values(card):
    values = {"is_organisation": False}
    fn = first(card, "fn")
    n = getattr(card, "n", None)
    if n is not None and not isinstance(n.value, str):
        values["first_name"] = " ".join(f"{n.value.given}".split())
        values["last_name"] = " ".join(f"{n.value.family}".split())
    org = getattr(card, "org", None)
    company = ""
    if org is not None:
        parts = org.value if isinstance(org.value, list) else [org.value]
        company = " ".join(str(parts[0]).split()) if parts else ""
    if not (values.get("first_name") or values.get("last_name")):
        if company and (not fn or fn == company):
            values = {"is_organisation": True, "name": company}
            company = ""
        elif fn:
            given, _sep, family = fn.rpartition(" ")
            values["first_name"], values["last_name"] = given, family
    if company:
        values["organisation"] = company
    values["email"] = first(card, "email")
    values["phone"] = first(card, "tel")
    if not values["is_organisation"]:
        values["position"] = first(card, "title") or first(card, "role")
    for url in getattr(card, "url_list", []):
        address = str(url.value).strip()
        if is_linkedin(address):
            values.setdefault("linkedin_url", address.rstrip("/"))
        else:
            values.setdefault("website", address)
    adr = getattr(card, "adr", None)
    if adr is not None and not isinstance(adr.value, str):
        address = adr.value
        values["street"] = " ".join(str(address.street).split())
        values["postcode"] = str(address.code).strip()
        values["city"] = str(address.city).strip()
        country = str(address.country).strip()
        if len(country) == 2 and country.isalpha():
            values["country"] = country.upper()
        else:
            values["country"] = COUNTRY_NAMES.get(country.lower(), "")
    lang = str(first(card, "lang") or "")[:2].lower()
    if lang in ("fr", "en"):
        values["language"] = lang
    note = first(card, "note")
    if note:
        values["notes"] = str(card.note.value)  # the whole of it: notes have no limit
    tags = []
    for categories in getattr(card, "categories_list", []):
        value = categories.value
        tags.extend(value if isinstance(value, list) else str(value).split(","))
    values["tags"] = tag_names(str(t) for t in tags)
    return {k: v for k, v in values.items() if v not in ("", None) or k == "is_organisation"}


# What this importer's counts mean, in plural forms: a plan's (what would be done) and
# then apply's (what was done); `patron import` and the pages read them (system/registry).
PHRASES = {
    "create": ngettext_lazy("%(count)s contact to create", "%(count)s contacts to create", "count"),
    "merge": ngettext_lazy(
        "%(count)s contact to merge into an existing one",
        "%(count)s contacts to merge into existing ones",
        "count",
    ),
    "skip": ngettext_lazy(
        "%(count)s contact already there", "%(count)s contacts already there", "count"
    ),
    "organisations": ngettext_lazy(
        "%(count)s organisation to create", "%(count)s organisations to create", "count"
    ),
    "created": ngettext_lazy("%(count)s new contact", "%(count)s new contacts", "count"),
    "merged": ngettext_lazy("%(count)s contact merged", "%(count)s contacts merged", "count"),
    "unchanged": ngettext_lazy(
        "%(count)s contact already there",
        "%(count)s contacts already there",
        "count",
    ),
    "organisations created": ngettext_lazy(
        "%(count)s new organisation", "%(count)s new organisations", "count"
    ),
}
