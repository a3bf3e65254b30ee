"""The person list on 10^6 persons: p50/p95 of the page with filters, sort orders, first and deep pages.

    TALENTBASE_DEV=1 .venv/bin/python bench/search_persons.py [--persons 1000000] [--database-url URL]

Creates a scratch database (a SQLite file under var/bench/, or the PostgreSQL database named in the URL,
which must contain "bench" and is dropped first and at the end), migrates it, fills it with the demo world's
organisations plus ``--employers`` employers and ``--persons`` persons (each with an employment and an
occupation, current for 92 % and ended for the 8 % who left (离职), 30 % with an earlier one; name keys,
ID numbers and phones encrypted with the real ``encrypt_many`` and hashed), then requests the list page through Django's test client signed in as the
city, an employer and a district official. Rows are written with COPY (PostgreSQL) or executemany in one
transaction (SQLite), not through the ORM (PERFORMANCE.md). After the fill the statistics are refreshed
(ANALYZE; VACUUM on PostgreSQL), as autovacuum or ``PRAGMA optimize`` would.

For each scenario: the page (the whole request: middleware, session, filter form, query, template) and the
query alone (the view's queryset and ``keyset_page``, no HTTP, no template), p50 and p95 over ``--runs``
runs after two warm-up runs. The baseline, measured in the same run, is the plain indexed query
``list(Person.objects.order_by("pk")[:50])``; ratios are p50 / baseline p50. Target: page p95 ≤ 100 ms.
Single-threaded, one process; DEBUG off.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 100.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=2000, help="employers besides the demo world's")
    parser.add_argument("--database-url", default="", help="postgres://…/<name with 'bench'>; default SQLite")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--deep", type=int, default=200, help="pages followed before the deep page")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the scenarios")
    parser.add_argument("--only", default="", help="the scenarios whose label holds this text")
    parser.add_argument("--seed", type=int, default=20240601)
    return parser.parse_args()


# --- The scratch database


def postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to create and drop {name!r}: the database name must contain 'bench'")
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True), name


def create_database(args) -> str:
    if args.database_url.startswith("postgres"):
        admin, name = postgres_admin(args.database_url)
        with admin:
            if not args.reuse:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
        return args.database_url
    path = ROOT / "var" / "bench" / "search_persons.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def drop_database(args, url: str) -> None:
    from django.db import connections

    connections.close_all()
    if url.startswith("postgres"):
        admin, name = postgres_admin(url)
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- Filling it

# More surnames and given-name characters than the demo world's, so that keys are as varied as real names
# (the demo world has no given name starting with "s": "zs" would find no one).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈"
    "任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志海燕红梅春玉金凤文三山顺生淑水松胜盛世书树双"
    "小晓新欣鑫雪亚燕阳一怡义毅永勇宇玉元远月云泽增哲振正志忠舟珠子宗佳嘉家健江杰洁婕金锦晶菁静娟君俊凯"
    "康可坤岚雷蕾力立莉丽林琳玲龙露美萌蒙敏鸣楠宁鹏萍琪琦倩巧勤青清琴秋荣蓉瑞润珊少绍胜诗石思斯素婷彤伟薇"
)


def realistic_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def insert_rows(connection, table: str, columns: list[str], rows) -> int:
    """COPY on PostgreSQL, executemany elsewhere; the caller holds the transaction."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)  # noqa: S608 — names from _meta
    return len(rows)


def build_employers(count: int, rng: random.Random) -> list[int]:
    """Employers spread over the districts and sectors, written in bulk (the demo world adds its own)."""
    from talentbase.catalog.models import District, OrganisationKind, Sector
    from talentbase.demo.world import EMPLOYER_TRADES, synthetic_credit_code
    from talentbase.orgs.models import Organisation

    districts = list(District.objects.order_by("pk"))
    sectors = {s.code: s for s in Sector.objects.all()}
    trades = list(EMPLOYER_TRADES)
    organisations = []
    codes = set()
    for index in range(count):
        district = districts[index % len(districts)]
        code = synthetic_credit_code(rng, district.code)
        while code in codes:
            code = synthetic_credit_code(rng, district.code)
        codes.add(code)
        trade = trades[index % len(trades)]
        organisations.append(Organisation(name=f"上海基准{index:05d}{EMPLOYER_TRADES[trade]}", district=district,
                                          credit_code=code))  # fmt: skip
    created = Organisation.objects.bulk_create(organisations, batch_size=1000)
    employer_kind = OrganisationKind.objects.get(code="employer")
    Organisation.kinds.through.objects.bulk_create(
        [
            Organisation.kinds.through(organisation_id=o.pk, organisationkind_id=employer_kind.pk)
            for o in created
        ]
    )
    Organisation.sectors.through.objects.bulk_create(
        [Organisation.sectors.through(organisation_id=o.pk, sector_id=sectors[trades[i % len(trades)]].pk)
         for i, o in enumerate(created)]
    )  # fmt: skip
    return [o.pk for o in created]


