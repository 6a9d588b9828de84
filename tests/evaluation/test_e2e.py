"""好差评 in Chromium, from the rating to the public page: an applicant rates their closed
case 不满意 on the website, the department verifies and rectifies it on its console pages,
the supervisor's 差评整改率 moves from 0 % to 100 %, and 评价公开 shows the 差评 with its
rectification, the rater's phone number masked."""

import pytest

from ninhaoban.cases.models import Status
from ninhaoban.demo import licences as demo_licences
from ninhaoban.evaluation.models import Rectification, RectificationState
from tests.cases.test_transitions import case_in
from tests.e2e.test_layout import PASSWORD, _sign_in

pytestmark = pytest.mark.e2e

RATE_CELL = '#region-figures tbody tr:first-child td[data-label="差评整改率"]'


def _supervisor_tab(chromium, live_server):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    _sign_in(tab, "/console/login/", {"#username": "supervisor.chongyang", "#password": PASSWORD})
    return context, tab


def test_a_bad_rating_from_the_portal_is_rectified_and_published(page, chromium, live_server):
    demo_licences.seed_types()  # the approval issues the 营业执照
    demo_licences.seed_catalog_rights()
    case = case_in(Status.CLOSED)
    phone = case.applicant.phone

    _sign_in(page, "/login/", {"#identifier": case.applicant.identifier, "#password": PASSWORD})
    page.goto("/cases/")
    page.locator(f'a[href="/cases/{case.case_no}/rate/"]').first.click()
    page.wait_for_url(f"**/cases/{case.case_no}/rate/")
    page.locator('input[name=level][value="2"]').check()
    page.locator('input[name=reasons][value="efficiency"]').check()
    page.fill("#comment", f"等了很久，请回电{phone}")
    page.get_by_role("button", name="提交评价").click()
    assert "不满意" in page.locator("#rating-done").inner_text()
    rect = Rectification.objects.get(evaluation__case=case)
    assert rect.state == RectificationState.OPEN

    context, supervisor = _supervisor_tab(chromium, live_server)
    try:
        supervisor.goto("/console/evaluation/")
        assert supervisor.locator(RATE_CELL).inner_text() == "0.0%"

        page.context.clear_cookies()
        _sign_in(
            page,
            "/console/login/",
            {"#username": "approver.chongyang.market", "#password": PASSWORD},
        )
        page.goto("/console/evaluation/rectifications/")
        page.locator(f'a[href="/console/evaluation/rectifications/{rect.pk}/"]').first.click()
        for note in ("经核实，当日窗口人手不足", "增设午间弹性窗口"):
            page.fill("#note", note)
            page.locator("main form button").first.click()
            page.wait_for_load_state()
        assert "已整改" in page.locator("#rect-state").inner_text()

        supervisor.reload()
        assert supervisor.locator(RATE_CELL).inner_text() == "100.0%"
    finally:
        context.close()

    page.context.clear_cookies()
    page.goto("/evaluation/")
    table = page.locator("#bad-ratings").inner_text()
    assert "增设午间弹性窗口" in table and "已整改" in table and "不满意" in table
    assert phone not in page.content()
    assert f"{phone[:2]}{'*' * (len(phone) - 4)}{phone[-2:]}" in table
