from django.core.management.base import BaseCommand

from talentbase.demo import world


class Command(BaseCommand):
    help = "Print the demo logins, one per role, with their TOTP secrets (otpauth URIs) where required."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo password for every login: {world.DEMO_PASSWORD}")
        self.stdout.write("Current TOTP code of a demo user: talentbase totp USERNAME")
        for user, membership, device in world.demo_logins():
            organisation = membership.organisation.name if membership else "-"
            role = membership.get_role_display() if membership else "-"
            line = f"  {user.username:<14} {role}  @ {organisation}"
            if device is not None:
                line += f"\n  {'':<14} TOTP: {device.config_url}"
            self.stdout.write(line)
