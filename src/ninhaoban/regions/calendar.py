"""Loads the stored calendar into the pure `WorkdayCalendar`, cached per process.

Years after the last stored one are computed provisionally (weekends and the statutory
holidays) up to HORIZON_YEARS after this year, so the platform never stops taking cases
because a notice has not been entered; such dates are marked provisional. The cache is
dropped on every calendar save in this process, and re-checked against the row count, the
last date and the last change at most every RECHECK_SECONDS, so an admin's edit reaches the
other processes too without a query per deadline.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from ninhaoban.core.statutory_holidays import provisional_days
from ninhaoban.core.workdays import WorkdayCalendar

RECHECK_SECONDS = 30.0
HORIZON_YEARS = 2
_lock = threading.Lock()
_Stamp = tuple[int, dt.date | None, dt.datetime | None, int]
_cached: tuple[_Stamp, WorkdayCalendar] | None = None
_checked_at = 0.0


@dataclass(frozen=True)
class DayRow:
    """One date as the calendar has it, stored or computed."""

    date: dt.date
    is_working: bool
    kind: str
    note: str
    provisional: bool


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _stamp() -> _Stamp:
    from django.db.models import Count, Max

    from ninhaoban.regions.models import WorkCalendar

    row = WorkCalendar.objects.aggregate(
        n=Count("date"), last=Max("date"), changed=Max("changed_at")
    )
    return row["n"], row["last"], row["changed"], _this_year()


def computed_rows(year: int) -> list[DayRow]:
    return [DayRow(d, w, kind, note, True) for d, w, kind, note in provisional_days(year)]


def _days() -> list[tuple[dt.date, bool, bool]]:
    """(date, is_working, provisional): the stored days and, after them, the computed
    provisional years up to the horizon."""
    from ninhaoban.regions.models import WorkCalendar

    days = list(
        WorkCalendar.objects.order_by("date").values_list("date", "is_working", "provisional")
    )
    last = days[-1][0] if days else None
    start = _this_year()
    if last is not None:
        days += [(r.date, r.is_working, True) for r in computed_rows(last.year) if r.date > last]
        start = last.year + 1
    for year in range(start, _this_year() + HORIZON_YEARS + 1):
        days += [(r.date, r.is_working, True) for r in computed_rows(year)]
    return days


def load() -> WorkdayCalendar:
    global _cached, _checked_at
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - _checked_at < RECHECK_SECONDS:
        return cached[1]
    return _reload(cached, now)


def _reload(cached: tuple[_Stamp, WorkdayCalendar] | None, now: float) -> WorkdayCalendar:
    global _cached, _checked_at
    stamp = _stamp()
    _checked_at = now
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        days = _days()
        provisional = next((day for day, _, is_provisional in days if is_provisional), None)
        calendar = WorkdayCalendar.from_days(
            [(day, working) for day, working, _ in days], provisional
        )
        _cached = (stamp, calendar)
        return calendar


def invalidate(**_: Any) -> None:
    global _cached
    _cached = None
