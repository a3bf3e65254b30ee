"""Levels, occupations, districts and sectors have English names: English pages show them, Chinese pages and
the data (imports, the audit trail) keep the Chinese names, and the data says which English names are our
own translations for the city bureau to review."""

import csv
import importlib

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation

from talentbase.catalog.models import District, Level, Occupation, Sector
from talentbase.catalog.reference import DATA_DIR, LEVELS
from talentbase.core.models import AuditEvent
from talentbase.legacy_certificates.tests import support
from talentbase.registry import queries

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_every_reference_row_has_an_english_name_marked_for_review():
    for model in (Level, Occupation, District, Sector):
        rows = list(model.objects.values_list("name", "name_en", "name_en_status"))
        assert rows and all(name_en for _name, name_en, _status in rows), model
        # No official English source is on file (DOMAIN.md, reference/domain-sources.md): all our translations.
        assert {status for *_names, status in rows} == {"review"}, model
    assert len(LEVELS) == Level.objects.exclude(name_en="").count() == 8
    assert Level.objects.get(code="level4").name_en == "Intermediate Worker (Level 4)"
    assert Occupation.objects.get(code="4-09-10-01").name_en == "Landscape Gardener"
    with open(DATA_DIR / "occupations.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["name_en"].strip() and row["name_en_status"] in {"official", "review"} for row in rows)


def test_the_name_follows_the_language_and_the_audit_label_stays_chinese(personas):
    level, occupation = Level.objects.get(code="level3"), Occupation.objects.get(code="4-09-10-01")
    with translation.override("zh-hans"):
        assert (str(level), str(occupation)) == ("三级/高级工", "园林绿化工（4-09-10-01）")
    with translation.override("en"):
        assert (str(level), str(occupation)) == ("Senior Worker (Level 3)", "Landscape Gardener (4-09-10-01)")
        assert level.display_name == "Senior Worker (Level 3)"
    untranslated = Occupation.objects.get(code="4-09-10-02")
    untranslated.name_en = ""
    with translation.override("en"):
        assert untranslated.display_name == "草坪园艺师"
    url = reverse("catalog:occupation-edit", args=[occupation.pk])
    client = english(personas.client("city"))
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["levels"] = [lv.pk for lv in occupation.levels.all()]
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data.update(name_en="Landscaping Gardener", name_en_status="official")
    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    occupation.refresh_from_db()
    assert (occupation.name_en, occupation.name_en_status) == ("Landscaping Gardener", "official")
    event = AuditEvent.objects.filter(object_type="catalog.occupation", object_id=str(occupation.pk)).latest(
        "seq"
    )
    assert event.object_label == "园林绿化工（4-09-10-01）"
    assert event.changes["name_en"] == ["Landscape Gardener", "Landscaping Gardener"]


def test_english_pages_show_english_level_and_occupation_names_and_chinese_pages_chinese(personas):
    person = support.worker_person(personas)
    support.record(personas, person=person, level_code="level4")
    page = english(personas.client("employer")).get(person.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Landscape Gardener" in text and "Intermediate Worker (Level 4)" in text
    assert "四级/中级工" not in text
    chinese = personas.client("employer").get(person.get_absolute_url()).content.decode()
    assert "园林绿化工" in chinese and "四级/中级工" in chinese and "Intermediate Worker" not in chinese
    mine = english(personas.client("worker")).get(reverse("credentials:my-levels"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Intermediate Worker (Level 4)" in mine.content.decode()
    records = english(personas.client("hr")).get(
        reverse("credentials:record-list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Landscape Gardener" in records.content.decode() and "园林绿化工" not in records.content.decode()
    # The person list's columns (and so its export) follow the language too.
    actor = personas.actor("city")
    with translation.override("en"):
        (row,) = queries.annotate_list_facts(actor, [person])
        assert row.highest_level == "Landscape Gardener, Intermediate Worker (Level 4)"
    with translation.override("zh-hans"):  # the test client leaves the last request's language active
        (row,) = queries.annotate_list_facts(actor, [person])
    assert row.highest_level == "园林绿化工 四级/中级工"


def test_the_api_gives_the_english_names(personas):
    client = personas.client("worker")
    level = Level.objects.get(code="level1")
    answer = client.get(reverse("level-detail", args=[level.pk])).json()
    assert (answer["name"], answer["name_en"], answer["name_en_status"]) == (
        "一级/高级技师",
        "Senior Technician (Level 1)",
        "review",
    )
    occupation = Occupation.objects.get(code="5-02-03-01")
    assert client.get(reverse("occupation-detail", args=[occupation.pk])).json()["name_en"] == "Forest Ranger"


def test_the_migration_fills_the_english_names_of_existing_rows_and_keeps_one_entered():
    # Found by name, whatever number the migration gets on merge.
    (name,) = [name for app, name in MigrationLoader(None).disk_migrations if app == "catalog" and
               name.endswith("_english_names")]  # fmt: skip
    migration = importlib.import_module(f"talentbase.catalog.migrations.{name}")
    Level.objects.update(name_en="")
    Occupation.objects.update(name_en="")
    Occupation.objects.filter(code="4-09-10-03").update(name_en="Penjing Artist", name_en_status="official")
    migration.fill(apps, None)
    assert Level.objects.get(code="chief").name_en == "Chief Technician"
    assert (
        not Level.objects.filter(name_en="").exists() and not Occupation.objects.filter(name_en="").exists()
    )
    kept = Occupation.objects.get(code="4-09-10-03")
    assert (kept.name_en, kept.name_en_status) == ("Penjing Artist", "official")
    assert Occupation.objects.get(code="4-09-10-04").name_en_status == "review"
