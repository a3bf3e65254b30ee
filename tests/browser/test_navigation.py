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
    assert page.get_by_label("语言").locator("option").all_inner_texts() == ["简体中文", "English"]
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    # Each language offered by its own name, not translated into the current one (英语).
    assert page.get_by_label("Language").locator("option").all_inner_texts() == ["简体中文", "English"]


HEADER_FITS = """() => {
    const inside = (el) => { const box = el.getBoundingClientRect();
        return box.left >= 0 && box.right <= window.innerWidth && box.width > 0; };
    const oneLine = (el) => { const style = getComputedStyle(el);
        return el.getBoundingClientRect().height < 2 * parseFloat(style.lineHeight); };
    const entries = [...document.querySelectorAll('[data-testid="main-menu"] > li > .nav-link')];
    return {
        pageWidth: document.documentElement.scrollWidth <= window.innerWidth,
        wrapped: entries.filter(el => !oneLine(el)).map(el => el.innerText.trim()),
        signOutInside: inside(document.querySelector('form[action$="/logout/"] button')),
    };
}"""


@pytest.mark.parametrize("width", [1366, 375])
def test_the_header_fits_in_chinese_and_english_with_one_line_per_menu_entry(
    page, live_server, live_world, width
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "city")
    for language, menu_button, sign_out_label in (
        ("zh-hans", "展开菜单", "退出"),
        ("en", "Open menu", "Sign out"),
    ):
        if language == "en":
            page.get_by_label("语言").select_option("en")
            page.get_by_role("button", name="切换").click()
            page.locator("html[lang=en]").wait_for(state="attached")
        if width < 992:
            page.get_by_role("button", name=menu_button).click()
        assert page.get_by_role("button", name=sign_out_label).is_visible()
        assert page.evaluate(HEADER_FITS) == {"pageWidth": True, "wrapped": [], "signOutInside": True}, (
            language
        )
