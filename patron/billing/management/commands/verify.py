from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import ngettext

from patron.billing.documents.verify import verify
from patron.billing.models import Document


class Command(BaseCommand):
    help = "Check the numbering and the hash chains of issued documents; name any altered one."

    def handle(self, *args, **options):
        translation.activate("en")  # as every command: see patron/work/management/commands/_cli.py
        findings = verify()
        for finding in findings:
            self.stderr.write(str(finding))
        if findings:
            n = len(findings)
            raise CommandError(
                ngettext("%(n)s problem found.", "%(n)s problems found.", n) % {"n": n}
            )
        count = Document.objects.filter(sequence__isnull=False).count()
        self.stdout.write(
            ngettext(
                "%(n)s issued document checked: numbering and hash chain intact.",
                "%(n)s issued documents checked: numbering and hash chains intact.",
                count,
            )
            % {"n": count}
        )
