from django.core.management.base import BaseCommand, CommandError

from talentbase.core.audit import verify_chain, verify_exported_heads


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed hash chain; exits non-zero when an event was edited, deleted, reordered "
        "or re-hashed. With --heads, also check the signed heads exported to that file (TALENTBASE_AUDIT_HEAD_FILE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--heads", help="a file of signed heads written by the audit.export_head item")

    def handle(self, *args, **options):
        checked, problems = verify_chain()
        if options.get("heads"):
            try:
                with open(options["heads"], encoding="utf-8") as handle:
                    problems += verify_exported_heads(handle)
            except OSError as error:
                raise CommandError(f"cannot read {options['heads']}: {error}") from None
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {checked} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} events verified"))
