"""Writing the audit log: call record() inside the transaction that makes the change."""

from decimal import Decimal

from patron.audit.models import AuditEntry


def as_logged(value):
    """A JSON-friendly form of a field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        # 7 and 7.00 are the same amount: the log must not report a change.
        return format(value.normalize(), "f")
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(instance, fields):
    return {name: as_logged(getattr(instance, name)) for name in fields}


def changes_between(before, after):
    """{field: [old, new]} for each field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(user, action, obj, changes=None, *, actor=""):
    """Add an entry; a change that changed nothing is not worth one."""
    if action == "update" and not changes:
        return None
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEntry.objects.create(
        user=user,
        actor=actor or (user.get_username() if user else "system"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )
