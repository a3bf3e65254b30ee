"""Journey: the audit administrator reads the trail on a phone and on a laptop without scrolling sideways."""

import pytest

from .helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def overflow(page) -> dict:
    return page.evaluate(
        """() => {
            const table = document.querySelector('[data-testid="object-table"]');
            return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                    table: table.scrollWidth, box: table.parentElement.clientWidth};
        }"""
    )


@pytest.mark.parametrize("width", [375, 1366])
def test_the_audit_trail_fits_the_screen(page, live_server, live_world, width):
    from talentbase.core.actor import system_actor
    from talentbase.core.audit import record_audit
    from talentbase.core.models import AuditEvent

    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "auditadmin")
    last = AuditEvent.objects.order_by("-seq").first()
    # A long change and a long reason, as a merge or an import records them.
    record_audit(actor=system_actor(), verb="update", object_type=last.object_type, object_id=last.object_id,
                 changes={f"field_{n}": ["旧的值" * 8, "新的值" * 8] for n in range(6)}, reason="事由" * 60)  # fmt: skip
    page.goto(f"{live_server.url}/audit/")
    sizes = overflow(page)
    assert sizes["page"] <= sizes["window"], sizes
    assert sizes["table"] <= sizes["box"], sizes
    assert page.get_by_test_id("object-table").get_by_text("登录").first.is_visible()
