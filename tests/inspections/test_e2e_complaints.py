"""In Chromium: the 经办人 of a bidder switches to acting for the company, files a complaint
about the 中标候选人公示 with its evidence on the website, and sees it waiting; the
supervising department opens it in the console, sees the evidence and accepts it; the
bidder then sees it accepted with its new deadline. The pages pass axe and fit a phone."""

import datetime as dt

import pytest

from ninhaoban.accounts import services as accounts
from ninhaoban.cases import clock
from ninhaoban.demo import inspections as demo
from ninhaoban.inspections import services
from ninhaoban.inspections.models import Complaint, ComplaintStatus
from tests.cases.conftest import PDF
from tests.conftest import seed_world
from tests.inspections.conftest import demo_objects
from tests.inspections.test_e2e import _check, _tab
from tests.inspections.test_portal_complaints import person

pytestmark = pytest.mark.e2e


def test_a_bidder_files_online_and_the_department_accepts(
    chromium, live_server, transactional_db, tmp_path
):
    seed_world()
    department = demo.seed_registers("421202")
    today = clock.today()
    project = services.register_project(
        code="ZB-E2E-1", name="滨河公园景观工程", department=department, actor="system"
    )
    services.announce(project, "tender_notice", today - dt.timedelta(days=25), actor="system")
    services.announce(project, "candidates", today - dt.timedelta(days=2), actor="system")
    bidder = demo_objects("421202")[0].organization
    services.add_bidder(project, bidder, actor="system")
    rep, agent = person("555"), person("666")
    accounts.record_representative(organization=bidder, person=rep, day=today, evidence={})
    accounts.name_agent(
        organization=bidder,
        representative=rep,
        agent=agent,
        items=[],
        until=today + dt.timedelta(days=90),
        day=today,
    )
    evidence = tmp_path / "评标记录.pdf"
    evidence.write_bytes(PDF)
    problems: list[str] = []

    context, page = _tab(chromium, live_server, accounts.ensure_applicant_user(agent).username)
    page.goto("/organizations/")
    page.click(f"form[action$='/organizations/act/'] input[value='{bidder.pk}'] + button")
    page.wait_for_load_state()
    page.goto("/complaints/")
    _check(page, problems)
    page.select_option("#announcement", f"{project.code}|candidates")
    page.fill("#known-on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#grounds", "第一中标候选人的类似业绩证明材料不实。")
    page.set_input_files("#evidence", str(evidence))
    page.click("#file-complaint")
    page.wait_for_load_state()
    complaint = Complaint.objects.get(project=project)
    assert complaint.filed_by == agent and complaint.complainant == bidder
    row = page.locator("#my-complaints tbody tr").first.inner_text()
    assert complaint.number in row and "待受理" in row
    _check(page, problems)

    staff_context, console = _tab(chromium, live_server, "chief.xianan.market")
    console.goto("/console/complaints/")
    console.click(f"a[href='/console/complaints/{complaint.number}/']")
    console.wait_for_load_state()
    assert "评标记录.pdf" in console.locator("#evidence").inner_text()
    _check(console, problems)
    console.click(f"form[action$='/console/complaints/{complaint.number}/accept/'] button")
    console.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ACCEPTED
    staff_context.close()

    page.goto("/complaints/")
    row = page.locator("#my-complaints tbody tr").first.inner_text()
    assert "已受理" in row and complaint.due_date.isoformat() in row
    context.close()
    assert problems == [], "\n".join(problems)