def fill(count: int, *, employers: int, seed: int) -> dict[str, float]:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from talentbase.catalog.models import District, Occupation
    from talentbase.core import crypto
    from talentbase.demo import world
    from talentbase.orgs.models import Organisation
    from talentbase.registry.identity import mask_id_number, mask_phone, synthetic_ric
    from talentbase.registry.models import ID_NUMBER_CONTEXT, PHONE_CONTEXT, Employment, Person
    from talentbase.registry.protection import id_number_hash, phone_hash
    from talentbase.registry.search import index_names

    timings = {}
    rng = random.Random(seed)
    started = time.perf_counter()
    world.build_world(employers=40)
    build_employers(employers, rng)
    timings["organisations"] = time.perf_counter() - started

    employer_ids = list(Organisation.objects.filter(kinds__code="employer").values_list("pk", flat=True))
    occupation_ids = list(Occupation.objects.values_list("pk", flat=True))
    regions = [d.code for d in District.objects.all()]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB for the fill's index writes only
            cursor.execute("PRAGMA synchronous = OFF")
    person_table, employment_table = Person._meta.db_table, Employment._meta.db_table
    person_columns = ["id", "full_name", "id_type", "id_number_encrypted", "id_number_hash",
                      "id_number_masked", "birth_date", "gender", "phone_encrypted", "phone_hash", "phone_masked",
                      "education", "status", "currently_employed", "created_at", "updated_at"]  # fmt: skip
    employment_columns = ["person_id", "employer_id", "occupation_id", "position", "start_date", "end_date",
                          "site", "created_at"]  # fmt: skip
    statuses = ["active"] * 90 + ["left"] * 5 + ["retired"] * 4 + ["deceased"]
    educations = ["junior", "senior", "vocational", "college", "bachelor"]
    positions = ["养护工", "保洁员", "班组长", "技术员"]
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    seen: set[str] = set()
    phase = {"generate": 0.0, "encrypt": 0.0, "persons": 0.0, "employments": 0.0, "name keys": 0.0}
    batch_size = 50_000
    next_id = 1
    with transaction.atomic():
        while next_id <= count:
            size = min(batch_size, count - next_id + 1)
            mark = time.perf_counter()
            numbers, phones, names = [], [], []
            while len(numbers) < size:
                number = synthetic_ric(rng, region=rng.choice(regions))
                if number in seen:
                    continue
                seen.add(number)
                numbers.append(number)
                phones.append(f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
                names.append(realistic_name(rng))
            phase["generate"] += time.perf_counter() - mark
            mark = time.perf_counter()
            encrypted_ids = crypto.encrypt_many(numbers, context=ID_NUMBER_CONTEXT)
            encrypted_phones = crypto.encrypt_many(phones, context=PHONE_CONTEXT)
            id_hashes = [id_number_hash("ric", number) for number in numbers]
            phone_hashes = [phone_hash(phone) for phone in phones]
            phase["encrypt"] += time.perf_counter() - mark
            mark = time.perf_counter()
            ids = range(next_id, next_id + size)
            # About one in twelve has left their last job (离职): no open employment, the flag unset.
            left = {pk for pk in ids if rng.random() < 0.08}
            rows = []
            for pk, name, number, phone, id_token, phone_token, id_hash, p_hash in zip(
                ids,
                names,
                numbers,
                phones,
                encrypted_ids,
                encrypted_phones,
                id_hashes,
                phone_hashes,
                strict=True,
            ):
                created = adapt(now - datetime.timedelta(seconds=rng.randrange(10 * 365 * 86400)))
                birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                rows.append((pk, name, "ric", id_token, id_hash, mask_id_number(number), birth,
                             "M" if int(number[16]) % 2 else "F", phone_token, p_hash, mask_phone(phone),
                             rng.choice(educations), rng.choice(statuses), pk not in left, created,
                             created))  # fmt: skip
            insert_rows(connection, person_table, person_columns, rows)
            phase["persons"] += time.perf_counter() - mark
            mark = time.perf_counter()
            employments = []
            for pk in ids:
                start = datetime.date(rng.randint(2005, 2025), rng.randint(1, 12), 1)
                created = adapt(now)
                if rng.random() < 0.3:
                    first = datetime.date(start.year - rng.randint(2, 8), rng.randint(1, 12), 1)
                    employments.append((pk, rng.choice(employer_ids), rng.choice(occupation_ids), "养护工", first,
                                        start - datetime.timedelta(days=1), "", created))  # fmt: skip
                ended = start + datetime.timedelta(days=rng.randint(30, 600)) if pk in left else None
                employments.append((pk, rng.choice(employer_ids), rng.choice(occupation_ids),
                                    rng.choice(positions), start, ended, "", created))  # fmt: skip
            insert_rows(connection, employment_table, employment_columns, employments)
            phase["employments"] += time.perf_counter() - mark
            mark = time.perf_counter()
            index_names(zip(ids, names, strict=True), replace=False)
            phase["name keys"] += time.perf_counter() - mark
            next_id += size
            print(f"  {next_id - 1:>9,} persons  {time.perf_counter() - started:6.0f} s", flush=True)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person]):
                cursor.execute(sql)
        world.link_demo_workers()
    timings.update(phase)
    mark = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return timings


