"""The audit list reads for an auditor: roles and object types by their names, changes field by field."""

import pytest

from talentbase.core.models import AuditEvent


def test_an_audit_event_shows_the_role_the_object_type_and_each_change_by_name():
    event = AuditEvent(role="auditadmin", object_type="orgs.organisation", changes={"name": ["甲所", "乙所"]})
    assert event.role_display() != "auditadmin" and event.role_display()
    assert event.object_type_display() == "单位"
    assert "→ 乙所" in event.changes_display() and "{" not in event.changes_display()
    assert not event.changes_display().startswith("name")


def test_the_audit_page_shows_no_raw_codes_for_roles_and_object_types(personas):
    from django.urls import reverse

    from talentbase.core.audit import record_audit
    from talentbase.core.roles import role_label

    organisation = personas.organisation("employer")
    record_audit(actor=personas.actor("hr"), verb="update", obj=organisation, changes={"name": ["甲", "乙"]})
    page = personas.client("auditadmin").get(reverse("core:audit-list")).content.decode()
    assert f'data-label="角色">{role_label("hr")}<' in page
    assert 'data-label="对象类型">单位<' in page and "orgs.organisation<" not in page
    assert "甲 → 乙" in page and "[&#x27;甲&#x27;" not in page


# --- Events by their labels, filters by choice, and the auditor's export.


def _verbs_recorded_in_the_code() -> set[str]:
    """Every verb a module names: ``verb="x"`` and ``X_VERB = register_verb("x", …)``."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    verbs = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        verbs |= set(re.findall(r'\bverb="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return verbs


def test_every_verb_the_code_records_has_a_label():
    from django.urls import get_resolver

    from talentbase.core import audit

    get_resolver().url_patterns  # noqa: B018 — the URLconf loaded: every app's actions have registered their verbs
    codes = _verbs_recorded_in_the_code() | {
        audit.LOGIN, audit.LOGIN_FAILED, audit.LOGOUT, audit.LOCKED, audit.CREATE, audit.UPDATE, audit.DELETE,
        audit.TRANSITION, audit.EXPORT, audit.REVEAL, audit.PURGE,
        "job_reap", "job_purge", "import", "import_upload", "import_cancel", "import_purge",
    }  # fmt: skip
    unlabelled = {code for code in codes if audit.verb_label(code) == code}
    assert not unlabelled
    assert {"login_failed", "activation_code_issue", "totp_reset", "merge"} <= {
        c for c, _ in audit.verb_choices()
    }


def test_an_unregistered_verb_shows_its_code():
    event = AuditEvent(verb="something_old")
    assert event.verb_display() == "something_old" and str(event.verb_html()) == "something_old"


def test_the_audit_page_shows_the_event_label_with_its_code_in_small_type(personas):
    from django.urls import reverse

    from talentbase.core.audit import LOGIN_FAILED, record_audit

    record_audit(actor=personas.actor("employer"), verb=LOGIN_FAILED, changes={})
    page = personas.client("auditadmin").get(reverse("core:audit-list")).content.decode()
    assert 'data-label="事件">登录失败<small class="d-block font-monospace">login_failed</small><' in page
    assert 'data-label="事件">login_failed<' not in page


def test_the_changes_are_a_list_one_field_a_line(personas):
    from django.urls import reverse

    from talentbase.core.audit import record_audit

    organisation = personas.organisation("employer")
    changes = {"name": ["甲", "乙"], "phone": ["1", "2"]}
    record_audit(actor=personas.actor("hr"), verb="update", obj=organisation, changes=changes)
    page = personas.client("auditadmin").get(reverse("core:audit-list")).content.decode()
    assert '<ul class="list-unstyled mb-0 small tb-changes"><li>' in page and "甲 → 乙</li>" in page


def test_the_filters_are_choices_and_dates(personas):
    from django.urls import reverse

    page = personas.client("auditadmin").get(reverse("core:audit-list")).content.decode()
    assert '<select name="verb"' in page and '<option value="login_failed">登录失败</option>' in page
    assert '<select name="role"' in page and '<option value="auditadmin">审计管理员</option>' in page
    assert '<select name="object_type"' in page and '<option value="orgs.organisation">单位</option>' in page
    assert 'type="date" name="since"' in page and 'type="date" name="until"' in page


def test_the_trail_filtered_by_event_role_and_object_type(personas):
    from django.urls import reverse

    from talentbase.core.audit import record_audit

    organisation = personas.organisation("employer")
    record_audit(actor=personas.actor("hr"), verb="update", obj=organisation, changes={"name": ["甲", "乙"]})
    record_audit(
        actor=personas.actor("city"), verb="update", obj=organisation, changes={"name": ["乙", "丙"]}
    )
    client = personas.client("auditadmin")
    query = {"verb": "update", "role": "hr", "object_type": "orgs.organisation"}
    response = client.get(reverse("core:audit-list"), query)
    assert response.status_code == 200 and not response.context["filter"].errors
    rows = response.context["page_obj"].rows
    assert rows and {(e.verb, e.role, e.object_type) for e in rows} == {("update", "hr", "orgs.organisation")}


@pytest.mark.parametrize(
    "query",
    [{"verb": "no_such_verb"}, {"role": "root"}, {"object_type": "x.y"}, {"since": "2026-13-45"},
     {"until": "yesterday"}, {"since": "2026-05-02", "until": "2026-05-01"}],
)  # fmt: skip
def test_a_refused_filter_says_why_and_shows_no_events(personas, query):
    from django.urls import reverse

    client = personas.client("auditadmin")
    client.get(reverse("core:audit-list"))  # the trail has events to hide
    response = client.get(reverse("core:audit-list"), query)
    assert response.status_code == 200
    assert response.context["filter"].errors and response.context["page_obj"].rows == []
    assert 'data-testid="filter-error"' in response.content.decode()


def test_the_auditor_exports_the_trail_with_its_labels_and_an_employer_may_not(personas):
    import io

    from django.urls import reverse
    from python_calamine import CalamineWorkbook

    from talentbase.core.audit import LOGIN_FAILED, record_audit

    record_audit(actor=personas.actor("employer"), verb=LOGIN_FAILED, changes={})
    url = reverse("core:audit-list")
    response = personas.client("auditadmin").get(url, {"verb": LOGIN_FAILED, "export": "xlsx"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header, *events = rows
    assert "事件" in header and events
    verb_column, role_column = header.index("事件"), header.index("角色")
    assert {row[verb_column] for row in events} == {"登录失败"}
    assert {row[role_column] for row in events} == {"用人单位"}
    assert personas.client("employer").get(url, {"export": "xlsx"}).status_code == 403
    assert personas.client("employer").get(url).status_code == 403


def test_the_event_labels_are_translated():
    from django.utils import translation

    from talentbase.core import audit

    with translation.override("en"):
        assert audit.verb_label(audit.LOGIN_FAILED) == "Sign-in failed"
        assert audit.verb_label(audit.UPDATE) == "Changed"
        assert ("login_failed", "Sign-in failed") in audit.verb_choices()
