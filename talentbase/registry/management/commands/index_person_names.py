from django.core.management.base import BaseCommand

from talentbase.registry.models import Person
from talentbase.registry.search import WRITE_BATCH, index_names


class Command(BaseCommand):
    help = (
        "Rebuild the name keys of every person, e.g. after a change to the surname readings in "
        "registry/pinyin.py. Persons are read and their keys written in batches, one transaction each."
    )

    def handle(self, *args, **options):
        written = persons = 0
        last = 0
        while True:
            batch = list(
                Person.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "full_name")[:WRITE_BATCH]
            )
            if not batch:
                break
            written += index_names(batch, replace=True)
            persons += len(batch)
            last = batch[-1][0]
        self.stdout.write(f"{written} keys for {persons} persons")
