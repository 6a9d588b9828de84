"""Due dates follow the calendar: when a year's schedule changes (the notice imported, a day
edited), every open case whose due date lay on or after the first changed date is moved so
that it keeps the same number of working days, counted from the day before that date.

Open Zaak's users complain of deadlines that suspension and extension never recompute; here
the calendar itself may change under running clocks, so the change and the list of cases it
touches are written in one transaction, and the walk over them is a job that can be stopped
at any point and run again (`run_recompute`) without moving any case twice.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from ninhaoban.cases import notes
from ninhaoban.cases.models import TIMED_STATUSES, Case, DueDateRecompute
from ninhaoban.cases.services.base import SYSTEM_ACTOR, Actor, log_event
from ninhaoban.cases.signals import calendar_recomputed
from ninhaoban.core import workdays
from ninhaoban.core.workdays import WorkdayCalendar
from ninhaoban.regions import calendar as stored_calendar
from ninhaoban.regions.services import CalendarChange

BATCH = 200


def _working_from(cal: WorkdayCalendar, anchor: dt.date) -> list[int]:
    start = anchor.toordinal()
    return [o for o in cal.working if o > start]


def change_calendar(
    apply: Callable[[], CalendarChange], *, reason: str, actor: str
) -> tuple[CalendarChange, DueDateRecompute | None]:
    """Run a calendar service (`apply`) and, in its transaction, list the cases it moves."""
    try:
        return _change_calendar(apply, reason=reason, actor=actor)
    except BaseException:
        stored_calendar.invalidate()  # what this process loaded inside was rolled back
        raise


def _change_calendar(
    apply: Callable[[], CalendarChange], *, reason: str, actor: str
) -> tuple[CalendarChange, DueDateRecompute | None]:
    with transaction.atomic():
        before = stored_calendar.load()
        change = apply()
        first = change.first_moved
        if not change.stored or first is None:
            return change, None
        stored_calendar.invalidate()
        after = stored_calendar.load()
        anchor = first - dt.timedelta(days=1)
        items = list(
            Case.objects.filter(status__in=TIMED_STATUSES, due_date__gte=first)
            .order_by("pk")
            .values_list("pk", "due_date")
        )
        run = DueDateRecompute.objects.create(
            reason=reason[:128],
            actor=actor,
            anchor=anchor,
            old_working=_working_from(before, anchor),
            new_working=_working_from(after, anchor),
            last_day=min(before.last, after.last),
            items=[[pk, due.isoformat()] for pk, due in items if due is not None],
        )
    return change, run


def calendars(run: DueDateRecompute) -> tuple[WorkdayCalendar, WorkdayCalendar]:
    """The calendar before and after the change, from the run's anchor on."""
    last = run.last_day.toordinal()
    return tuple(  # type: ignore[return-value]
        WorkdayCalendar(run.anchor, run.last_day, tuple(o for o in working if o <= last))
        for working in (run.old_working, run.new_working)
    )


def moved_due(old: WorkdayCalendar, new: WorkdayCalendar, old_due: dt.date) -> dt.date:
    """The date that keeps as many working days after the anchor as `old_due` had."""
    return new.add_working_days(old.first, old.working_days_between(old.first, old_due))


def _note(old_due: dt.date, new_due: dt.date, reason: str) -> str:
    return notes.write(
        notes.RECALENDAR,
        reason=reason,
        old=notes.date(old_due),
        new=notes.date(new_due),
        provisional=notes.PROVISIONAL if workdays.is_provisional(new_due) else "",
    )


def run_recompute(run: DueDateRecompute, *, actor: Actor = SYSTEM_ACTOR) -> DueDateRecompute:
    """Move the run's cases from where it stopped, a batch per transaction."""
    old, new = calendars(run)
    while run.finished_at is None:
        with transaction.atomic():
            run = DueDateRecompute.objects.select_for_update().get(pk=run.pk)
            batch = run.items[run.done : run.done + BATCH]
            cases = (
                Case.objects.select_for_update()
                .select_related("applicant")
                .in_bulk([pk for pk, _ in batch])
            )
            for pk, due in batch:
                case = cases.get(pk)
                old_due = dt.date.fromisoformat(due)
                if case is None or case.status not in TIMED_STATUSES or case.due_date != old_due:
                    continue
                new_due = moved_due(old, new, old_due)
                if new_due == old_due:
                    continue
                case.due_date = new_due
                case.save(update_fields=["due_date", "updated_at"])
                log_event(
                    case,
                    "recalendar",
                    actor,
                    from_status=case.status,
                    note=_note(old_due, new_due, run.reason),
                    payload={"from_due": old_due.isoformat(), "run": run.pk},
                )
                run.moved.append([case.case_no, old_due.isoformat(), new_due.isoformat()])
            run.done += len(batch)
            if run.done >= len(run.items):
                run.finished_at = timezone.now()
            run.save(update_fields=["done", "moved", "finished_at"])
            if run.finished_at is not None:
                calendar_recomputed.send(sender=DueDateRecompute, run=run, old=old, new=new)
    return run


def unfinished() -> list[DueDateRecompute]:
    return list(DueDateRecompute.objects.filter(finished_at__isnull=True).order_by("pk"))
