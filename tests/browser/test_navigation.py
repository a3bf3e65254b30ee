"""Journey: two roles sign in through the real pages and each sees only its own work in the menu."""

import pytest

from .helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def menu_labels(page) -> list[str]:
    return [text.strip() for text in page.get_by_test_id("main-menu").locator("a").all_inner_texts()]


def test_employer_and_hr_officer_see_different_navigation(page, live_server, live_world, axe_check):
    sign_in(page, live_server, "employer")
    employer_menu = menu_labels(page)
    assert "人员" in employer_menu
    assert "用户管理" not in employer_menu and "审计日志" not in employer_menu
    assert "评价机构备案" not in employer_menu
    assert page.get_by_test_id("role").inner_text() == "用人单位"
    axe_check(page)
    sign_out(page)
    assert "/accounts/login/" in page.url

    # An HR officer is back-office: the password, then the TOTP code.
    sign_in(page, live_server, "hr")
    hr_menu = menu_labels(page)
    assert page.get_by_test_id("role").inner_text() == "市人社部门"
    assert "评价机构备案" in hr_menu and "人员" in hr_menu
    assert "用户管理" not in hr_menu
    page.get_by_test_id("main-menu").get_by_role("link", name="单位").click()
    page.wait_for_url("**/organisations/")
    rows = page.get_by_test_id("object-table").locator("tbody tr")
    assert rows.count() >= 1
    axe_check(page)


def test_audit_administrator_sees_only_the_audit_work(page, live_server, live_world):
    sign_in(page, live_server, "auditadmin")
    menu = menu_labels(page)
    assert "审计日志" in menu and "审计链校验" in menu
    assert "人员" not in menu
    page.get_by_test_id("main-menu").get_by_role("link", name="审计链校验").click()
    page.wait_for_url("**/audit/verify/")
    assert page.get_by_test_id("audit-ok").is_visible()


def test_pages_work_on_a_375_pixel_phone(page, live_server, live_world, axe_check):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, "employer")
    # The menu folds behind a toggle; nothing makes the page scroll sideways.
    assert not page.get_by_test_id("main-menu").is_visible()
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_test_id("main-menu").get_by_role("link", name="人员").click()
    page.wait_for_url("**/persons/")
    page.get_by_test_id("object-table").wait_for()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    axe_check(page)


def test_english_is_one_switch_away(page, live_server, live_world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
