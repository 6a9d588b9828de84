"""一张网考评 in Chromium: a case taken in and approved moves the dashboard's figures without
a reload (the figures poll), the drill-down reaches the case, and the dashboard and the
public page pass axe, fit a phone and break no Content-Security-Policy rule; the hall and
window rankings rank the windows that took cases in and drill down to exactly their cases."""

import re

import pytest

from ninhaoban.cases import services
from ninhaoban.cases.models import CaseStep, StepState
from ninhaoban.demo import licences as demo_licences
from tests.cases.conftest import staff, window_case
from tests.e2e.test_layout import DESKTOP, PASSWORD, PHONE, _overflow, _sign_in, _violations

pytestmark = pytest.mark.e2e


def _figure(tab, key: str) -> str:
    return tab.locator(f"[data-figure={key}] .figure").inner_text()


def test_the_dashboard_follows_a_case_and_drills_down_to_it(page):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _sign_in(page, "/console/login/", {"#username": "supervisor.chongyang", "#password": PASSWORD})
    page.goto("/console/supervision/")
    assert _figure(page, "on_time") == "暂无数据"
    assert page.locator("[data-chart] svg").count() == 1  # ECharts drew the trend

    demo_licences.seed_types()  # the approval issues the 营业执照
    demo_licences.seed_catalog_rights()
    case = window_case()
    services.accept(case, staff("clerk.chongyang"))
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, staff("chief.chongyang.market"), opinion="符合")
    services.decide(case, staff("chief.chongyang.market"), outcome="approved")

    page.wait_for_function(
        "() => document.querySelector('[data-figure=on_time] .figure').dataset.value === '100.0'",
        timeout=30_000,
    )
    assert re.match(r"100\.0", _figure(page, "on_time"))
    page.locator("[data-figure=on_time] a").click()
    page.get_by_role("link", name=case.case_no).click()
    page.wait_for_url(f"**/console/cases/{case.case_no}/")
    assert case.case_no in page.locator("h1").inner_text() or case.case_no in page.content()
    assert violations == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_supervision_pages_pass_axe_and_fit(chromium, live_server, transactional_db, viewport):
    from tests.conftest import seed_world

    seed_world()
    window_case()
    # axe is injected as a script of its own: the CSP itself is checked by the test above
    context = chromium.new_context(
        locale="zh-CN", base_url=live_server.url, viewport=viewport, bypass_csp=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    try:
        urls = ["/open-data/"]
        for url in urls:
            tab.goto(url)
            problems += [f"{url}: {v}" for v in _violations(tab)]
            if viewport is PHONE and _overflow(tab) > 0:
                problems.append(f"{url}: {_overflow(tab)} px wider than the screen")
        _sign_in(
            tab, "/console/login/", {"#username": "supervisor.chongyang", "#password": PASSWORD}
        )
        for url in [
            "/console/supervision/",
            "/console/supervision/board/",
            "/console/supervision/cases/",
            "/console/supervision/screen/",
        ]:
            response = tab.goto(url)
            assert response is not None and response.status == 200, url
            problems += [f"{url}: {v}" for v in _violations(tab)]
            if viewport is PHONE and _overflow(tab) > 0:
                problems.append(f"{url}: {_overflow(tab)} px wider than the screen")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_hall_and_window_rankings_rank_the_windows_and_drill_to_their_cases(page):
    from ninhaoban.regions.models import Window
    from tests.cases.conftest import BUSINESS_LICENCE_FORM, CHONGYANG, GETIHU, files_for, item
    from tests.cases.conftest import person as applicant

    a, b = Window.objects.filter(hall__region_id=CHONGYANG).order_by("hall_id", "number")[:2]
    assert a.hall_id == b.hall_id
    taken = {}
    for who, window in ((0, a), (1, a), (2, b)):
        case = services.submit(
            actor=staff("clerk.chongyang"),
            applicant=applicant(who),
            channel="window",
            item_code=item(GETIHU, CHONGYANG).code,
            files=files_for(GETIHU, CHONGYANG),
            form=dict(BUSINESS_LICENCE_FORM),
            accept_at_once=True,
            window_id=window.pk,
        )
        taken.setdefault(window.pk, []).append(case.case_no)

    _sign_in(page, "/console/login/", {"#username": "supervisor.chongyang", "#password": PASSWORD})
    page.goto("/console/supervision/")
    halls = page.locator("h2:text-is('大厅排名') + table tbody tr")
    assert a.hall.name in halls.nth(0).inner_text()
    assert halls.nth(0).locator("td").nth(2).inner_text() == "3"
    windows = page.locator("h2:text-is('窗口排名') + table tbody tr")
    first, second = windows.nth(0), windows.nth(1)
    assert (
        f"{a.number}号窗口" in first.inner_text() and first.locator("td").nth(2).inner_text() == "2"
    )
    assert f"{b.number}号窗口" in second.inner_text()
    assert second.locator("td").nth(2).inner_text() == "1"

    first.locator("td").nth(2).get_by_role("link").click()
    page.wait_for_url("**/console/supervision/drill/received/**")
    listed = page.locator("table.labelled tbody").inner_text()
    assert all(no in listed for no in taken[a.pk]) and taken[b.pk][0] not in listed
    page.get_by_role("link", name=taken[a.pk][0]).click()
    page.wait_for_url(f"**/console/cases/{taken[a.pk][0]}/")
