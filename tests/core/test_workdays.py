import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ninhaoban.core import workdays
from ninhaoban.core.workdays import CalendarNotCovered, WorkdayCalendar

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal() -> WorkdayCalendar:
    return workdays.current_calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 春节: 1月28日至2月4日放假，1月26日（周日）、2月8日（周六）上班
        (D(2025, 1, 26), True),
        (D(2025, 1, 28), False),
        (D(2025, 2, 4), False),
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),
        # 2025 国庆、中秋: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班
        (D(2025, 9, 28), True),
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),
        # 2026 春节: 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班
        (D(2026, 2, 14), True),
        (D(2026, 2, 15), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),
        # 2026 国庆: 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班
        (D(2026, 9, 20), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),
        (D(2026, 10, 11), False),
    ],
)
def test_official_schedules(cal, day, working):
    assert cal.is_working_day(day) is working


def test_add_across_2026_national_day(cal):
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 9, 30), 20) == D(2026, 11, 3)
    assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert cal.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1


def test_outside_the_calendar_is_an_error(cal):
    """Covered: the official years and, provisionally, two years past this one."""
    with pytest.raises(CalendarNotCovered):
        cal.add_working_days(D(2028, 12, 20), 20)
    with pytest.raises(CalendarNotCovered):
        cal.working_days_between(D(2003, 12, 31), D(2004, 1, 5))


def test_years_without_a_notice_are_covered_provisionally(cal):
    assert cal.add_working_days(D(2026, 12, 20), 20) == D(2027, 1, 18)
    assert cal.is_provisional(D(2027, 1, 1)) and not cal.is_provisional(D(2026, 12, 31))
    assert not cal.is_working_day(D(2027, 2, 5))  # 除夕, by the law since 2025


def test_new_year_entered_by_admin_is_used():
    from ninhaoban.regions.models import WorkCalendar

    day = D(2027, 1, 1)
    rows = [
        WorkCalendar(
            date=day + dt.timedelta(i),
            is_working=(day + dt.timedelta(i)).weekday() < 5,
            kind="workday",
        )
        for i in range(10)
    ]
    from ninhaoban.regions.calendar import invalidate

    WorkCalendar.objects.bulk_create(rows)
    invalidate()
    try:
        assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    finally:
        invalidate()


DAYS = st.dates(D(2004, 1, 1), D(2026, 6, 30))


@settings(deadline=None)  # the first example may load the calendar
@given(DAYS, st.integers(0, 100))
def test_between_inverts_add(day, n):
    cal = workdays.current_calendar()
    assert cal.working_days_between(day, cal.add_working_days(day, n)) == n


@settings(deadline=None)
@given(DAYS, st.integers(1, 100))
def test_add_is_monotonic_and_lands_on_working_days(day, n):
    cal = workdays.current_calendar()
    later = cal.add_working_days(day, n)
    assert later > cal.add_working_days(day, n - 1) or n == 1
    assert cal.is_working_day(later)
    assert later > day


@given(DAYS, DAYS)
def test_between_matches_a_day_by_day_count(a, b):
    cal = workdays.current_calendar()
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + dt.timedelta(days=400)
    count = sum(cal.is_working_day(lo + dt.timedelta(i)) for i in range(1, (hi - lo).days + 1))
    assert cal.working_days_between(lo, hi) == count
    assert cal.working_days_between(hi, lo) == -count


def test_from_days_refuses_gaps():
    with pytest.raises(ValueError):
        WorkdayCalendar.from_days([(D(2026, 1, 1), True), (D(2026, 1, 3), True)])
