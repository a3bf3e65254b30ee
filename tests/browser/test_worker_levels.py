"""Journey, on a 375-px phone: a worker sees the history of their levels, reports a certificate missing from
their record with a photo of it; their employer sees the report, records the certificate from it and
resolves it; the worker sees the outcome and the new (declared) level."""

import datetime

import pytest

from talentbase.legacy_certificates.tests import support
from talentbase.registry.models import Person

from .helpers import forget_session, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3e1a30000000049454e44ae426082"
)


def test_worker_reports_a_missing_certificate_and_the_employer_resolves_it(
    page, live_server, live_world, settings, tmp_path, axe_check
):
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = live_world
    person = Person.objects.get(user=personas.user("worker"))
    support.record(personas, person=person, level_code="level5", issued_on=datetime.date(2016, 4, 1),
                   kind="qualification", number=support.qualification_number(year=2016, level_number=5))  # fmt: skip
    support.record(personas, person=person, level_code="level4", issued_on=datetime.date(2021, 9, 1))
    photo = tmp_path / "certificate.png"
    photo.write_bytes(PNG)

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, "worker")
    page.goto(f"{live_server.url}/certificates/mine/")
    current = page.get_by_test_id("current-levels")
    assert "园林绿化工" in current.inner_text() and "四级/中级工" in current.inner_text()
    history = page.get_by_test_id("level-history").inner_text()
    assert "五级/初级工" in history and "2016年4月1日" in history and "2021年9月1日" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)

    page.get_by_test_id("report-missing").click()
    page.get_by_label("证书信息有误").check()
    assert page.get_by_label("有误的证书").is_visible()
    page.get_by_label("缺少证书").check()
    assert not page.get_by_label("有误的证书").is_visible()  # asked only for a wrong certificate
    assert page.get_by_test_id("required-when-photo").is_visible()
    axe_check(page)
    page.get_by_label("职业", exact=True).select_option(label="园林绿化工（4-09-10-01）")
    page.get_by_label("等级").select_option(label="三级/高级工")
    page.get_by_label("证书编号").fill("S000031000123243000777")
    page.get_by_label("发证日期").fill("2024-06-30")
    page.get_by_label("发证机构").fill("外省某职业技能评价中心")
    page.get_by_label("证书照片").set_input_files(str(photo))
    page.get_by_role("button", name="保存").click()
    assert "待处理" in page.get_by_test_id("object-fields").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    forget_session(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "employer")
    page.get_by_test_id("main-menu").get_by_role("link", name="证书问题报告").click()
    page.get_by_role("link", name="缺少证书").first.click()
    assert page.get_by_role("img", name="证书照片").is_visible()
    page.get_by_label("处理结果").fill("已核对证书原件，登记为申报证书，待人社部门核实")
    page.get_by_role("button", name="办结").click()
    assert "已办结" in page.get_by_test_id("object-fields").inner_text()
    axe_check(page)
    forget_session(page)

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, "worker")
    page.goto(f"{live_server.url}/certificates/mine/")
    assert "已核对证书原件" in page.get_by_test_id("my-reports").inner_text()
    assert "S000031000123243000777" in page.get_by_test_id("certificate-records").inner_text()
    current = page.get_by_test_id("current-levels").inner_text()
    assert "三级/高级工" in current and "申报（待核实）" in current
