"""Working-day arithmetic over an explicit calendar.

Deadlines in 行政许可法 are counted in working days, and holidays move every year by State
Council notice (with 调休 Saturdays that become working days), so nothing here guesses from
weekdays: a date the calendar does not cover raises `CalendarNotCovered`.

The calendar is a sorted array of the ordinals of working days; both operations are one or
two binary searches, O(log n), whatever n is.
"""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ninhaoban.core.errors import InvalidInput


class CalendarNotCovered(InvalidInput):
    code = "calendar_not_covered"

    def __init__(self, day: dt.date, first: dt.date | None, last: dt.date | None) -> None:
        span = f"{first}–{last}" if first and last else "（空）"
        span_en = f"{first} to {last}" if first and last else "(empty)"
        super().__init__(
            f"工作日历未覆盖{day}（已覆盖{span}），请管理员录入该年度的节假日安排",
            f"the working-day calendar does not cover {day} (it covers {span_en}); "
            "an administrator must enter that year's holiday schedule",
            field="date",
        )
        self.day = day


@dataclass(frozen=True)
class WorkdayCalendar:
    first: dt.date
    last: dt.date
    working: tuple[int, ...]  # ordinals of working days, ascending

    @classmethod
    def from_days(cls, days: Iterable[tuple[dt.date, bool]]) -> "WorkdayCalendar":
        """Build from (date, is_working) pairs that must form one gap-free run of dates."""
        ordered = sorted(days)
        if not ordered:
            raise ValueError("an empty calendar")
        first, last = ordered[0][0], ordered[-1][0]
        if (last - first).days + 1 != len(ordered):
            raise ValueError("the calendar has gaps or duplicate dates")
        return cls(first, last, tuple(d.toordinal() for d, working in ordered if working))

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def _require(self, day: dt.date) -> None:
        if not self.covers(day):
            raise CalendarNotCovered(day, self.first, self.last)

    def is_working_day(self, day: dt.date) -> bool:
        self._require(day)
        o = day.toordinal()
        i = bisect_left(self.working, o)
        return i < len(self.working) and self.working[i] == o

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day` (strictly before for n < 0); n = 0: day."""
        self._require(day)
        if n == 0:
            return day
        o = day.toordinal()
        i = bisect_right(self.working, o) + n - 1 if n > 0 else bisect_left(self.working, o) + n
        if i < 0 or i >= len(self.working):
            beyond = self.last + dt.timedelta(days=1) if n > 0 else self.first - dt.timedelta(1)
            raise CalendarNotCovered(beyond, self.first, self.last)
        return dt.date.fromordinal(self.working[i])

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """How many working days x have a < x <= b; negative when b < a."""
        self._require(a)
        self._require(b)
        if b < a:
            return -self.working_days_between(b, a)
        return bisect_right(self.working, b.toordinal()) - bisect_right(self.working, a.toordinal())

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first working day after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)


_loader: Callable[[], WorkdayCalendar] | None = None


def set_calendar_loader(loader: Callable[[], WorkdayCalendar]) -> None:
    """The app that stores the calendar registers how to load it (kept pure here)."""
    global _loader
    _loader = loader


def current_calendar() -> WorkdayCalendar:
    if _loader is None:
        raise RuntimeError("no working-day calendar is registered")
    return _loader()


def add_working_days(day: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(day, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return current_calendar().working_days_between(a, b)


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)
