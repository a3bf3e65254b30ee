from django.core.management.base import BaseCommand

from talentbase.accounts.models import User
from talentbase.demo import world


class Command(BaseCommand):
    help = "Create the synthetic demo world: organisations, one login per role, persons."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=2000, help="number of persons in the registry")
        parser.add_argument("--employers", type=int, default=40)
        parser.add_argument("--seed", type=int, default=20231125)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo logins exist already"
        )

    def handle(self, *args, persons, employers, seed, if_empty, **options):
        if if_empty and User.objects.filter(is_demo=True).exists():
            self.stdout.write("demo data present; nothing to do")
            return
        logins = world.build_world(seed=seed, employers=employers)
        made = world.build_persons(count=persons, seed=seed)
        certificates = world.build_worker_certificates()
        from talentbase.demo.evaluation import build_evaluation

        build_evaluation()
        self.stdout.write(
            self.style.SUCCESS(f"demo world ready: {len(logins)} logins, {made} persons, {certificates} certificates")
        )
