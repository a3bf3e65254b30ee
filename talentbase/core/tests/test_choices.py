"""Reference-data dropdowns keep their options per process (core.choices) and follow a change at once."""

import pytest
from django import forms
from django.db import connection
from django.utils import translation

from talentbase.catalog.models import District
from talentbase.core import choices
from talentbase.core.forms import QuickSelect
from talentbase.core.tests.test_quick_select import tree

pytestmark = pytest.mark.django_db


class DistrictForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.all(), widget=QuickSelect)


def rendered() -> str:
    return str(DistrictForm()["district"])


def test_the_options_are_read_once_and_match_an_uncached_select(django_assert_num_queries):
    rendered()
    with django_assert_num_queries(0):
        html = rendered()
    plain = DistrictForm()
    plain.fields["district"].widget = forms.Select(choices=plain.fields["district"].widget.choices)
    assert tree(html) == tree(str(plain["district"]))


def test_a_renamed_district_shows_at_once():
    rendered()
    district = District.objects.order_by("pk").first()
    district.name = "测试新区"
    district.save()
    assert "测试新区" in rendered()


def test_each_language_and_each_queryset_has_its_own_options():
    with translation.override("en"):
        english = rendered()
    assert rendered() != english
    first = District.objects.order_by("pk").first()

    class OneDistrict(forms.Form):
        district = forms.ModelChoiceField(queryset=District.objects.filter(pk=first.pk), widget=QuickSelect)

    assert str(OneDistrict()["district"]).count("<option") == 2  # 全部/--------- and the one


def test_a_district_deleted_by_another_process_may_show_for_a_while_but_is_never_accepted():
    gone = District.objects.create(code="310199", name="测试撤销区")
    assert "测试撤销区" in rendered()
    with connection.cursor() as cursor:  # no signal here: as another worker's change would be
        cursor.execute(f"DELETE FROM {District._meta.db_table} WHERE id = %s", [gone.pk])  # noqa: S608
    assert "测试撤销区" in rendered()  # kept for at most choices.KEEP_SECONDS
    form = DistrictForm({"district": gone.pk})
    assert not form.is_valid() and "district" in form.errors


def test_models_not_declared_are_never_kept():
    from talentbase.orgs.models import Organisation

    iterator = forms.ModelChoiceField(queryset=Organisation.objects.all()).choices
    assert choices.options(iterator) is iterator


def test_an_empty_queryset_renders_only_its_empty_label(django_assert_num_queries):
    class NoDistrict(forms.Form):
        district = forms.ModelChoiceField(queryset=District.objects.none(), widget=QuickSelect)

    with django_assert_num_queries(0):
        html = str(NoDistrict()["district"])
    assert html.count("<option") == 1
