"""add_working_days(d, 20) per second, against day-by-day loops over the same calendar.

All three read the same in-memory calendar (the 2004–2026 rows of the WorkCalendar table),
so the ratios measure the algorithm, not the database:
- the day-by-day loop as it is usually written: step a date by one day and look each day
  up in a dict of the calendar (the baseline the issue's target refers to);
- a tighter loop over integer ordinals and a set, the fastest a loop gets in Python;
- the loop a caller writes with the public API: `workdays.is_working_day` for each day,
  against `workdays.add_working_days` (both go through the cached calendar loader);
- the loop that asks the stored WorkCalendar table day by day (one query a day), which is
  what a deadline computed without the precomputed index costs.
For n = 20 a loop takes about 28 steps, and one Python call cannot cost less than one step
of a loop, so no Python implementation can be 50× faster than an in-memory loop; the ratio
against the in-memory loops is printed to show how close this one comes.
Run: .venv/bin/python bench/workdays.py   (target: ≥ 50× the day-by-day loop)
"""

import datetime as dt
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from ninhaoban.core import workdays  # noqa: E402
from ninhaoban.regions.models import WorkCalendar  # noqa: E402

N = 20
ONE_DAY = dt.timedelta(days=1)


def date_loop(is_working: dict[dt.date, bool], day: dt.date, n: int) -> dt.date:
    while n:
        day += ONE_DAY
        if is_working[day]:
            n -= 1
    return day


def ordinal_loop(working: set[int], day: dt.date, n: int) -> dt.date:
    o = day.toordinal()
    while n:
        o += 1
        if o in working:
            n -= 1
    return dt.date.fromordinal(o)


def api_loop(day: dt.date, n: int) -> dt.date:
    while n:
        day += ONE_DAY
        if workdays.is_working_day(day):
            n -= 1
    return day


def table_loop(day: dt.date, n: int) -> dt.date:
    while n:
        day += ONE_DAY
        if WorkCalendar.objects.filter(date=day, is_working=True).exists():
            n -= 1
    return day


def rate(fn, days: list[dt.date]) -> float:
    start = time.perf_counter()
    for d in days:
        fn(d, N)
    return len(days) / (time.perf_counter() - start)


def main() -> None:
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    call_command("migrate", verbosity=0)
    calendar = workdays.current_calendar()
    working = set(calendar.working)
    span = (calendar.last - calendar.first).days + 1
    is_working = {
        calendar.first + dt.timedelta(i): (calendar.first + dt.timedelta(i)).toordinal() in working
        for i in range(span)
    }
    rng = random.Random(1)
    days = [dt.date(2005, 1, 1) + dt.timedelta(rng.randrange(0, 7500)) for _ in range(100_000)]
    for d in days[:2000]:
        assert calendar.add_working_days(d, N) == date_loop(is_working, d, N)
        assert calendar.add_working_days(d, N) == ordinal_loop(working, d, N)
    fast = max(rate(calendar.add_working_days, days) for _ in range(3))
    loop = max(rate(lambda d, n: date_loop(is_working, d, n), days) for _ in range(3))
    tight = max(rate(lambda d, n: ordinal_loop(working, d, n), days) for _ in range(3))
    api = max(rate(workdays.add_working_days, days) for _ in range(3))
    api_baseline = max(rate(api_loop, days) for _ in range(3))
    print(f"add_working_days(d, {N}):            {fast:12,.0f} calls/s")
    print(f"day-by-day loop, dates + dict:       {loop:12,.0f} calls/s  ratio {fast / loop:5.1f}x")
    print(
        f"day-by-day loop, ordinals + set:     {tight:12,.0f} calls/s  ratio {fast / tight:5.1f}x"
    )
    print(f"workdays.add_working_days (API):     {api:12,.0f} calls/s")
    print(
        f"day-by-day loop over the API:        {api_baseline:12,.0f} calls/s  "
        f"ratio {api / api_baseline:5.1f}x"
    )
    table = rate(table_loop, days[:300])
    print(f"day-by-day loop over the table:      {table:12,.0f} calls/s  ratio {api / table:5.0f}x")
    print("target: >= 50x the day-by-day loop")


if __name__ == "__main__":
    main()
