"""The worker's level page and report form: a declared level's date is its own, not the confirmed level's;
a level a higher one took over ends on the history instead of reading "至今" for ever; the report form asks
for 有误的证书 only for a wrong certificate, marks the photo as required, and checks the number's format as
the reviewer's recording of it will."""

import datetime
import re

import pytest
from django.urls import reverse

from talentbase.core.errors import DomainError
from talentbase.legacy_certificates import actions
from talentbase.registry import levels

from . import support

pytestmark = pytest.mark.django_db
D = datetime.date
OTHER = "5-02-03-01"  # an occupation the demo worker holds no level in


def _my_levels(personas) -> str:
    return personas.client("worker").get(reverse("credentials:my-levels")).content.decode()


def test_a_superseded_level_ends_on_the_history_when_the_higher_one_starts(personas):
    person = support.worker_person(personas)
    support.record(
        personas, person=person, level_code="level5", issued_on=D(2015, 3, 1), occupation_code=OTHER
    )
    support.record(
        personas, person=person, level_code="level4", issued_on=D(2020, 7, 15), occupation_code=OTHER
    )
    spans = [s for s in levels.level_history(person) if s.occupation.code == OTHER]
    lower, higher = spans
    assert lower.shown_end == D(2020, 7, 15) and lower.superseded_by.code == "level4" and not lower.is_current
    assert higher.shown_end is None and higher.is_current
    page = _my_levels(personas)
    assert re.search(r"2015年3月1日 — 2020年7月15日（由[^）]*四级[^）]*取代）", page)


def test_a_declared_level_does_not_end_the_confirmed_one_on_the_history(personas):
    person = support.worker_person(personas)
    support.record(
        personas, person=person, level_code="level4", issued_on=D(2016, 1, 1), occupation_code=OTHER
    )
    support.record(personas, role="employer", person=person, level_code="level3", issued_on=D(2021, 1, 1),
                   occupation_code=OTHER)  # fmt: skip
    confirmed = next(s for s in levels.level_history(person) if s.occupation.code == OTHER and s.confirmed)
    assert confirmed.shown_end is None


def test_a_declared_levels_date_is_shown_as_its_own_and_the_confirmed_level_keeps_its_date(personas):
    person = support.worker_person(personas)
    support.record(
        personas, person=person, level_code="level4", issued_on=D(2016, 1, 1), occupation_code=OTHER
    )
    support.record(personas, role="employer", person=person, level_code="level3", issued_on=D(2021, 1, 1),
                   occupation_code=OTHER)  # fmt: skip
    current = next(c for c in levels.current_levels(person) if c["occupation"].code == OTHER)
    assert current["since"] == D(2021, 1, 1) and current["confirmed_since"] == D(2016, 1, 1)
    page = _my_levels(personas)
    assert "申报自 2021年1月1日" in page
    assert re.search(r"已核实等级：[^，]*四级[^，]*，自 2016年1月1日", page)


def test_the_report_form_asks_for_the_wrong_certificate_only_for_a_wrong_one_and_marks_the_photo(personas):
    page = personas.client("worker").get(reverse("credentials:report-create")).content.decode()
    assert re.search(
        r'<select[^>]*name="record"[^>]*data-show-when="kind=wrong"|<select[^>]*data-show-when="kind=wrong"[^>]*name="record"',
        page,
    )
    label = re.search(r'<label class="form-label" for="id_photo">(.*?)</label>', page, re.S).group(1)
    assert "*" in label
    assert 'data-testid="required-when-photo">报告缺少的证书时必填' in page


def test_a_reported_number_is_checked_as_the_reviewer_will(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    values = {"kind": "missing", "occupation": support.occupation(), "level": support.level("level3"),
              "issued_on": D(2024, 6, 30), "issuer_name": "外省机构"}  # fmt: skip
    with pytest.raises(DomainError) as refused:
        actions.report_certificate(actor=personas.actor("worker"), number="S0000310001", photo=support.photo(),
                                   **values)  # fmt: skip
    assert refused.value.field == "number" and "证书编号应为" in str(refused.value.message)
    with pytest.raises(DomainError) as wrong_level:  # the level digit says 四级
        actions.report_certificate(actor=personas.actor("worker"), number="S000031000123244000555",
                                   photo=support.photo(), **values)  # fmt: skip
    assert wrong_level.value.field == "number"
    page = personas.client("worker").post(reverse("credentials:report-create"), {
        "kind": "missing", "occupation": support.occupation().pk, "level": support.level("level3").pk,
        "number": "S0000310001", "issued_on": "2024-06-30", "photo": support.photo()})  # fmt: skip
    assert page.status_code == 400 and "证书编号应为" in page.content.decode()
    report = actions.report_certificate(actor=personas.actor("worker"), number="s0000-3100-0123-2430-00555",
                                        photo=support.photo(), **values)  # fmt: skip
    assert report.number == "S000031000123243000555"
