import base64
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from patron.accounts.models import User
from patron.audit.log import changes_between, record, snapshot
from patron.system.mail import queue_email


class OwnerExists(Exception):
    pass


def owner_exists():
    return User.objects.exists()


def setup_code_required():
    """Off a laptop (behind HTTPS, or listening beyond loopback), the first visitor
    must prove they can read the server's log before they become the owner."""
    return settings.SECURE or settings.HOST not in ("127.0.0.1", "localhost", "::1")


def setup_code():
    """A code derived from the secret key: shown by `patron serve`, stored nowhere."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"patron-owner-setup", hashlib.sha256)
    code = base64.b32encode(digest.digest()).decode()[:8]
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def do_create_owner(*, email, password, first_name="", last_name="", language=""):
    """Make the owner of this install; refuses once there is one.

    With SQLite in IMMEDIATE mode the transaction holds the write lock from its
    start, and on PostgreSQL the table lock below does the same, so two first
    visits at once cannot both become the owner.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{User._meta.db_table}" IN EXCLUSIVE MODE')
    if User.objects.exists():
        raise OwnerExists(_("This Patron already has an owner."))
    return User.objects.create_superuser(
        username=email,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )


def do_save_account(user, form):
    """Save a valid PreferencesForm; a changed email also changes the login."""
    with transaction.atomic():
        account = form.save(commit=False)
        account.username = account.email
        account.save()
        after = snapshot(account, form.Meta.fields)
        record(user, "update", account, changes_between(form.before, after))
        if form.email_changed:
            notify_email_changed(form.old_email, account.email)
    return account


def notify_email_changed(old_address, new_address):
    """Tell the old address, once the change is committed: if the owner did not
    make the change, they must know."""
    subject = _("Patron: your email address was changed")
    body = _(
        "The email address of your Patron account was changed to %(new)s. "
        "If you did not make this change, reset your password at once and check the address on your account."
    ) % {"new": new_address}
    queue_email(subject, body, [old_address])
