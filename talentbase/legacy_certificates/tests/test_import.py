"""The certificate import (the 11-column table institutions report upstream, and an employer's roster of
its workers' certificates) through the import machinery: per-row reasons, the 2015→2022 occupation
mapping, unknown persons registered or listed, declared versus confirmed, and the batch modes."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied

from talentbase.core.imports.models import ImportState
from talentbase.core.tests.imports_support import (  # noqa: F401
    commit,
    import_settings,
    row_errors,
    upload,
    write_xlsx,
)
from talentbase.legacy_certificates.models import CertificateRecord, Confirmation, RecordSource
from talentbase.registry import protection
from talentbase.registry.identity import synthetic_ric
from talentbase.registry.levels import level_on
from talentbase.registry.models import LevelEntry, Person

from . import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_settings")]
KIND = "credentials.certificates"
HEADERS = ["姓名", "证件类型", "证件号码", "所在单位", "职业名称", "工种名称", "等级", "证书编号", "发证日期", "评价机构",
           "发证机构"]  # fmt: skip


def row(name, id_number, occupation="园林绿化工", level="四级/中级工", number=None, issued="2019-06-30", issuer="",
        evaluator="", employer=""):  # fmt: skip
    number = number or support.skill_number(
        year=int(issued[:4]), level_number=int("54321"["五四三二一".index(level[0])])
    )
    return [name, "居民身份证", id_number, employer, occupation, "", level, number, issued, evaluator, issuer]


def id_of(person: Person) -> str:
    return protection.reveal_id_number(person)


def run(capture, actor, path, **kwargs):
    batch = upload(capture, actor, path, kind=KIND, **kwargs)
    assert batch.state == ImportState.PREVIEWED, batch.message
    return batch


def test_an_hr_export_is_imported_confirmed_with_per_row_reasons(personas, django_capture_on_commit_callbacks,
                                                                 tmp_path):  # fmt: skip
    worker = support.worker_person(personas)
    outsider = support.worker_person(personas, outsider=True)
    rows = [
        row("演示", id_of(worker)),
        row(
            "演示",
            id_of(outsider),
            occupation="盆景工",
            level="高级工",
            issued="2016-05-20",
            number=support.qualification_number(year=2016, level_number=3),
        ),  # 2015 name → 盆景师
        row("错年", id_of(worker), number="S000031000123184000001"),  # year 18 against 2019
        row(
            "错级", id_of(worker), level="三级/高级工", number="S000031000123194000002"
        ),  # digit 4 against 三级
        row("无职业", id_of(worker), occupation="不存在的职业"),
        row("重复", id_of(outsider), number="S000031000123194000009"),
        row("重复", id_of(outsider), number="S000031000123194000009"),
        row("未登记", synthetic_ric(random.Random(7))),
    ]
    path = write_xlsx(tmp_path / "hr.xlsx", HEADERS, rows)
    hr = personas.actor("hr")
    batch = run(django_capture_on_commit_callbacks, hr, path, policy="valid_only")
    errors = row_errors(batch)
    assert set(errors) == {4, 5, 6, 7, 8, 9}
    assert "年份“18”与发证日期 2019-06-30 不符" in errors[4][0][1]
    assert "第 16 位的等级“4”与等级“三级/高级工”不符" in errors[5][0][1]
    assert errors[6][0][0] == "职业名称"
    assert "与第 8 行的证书编号重复" in errors[7][0][1] and "与第 7 行" in errors[8][0][1]
    assert "尚未登记" in errors[9][0][1]
    batch = commit(django_capture_on_commit_callbacks, hr, batch)
    assert batch.state == ImportState.DONE and batch.written_rows == 2
    records = CertificateRecord.objects.filter(import_batch=batch).order_by("issued_on")
    assert [r.occupation.code for r in records] == ["4-09-10-03", "4-09-10-01"]
    assert records[0].occupation_as_written == "盆景工" and records[0].kind == "qualification"
    assert all(
        r.confirmation == Confirmation.CONFIRMED and r.source == RecordSource.HR_IMPORT for r in records
    )
    assert level_on(worker, support.occupation(), datetime.date(2020, 1, 1)).code == "level4"
    assert level_on(outsider, support.occupation("4-09-10-03"), datetime.date(2016, 5, 20)).code == "level3"


def test_unknown_persons_are_registered_when_the_user_chooses(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    rng = random.Random(11)
    new_id = synthetic_ric(rng)
    path = write_xlsx(tmp_path / "new.xlsx", HEADERS, [
        row("新人", new_id), row("新人", new_id, level="三级/高级工", issued="2021-03-01"),
    ])  # fmt: skip
    hr = personas.actor("hr")
    batch = run(django_capture_on_commit_callbacks, hr, path, options={"unknown_persons": "create"})
    assert batch.error_rows == 0
    batch = commit(django_capture_on_commit_callbacks, hr, batch)
    assert batch.state == ImportState.DONE, batch.message
    person = Person.objects.get(id_number_hash=protection.id_number_hash("ric", new_id))
    assert person.full_name == "新人"
    assert CertificateRecord.objects.filter(person=person).count() == 2
    assert level_on(person, support.occupation(), datetime.date(2022, 1, 1)).code == "level3"


def test_an_employer_declares_and_hr_confirms_by_importing_the_same_numbers(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    worker = support.worker_person(personas)
    outsider = support.worker_person(personas, outsider=True)
    number = support.skill_number(year=2019, level_number=4)
    path = write_xlsx(tmp_path / "roster.xlsx", HEADERS, [row("演示", id_of(worker), number=number),
                                                          row("外单位", id_of(outsider))])  # fmt: skip
    employer = personas.actor("employer")
    batch = run(django_capture_on_commit_callbacks, employer, path, policy="valid_only")
    assert "不是本单位的职工" in row_errors(batch)[3][0][1]
    commit(django_capture_on_commit_callbacks, employer, batch)
    record = CertificateRecord.objects.get(number=number)
    assert (
        record.confirmation == Confirmation.DECLARED
        and record.employer_id == personas.organisation("employer").pk
    )
    assert level_on(worker, support.occupation(), datetime.date(2020, 1, 1)) is None
    # HR's export of the same certificate, in update mode, confirms it.
    hr_path = write_xlsx(tmp_path / "hr.xlsx", HEADERS, [row("演示", id_of(worker), number=number)])
    hr = personas.actor("hr")
    batch = run(django_capture_on_commit_callbacks, hr, hr_path, mode="update")
    assert batch.update_rows == 1
    commit(django_capture_on_commit_callbacks, hr, batch)
    record.refresh_from_db()
    assert record.confirmation == Confirmation.CONFIRMED
    assert level_on(worker, support.occupation(), datetime.date(2020, 1, 1)).code == "level4"
    assert LevelEntry.objects.filter(source_id=record.pk).count() == 1
    # In create mode the same number is an error; in skip mode it is skipped.
    batch = run(django_capture_on_commit_callbacks, hr, hr_path)
    assert "已登记" in row_errors(batch)[2][0][1]
    batch = run(django_capture_on_commit_callbacks, hr, hr_path, mode="skip")
    assert batch.skip_rows == 1 and batch.error_rows == 0


def test_an_institution_imports_only_what_it_issued(personas, django_capture_on_commit_callbacks, tmp_path):
    worker = support.worker_person(personas)
    own = personas.organisation("evaluation")
    other = personas.organisation("evaluation", outsider=True)
    path = write_xlsx(tmp_path / "inst.xlsx", HEADERS, [
        row("演示", id_of(worker)),  # 发证机构 empty: this institution
        row("演示", id_of(worker), issuer=own.name, issued="2021-01-01", level="三级/高级工"),
        row("演示", id_of(worker), issuer=other.name, issued="2022-01-01", level="三级/高级工"),
    ])  # fmt: skip
    actor = personas.actor("evaluation")
    batch = run(django_capture_on_commit_callbacks, actor, path, policy="valid_only")
    assert set(row_errors(batch)) == {4}
    commit(django_capture_on_commit_callbacks, actor, batch)
    records = CertificateRecord.objects.filter(person=worker)
    assert {r.issuer_id for r in records} == {own.pk}
    assert all(r.confirmation == Confirmation.CONFIRMED for r in records)


def test_roles_without_certificate_records_may_not_import(
    personas, django_capture_on_commit_callbacks, tmp_path
):
    path = write_xlsx(tmp_path / "x.xlsx", HEADERS, [])
    for role in ("worker", "training", "district", "sector"):
        with pytest.raises(PermissionDenied):
            upload(django_capture_on_commit_callbacks, personas.actor(role), path, kind=KIND)


@pytest.mark.parametrize(
    ("written", "code"),
    [("4", "level4"), ("四级", "level4"), ("中级工", "level4"), ("中级", "level4"), ("四级/中级工", "level4"),
     ("5", "level5"), ("初级", "level5"), ("1", "level1"), ("高级技师", "level1"), ("技师", "level2"),
     ("高级", "level3"), ("国家职业资格三级", "level3"), ("特级技师", "principal"), ("首席技师", "chief")],
)  # fmt: skip
def test_levels_are_read_as_upstream_tables_write_them(written, code):
    from talentbase.catalog.lookups import level_lookup
    from talentbase.core.imports.columns import normalise_choice

    assert level_lookup()[normalise_choice(written)].code == code
    assert normalise_choice("6") not in level_lookup()  # never a row id


def test_publishing_certificates_refreshes_the_statistics_of_the_records_and_level_entries(
    personas, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    from talentbase.core.imports import bulk

    refreshed = []
    monkeypatch.setattr(bulk, "refresh_statistics", lambda tables: refreshed.append(set(tables)))
    worker = support.worker_person(personas)
    path = write_xlsx(tmp_path / "hr.xlsx", HEADERS, [row("演示", id_of(worker))])
    hr = personas.actor("hr")
    batch = commit(django_capture_on_commit_callbacks, hr, run(django_capture_on_commit_callbacks, hr, path))
    assert batch.state == ImportState.DONE and batch.written_rows == 1
    assert len(refreshed) == 1
    assert {"credentials_certificaterecord", "registry_levelentry"} <= {
        table for _alias, table in refreshed[0]
    }
