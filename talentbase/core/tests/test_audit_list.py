"""The audit list reads for an auditor: roles and object types by their names, changes field by field."""

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
