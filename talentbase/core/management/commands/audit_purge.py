from django.core.management.base import BaseCommand

from talentbase.core.actor import system_actor
from talentbase.core.audit import purge_audit_events, retention_days


class Command(BaseCommand):
    help = "Remove audit events older than the retention period, after writing a signed checkpoint."

    def handle(self, *args, **options):
        checkpoint = purge_audit_events(actor=system_actor())
        if checkpoint is None:
            self.stdout.write(f"nothing older than {retention_days()} days")
        else:
            self.stdout.write(f"purged {checkpoint.purged_count} events up to #{checkpoint.upto_seq}")
