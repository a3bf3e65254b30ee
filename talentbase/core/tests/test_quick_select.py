"""QuickSelect renders what Django's Select renders: the list pages' dropdowns only got faster."""

from html.parser import HTMLParser

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from talentbase.catalog.models import District
from talentbase.core.forms import QuickSelect


class _Tree(HTMLParser):
    """Tags with their attributes (sorted) and the text between them, whitespace between tags dropped."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data))


def tree(markup: str) -> list:
    parser = _Tree()
    parser.feed(str(markup))
    return parser.items


def both(choices, value, attrs=None):
    quick = QuickSelect(attrs={"class": "form-select"}, choices=choices)
    plain = forms.Select(attrs={"class": "form-select"}, choices=choices)
    return tree(quick.render("f", value, attrs)), tree(plain.render("f", value, attrs))


def test_same_markup_with_groups_selection_and_attributes():
    choices = [
        ("", "全部"),
        ("a", "甲 <b>"),
        ("组一", [("b", "乙"), ("c", '丙 "引号"')]),
        (3, "三"),
    ]
    for value in ["", "a", "c", 3, "3", None, "nothing"]:
        quick, plain = both(choices, value, {"id": "id_f", "required": True, "aria-describedby": "x"})
        assert quick == plain, value


def test_only_the_first_matching_option_is_selected():
    quick, plain = both([("a", "一"), ("a", "二")], "a")
    assert quick == plain
    assert sum(1 for item in quick if item[0] == "start" and ("selected", None) in item[2]) == 1


@pytest.mark.django_db
def test_same_markup_for_a_model_choice_field():
    districts = District.objects.order_by("code")
    chosen = districts.first()
    quick_field = forms.ModelChoiceField(queryset=districts, widget=QuickSelect, empty_label="全部")
    plain_field = forms.ModelChoiceField(queryset=districts, empty_label="全部")
    assert tree(quick_field.widget.render("d", chosen.pk)) == tree(plain_field.widget.render("d", chosen.pk))
    assert "selected" in quick_field.widget.render("d", chosen.pk)


@given(
    labels=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6),
    pick=st.integers(min_value=0, max_value=6),
)
def test_same_markup_for_any_labels(labels, pick):
    choices = [(str(number), label) for number, label in enumerate(labels)]
    quick, plain = both(choices, str(pick))
    assert quick == plain
