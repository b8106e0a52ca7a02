from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from patron.accounts.models import ApiToken, User
from patron.accounts.tokens import do_create_token, do_revoke_token


class Command(BaseCommand):
    help = "Create, list or revoke personal access tokens for the REST API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token; it is printed once.")
        create.add_argument("name")
        create.add_argument("--user", help="Email of the user (default: the owner).")
        sub.add_parser("list", help="List the tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its name or its prefix.")
        revoke.add_argument("name_or_prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            name = options["name"].strip()
            if not name or len(name) > 100:
                raise CommandError("The token name must have 1 to 100 characters.")
            user = self.find_user(options.get("user"))
            token, secret = do_create_token(user, name, actor=f"{user} (cli)")
            self.stderr.write(
                f"Token “{name}” made for {user.get_username()}. Copy it now, it is not shown again:"
            )
            self.stdout.write(secret)
        elif action == "list":
            for token in ApiToken.objects.select_related("user"):
                revoked, used = (
                    timezone.localtime(token.revoked_at) if token.revoked_at else None,
                    timezone.localtime(token.last_used_at) if token.last_used_at else None,
                )
                state = f"revoked {revoked:%Y-%m-%d}" if revoked else "active"
                used = f"{used:%Y-%m-%d %H:%M}" if used else "never"
                self.stdout.write(f"{token.prefix}…  {token.name}  ({state}, last used {used})")
        else:
            key = options["name_or_prefix"]
            tokens = list(
                ApiToken.objects.active().filter(name=key)
                or ApiToken.objects.active().filter(prefix__startswith=key[:10])
            )
            if not tokens:
                raise CommandError(f"No active token is named or starts with “{key}”.")
            if len(tokens) > 1:
                raise CommandError(
                    f"{len(tokens)} active tokens match “{key}”: give the prefix instead."
                )
            token = tokens[0]
            do_revoke_token(token.user, token, actor=f"{token.user} (cli)")
            self.stdout.write(f"Token “{token.name}” ({token.prefix}…) is revoked.")

    def find_user(self, email):
        users = User.objects.filter(is_superuser=True).order_by("pk")
        if email:
            users = User.objects.filter(email__iexact=email)
        user = users.first()
        if user is None:
            raise CommandError(
                "There is no such user."
                if email
                else "There is no owner yet: open /app/ first, or run `patron demo`."
            )
        return user
