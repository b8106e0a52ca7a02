"""Saving the business profile and brand kit, with the audit trail."""

from django.db import transaction

from patron.audit.log import changes_between, record, snapshot
from patron.business.models import Business


def get_business():
    return Business.objects.first()


def do_save_business(user, form, *, actor=""):
    """Save a valid ProfileForm or BrandForm and log what changed.

    A replaced logo's old file is removed once the new one is committed.
    """
    fields = list(form.Meta.fields)
    created = form.instance.pk is None
    before = {} if created else snapshot(Business.objects.get(pk=form.instance.pk), fields)
    old_logo = before.get("logo")
    with transaction.atomic():
        business = form.save()
        after = snapshot(business, fields)
        changes = changes_between(before, after)
        record(user, "create" if created else "update", business, changes, actor=actor)
    if old_logo and old_logo != after.get("logo"):
        storage = Business._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return business
