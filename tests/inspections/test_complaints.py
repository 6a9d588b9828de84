"""招标投标投诉 on its legal clock: the 10-day filing window, 3 working days to accept, 30 to
decide with pauses for 检验、检测、鉴定、专家评审, across the National Day holiday; bad input and
steps out of order refused with nothing written; the decision published."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, InvalidInput
from ninhaoban.inspections import services
from ninhaoban.inspections.models import Complaint, ComplaintStatus, InspectionObject
from tests.conftest import NewEntries
from tests.inspections.conftest import CHONGYANG, XIANAN, chief, post, user

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def project(registers):
    department = registers[XIANAN]
    project = services.register_project(
        code="ZB-TEST-1", name="城区道路改造工程", department=department, actor="system"
    )
    services.announce(project, "tender_notice", D(2026, 8, 20), actor="system")
    services.announce(project, "candidates", D(2026, 9, 24), actor="system")
    for obj in InspectionObject.objects.filter(region__code__startswith=XIANAN)[:2]:
        services.add_bidder(project, obj.organization, actor="system")
    return project


def bidder(project) -> str:
    return project.bidders.order_by("pk").first().organization.identifier


KNOWN = D(2026, 9, 25)


def file(project, today: D, known_on: D = KNOWN, **changes) -> Complaint:
    values = {
        "complainant": bidder(project),
        "about": "candidates",
        "known_on": known_on,
        "grounds": "中标候选人业绩不实",
        **changes,
    }
    return services.file_complaint(chief(), project, today=today, **values)


def test_the_clock_across_the_national_day_holiday(project):
    # 2026: 10月1日至7日放假，10月10日（周六）上班
    complaint = file(project, today=D(2026, 9, 30))
    assert complaint.due_date == D(2026, 10, 10)  # 10-8, 10-9, 10-10: three working days
    complaint = services.act_on_complaint(chief(), complaint, "accept", today=D(2026, 10, 9))
    assert complaint.due_date == D(2026, 11, 19)  # 30 working days after 10-9 (10-10 counts)
    paused = services.act_on_complaint(
        chief(), complaint, "pause", kind="expert_review", today=D(2026, 10, 12)
    )
    assert paused.status == ComplaintStatus.PAUSED
    resumed = services.act_on_complaint(chief(), paused, "resume", today=D(2026, 10, 16))
    assert resumed.paused_days == 4 and resumed.due_date == D(2026, 11, 25)
    decided = services.act_on_complaint(
        chief(), resumed, "decide", outcome="dismissed", reason="缺乏事实依据", today=D(2026, 11, 2)
    )
    assert decided.status == ComplaintStatus.DECIDED and decided.decided_on <= decided.due_date
    public = Client().get("/api/v1/inspections/public/decisions").json()
    assert [d["number"] for d in public if d["number"] == decided.number] == [decided.number]
    assert decided.number in Client().get("/inspections/").content.decode()


def test_late_complaints_and_non_bidders_are_refused_with_nothing_written(project):
    entries = NewEntries()
    before = Complaint.objects.count()
    with pytest.raises(InvalidInput, match="10日内"):
        file(project, today=D(2026, 10, 6), known_on=D(2026, 9, 25))  # the 11th day
    stranger = InspectionObject.objects.filter(region__code__startswith=CHONGYANG).first()
    with pytest.raises(InvalidInput, match="投标人"):
        file(project, today=D(2026, 9, 30), complainant=stranger.uscc)
    with pytest.raises(InvalidInput, match="尚未发生"):
        file(project, today=D(2026, 9, 30), about="bid_opening")
    with pytest.raises(InvalidInput, match="尚未发生"):
        file(project, today=D(2026, 9, 30), known_on=D(2026, 9, 1))
    assert entries.kinds == [] and Complaint.objects.count() == before
    assert file(project, today=D(2026, 10, 5)).status == ComplaintStatus.FILED  # the 10th day


def test_steps_out_of_order_are_409_and_write_nothing(project):
    complaint = file(project, today=D(2026, 9, 30))
    entries = NewEntries()
    for action, extra in (
        ("decide", {"outcome": "upheld", "reason": "成立"}),
        ("resume", {}),
        ("pause", {"kind": "testing"}),
        ("suspend", {}),
    ):
        with pytest.raises(Conflict):
            services.act_on_complaint(chief(), complaint, action, today=D(2026, 10, 8), **extra)
    accepted = services.act_on_complaint(chief(), complaint, "accept", today=D(2026, 10, 8))
    assert entries.kinds == ["tender.complaint_accept"]
    with pytest.raises(Conflict):
        services.act_on_complaint(chief(), accepted, "accept", today=D(2026, 10, 9))
    with pytest.raises(InvalidInput, match="检验"):
        services.act_on_complaint(chief(), accepted, "pause", kind="lunch", today=D(2026, 10, 9))
    paused = services.act_on_complaint(
        chief(), accepted, "pause", kind="testing", today=D(2026, 10, 9)
    )
    with pytest.raises(Conflict):  # decide only with the clock running
        services.act_on_complaint(
            chief(), paused, "decide", outcome="upheld", reason="成立", today=D(2026, 10, 12)
        )
    suspended = services.act_on_complaint(chief(), paused, "suspend", today=D(2026, 10, 12))
    suspended.project.refresh_from_db()
    assert suspended.project.suspended_on == D(2026, 10, 12)
    with pytest.raises(Conflict):
        services.act_on_complaint(chief(), suspended, "suspend", today=D(2026, 10, 13))
    assert entries.kinds == [
        "tender.complaint_accept",
        "tender.complaint_pause",
        "tender.complaint_suspend",
    ]


def test_the_api_answers_bad_steps_with_4xx_and_scope_with_404(project):
    complaint = file(project, today=D(2026, 9, 30))
    mine, other = Client(), Client()
    mine.force_login(user("chief.xianan.market"))
    other.force_login(user("chief.chongyang.market"))
    path = f"/api/v1/inspections/complaints/{complaint.number}"
    assert post(mine, f"{path}/resume").status_code == 409
    assert post(mine, f"{path}/explode").status_code == 422
    assert post(other, f"{path}/accept").status_code == 404
    late = post(
        mine,
        "/api/v1/inspections/complaints",
        {
            "project": project.code,
            "complainant": bidder(project),
            "about": "candidates",
            "known_on": "2026-09-25",
            "grounds": "迟到的投诉",
        },
    )
    assert late.status_code == 422 and "10日内" in late.json()["message"]
    assert post(mine, f"{path}/accept").status_code == 200


def test_a_calendar_change_moves_a_running_complaint_deadline(project, fresh_calendar):
    complaint = file(project, today=D(2026, 12, 1), known_on=D(2026, 11, 30))
    complaint = services.act_on_complaint(chief(), complaint, "accept", today=D(2026, 12, 2))
    due = complaint.due_date

    call_command(
        "workdays",
        "set-day",
        "2026-12-10",
        "--off",
        "--reason",
        "地方性假日（测试）",
        stdout=io.StringIO(),
    )
    complaint.refresh_from_db()
    assert complaint.due_date == workdays.add_working_days(due, 1) != due
