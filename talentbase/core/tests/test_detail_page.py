"""A detail page shows a dash for an empty value, so that its row keeps its height and the next label does
not stack under the empty one."""

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_an_empty_value_shows_a_dash_and_keeps_its_row(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string(
        "core/object_detail.html",
        {"title": "x", "fields": [("电话", ""), ("地址", None), ("人数", 0), ("名称", "绿化所")]},
        request=request,
    )
    rows = html[html.index('data-testid="object-fields"') :]
    assert rows.count("—</span></dd>") == 2
    assert '<dd class="col-sm-9">0</dd>' in rows and '<dd class="col-sm-9">绿化所</dd>' in rows
