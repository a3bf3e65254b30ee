from django.core.management.base import BaseCommand

from talentbase.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random 32-byte key for TALENTBASE_PII_KEYS (as kid:key) or TALENTBASE_PII_HMAC_KEY."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
