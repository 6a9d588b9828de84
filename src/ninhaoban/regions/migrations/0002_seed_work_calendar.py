"""Seed 2004–2026 from the chinese-calendar package (State Council holiday notices).

Later years are entered by an administrator when the notice is published; the package's
data ends with 2026.
"""

import datetime as dt

from django.db import migrations

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


def seed(apps, schema_editor):
    import chinese_calendar

    WorkCalendar = apps.get_model("regions", "WorkCalendar")
    day, last = dt.date(2004, 1, 1), dt.date(2026, 12, 31)
    rows = []
    while day <= last:
        holiday, name = chinese_calendar.get_holiday_detail(day)
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
        rows.append(WorkCalendar(date=day, is_working=working, kind=kind, note=note))
        day += dt.timedelta(days=1)
    WorkCalendar.objects.bulk_create(rows, batch_size=1000)


def unseed(apps, schema_editor):
    apps.get_model("regions", "WorkCalendar").objects.filter(date__year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
