from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from patron.work.management.commands._cli import clock, parse_at, refused, use_business_clock
from patron.work.timing import do_start_timer, find_project


class Command(BaseCommand):
    requires_system_checks = []  # a time command answers at once, as Watson does
    help = (
        "Start the timer on a project: patron start PROJECT [+tag…] [--task T] [--note N] "
        "[--at HH:MM]. The project is found by the start of its name, ignoring case."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "words", nargs="+", metavar="PROJECT [+tag …]", help="The project, then +tags."
        )
        parser.add_argument("--tag", action="append", default=[], help="A tag (repeatable).")
        parser.add_argument("--task", help="A task of the project, by the start of its title.")
        parser.add_argument("--note", default="", help="What you are doing.")
        parser.add_argument("--at", help="When you started (HH:MM today), if not now.")

    def handle(self, *args, words, tag, task=None, note="", at=None, **options):
        use_business_clock()
        name = " ".join(w for w in words if not w.startswith("+")).strip()
        tags = [w for w in words if w.startswith("+")] + tag
        if not name:
            raise CommandError("Which project? Give its name (or the start of it) first.")
        start = parse_at(at) if at else None
        if start is not None and start > timezone.now():
            raise CommandError(f"--at {at} is in the future: a timer starts now or earlier.")
        try:
            project = find_project(name)
            found_task = find_task(project, task) if task else None
            entry = do_start_timer(project, task=found_task, note=note, tags=tags, at=start)
        except ValidationError as e:
            raise refused(e) from e
        label = project.name + (f" / {found_task.title}" if found_task else "")
        tag_text = " ".join(f"+{t.name}" for t in entry.tags.all())
        self.stdout.write(
            f"Started {label}{f' ({tag_text})' if tag_text else ''} at {clock(entry.start)}."
        )


def find_task(project, query):
    query = query.strip()
    tasks = list(project.tasks.all())
    exact = [t for t in tasks if t.title.casefold() == query.casefold()]
    found = exact or [t for t in tasks if t.title.casefold().startswith(query.casefold())]
    if not found:
        raise CommandError(f"{project.name} has no task starting with “{query[:50]}”.")
    if len(found) > 1:
        titles = ", ".join(t.title for t in found[:5])
        raise CommandError(f"“{query[:50]}” matches several tasks: {titles}. Type more of it.")
    return found[0]
