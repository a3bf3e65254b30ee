"""Journey: an employer opens accounts for two of its staff in bulk and reads the one-time codes off the sheet;
a worker activates with the code on a phone, sets a password, signs in with their ID number, sees their own
record and levels, and corrects their phone."""

import random
import re

import pytest

from talentbase.registry.identity import synthetic_ric
from talentbase.registry.tests.factories import PersonFactory

from .helpers import forget_session, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Green#Leaf2026"


def open_menu(page) -> None:
    if page.get_by_role("button", name="展开菜单").is_visible():
        page.get_by_role("button", name="展开菜单").click()


def test_employer_opens_accounts_and_a_worker_activates_signs_in_and_corrects_the_phone(
    page, live_server, live_world, axe_check
):
    personas = live_world
    employer = personas.organisation("employer")
    number = synthetic_ric(random.Random(11))
    PersonFactory(full_name="周小明", id_number=number, phone="13912345601", employer=employer)
    PersonFactory(full_name="吴小红", id_number=synthetic_ric(random.Random(12)), phone="13912345602",
                  employer=employer)  # fmt: skip

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "employer")
    page.get_by_test_id("main-menu").get_by_role("link", name="员工账号").click()
    axe_check(page)
    page.get_by_label("为 周小明 开通账号").check()
    page.get_by_label("为 吴小红 开通账号").check()
    page.get_by_test_id("create-accounts").click()
    sheet = page.get_by_test_id("issued-codes")
    row = sheet.get_by_role("row").filter(has_text="周小明")
    code = row.get_by_test_id("activation-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert "吴小红" in sheet.inner_text()
    axe_check(page)
    forget_session(page)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="首次登录或忘记密码").click()
    axe_check(page)
    page.get_by_label("登录名、手机号码或证件号码").fill("139 1234 5601")
    page.get_by_label("激活码").fill(code.lower())
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="设置密码").click()
    page.wait_for_url("**/accounts/login/**")
    assert "密码已设置" in page.content()

    page.get_by_label("用户名").fill(number)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    axe_check(page)
    open_menu(page)
    page.get_by_test_id("main-menu").get_by_role("link", name="我的信息").click()
    assert "周小明" in page.get_by_test_id("object-fields").inner_text()
    axe_check(page)
    page.get_by_test_id("correct-phone").click()
    axe_check(page)
    page.get_by_label("手机号码").fill("13900009876")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/persons/me/")
    assert "139****9876" in page.get_by_test_id("object-fields").inner_text()
    axe_check(page)
    open_menu(page)
    page.get_by_test_id("main-menu").get_by_role("link", name="我的证书与等级").click()
    assert "我的证书与等级" in page.get_by_role("heading", level=1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
