import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ninhaoban.cases import clock, selectors, services
from ninhaoban.cases.clock import Alert
from ninhaoban.cases.models import Case, CaseEvent, Status
from ninhaoban.cases.services.escalation import ScanResult, scan
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, InvalidInput
from tests.cases.conftest import CHONGYANG, staff, window_case

pytestmark = pytest.mark.django_db
D = dt.date


def test_immediate_is_due_the_day_of_acceptance_or_the_next_working_day():
    assert clock.decision_due(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert clock.decision_due(D(2026, 10, 3), 0) == D(2026, 10, 8)


def test_promised_counts_from_the_day_after_acceptance():
    assert clock.decision_due(D(2026, 9, 28), 15) == D(2026, 10, 23)
    assert clock.decision_due(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_acceptance_and_delivery_windows():
    assert clock.acceptance_due(D(2026, 9, 30)) == D(2026, 10, 13)
    assert clock.delivery_due(D(2026, 10, 23)) == D(2026, 11, 6)


def test_alerts_use_working_days(settings):
    settings.NHB_WARNING_DAYS = 2
    on = D(2026, 9, 29)
    # 9-30 and 10-8 are the next two working days; 10-9 is the third
    assert clock.alert_for(on, D(2026, 10, 8)) == Alert.WARNING
    assert clock.alert_for(on, D(2026, 10, 9)) == Alert.NONE
    assert clock.alert_for(on, on) == Alert.WARNING
    assert clock.alert_for(on, D(2026, 9, 28)) == Alert.OVERDUE
    settings.NHB_WARNING_DAYS = 3
    assert clock.alert_for(on, D(2026, 10, 9)) == Alert.WARNING


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(D(2025, 1, 1), D(2026, 6, 30)),
    limit=st.integers(1, 40),
    stop_after=st.integers(0, 30),
    pause=st.integers(0, 40),
)
def test_a_stopped_clock_loses_no_working_days(start, limit, stop_after, pause):
    """However long a suspension lasts, the working days left before it remain after it."""
    due = clock.decision_due(start, limit)
    stop = min(workdays.add_working_days(start, stop_after), due)
    left = clock.remaining_days(stop, due)
    assume(left > 0)  # none left: due the day it resumes (tested above as an immediate item)
    again = stop + dt.timedelta(days=pause)
    assert clock.remaining_days(again, clock.resumed_due(again, left)) == left


def test_clock_across_national_day_with_suspension_and_extension(today, settings):
    """药品零售企业许可 (15 working days) accepted on 2026-09-28, before 国庆 (10-01…10-07
    off, 10-10 a working Saturday); expert review from 09-30 to 10-12; extended by 10."""
    settings.NHB_WARNING_DAYS = 2
    today(D(2026, 9, 28))
    case = window_case("药品零售企业许可", CHONGYANG)
    assert case.due_date == D(2026, 10, 10)  # 第32条: 5 working days to accept
    services.accept(case, staff("clerk.chongyang"))
    case.refresh_from_db()
    assert (case.accepted_on, case.due_date) == (D(2026, 9, 28), D(2026, 10, 23))

    today(D(2026, 9, 30))
    approver = staff("approver.chongyang.market")
    services.suspend(case, approver, procedure="expert_review", reason="组织专家评审")
    case.refresh_from_db()
    assert case.status == Status.SUSPENDED and case.due_date is None and case.days_left == 13

    today(D(2026, 10, 12))
    services.resume(case, approver, note="专家评审结束")
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW and case.due_date == D(2026, 10, 29)

    today(D(2026, 10, 13))
    services.extend(case, staff("chief.chongyang.market"), days=10, reason="现场核查需要")
    case.refresh_from_db()
    assert case.due_date == D(2026, 11, 12) and case.extended_days == 10

    today(D(2026, 11, 10))
    first = scan()
    case.refresh_from_db()
    assert selectors.alert_of(case) == Alert.WARNING
    assert (first.new_warnings, first.new_overdue) == (1, 0)
    assert scan() == ScanResult(0, 0, 0)  # the day's notices go out once
    today(D(2026, 11, 13))
    assert selectors.alert_of(case) == Alert.OVERDUE
    assert scan().new_overdue == 1
    today(D(2026, 11, 16))
    assert scan().new_overdue == 0  # already told on the 13th
    history = list(CaseEvent.objects.filter(case=case).values_list("action", "due_date"))
    assert [a for a, _ in history] == ["submit", "accept", "suspend", "resume", "extend"]
    assert history[-1][1] == D(2026, 11, 12)


def test_extension_is_once_and_capped(today):
    today(D(2026, 9, 28))
    case = window_case("药品零售企业许可", CHONGYANG)
    services.accept(case, staff("clerk.chongyang"))
    chief = staff("chief.chongyang.market")
    with pytest.raises(InvalidInput):
        services.extend(case, chief, days=11, reason="太忙")
    with pytest.raises(InvalidInput):
        services.extend(case, chief, days=3, reason=" ")
    services.extend(case, chief, days=3, reason="需要补充核查")
    with pytest.raises(Conflict, match="已经延期一次"):
        services.extend(case, chief, days=3, reason="再延")
    assert Case.objects.get(pk=case.pk).extended_days == 3
