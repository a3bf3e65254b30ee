from django.core.management.base import BaseCommand, CommandError

from talentbase.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain; exits non-zero when an event was edited, deleted or reordered."
    )

    def handle(self, *args, **options):
        checked, problems = verify_chain()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {checked} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} events verified"))