# --- Measuring


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(function, runs: int) -> tuple[float, float]:
    for _ in range(2):
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def signed_in_client(username: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from talentbase.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client, user


def list_view_for(user, params: dict):
    """The list view set up for a request, as the page builds it: for the query-only timings."""
    from django.test import RequestFactory

    from talentbase.accounts.actors import actor_for_membership
    from talentbase.registry.views import PersonListView

    request = RequestFactory().get("/registry/", params)
    request.user = user
    request.actor = actor_for_membership(user.memberships.get())
    view = PersonListView()
    view.setup(request)
    return view


def query_page(user, params: dict):
    from talentbase.core.pagination import keyset_page

    view = list_view_for(user, params)
    return keyset_page(view.get_queryset(), view.ordering(), params.get("after"), view.paginate_by)


def deep_cursor(user, params: dict, pages: int) -> str | None:
    cursor = None
    for _ in range(pages):
        page = query_page(user, {**params, **({"after": cursor} if cursor else {})})
        if not page.has_next:
            return None
        cursor = page.next_cursor
    return cursor


def explain(user, params: dict) -> str:
    from django.db import connection

    from talentbase.core.pagination import keyset_page

    view = list_view_for(user, params)
    captured = []

    def capture(execute, sql, sql_params, many, context):
        captured.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(capture):
        keyset_page(view.get_queryset(), view.ordering(), params.get("after"), view.paginate_by)
    sql, sql_params = [(s, p) for s, p in captured if 'FROM "registry_person" ' in s][-1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, sql_params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, sql_params)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def scenarios(ids) -> list[tuple[str, str, dict, int]]:
    """(label, user, GET parameters, pages to follow first)."""
    return [
        ("first page", "city", {}, 0),
        ("name initials q=zs", "city", {"q": "zs"}, 0),
        ("name pinyin q=zhangs", "city", {"q": "zhangs"}, 0),
        ("name one letter q=w", "city", {"q": "w"}, 0),
        ("name Han prefix q=张", "city", {"q": "张"}, 0),
        ("exact ID number", "city", {"id_number": ids["id_number"]}, 0),
        ("district", "city", {"district": ids["district"]}, 0),
        ("sector", "city", {"sector": ids["sector"]}, 0),
        ("employer (name)", "city", {"employer": ids["employer"]}, 0),
        ("occupation", "city", {"occupation": ids["occupation"]}, 0),
        ("in service", "city", {"in_service": "yes"}, 0),
        ("left (no current employment)", "city", {"in_service": "no"}, 0),
        ("left, deep", "city", {"in_service": "no"}, 50),
        ("employer: left", "employer", {"in_service": "no"}, 0),
        ("age band 31-40", "city", {"age": "31-40"}, 0),
        ("age band 31-40, sort by birth date", "city", {"age": "31-40", "sort": "birth_date"}, 0),
        ("status deceased (1 %)", "city", {"status": "deceased"}, 0),
        ("gender F", "city", {"gender": "F"}, 0),
        ("q=zs + age 41-50 + district", "city", {"q": "zs", "age": "41-50", "district": ids["district"]}, 0),
        ("sort by name", "city", {"sort": "full_name"}, 0),
        ("sort by birth date desc", "city", {"sort": "-birth_date"}, 0),
        ("sort by created desc", "city", {"sort": "-created_at"}, 0),
        ("deep page", "city", {}, -1),
        ("deep page, sort by name", "city", {"sort": "full_name"}, -1),
        ("deep page, district filter", "city", {"district": ids["district"]}, -1),
        ("deep page, age band", "city", {"age": "31-40"}, -1),
        ("employer: first page", "employer", {}, 0),
        ("employer: q=z", "employer", {"q": "z"}, 0),
        ("district official: first page", "district", {}, 0),
        ("district official: sort by name", "district", {"sort": "full_name"}, 0),
        ("district official: deep page", "district", {}, -1),
        ("district official: q=zs", "district", {"q": "zs"}, 0),
        ("district official: q=w + age 51-60", "district", {"q": "w", "age": "51-60"}, 0),
    ]


def run(args) -> None:
    import django

    url = create_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("TALENTBASE_DEV", "1")
    os.environ["TALENTBASE_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentbase.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.urls import reverse

    from talentbase.catalog.models import District, Occupation, Sector
    from talentbase.core.crypto import decrypt
    from talentbase.registry.models import ID_NUMBER_CONTEXT, Person

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {connection.vendor} ({url.split('@')[-1]}); persons: {args.persons:,}; "
          f"runs per scenario: {args.runs}; DEBUG={settings.DEBUG}")  # fmt: skip
    try:
        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            print(f"migrated in {time.perf_counter() - started:.1f} s; filling…", flush=True)
            timings = fill(args.persons, employers=args.employers, seed=args.seed)
            print("fill (s): " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in timings.items()))
        connections.close_all()  # measure on a fresh connection with the production settings
        from talentbase.accounts.models import User
        from talentbase.registry.models import Employment, PersonNameKey

        print(f"rows: persons {Person.objects.count():,}, employments {Employment.objects.count():,}, "
              f"name keys {PersonNameKey.objects.count():,}")  # fmt: skip
        clients = {name: signed_in_client(name) for name in ("city", "employer", "district")}
        sample = Person.objects.order_by("pk")[args.persons // 2]
        ids = {
            "id_number": decrypt(sample.id_number_encrypted, context=ID_NUMBER_CONTEXT),
            "district": District.objects.get(name="徐汇区").pk,
            "sector": Sector.objects.get(code="forestry").pk,
            "employer": Employment.objects.filter(person=sample, end_date=None).values_list(
                "employer__name", flat=True
            )[0],
            "occupation": Occupation.objects.order_by("code").values_list("pk", flat=True)[0],
        }
        assert User.objects.filter(username__in=clients).count() == 3
        baseline = measure(lambda: list(Person.objects.order_by("pk")[:50]), args.runs)
        print(f"\nbaseline list(Person.objects.order_by('pk')[:50]): p50 {baseline[0]:.2f} ms, "
              f"p95 {baseline[1]:.2f} ms\n")  # fmt: skip
        header = (
            f"{'scenario':<34}{'rows':>5} {'page p50':>9}{'p95':>8} {'query p50':>10}{'p95':>8} {'× base':>8}"
        )
        print(header)
        print("-" * len(header))
        list_url = reverse("registry:person-list")
        worst = 0.0
        for label, who, params, pages in scenarios(ids):
            if args.only not in label:
                continue
            client, user = clients[who]
            if pages:
                cursor = deep_cursor(user, params, args.deep)
                if cursor is None:
                    print(f"{label:<34} fewer than {args.deep} pages")
                    continue
                params = {**params, "after": cursor}
                label = f"{label} ({args.deep + 1})"
            response = client.get(list_url, params)
            assert response.status_code == 200, (label, response.status_code)
            rows = len(query_page(user, params).rows)

            def page(client=client, params=params):
                response = client.get(list_url, params)
                assert response.status_code == 200
                return response

            page_p50, page_p95 = measure(page, args.runs)
            query_p50, query_p95 = measure(
                lambda user=user, params=params: query_page(user, params).rows, args.runs
            )
            worst = max(worst, page_p95)
            print(f"{label:<34}{rows:>5} {page_p50:>8.1f} {page_p95:>7.1f} {query_p50:>10.2f}{query_p95:>8.2f} "
                  f"{page_p50 / baseline[0]:>7.0f}×", flush=True)  # fmt: skip
            if args.explain:
                print(explain(user, params))
        verdict = "meets" if worst <= TARGET_MS else "MISSES"
        print(f"\nworst page p95 {worst:.1f} ms: {verdict} the target of {TARGET_MS:.0f} ms")
    finally:
        if not args.keep:
            drop_database(args, url)


if __name__ == "__main__":
    run(parse_args())
