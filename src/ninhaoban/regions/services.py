"""Changes to the working-day calendar: the State Council's notice imported, a single day
edited by an administrator. Each returns what changed, so the cases app can move every due
date that depended on it (`cases.services.recalendar`); each is a ledger entry."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ninhaoban.core.errors import Conflict, InvalidInput
from ninhaoban.core.holiday_notice import HolidayNotice
from ninhaoban.ledger.services import record
from ninhaoban.regions import calendar
from ninhaoban.regions.calendar import DayRow
from ninhaoban.regions.models import DayKind, WorkCalendar


@dataclass(frozen=True)
class DayChange:
    before: DayRow
    after: DayRow

    @property
    def moves_deadlines(self) -> bool:
        return self.before.is_working != self.after.is_working


@dataclass(frozen=True)
class CalendarChange:
    """What an import or an edit did (or, dry, would do) to the calendar."""

    years: tuple[int, ...]
    changes: tuple[DayChange, ...]
    stored: bool

    @property
    def first_moved(self) -> dt.date | None:
        """The first date whose working status changed: due dates before it stay."""
        moved = [c.after.date for c in self.changes if c.moves_deadlines]
        return min(moved) if moved else None

    def as_json(self) -> dict[str, object]:
        return {
            "years": list(self.years),
            "stored": self.stored,
            "changes": [
                {
                    "date": c.after.date.isoformat(),
                    "before": {"working": c.before.is_working, "kind": c.before.kind},
                    "after": {"working": c.after.is_working, "kind": c.after.kind},
                    "note": c.after.note,
                }
                for c in self.changes
            ],
        }


def _year_rows(year: int) -> dict[dt.date, DayRow]:
    """A year as the calendar has it now: stored, or computed provisionally."""
    stored = WorkCalendar.objects.filter(date__year=year).order_by("date")
    rows = [
        DayRow(*v) for v in stored.values_list("date", "is_working", "kind", "note", "provisional")
    ]
    return {r.date: r for r in rows or calendar.computed_rows(year)}


def _plain(day: dt.date) -> DayRow:
    weekend = day.weekday() >= 5
    return DayRow(day, not weekend, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", False)


def _store(rows: list[DayRow]) -> None:
    now = timezone.now()
    WorkCalendar.objects.filter(date__in=[r.date for r in rows]).delete()
    WorkCalendar.objects.bulk_create(
        [
            WorkCalendar(
                date=r.date,
                is_working=r.is_working,
                kind=r.kind,
                note=r.note,
                provisional=r.provisional,
                changed_at=now,
            )
            for r in rows
        ],
        batch_size=500,
    )
    transaction.on_commit(calendar.invalidate)
    calendar.invalidate()


def is_official(year: int) -> bool:
    rows = WorkCalendar.objects.filter(date__year=year)
    return rows.count() >= 365 and not rows.filter(provisional=True).exists()


def import_notice(
    notice: HolidayNotice,
    *,
    actor: str,
    text: str = "",
    replace: bool = False,
    dry_run: bool = False,
) -> CalendarChange:
    """Make the notice's year official: every date of it from the notice (weekends and
    weekdays, the days off, the make-up days); dates the notice names across the year's
    boundary are changed in their own year. A year already official needs `replace`."""
    year = notice.year
    if is_official(year) and not replace:
        raise Conflict(
            f"{year}年的节假日安排已是正式公布的，如需替换请使用 --replace",
            f"{year} already has an official schedule: use --replace to replace it",
            field="year",
        )
    new_rows: dict[int, dict[dt.date, DayRow]] = {}
    day = dt.date(year, 1, 1)
    new_rows[year] = {}
    while day.year == year:
        new_rows[year][day] = _plain(day)
        day += dt.timedelta(days=1)
    for day, name in notice.holidays.items():
        rows = new_rows.setdefault(day.year, dict(_year_rows(day.year)))
        rows[day] = DayRow(day, False, DayKind.HOLIDAY, name, rows[day].provisional)
    for day, name in notice.workdays.items():
        rows = new_rows.setdefault(day.year, dict(_year_rows(day.year)))
        note = f"{name}调休上班" if name else "调休上班"
        rows[day] = DayRow(day, True, DayKind.MAKEUP_WORKDAY, note, rows[day].provisional)
    changes: list[DayChange] = []
    to_store: list[DayRow] = []
    for changed_year, rows in sorted(new_rows.items()):
        before = _year_rows(changed_year)
        for day, row in sorted(rows.items()):
            old = before[day]
            if changed_year == year:
                row = DayRow(row.date, row.is_working, row.kind, row.note, False)
            if (old.is_working, old.kind, old.provisional) != (
                row.is_working,
                row.kind,
                row.provisional,
            ):
                changes.append(DayChange(old, row))
            to_store.append(row)
    change = CalendarChange(tuple(sorted(new_rows)), tuple(changes), stored=not dry_run)
    if dry_run:
        return change
    with transaction.atomic():
        _store(to_store)
        record(
            "calendar.notice_imported",
            f"calendar:{year}",
            actor,
            {
                **notice.as_json(),
                "replace": replace,
                "changed": len(changes),
                "text_sha256": hashlib.sha256(text.encode()).hexdigest() if text else None,
            },
        )
    return change


def set_day(day: dt.date, *, working: bool, reason: str, actor: str) -> CalendarChange:
    """One date made a working day or a day off (a local holiday, say), with the reason;
    a provisional year is stored whole first, so it stays gap-free and provisional."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请说明调整理由", "give the reason for the change", field="reason")
    if len(reason) > 64:
        raise InvalidInput("理由不超过64字", "the reason is at most 64 characters", field="reason")
    rows = _year_rows(day.year)
    if day not in rows:
        raise InvalidInput(f"日期{day}无效", f"invalid date {day}", field="date")
    old = rows[day]
    if old.is_working == working:
        raise Conflict(
            f"{day}已经是{'工作日' if working else '休息日'}",
            f"{day} is already a {'working day' if working else 'day off'}",
            field="date",
        )
    weekend = day.weekday() >= 5
    kind = (
        (DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY)
        if working
        else (DayKind.WEEKEND if weekend else DayKind.HOLIDAY)
    )
    new = DayRow(day, working, kind, reason, old.provisional)
    stored = WorkCalendar.objects.filter(date__year=day.year).count() == len(rows)
    with transaction.atomic():
        _store([new] if stored else [new if r.date == day else r for r in rows.values()])
        record(
            "calendar.day_changed",
            f"calendar:{day.year}",
            actor,
            {"date": day.isoformat(), "working": working, "kind": kind, "reason": reason},
        )
    return CalendarChange((day.year,), (DayChange(old, new),), stored=True)
