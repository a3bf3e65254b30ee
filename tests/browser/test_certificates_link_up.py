"""Journeys: the demo's institution finds the certificates naming it in its list; a reviewer resolves a
report whose number failed the format check by correcting the number, the outcome kept."""

import datetime

import pytest

from talentbase.legacy_certificates import actions
from talentbase.legacy_certificates.tests import support

from .helpers import forget_session, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_institution_sees_the_demo_certificates_that_name_it(page, live_server, live_world, axe_check):
    from talentbase.demo import world

    assert world.build_worker_certificates()
    sign_in(page, live_server, "evaluation")
    page.get_by_test_id("main-menu").get_by_role("link", name="证书记录").click()
    listed = page.locator("main").inner_text()
    assert "S000031000123214000000" in listed and "1631001004500000" in listed
    axe_check(page)
    page.get_by_role("link", name="S000031000123214000000").click()
    assert "上海绿苑职业技能评价中心（示例）" in page.get_by_test_id("object-fields").inner_text()
    axe_check(page)


def test_a_reviewer_corrects_a_reported_number_that_failed_the_check(
    page, live_server, live_world, settings, tmp_path, axe_check
):
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = live_world
    report = actions.report_certificate(
        actor=personas.actor("worker"), kind="missing", occupation=support.occupation(),
        level=support.level("level3"), number="S000031000123243000778", issued_on=datetime.date(2024, 6, 30),
        issuer_name="外省某职业技能评价中心", photo=support.photo(),
    )  # fmt: skip
    # Year 23 on a certificate of 2024: reports are checked when filed now, so this stands for one filed before.
    type(report).objects.filter(pk=report.pk).update(number="S000031000123233000778")
    sign_in(page, live_server, "employer")
    page.get_by_test_id("main-menu").get_by_role("link", name="证书问题报告").click()
    page.get_by_role("link", name="缺少证书").first.click()
    axe_check(page)
    page.get_by_label("处理结果").fill("已核对证书照片，更正编号后登记")
    page.get_by_role("button", name="办结").click()
    # Refused on the number, the outcome kept, the number offered for correction.
    assert page.get_by_label("处理结果").input_value() == "已核对证书照片，更正编号后登记"
    number = page.get_by_label("证书编号")
    assert number.input_value() == "S000031000123233000778"
    assert "年份" in page.locator("main").inner_text()
    axe_check(page)
    number.fill("S000031000123243000778")
    page.get_by_role("button", name="办结").click()
    assert "已办结" in page.get_by_test_id("object-fields").inner_text()
    axe_check(page)
    from talentbase.legacy_certificates.models import CertificateRecord

    record = CertificateRecord.objects.get(number="S000031000123243000778")
    page.goto(f"{live_server.url}{record.get_absolute_url()}")
    assert page.get_by_test_id("record-holder").is_visible()
    assert page.get_by_role("img", name="证书照片").is_visible()
    axe_check(page)
    forget_session(page)
