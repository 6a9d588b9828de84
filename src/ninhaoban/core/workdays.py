"""Working-day arithmetic over an explicit calendar.

Deadlines in 行政许可法 are counted in working days, and holidays move every year by State
Council notice (with 调休 Saturdays that become working days), so nothing here guesses from
weekdays: a date the calendar does not cover raises `CalendarNotCovered`. Years whose notice
is not out yet are covered provisionally (weekends and the statutory holidays only), and
every date that depends on them says so (`is_provisional`), so intake never stops waiting for
a notice and nobody takes an estimate for a promise.

The calendar keeps the ordinals of the working days in order and, for every covered date,
how many working days there are up to and including it; both operations are then two array
lookups, O(1), whatever n is.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    # the first day of the first year with no official schedule (None: all official)
    provisional_from: dt.date | None = None
    # upto[i]: how many working days there are among the dates first .. first + i
    upto: tuple[int, ...] = field(init=False, repr=False, compare=False)
    base: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = self.first.toordinal()
        flags = [0] * ((self.last - self.first).days + 1)
        for o in self.working:
            flags[o - base] = 1
        running, upto = 0, []
        for flag in flags:
            running += flag
            upto.append(running)
        object.__setattr__(self, "upto", tuple(upto))
        object.__setattr__(self, "base", base)

    @classmethod
    def from_days(
        cls, days: Iterable[tuple[dt.date, bool]], provisional_from: dt.date | None = None
    ) -> "WorkdayCalendar":
        """Build from (date, is_working) pairs that must form one gap-free run of dates."""
        ordered = sorted(days)
        if not ordered:
            raise ValueError("an empty calendar")
        first, last = ordered[0][0], ordered[-1][0]
        if (last - first).days + 1 != len(ordered):
            raise ValueError("the calendar has gaps or duplicate dates")
        working = tuple(d.toordinal() for d, is_working in ordered if is_working)
        return cls(first, last, working, provisional_from)

    def is_provisional(self, day: dt.date) -> bool:
        """Whether a date counted up to `day` may still move when a notice is entered."""
        return self.provisional_from is not None and day >= self.provisional_from

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def _count_upto(self, day: dt.date) -> int:
        if not self.first <= day <= self.last:
            raise CalendarNotCovered(day, self.first, self.last)
        return self.upto[day.toordinal() - self.base]

    def is_working_day(self, day: dt.date) -> bool:
        i = self._count_upto(day)
        return i > 0 and self.working[i - 1] == day.toordinal()

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `day` (strictly before for n < 0); n = 0: day."""
        upto = self._count_upto(day)
        if n == 0:
            return day
        if n > 0:
            i = upto + n - 1
        else:
            i = upto - (upto > 0 and self.working[upto - 1] == day.toordinal()) + n
        if i < 0 or i >= len(self.working):
            beyond = self.last + dt.timedelta(days=1) if n > 0 else self.first - dt.timedelta(1)
            raise CalendarNotCovered(beyond, self.first, self.last)
        return dt.date.fromordinal(self.working[i])

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """How many working days x have a < x <= b; negative when b < a."""
        return self._count_upto(b) - self._count_upto(a)

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


def is_provisional(day: dt.date) -> bool:
    return current_calendar().is_provisional(day)
