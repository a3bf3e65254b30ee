from django.core.management.base import BaseCommand, CommandError

from talentbase.accounts.models import User
from talentbase.accounts.tokens import issue_token
from talentbase.core.actor import system_actor


class Command(BaseCommand):
    help = (
        "Issue an API token for a demo user and print it (demo users only: never for real accounts). "
        "For scripts that drive the API as a persona, such as `make fuzz`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=1, help="days the token is valid (default 1)")

    def handle(self, *args, username, days, **options):
        user = User.objects.filter(username=username, is_demo=True).first()
        if user is None:
            raise CommandError("only demo users have tokens issued here")
        _token, text = issue_token(actor=system_actor(), user=user, name="demo", days=days)
        self.stdout.write(text)
