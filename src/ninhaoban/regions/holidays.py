"""The official holiday schedules 2004–2026 (State Council notices, via chinese-calendar).

Used by the data migration that seeds the WorkCalendar table and by anything that must put
the calendar back after a database flush (the test suite's transactional tests).
"""

import datetime as dt
from typing import Any

FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_days() -> list[dict[str, Any]]:
    import chinese_calendar

    rows, day = [], FIRST
    while day <= LAST:
        _, name = chinese_calendar.get_holiday_detail(day)
        working = chinese_calendar.is_workday(day)
        weekend = day.weekday() >= 5
        if working and weekend:
            kind = "makeup"
        elif working:
            kind = "workday"
        elif name:
            kind = "holiday"
        else:
            kind = "weekend"
        note = NAMES.get(str(name), str(name)) if name else ""
        if kind == "makeup":
            note = f"{note}调休上班" if note else "调休上班"
        rows.append({"date": day, "is_working": working, "kind": kind, "note": note})
        day += dt.timedelta(days=1)
    return rows


def seed_calendar(model: Any) -> int:
    """Insert the official days that are missing; returns how many were added."""
    have = set(model.objects.filter(date__range=(FIRST, LAST)).values_list("date", flat=True))
    rows = [model(**row) for row in official_days() if row["date"] not in have]
    model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
