"""The 差评 workflow on the working-day clock (across 国庆), its order and its scope, appeals,
the calendar moving open deadlines, escalation, the figures and the monthly ranking."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.cases import clock
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import (
    AppealDecision,
    Channel,
    Dimension,
    Rectification,
    RectificationState,
)
from ninhaoban.evaluation.services import Rating
from ninhaoban.regions import calendar as stored_calendar
from ninhaoban.regions.models import Window
from tests.evaluation.conftest import closed_case

pytestmark = pytest.mark.django_db
D = dt.date
CHONGYANG = "421223000000"
NOTICE = Path(__file__).parents[1] / "core" / "notices" / "2027-madeup.txt"


def user(username: str) -> User:
    return User.objects.get(username=username)


def figures(department_id: int | None = None) -> selectors.Satisfaction:
    return selectors.satisfaction(
        region_code=CHONGYANG, department_id=department_id, start=D(2026, 1, 1), end=D(2027, 12, 31)
    )


def bad_rating(level: int = 2):
    case = closed_case()
    return services.rate_case(
        case, case.applicant, Rating.of(level, ["attitude"], "态度差"), channel=Channel.WEBSITE
    )


def test_a_bad_rating_is_verified_rectified_answered_and_followed_up_across_a_holiday(today):
    today(D(2026, 9, 28))
    ev = bad_rating()
    rect = ev.rectification
    # 15 working days from Monday 28 September: 国庆 (1-7 October) is not counted
    assert rect.due_date == workdays.add_working_days(D(2026, 9, 28), 15)
    assert rect.due_date > D(2026, 9, 28) + dt.timedelta(days=21)
    assert rect.department_id == ev.case.department_id and rect.state == RectificationState.OPEN
    before = figures(rect.department_id)
    chief = user("chief.chongyang.market")
    approver = user("approver.chongyang.market")
    with pytest.raises(Conflict):  # out of order: 整改 before 核实
        services.advance(approver, rect, "rectify", note="已整改")
    with pytest.raises(Forbidden):  # another county's department
        services.advance(user("chief.xianan.market"), rect, "verify", note="x")
    with pytest.raises(Forbidden):  # a clerk is not the department
        services.advance(user("clerk.chongyang"), rect, "verify", note="x")
    with pytest.raises(InvalidInput):
        services.advance(approver, rect, "verify", note="  ")
    with pytest.raises(InvalidInput):
        services.advance(approver, rect, "skip", note="x")
    today(D(2026, 9, 30))
    services.advance(approver, rect, "verify", note="调取录像，情况属实")
    today(D(2026, 10, 9))  # after the holiday, still inside the limit
    assert selectors.alert_of(Rectification.objects.get(pk=rect.pk)) != clock.Alert.OVERDUE
    services.advance(approver, rect, "rectify", note="对窗口人员批评教育，增加引导员")
    after_rectify = figures(rect.department_id)
    assert after_rectify.bad_rectified == before.bad_rectified + 1
    assert after_rectify.rectification_rate is not None
    services.advance(chief, rect, "answer", note="已电话告知整改情况")
    with pytest.raises(InvalidInput):  # 回访 needs the rater's answer
        services.advance(chief, rect, "follow_up", note="回访", answer="maybe")
    services.advance(chief, rect, "follow_up", note="回访满意", answer="satisfied")
    done = Rectification.objects.get(pk=rect.pk)
    assert done.state == RectificationState.FOLLOWED_UP and done.followed_up_on == D(2026, 10, 9)
    end = figures(rect.department_id)
    assert end.followed_up == before.followed_up + 1
    assert end.real_bad_followed_up == before.real_bad_followed_up + 1
    with pytest.raises(Conflict):  # nothing after the last step
        services.advance(chief, rect, "follow_up", note="again", answer="satisfied")


def test_overdue_rectifications_turn_red_and_go_to_the_chief_once(
    today, django_capture_on_commit_callbacks
):
    today(D(2026, 9, 28))
    rect = bad_rating().rectification
    late_day = workdays.add_working_days(rect.due_date, 1)
    warn_day = workdays.add_working_days(rect.due_date, -1)
    today(warn_day)
    assert selectors.alert_of(rect) == clock.Alert.WARNING
    today(late_day)
    assert selectors.alert_of(rect) == clock.Alert.OVERDUE
    LogProvider.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate() >= 1
    assert services.escalate() == 0
    assert Rectification.objects.get(pk=rect.pk).escalated_on == late_day
    chief = user("chief.chongyang.market").staff
    assert any(m.phone == chief.phone and str(rect.pk) in m.text for m in LogProvider.sent)


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures_but_keeps_it_visible(today):
    ev = bad_rating(1)
    dept = ev.department_id
    before = figures(dept)
    chief = user("chief.chongyang.market")
    with pytest.raises(Forbidden):  # an approver does not appeal for the department
        services.file_appeal(user("approver.chongyang.market"), ev, "恶意差评")
    with pytest.raises(Forbidden):  # another county's chief
        services.file_appeal(user("chief.xianan.market"), ev, "恶意差评")
    appeal = services.file_appeal(chief, ev, "评价人所述与录像不符，系误评")
    with pytest.raises(Conflict):
        services.file_appeal(chief, ev, "再次申诉")
    with pytest.raises(Forbidden):  # the department does not decide its own appeal
        services.decide_appeal(chief, appeal, upheld=True, note="x")
    supervisor = user("supervisor.chongyang")
    services.decide_appeal(supervisor, appeal, upheld=True, note="经核查录像，申诉成立")
    with pytest.raises(Conflict):
        services.decide_appeal(supervisor, appeal, upheld=False, note="改判")
    after = figures(dept)
    assert after.ratings == before.ratings - 1 and after.bad == before.bad - 1
    rect = Rectification.objects.get(evaluation=ev)
    assert rect.state == RectificationState.VOIDED
    with pytest.raises(Conflict):
        services.advance(chief, rect, "verify", note="x")
    shown = {p.evaluation.pk: p for p in selectors.public_bad_ratings(CHONGYANG)}
    assert shown[ev.pk].appeal.decision == AppealDecision.UPHELD


def test_a_rejected_appeal_keeps_the_rating_counted(today):
    ev = bad_rating()
    before = figures()
    appeal = services.file_appeal(user("chief.chongyang.market"), ev, "不认可")
    services.decide_appeal(user("supervisor"), appeal, upheld=False, note="评价属实")
    assert figures() == before
    with pytest.raises(Conflict):  # a good rating cannot be appealed
        case = closed_case()
        good = services.rate_case(case, case.applicant, Rating.of(5), channel=Channel.WEBSITE)
        services.file_appeal(user("chief.chongyang.market"), good, "x")


@pytest.fixture
def fresh_calendar():
    stored_calendar.invalidate()
    yield
    stored_calendar.invalidate()


def test_the_2027_notice_moves_open_rectification_deadlines(today, fresh_calendar):
    today(D(2027, 1, 25))
    rect = bad_rating().rectification
    provisional = rect.due_date
    assert workdays.is_provisional(provisional)
    call_command("workdays", "import-notice", str(NOTICE), stdout=StringIO())
    rect.refresh_from_db()
    # the official 春节 (02-05 to 02-13 off, 02-14 and 02-20 worked): the same 15 working days
    assert rect.due_date == workdays.add_working_days(D(2027, 1, 25), 15)
    assert rect.due_date != provisional and not workdays.is_provisional(rect.due_date)


def test_the_monthly_ranking_flags_the_bottom_two_months_running(today):
    windows = list(Window.objects.filter(hall__region_id=CHONGYANG)[:4])
    assert len(windows) == 4
    clerk = user("clerk.chongyang")
    for pad, window in enumerate(windows):
        services.bind_pad(user("admin"), f"PAD-{pad}", window)
        services.take_window(clerk, window)
    # August and September: the last window is rated worst both months, the third only once
    plan = {D(2026, 8, 10): [5, 5, 4, 1], D(2026, 9, 10): [5, 4, 1, 5]}
    plan[D(2026, 9, 11)] = [5, 5, 5, 1]
    for day, levels in plan.items():
        today(day)
        for pad, level in enumerate(levels):
            services.rate_at_window(f"PAD-{pad}", Rating.of(level))
    rows = selectors.ranking(region_code=CHONGYANG, month=D(2026, 9, 1), dimension="by_window")
    by_key = {r.key: r for r in rows}
    worst = by_key[str(windows[3].pk)]
    assert worst.flagged and worst.position == len(rows)
    assert not by_key[str(windows[0].pk)].flagged
    assert rows[0].figures.good_rate == 1.0
    with pytest.raises(InvalidInput):
        selectors.ranking(region_code=CHONGYANG, month=D(2026, 9, 1), dimension="nope")
    staff_rows = selectors.figures_by(CHONGYANG, D(2026, 9, 1), Dimension.STAFF)
    assert [r.name for r in staff_rows] == [clerk.staff.name]


def test_the_stats_command_prints_region_and_department_rates(today):
    bad_rating()
    out = StringIO()
    call_command("evaluation", "stats", "--json", stdout=out)
    data = json.loads(out.getvalue())
    regions = {r["code"]: r for r in data["regions"]}
    assert regions[CHONGYANG]["bad"] >= 1
    city = selectors.satisfaction(
        region_code="421200000000", start=D(2000, 1, 1), end=D(2100, 1, 1)
    )
    assert data["regions"][0]["good_rate"] == city.good_rate
    assert data["regions"][0]["ratings"] == city.ratings
    assert any(d["bad"] for d in data["departments"])
    for d in data["departments"]:
        f = figures(d["id"]) if d["id"] else None
        if f is not None and f.ratings and d["name"].startswith("崇阳"):
            assert d["rectification_rate"] == f.rectification_rate
