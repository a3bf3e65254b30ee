"""The national ladder is fixed data (a migration changes it, DESIGN.md §2); occupations and the other
reference sets stay editable by the city bureau, every edit audited."""

import pytest
from django.urls import NoReverseMatch, reverse

from talentbase.catalog.models import Level, Occupation, Sector
from talentbase.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_no_one_renames_or_reorders_the_ladder_on_a_page_or_over_the_api(personas):
    level = Level.objects.get(code="level3")
    city = personas.client("city")
    with pytest.raises(NoReverseMatch):
        reverse("catalog:level-edit", args=[level.pk])
    assert city.get(f"/catalog/levels/{level.pk}/edit/").status_code == 404
    page = city.get(reverse("catalog:level-detail", args=[level.pk]))
    assert page.status_code == 200 and not page.context["can_change"]
    for method in ("patch", "put"):
        answer = getattr(city, method)(reverse("level-detail", args=[level.pk]), {"name": "改名", "rank": 1},
                                       content_type="application/json")  # fmt: skip
        assert answer.status_code == 405
    assert city.delete(reverse("level-detail", args=[level.pk])).status_code == 405
    level.refresh_from_db()
    assert level.name != "改名"
    # Everyone still reads it (a worker names a level when reporting a certificate).
    assert personas.client("worker").get(reverse("level-list")).status_code == 200


def test_the_city_bureau_edits_an_occupation_and_the_edit_is_audited(personas):
    occupation = Occupation.objects.get(code="4-09-10-01")
    url = reverse("catalog:occupation-edit", args=[occupation.pk])
    form = personas.client("city").get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["levels"] = [lv.pk for lv in occupation.levels.all()]
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["name"] = occupation.name + "（修订）"
    response = personas.client("city").post(url, data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    occupation.refresh_from_db()
    assert occupation.name.endswith("（修订）")
    event = AuditEvent.objects.filter(object_type="catalog.occupation", object_id=str(occupation.pk)).latest(
        "seq"
    )
    assert "name" in event.changes
    assert personas.client("hr").get(url).status_code == 403


def test_the_city_bureau_edits_a_sector_over_the_api_audited(personas):
    sector = Sector.objects.get(code="greening")
    answer = personas.client("city").patch(reverse("sector-detail", args=[sector.pk]), {"name": "绿化（新）"},
                                           content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert AuditEvent.objects.filter(object_type="catalog.sector", object_id=str(sector.pk)).exists()
