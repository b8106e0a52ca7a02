from django.db import transaction
from django.utils.translation import gettext as _

from patron.accounts.models import User


class OwnerExists(Exception):
    pass


def owner_exists():
    return User.objects.exists()


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
