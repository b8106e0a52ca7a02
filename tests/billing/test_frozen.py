"""Beneath the code, the database refuses to change or delete an issued document or its lines
(patron/billing/frozen.py), whatever path tries: a queryset's update, raw SQL, a script."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from patron.billing.documents import frozen
from patron.billing.documents.drafting import save_adjustments
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Adjustment, Document, Line, Sequence, Status
from patron.contacts.models import Contact
from patron.work.models import Project
from tests.fixtures import draft


@pytest.fixture
def acme(db):
    return Contact.objects.create(
        is_organisation=True,
        name="Acme SA",
        is_client=True,
        street="Avenue Louise 1",
        postcode="1050",
        city="Ixelles",
        country="BE",
    )


@pytest.fixture
def issued(owner, business, acme):
    return do_issue(owner, draft(acme, ("Design", "2", "100", "21")))


def refused(change):
    """Whether the database refused the change (each tried in a savepoint of its own)."""
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        assert "patron: an issued document cannot be changed or deleted" in str(error)
        return True
    return False


def other_value(field, document, acme):
    """A value for the field that differs from the issued document's, of the field's type."""
    old = getattr(document, field.attname)
    if isinstance(field, models.ForeignKey):
        model = field.related_model
        if model is Contact:
            return Contact.objects.create(name="Someone else").pk
        if model is Sequence:
            return Sequence.objects.create(kind="quote", year=1999, pattern="{seq}").pk
        return draft(acme, ("Other", "1", "1", "21")).pk
    if isinstance(field, models.BooleanField):
        return not old
    if isinstance(field, models.JSONField):
        return {"tampered": True}
    if isinstance(field, models.DateTimeField):
        return (old or timezone.now()) - timedelta(days=400)
    if isinstance(field, models.DateField):
        return (old or timezone.localdate()) - timedelta(days=400)
    if isinstance(field, models.DecimalField | models.IntegerField):
        return (old or 0) + 1
    if isinstance(field, models.CharField | models.TextField):
        if field.choices:
            return next(value for value, _label in field.choices if value != old)
        other = f"{old}x"[: field.max_length or 100]
        return other if other != old else f"{old[:-1]}{'y' if old[-1] == 'x' else 'x'}"
    raise AssertionError(f"no tampered value for {field.name}: teach this test its type")


def test_every_frozen_column_of_an_issued_document_is_refused_a_change(issued, acme):
    columns = frozen.frozen_columns(Document)
    assert {"number", "total_incl_vat", "buyer", "hash", "issue_date", "client_id"} <= set(columns)
    let_through = []
    for field in Document._meta.concrete_fields:
        if field.column not in columns:
            continue
        value = other_value(field, issued, acme)
        if not refused(
            lambda field=field, value=value: Document.objects.filter(pk=issued.pk).update(
                **{field.attname: value}
            )
        ):
            let_through.append(field.name)
    assert let_through == []
    stored = Document.objects.get(pk=issued.pk)
    assert stored.hash == issued.hash and stored.number == issued.number


def test_raw_sql_cannot_alter_or_delete_an_issued_document(issued):
    with connection.cursor() as cursor:
        assert refused(
            lambda: cursor.execute(
                "UPDATE billing_document SET total_incl_vat = 1 WHERE id = %s", [issued.pk]
            )
        )
        assert refused(
            lambda: cursor.execute("DELETE FROM billing_document WHERE id = %s", [issued.pk])
        )
    assert refused(lambda: Document.objects.filter(pk=issued.pk).delete())
    assert Document.objects.filter(pk=issued.pk).exists()


def test_an_issued_document_never_goes_back_to_draft(issued):
    assert refused(lambda: Document.objects.filter(pk=issued.pk).update(status=Status.DRAFT))


def test_an_issued_document_still_moves_through_its_life(issued, acme):
    """Sent, credited…: its status; the project it is filed under, which no document shows."""
    project = Project.objects.create(name="Site", client=acme)
    Document.objects.filter(pk=issued.pk).update(status=Status.SENT, updated_at=timezone.now())
    Document.objects.filter(pk=issued.pk).update(project=project)
    Document.objects.filter(pk=issued.pk).update(project=None)
    assert Document.objects.get(pk=issued.pk).status == Status.SENT


def test_the_lines_of_an_issued_document_cannot_be_added_changed_or_removed(issued):
    line = issued.lines.get()
    assert refused(lambda: Line.objects.filter(pk=line.pk).update(unit_price=Decimal("1")))
    assert refused(lambda: Line.objects.filter(pk=line.pk).delete())
    assert refused(
        lambda: Line.objects.bulk_create(
            [
                Line(
                    document=issued,
                    description="Extra",
                    unit_price=1,
                    vat_rate=21,
                    net=1,
                    category="S",
                )
            ]
        )
    )
    assert refused(lambda: Line.objects.filter(pk=line.pk).update(document=issued))
    assert list(issued.lines.values_list("description", "net")) == [("Design", Decimal("200.00"))]


def test_the_discounts_and_charges_of_an_issued_document_are_frozen_too(owner, business, acme):
    document = draft(acme, ("Design", "2", "100", "21"))
    save_adjustments(document, [Adjustment(reason="Loyalty", percent=Decimal("10"))])
    document = do_issue(owner, document)
    adjustment = document.adjustments.get()
    assert refused(lambda: Adjustment.objects.filter(pk=adjustment.pk).update(percent=50))
    assert refused(lambda: Adjustment.objects.filter(pk=adjustment.pk).delete())
    assert refused(
        lambda: Adjustment.objects.bulk_create(
            [Adjustment(document=document, reason="Fee", amount=5, vat_rate=21, is_charge=True)]
        )
    )
    assert Document.objects.get(pk=document.pk).total_excl_vat == Decimal("180.00")


def test_a_line_cannot_be_moved_into_an_issued_document(issued, acme):
    other = draft(acme, ("Other", "1", "50", "21"))
    line = other.lines.get()
    assert refused(lambda: Line.objects.filter(pk=line.pk).update(document=issued))


def test_drafts_stay_free_to_change_and_to_delete(owner, business, acme):
    document = draft(acme, ("Design", "1", "100", "21"))
    Line.objects.filter(document=document).update(description="Changed")
    Document.objects.filter(pk=document.pk).update(notes="Anything")
    Line.objects.filter(document=document).delete()
    Document.objects.filter(pk=document.pk).delete()
    assert not Document.objects.filter(pk=document.pk).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers name columns")
def test_the_sqlite_guard_names_every_frozen_column_of_the_model(db):
    """A migration that adds a column to billing_document must install the guard again with
    the new model (frozen.install): otherwise the new column could change after issue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [f"{frozen.PREFIX}_document_update"],
        )
        found = cursor.fetchone()
    assert found, "the guard is gone: a migration altered billing_document outside frozen.around"
    (sql,) = found
    missing = [column for column in frozen.frozen_columns(Document) if f'NEW."{column}"' not in sql]
    assert missing == []
