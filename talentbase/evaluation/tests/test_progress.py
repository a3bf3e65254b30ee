"""The year against its targets on the city bureau's home, and the sessions HR and the sector units see
overdue."""

import datetime

import pytest
from django.urls import reverse

from talentbase.catalog.models import Level
from talentbase.certificates.models import Certificate
from talentbase.evaluation import progress
from talentbase.evaluation.models import Target
from talentbase.evaluation.tests.helpers import session_for
from talentbase.registry.models import Person

pytestmark = pytest.mark.django_db

D = datetime.date


def certificates(session, count, *, on, level="level4"):
    people = Person.objects.filter(user__isnull=True).order_by("pk")[:count]
    lvl = Level.objects.get(code=level)
    for n, person in enumerate(people):
        Certificate.objects.create(number=f"S00003100012325{lvl.national_number}{n + 1:06d}", person=person,
                                   occupation=session.occupation, level=lvl, issued_on=on, issuer=session.institution,
                                   filing=session.filing, session=session, status="valid")  # fmt: skip


def test_the_targets_of_the_notice_are_seeded_for_the_five_year_plan():
    assert dict(Target.objects.filter(year=2023).values_list("indicator", "value")) == {
        "certificates": 2000, "high_skill": 400}
    assert not Target.objects.filter(year=2026).exists()


def test_the_year_counts_against_its_targets_by_month_and_by_institution(personas):
    session = session_for(personas.organisation("evaluation"))
    certificates(session, 3, on=D(2025, 3, 10))
    certificates(session, 1, level="level3", on=D(2025, 5, 2))
    data = progress.year_progress(personas.actor("city"), 2025)
    assert (data["total"], data["high_total"], data["target_total"], data["target_high"]) == (4, 1, 2000, 400)
    assert data["months"][2] == 3 and data["months"][4] == 1 and data["cumulative"][11] == 4
    assert data["by_institution"] == [(session.institution.name, 4)]
    # The institution counts only what it issued; an outsider nothing.
    assert progress.year_progress(personas.actor("evaluation", outsider=True), 2025)["total"] == 0


def test_a_year_without_targets_says_so_on_the_city_home(personas):
    home = personas.client("city").get(reverse("core:home"))
    text = home.content.decode()
    assert 'data-testid="year-progress"' in text and "尚未设定目标" in text
    assert 'data-chart="progress"' in text
    page = personas.client("city").get(reverse("evaluation:progress"))
    assert page.status_code == 200
    assert personas.client("employer").get(reverse("evaluation:progress")).status_code == 403


def test_hr_and_the_sector_unit_see_the_overdue_sessions(personas):
    late = session_for(personas.organisation("evaluation"), state="registration")  # closes 2027-04-20
    found = progress.overdue_sessions(personas.actor("hr"), today=D(2027, 4, 25))
    assert [(s.pk, "报名截止日期已过" in step) for s, step in found] == [(late.pk, True)]
    assert progress.overdue_sessions(personas.actor("hr"), today=D(2027, 4, 1)) == []
    home = personas.client("hr").get(reverse("core:home")).content.decode()
    assert 'data-testid="overdue-sessions"' in home
