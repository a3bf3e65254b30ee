"""The level on any date: before, at and after each certificate; declared versus confirmed; revocation and
replacement dropping a level at once; appointments; years in the trade with overlapping employments."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from talentbase.core.errors import DomainError
from talentbase.legacy_certificates import actions
from talentbase.legacy_certificates.models import Confirmation, RecordStatus
from talentbase.registry import levels
from talentbase.registry.actions import add_employment, merge_persons
from talentbase.registry.levels import level_on, levels_on, merged_days, years_in_trade
from talentbase.registry.models import Employment, LevelEntry

from . import support

pytestmark = pytest.mark.django_db
D = datetime.date
GREENING = "4-09-10-01"


def test_level_on_before_at_and_after_each_certificate(personas):
    person = support.worker_person(personas)
    occupation = support.occupation()
    support.record(personas, person=person, level_code="level5", issued_on=D(2015, 3, 1), kind="qualification",
                   number=support.qualification_number(year=2015, level_number=5))  # fmt: skip
    support.record(personas, person=person, level_code="level4", issued_on=D(2020, 7, 15))
    assert level_on(person, occupation, D(2015, 2, 28)) is None
    assert level_on(person, occupation, D(2015, 3, 1)).code == "level5"
    assert level_on(person, occupation, D(2020, 7, 14)).code == "level5"
    assert level_on(person, occupation, D(2020, 7, 15)).code == "level4"
    assert level_on(person, occupation, D(2026, 1, 1)).code == "level4"
    # Another occupation has no level.
    assert level_on(person, support.occupation("5-02-03-01"), D(2026, 1, 1)) is None


def test_a_lower_certificate_later_does_not_lower_the_level(personas):
    person = support.worker_person(personas)
    support.record(personas, person=person, level_code="level3", issued_on=D(2019, 1, 10))
    support.record(personas, person=person, level_code="level5", issued_on=D(2021, 1, 10))
    assert level_on(person, support.occupation(), D(2022, 1, 1)).code == "level3"


def test_declared_records_count_only_when_asked_and_once_confirmed(personas):
    person = support.worker_person(personas)
    declared = support.record(
        personas, role="employer", person=person, level_code="level3", issued_on=D(2019, 5, 5)
    )
    assert declared.confirmation == Confirmation.DECLARED
    on = D(2024, 1, 1)
    assert level_on(person, support.occupation(), on) is None
    assert level_on(person, support.occupation(), on, include_declared=True).code == "level3"
    actions.confirm_record(actor=personas.actor("hr"), record=declared)
    assert level_on(person, support.occupation(), on).code == "level3"


def test_the_issuing_institution_records_confirmed_and_others_may_not_confirm(personas):
    record = support.record(personas, role="evaluation")
    assert record.confirmation == Confirmation.CONFIRMED
    assert record.issuer_id == personas.organisation("evaluation").pk
    declared = support.record(personas, role="employer", level_code="level3", issued_on=D(2019, 5, 5),
                              issuer=personas.organisation("evaluation", outsider=True))  # fmt: skip
    with pytest.raises(Http404):  # not its certificate: out of its scope
        actions.confirm_record(actor=personas.actor("evaluation"), record=declared)
    with pytest.raises(PermissionDenied):  # an employer never confirms
        actions.confirm_record(actor=personas.actor("employer"), record=declared)
    actions.confirm_record(actor=personas.actor("evaluation", outsider=True), record=declared)


def test_revocation_drops_the_level_at_once_and_keeps_the_past(personas):
    person = support.worker_person(personas)
    record = support.record(personas, person=person, level_code="level3", issued_on=D(2018, 4, 1))
    actions.revoke_record(actor=personas.actor("hr"), record=record, reason="冒名顶替", on=D(2023, 9, 1))
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED
    assert level_on(person, support.occupation(), D(2023, 8, 31)).code == "level3"
    assert level_on(person, support.occupation(), D(2023, 9, 1)) is None
    with pytest.raises(DomainError):
        actions.revoke_record(actor=personas.actor("hr"), record=record, reason="再次撤销")


def test_a_replaced_certificate_hands_the_level_to_its_reissue(personas):
    person = support.worker_person(personas)
    old = support.record(personas, person=person, level_code="level4", issued_on=D(2019, 6, 30))
    new = actions.replace_record(actor=personas.actor("hr"), record=old, issued_on=D(2022, 3, 1), reason="遗失补办",
                                 number=support.skill_number(year=2022, level_number=4))  # fmt: skip
    old.refresh_from_db()
    assert old.status == RecordStatus.REPLACED and old.replaced_by == new
    entries = LevelEntry.objects.filter(person=person).order_by("valid_from")
    assert [(e.valid_from, e.valid_to) for e in entries] == [
        (D(2019, 6, 30), D(2022, 3, 1)),
        (D(2022, 3, 1), None),
    ]
    for day in (D(2019, 6, 30), D(2022, 2, 28), D(2022, 3, 1), D(2025, 1, 1)):
        assert level_on(person, support.occupation(), day).code == "level4"


def test_one_record_per_number(personas):
    record = support.record(personas)
    with pytest.raises(DomainError) as refused, transaction.atomic():
        support.record(personas, number=record.number)
    assert refused.value.code == "certificate_number_taken"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"issued_on": D(2099, 1, 1)}, "issued_in_future"),
        ({"number": "S000031000123184000001"}, "certificate_number_year"),
        ({"number": "S000031000123193000001"}, "certificate_number_level"),
        ({"occupation_code": "5-02-03-01", "level_code": "level1",
          "number": "S000031000123191000001"}, "level_not_offered"),  # 护林员 offers 五级–三级
        ({"kind": "qualification"}, "certificate_number_kind"),
    ],
)  # fmt: skip
def test_a_record_that_contradicts_itself_is_refused_and_nothing_is_written(personas, values, code):
    before = LevelEntry.objects.count()
    with pytest.raises(DomainError) as refused, transaction.atomic():
        support.record(personas, **values)
    assert refused.value.code == code
    assert LevelEntry.objects.count() == before


def test_an_employer_declares_only_for_its_own_workers(personas):
    with pytest.raises(Exception) as refused:
        support.record(
            personas, role="employer", outsider=False, person=support.worker_person(personas, outsider=True)
        )
    assert refused.type.__name__ in ("Http404", "PermissionDenied")


def test_appointments_hold_a_level_until_they_end(personas):
    person = support.worker_person(personas)
    occupation = support.occupation()
    record = actions.appoint(actor=personas.actor("employer"), person=person, occupation=occupation,
                             level=support.level("principal"), appointed_on=D(2024, 1, 1))  # fmt: skip
    assert level_on(person, occupation, D(2024, 6, 1)).code == "principal"
    actions.end_appointment(
        actor=personas.actor("employer"), record=record, on=D(2025, 1, 1), reason="岗位调整"
    )
    assert level_on(person, occupation, D(2025, 1, 1)) is None
    assert level_on(person, occupation, D(2024, 12, 31)).code == "principal"
    with pytest.raises(DomainError):
        actions.appoint(actor=personas.actor("employer"), person=person, occupation=occupation,
                        level=support.level("level1"), appointed_on=D(2024, 1, 1))  # fmt: skip
    outsider = support.worker_person(personas, outsider=True)
    with pytest.raises(Exception) as refused:
        actions.appoint(actor=personas.actor("employer"), person=outsider, occupation=occupation,
                        level=support.level("chief"), appointed_on=D(2024, 1, 1))  # fmt: skip
    assert refused.type.__name__ in ("Http404", "PermissionDenied")


def test_levels_on_answers_many_persons_like_level_on(personas):
    persons = [support.worker_person(personas), support.worker_person(personas, outsider=True)]
    support.record(personas, person=persons[0], level_code="level3", issued_on=D(2018, 1, 1))
    support.record(personas, person=persons[1], level_code="level5", issued_on=D(2021, 1, 1), outsider=True)
    occupation = support.occupation()
    for day in (D(2017, 1, 1), D(2019, 1, 1), D(2022, 1, 1)):
        bulk = levels_on([p.pk for p in persons], occupation, day)
        single = {p.pk: level_on(p, occupation, day) for p in persons}
        assert bulk == {pk: lv for pk, lv in single.items() if lv is not None}
    assert set(levels_on(None, occupation, D(2022, 1, 1))) >= {persons[0].pk, persons[1].pk}


def test_merged_days_counts_overlaps_once():
    periods = [
        (D(2020, 1, 1), D(2020, 1, 11)),
        (D(2020, 1, 5), D(2020, 1, 21)),
        (D(2020, 3, 1), D(2020, 3, 2)),
    ]
    assert merged_days(periods) == 20 + 1
    assert merged_days([]) == 0


def test_years_in_trade_count_overlapping_employments_once(personas):
    person = support.worker_person(personas)
    occupation = support.occupation()
    Employment.objects.filter(person=person).update(occupation=None)
    employer = personas.organisation("employer")
    other = personas.organisation("employer", outsider=True)
    city = personas.actor("city")
    add_employment(actor=city, person=person, employer=employer, occupation=occupation,
                   start_date=D(2010, 1, 1), end_date=D(2015, 12, 31))  # fmt: skip
    add_employment(actor=city, person=person, employer=other, occupation=occupation,
                   start_date=D(2014, 1, 1), end_date=D(2016, 12, 31))  # fmt: skip
    add_employment(actor=city, person=person, employer=other, occupation=support.occupation("5-02-03-01"),
                   start_date=D(2017, 1, 1), end_date=D(2018, 12, 31))  # fmt: skip
    assert years_in_trade(person, occupation, D(2017, 1, 1)) == pytest.approx(7.0, abs=0.01)
    assert years_in_trade(person, occupation, D(2012, 1, 1)) == pytest.approx(2.0, abs=0.01)
    # A related occupation counts too.
    occupation.related.add(support.occupation("5-02-03-01"))
    assert years_in_trade(person, occupation, D(2019, 1, 1)) == pytest.approx(9.0, abs=0.01)


def test_a_merge_moves_records_and_levels_to_the_record_kept(personas):
    keep = support.worker_person(personas)
    duplicate = support.worker_person(personas, outsider=True)
    record = support.record(personas, person=duplicate, level_code="level3", issued_on=D(2018, 1, 1))
    merge_persons(actor=personas.actor("city"), keep=keep, duplicate=duplicate, reason="同一人两条记录")
    record.refresh_from_db()
    assert record.person == keep
    assert level_on(keep, support.occupation(), D(2020, 1, 1)).code == "level3"


def test_current_levels_show_declared_and_the_confirmed_level_beneath(personas):
    person = support.worker_person(personas)
    support.record(personas, person=person, level_code="level4", issued_on=D(2016, 1, 1))
    support.record(personas, role="employer", person=person, level_code="level3", issued_on=D(2021, 1, 1))
    (current,) = levels.current_levels(person, D(2022, 1, 1))
    assert current["level"].code == "level3" and not current["confirmed"]
    assert current["confirmed_level"].code == "level4"
    assert levels.current_levels(person, D(2022, 1, 1), include_declared=False)[0]["level"].code == "level4"
