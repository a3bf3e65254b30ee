"""The evaluation pages as their users meet them on the demo's evaluation, with axe-core on every page (the
page fixture): the institution at a desk, a worker applying on a 375-px phone, anyone reading the publicity
list and objecting, the city bureau's home with the year's chart."""

import pytest

from talentbase.demo.evaluation import build_evaluation
from talentbase.evaluation.models import EvaluationSession

from .helpers import forget_session, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_institution_walks_its_norms_plan_sessions_and_scores(page, live_server, live_world):
    build_evaluation()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "evaluation")
    page.goto(f"{live_server.url}/evaluation/standards/?kind=norm")
    page.locator("table a", has_text="评价规范").first.click()
    assert "申报条件" in page.content()
    page.goto(f"{live_server.url}/evaluation/plans/")
    page.get_by_role("link", name="2026").click()
    assert page.get_by_test_id("plan-actual").is_visible()
    done = EvaluationSession.objects.get(state="completed")
    page.goto(f"{live_server.url}{done.get_absolute_url()}")
    assert "考评人员与质量督导" in page.content()
    page.get_by_test_id("score-sheet").click()
    assert page.get_by_test_id("score-sheet").is_visible()
    page.goto(f"{live_server.url}/evaluation/objections/")
    page.goto(f"{live_server.url}/issued-certificates/")
    assert "已撤销" in page.content()


def test_a_worker_applies_on_a_phone_and_anyone_reads_the_publicity_list(page, live_server, live_world):
    build_evaluation()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, "worker")
    open_session = EvaluationSession.objects.get(state="registration")
    page.goto(f"{live_server.url}{open_session.get_absolute_url()}")
    fits(page, 375)
    page.get_by_test_id("apply").click()
    assert "申报条件" in page.content()
    fits(page, 375)
    forget_session(page)
    page.goto(f"{live_server.url}/evaluation/public/publicity/")
    assert "公示期" in page.content()
    fits(page, 375)
    page.get_by_role("link", name="提出异议").first.click()
    page.get_by_label("异议人姓名").fill("王某")
    page.get_by_label("联系电话或电子邮箱").fill("13800000000")
    page.get_by_label("异议理由").fill("该考生的工作年限证明与实际不符，请核实")
    page.get_by_role("button", name="提交异议").click()
    assert "已收到您的异议" in page.content()


def test_the_city_home_shows_the_year_against_its_targets(page, live_server, live_world):
    build_evaluation()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "city")
    progress = page.get_by_test_id("year-progress")
    assert progress.is_visible() and "尚未设定目标" in progress.inner_text()
    page.locator("[data-chart] svg").first.wait_for()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/evaluation/progress/")
    fits(page, 375)
