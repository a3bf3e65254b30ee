"""An employer's batch application: every row checked as a single application is, one refused with the rule
it fails, the rest published with their admission tickets."""

import csv
import datetime

import pytest

from talentbase.catalog.models import Level, Occupation
from talentbase.core.imports.models import ImportRowError, ImportState
from talentbase.core.tests.imports_support import commit, import_settings, upload  # noqa: F401
from talentbase.evaluation.models import Application, ApplicationKind
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Employment, LevelEntry, Person
from talentbase.registry.protection import reveal_id_number

pytestmark = pytest.mark.django_db

D = datetime.date
GREENING = "4-09-10-01"


def staff(employer, count: int) -> list[Person]:
    """``count`` persons the employer employs now (the demo's), each in the trade since 2015 with 五级 since 2018."""
    occupation = Occupation.objects.get(code=GREENING)
    level5 = Level.objects.get(code="level5")
    people = list(Person.objects.filter(employments__employer=employer, employments__end_date__isnull=True)
                  .distinct().order_by("pk")[:count])  # fmt: skip
    assert len(people) == count
    for person in people:
        Employment.objects.filter(person=person).update(occupation=occupation, start_date=D(2015, 3, 1))
        LevelEntry.objects.filter(person=person).delete()
        LevelEntry.objects.create(person=person, occupation=occupation, level=level5, rank=level5.rank,
                                  valid_from=D(2018, 6, 1), confirmed=True, source_kind="certificate_record",
                                  source_id=10**6 + person.pk)  # fmt: skip
    return people


def roster(path, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "证件类型", "证件号码", "申报方式", "突破的限制", "业绩材料"])
        writer.writerows(rows)
    return str(path)


def test_a_batch_with_an_ineligible_row_a_stranger_and_a_direct_recognition(
    personas, import_settings, tmp_path, django_capture_on_commit_callbacks  # noqa: F811
):
    employer = personas.organisation("employer")
    session = session_for(personas.organisation("evaluation"), state="registration")
    eligible, short, direct, misnamed = staff(employer, 4)
    # One has worked in the trade for a year only, and holds no level: refused with the rule.
    Employment.objects.filter(person=short).update(start_date=D(2025, 11, 1))
    LevelEntry.objects.filter(person=short).delete()
    Employment.objects.filter(person=direct).update(start_date=D(2024, 1, 1))
    LevelEntry.objects.filter(person=direct).delete()
    stranger = Person.objects.get(user=personas.user("worker", outsider=True))
    path = roster(tmp_path / "申报名单.csv", [
        [eligible.full_name, "居民身份证", reveal_id_number(eligible), "", "", ""],
        [short.full_name, "", reveal_id_number(short), "", "", ""],
        [direct.full_name, "", reveal_id_number(direct), "直接认定", "工作年限", "全市园林绿化职业技能竞赛一等奖"],
        [stranger.full_name, "", reveal_id_number(stranger), "", "", ""],
        ["李错名", "", reveal_id_number(misnamed), "", "", ""],
    ])  # fmt: skip
    actor = personas.actor("employer")
    batch = upload(django_capture_on_commit_callbacks, actor, path, kind="evaluation.applications",
                   policy="valid_only", options={"session_id": session.pk})  # fmt: skip
    assert batch.state == ImportState.PREVIEWED, batch.message
    errors = {e.row_number: e.message for e in ImportRowError.objects.filter(batch=batch)}
    assert set(errors) == {3, 5, 6}, errors
    assert "不符合申报条件" in errors[3] and "须满6年" in errors[3]
    assert "不是本单位在职人员" in errors[5]
    assert "姓名与登记库中该证件号码的姓名不符" in errors[6]
    batch = commit(django_capture_on_commit_callbacks, actor, batch)
    assert batch.state == ImportState.DONE, batch.message
    made = list(Application.objects.filter(session=session).order_by("ticket"))
    assert [a.person_id for a in made] == [eligible.pk, direct.pk]
    assert [a.ticket[-4:] for a in made] == ["0001", "0002"]
    assert made[1].kind == ApplicationKind.DIRECT and made[1].waived == ["years"]
    assert {a.channel for a in made} == {"batch"} and {a.employer_id for a in made} == {employer.pk}


@pytest.mark.usefixtures("import_settings")
def test_the_application_import_pages(personas, django_capture_on_commit_callbacks, tmp_path):
    from django.urls import reverse

    from talentbase.core.imports.models import ImportBatch

    employer = personas.organisation("employer")
    session = session_for(personas.organisation("evaluation"), state="registration")
    (person,) = staff(employer, 1)
    client = personas.client("employer")
    assert client.get(reverse("evaluation:application-import-list")).status_code == 200
    form = client.get(reverse("evaluation:application-import-create"))
    assert form.status_code == 200 and session.name in form.content.decode()
    template = client.get(reverse("evaluation:application-import-template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    path = roster(tmp_path / "a.csv", [[person.full_name, "", reveal_id_number(person), "", "", ""],
                                       ["某某", "", "1", "", "", ""]])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
        response = client.post(reverse("evaluation:application-import-create"),
                               {"file": handle, "mode": "create", "policy": "valid_only", "session": session.pk})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.filter(kind="evaluation.applications").latest("pk")
    for name in ("detail", "progress", "errors"):
        assert client.get(reverse(f"evaluation:application-import-{name}", args=[batch.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("evaluation:application-import-commit", args=[batch.pk]), {"policy": "valid_only"})
    assert done.status_code == 302
    assert Application.objects.filter(session=session, person=person).exists()
    other = ImportBatch.objects.create(kind="evaluation.applications", organisation_id=employer.pk,
                                       created_by=batch.created_by, original_filename="x.csv", file_format="csv",
                                       state="previewed", options={"session_id": session.pk})  # fmt: skip
    assert client.post(reverse("evaluation:application-import-cancel", args=[other.pk])).status_code == 302
    # Only employers apply in batch.
    assert personas.client("worker").get(reverse("evaluation:application-import-create")).status_code == 403
