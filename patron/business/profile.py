"""Saving the business profile and brand kit, with the audit trail."""

from django.db import IntegrityError, transaction

from patron.audit.log import changes_between, record, snapshot
from patron.business.models import Business


class BusinessExists(Exception):
    """The profile was created meanwhile (a second tab, a double click)."""


def get_business():
    return Business.objects.first()


def do_save_business(user, form, *, actor=""):
    """Save a valid ProfileForm or BrandForm and log what changed.

    A replaced logo's old file is removed once the new one is committed.
    """
    fields = list(form.Meta.fields)
    created = form.instance.pk is None
    before = {} if created else snapshot(Business.objects.get(pk=form.instance.pk), fields)
    try:
        with transaction.atomic():
            if created and Business.objects.exists():
                raise BusinessExists
            business = form.save()
            after = snapshot(business, fields)
            changes = changes_between(before, after)
            record(user, "create" if created else "update", business, changes, actor=actor)
    except IntegrityError as e:
        if created:  # the unique singleton: another request created it first
            raise BusinessExists from e
        raise
    old_logo = before.get("logo")
    if old_logo and old_logo != after.get("logo"):
        storage = Business._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return business
