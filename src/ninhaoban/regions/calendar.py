"""Loads the stored calendar into the pure `WorkdayCalendar`, cached per process.

The cache is dropped on every calendar save in this process, and re-checked against the
row count and last date at most every RECHECK_SECONDS, so an admin's new year reaches the
other processes too without a query per deadline.
"""

import datetime as dt
import threading
import time
from typing import Any

from ninhaoban.core.workdays import WorkdayCalendar

RECHECK_SECONDS = 30.0
_lock = threading.Lock()
_cached: tuple[tuple[int, dt.date | None], WorkdayCalendar] | None = None
_checked_at = 0.0


def _stamp() -> tuple[int, dt.date | None]:
    from django.db.models import Count, Max

    from ninhaoban.regions.models import WorkCalendar

    row = WorkCalendar.objects.aggregate(n=Count("date"), last=Max("date"))
    return row["n"], row["last"]


def load() -> WorkdayCalendar:
    global _cached, _checked_at
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - _checked_at < RECHECK_SECONDS:
        return cached[1]
    return _reload(cached, now)


def _reload(
    cached: tuple[tuple[int, dt.date | None], WorkdayCalendar] | None, now: float
) -> WorkdayCalendar:
    from ninhaoban.core.workdays import CalendarNotCovered
    from ninhaoban.regions.models import WorkCalendar

    global _cached, _checked_at
    stamp = _stamp()
    _checked_at = now
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        rows = WorkCalendar.objects.order_by("date").values_list("date", "is_working")
        days = list(rows)
        if not days:
            raise CalendarNotCovered(dt.date.today(), None, None)
        calendar = WorkdayCalendar.from_days(days)
        _cached = (stamp, calendar)
        return calendar


def invalidate(**_: Any) -> None:
    global _cached
    _cached = None
