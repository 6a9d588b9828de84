"""取号: numbers taken per second at one hall on PostgreSQL by concurrent takers, next to a
baseline measured in the same run, and a check that no number was handed out twice.

Figure: THREADS takers (kiosks) each take EACH numbers of one line through
`appointments.services.take_ticket` (the hall's hours checked, the counter row moved on by
UPDATE … RETURNING under its row lock, the ticket and its ledger entry written, each in its
own transaction), all started together. Baseline: the same takers insert the same number of
bare ticket rows (numbers from each thread's own sequence, no counter, no hours, no ledger),
one transaction each, into another line. Target ≥ 200 numbers/s per hall. Then the line's
numbers must be exactly 1..THREADS×EACH, each once.

The database is a scratch copy: `test_<name>` of DATABASE_URL (created and dropped here).
Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_queue \
     .venv/bin/python bench/appointments_tickets.py [--threads 8 --each 250]
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable

os.environ.setdefault("NHB_VAR_DIR", tempfile.mkdtemp(prefix="nhb-bench-queue-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
os.environ.setdefault("NHB_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

# a Monday, 10:00 in 咸宁: a working day in the hall's hours
MOMENT = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))


def together(threads: int, work: Callable[[int], None]) -> float:
    """Seconds from the common start until the last taker is done."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads + 1)

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    running = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in running:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"a taker failed: {errors[0]!r}")
    return elapsed


def run(threads: int, each: int) -> None:
    from ninhaoban.appointments import selectors, services
    from ninhaoban.appointments.models import Ticket
    from ninhaoban.demo import accounts, regions
    from ninhaoban.regions.models import ServiceHall

    regions.seed()
    accounts.seed_staff()
    hall = ServiceHall.objects.filter(region_id="421223000000").order_by("pk").first()
    services.open_queue(hall, actor="bench")
    lines = selectors.lines(hall)
    taken_line, bare_line = lines[0], lines[1]
    day = MOMENT.date()
    total = threads * each

    def bare(n: int) -> None:
        for k in range(each):
            with transaction.atomic():
                Ticket.objects.create(
                    hall_id=hall.pk,
                    group=bare_line,
                    day=day,
                    number=n * each + k + 1,
                    taken_at=MOMENT,
                )

    def take(n: int) -> None:
        for _ in range(each):
            services.take_ticket(taken_line, actor=f"kiosk:bench-{n}", now=MOMENT)

    base = together(threads, bare)
    took = together(threads, take)
    numbers = list(
        Ticket.objects.filter(group=taken_line, day=day).values_list("number", flat=True)
    )
    unique = len(set(numbers)) == len(numbers) == total
    complete = sorted(numbers) == list(range(1, total + 1))
    print(f"{threads} concurrent takers × {each} numbers at {hall.name}, line {taken_line}")
    print(f"  baseline bare insert:  {total / base:8.0f} rows/s     ({base:6.2f} s)")
    print(
        f"  take_ticket:           {total / took:8.0f} numbers/s  ({took:6.2f} s)  "
        f"ratio {took / base:5.2f} of the baseline's time"
    )
    print(f"  {total} numbers, no duplicate: {unique}, exactly 1..{total}: {complete}")
    if not (unique and complete):
        raise SystemExit("numbers were handed out twice or skipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--each", type=int, default=250)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/appointments_tickets.py measures PostgreSQL: set DATABASE_URL (skipped)")
        return
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args.threads, args.each)
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


if __name__ == "__main__":
    sys.exit(main())
