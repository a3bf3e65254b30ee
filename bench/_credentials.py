"""Shared by bench/level_on.py and bench/import_certificates.py: the scratch database, Django set up on
it, and persons written in bulk (COPY on PostgreSQL, executemany in one transaction on SQLite), with
checksum-valid ID numbers encrypted and hashed as the registry does.

Not a benchmark on its own."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅春玉金凤文"
REGIONS = ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310115"]


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to create and drop {name!r}: the database name must contain 'bench'")
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True), name


def prepare_environment(database_url: str, work: Path) -> str:
    """Environment for a run in ``work`` (a temporary folder): keys, files and the SQLite database live
    there; a PostgreSQL database (its name must contain "bench") is dropped and created afresh."""
    os.environ["TALENTBASE_DEV"] = "1"
    os.environ["TALENTBASE_DEBUG"] = "0"  # no query log
    os.environ["TALENTBASE_VAR_DIR"] = str(work / "var")
    os.environ["TALENTBASE_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentbase.settings")
    url = database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    if url.startswith(("postgres://", "postgresql://")):
        admin, name = _postgres_admin(url)
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    return url


def drop_database(url: str) -> None:
    """The PostgreSQL scratch database dropped at the end (SQLite goes with the temporary folder)."""
    from django.db import connections

    connections.close_all()
    if url.startswith(("postgres://", "postgresql://")):
        admin, name = _postgres_admin(url)
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def register_persons(
    count: int, rng: random.Random, *, batch_size: int = 20_000
) -> list[tuple[int, str, str]]:
    """``count`` persons registered in bulk inside one transaction: [(id, name, ID number)]. IDs encrypted
    with ``encrypt_many`` and hashed with the registry's keyed hash, so that imports find them; no name keys
    (the search index is not needed here), which is why this fixture writes the rows itself."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.core import crypto
    from talentbase.core.imports import bulk
    from talentbase.registry.bulk import PERSON_COLUMNS
    from talentbase.registry.identity import mask_id_number, synthetic_ric
    from talentbase.registry.models import ID_NUMBER_CONTEXT, Person
    from talentbase.registry.protection import id_number_hash

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    seen: set[str] = set()
    made: list[tuple[int, str, str]] = []
    with transaction.atomic():
        while len(made) < count:
            size = min(batch_size, count - len(made))
            numbers, names = [], []
            while len(numbers) < size:
                number = synthetic_ric(rng, region=rng.choice(REGIONS))
                if number in seen:
                    continue
                seen.add(number)
                numbers.append(number)
                names.append(person_name(rng))
            tokens = crypto.encrypt_many(numbers, context=ID_NUMBER_CONTEXT)
            ids = bulk.allocate_ids(Person, size)
            rows = []
            for pk, name, number, token in zip(ids, names, numbers, tokens, strict=True):
                birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                rows.append((pk, name, "ric", token, id_number_hash("ric", number),
                             mask_id_number(number), birth, "M" if int(number[16]) % 2 else "F", "", "", "", "",
                             "active", False, now, now))  # fmt: skip
            bulk.insert_rows(Person, PERSON_COLUMNS, rows)
            made.extend(zip(ids, names, numbers, strict=True))
    return made


def analyze() -> None:
    """Fresh statistics after the fill, as autovacuum or ``PRAGMA optimize`` would leave them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
