"""The law's clock, in working days (行政许可法 第32、42、44、45条).

A case stores the computed `due_date` and, while the clock stands still, the working days
that were left; nothing is kept as a bare "suspended" flag to be interpreted later. Every
function here is arithmetic over the stored `WorkCalendar`, so a date it does not cover is
an error (`CalendarNotCovered`), never a guess.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum

from django.conf import settings
from django.utils import timezone

from ninhaoban.core import workdays

ACCEPTANCE_DAYS = 5  # 第32条: accept, refuse or notify corrections within 5 working days
DELIVERY_DAYS = 10  # 第44条: serve the decision within 10 working days
EXTENSION_DAYS = 10  # 第42条: one extension of up to 10 working days, approved by a chief
JOINT_LIMIT_DAYS = 45  # 第42条: joint, centralized or unified handling: 45 working days
JOINT_EXTENSION_DAYS = 15  # ... and one extension of up to 15 more


class Alert(IntEnum):
    NONE = 0
    WARNING = 1
    OVERDUE = 2


_frozen: ContextVar[dt.date | None] = ContextVar("cases_today", default=None)


def today() -> dt.date:
    """The local date in 咸宁; one function so that every service reads the same day."""
    return _frozen.get() or timezone.localdate()


@contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    """Let the services see `day` as today: the demo replays weeks of history this way."""
    token = _frozen.set(day)
    try:
        yield
    finally:
        _frozen.reset(token)


def acceptance_due(received_on: dt.date) -> dt.date:
    """The last day to accept, refuse or notify corrections; after it the case counts as
    accepted from the day of receipt."""
    return workdays.add_working_days(received_on, ACCEPTANCE_DAYS)


def decision_due(accepted_on: dt.date, limit_days: int) -> dt.date:
    """An immediate item (limit 0) is due the day it is accepted, or the next working day
    when accepted on a holiday; a promised item on the limit-th working day after
    acceptance, the day of acceptance not counted."""
    if limit_days <= 0:
        return workdays.current_calendar().next_working_day(accepted_on)
    return workdays.add_working_days(accepted_on, limit_days)


def delivery_due(decided_on: dt.date) -> dt.date:
    return workdays.add_working_days(decided_on, DELIVERY_DAYS)


def remaining_days(on: dt.date, due: dt.date) -> int:
    """Working days left after `on` up to and including `due` (negative when late)."""
    return workdays.working_days_between(on, due)


def resumed_due(on: dt.date, remaining: int) -> dt.date:
    """The due date when a stopped clock runs again on `on` with `remaining` days left; the
    day it resumes is not counted, like the day of acceptance."""
    if remaining <= 0:
        return decision_due(on, 0)
    return workdays.add_working_days(on, remaining)


def extension_cap(joint: bool) -> int:
    return JOINT_EXTENSION_DAYS if joint else EXTENSION_DAYS


def warning_days() -> int:
    return settings.NHB_WARNING_DAYS


def warning_before(on: dt.date) -> dt.date:
    """Cases due before this date (and not before `on`) have at most N working days left:
    remaining_days(on, due) <= N  <=>  due < the (N+1)-th working day after `on`."""
    return workdays.add_working_days(on, warning_days() + 1)


def alert_for(on: dt.date, due: dt.date | None) -> Alert:
    if due is None:
        return Alert.NONE
    if due < on:
        return Alert.OVERDUE
    if due < warning_before(on):
        return Alert.WARNING
    return Alert.NONE
