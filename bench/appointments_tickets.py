"""取号: numbers taken per second at one hall on PostgreSQL by concurrent takers, next to a
baseline measured in the same run, and a check that no number was handed out twice.

Figure: THREADS takers (kiosks) each take EACH numbers of one line through
`appointments.services.take_ticket` (the hall's hours checked, kept per process; the
day's counter row created or moved on by one upsert, INSERT … ON CONFLICT DO UPDATE …
RETURNING, its own transaction; then the ticket and its ledger entry in one), all started
together. Baseline: the same takers insert the same number of bare ticket rows (numbers
from each thread's own sequence, no counter, no hours, no ledger), one transaction each,
into another line. Target ≥ 200 numbers/s per hall. Then the line's
numbers must be exactly 1..THREADS×EACH, each once. The two alternate for ROUNDS rounds
(each on a working day of its own) and the medians are compared, so a change in the
machine's load hits both alike.

The database is a scratch copy: `test_<name>` of DATABASE_URL (created and dropped here).
Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_queue \
     .venv/bin/python bench/appointments_tickets.py [--threads 8 --each 250 --rounds 3]
"""

import argparse
import datetime as dt
import statistics
import sys

import _common

_common.setup("queue")

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

# a Monday, 10:00 in 咸宁: a working day in the hall's hours
MOMENT = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))


def run(threads: int, each: int, rounds: int) -> None:
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
    total = threads * each
    print(f"{threads} concurrent takers × {each} numbers at {hall.name}, line {taken_line}")
    bases, takes = [], []
    for r in range(rounds):
        # each round a working day of its own (Monday, Tuesday …), so each starts at 1
        moment = MOMENT + dt.timedelta(days=r)
        day = moment.date()

        def bare(n: int, day: dt.date = day, moment: dt.datetime = moment) -> None:
            for k in range(each):
                with transaction.atomic():
                    Ticket.objects.create(
                        hall_id=hall.pk,
                        group=bare_line,
                        day=day,
                        number=n * each + k + 1,
                        taken_at=moment,
                    )

        def take(n: int, moment: dt.datetime = moment) -> None:
            for _ in range(each):
                services.take_ticket(taken_line, actor=f"kiosk:bench-{n}", now=moment)

        bases.append(_common.together(threads, bare, "taker"))
        takes.append(_common.together(threads, take, "taker"))
        numbers = list(
            Ticket.objects.filter(group=taken_line, day=day).values_list("number", flat=True)
        )
        unique = len(set(numbers)) == len(numbers) == total
        complete = sorted(numbers) == list(range(1, total + 1))
        print(
            f"  round {r + 1} ({day}): bare {total / bases[-1]:6.0f} rows/s, "
            f"take_ticket {total / takes[-1]:6.0f} numbers/s; {total} numbers, "
            f"no duplicate: {unique}, exactly 1..{total}: {complete}"
        )
        if not (unique and complete):
            raise SystemExit("numbers were handed out twice or skipped")
    base, took = statistics.median(bases), statistics.median(takes)
    print(f"  median of {rounds} rounds, the two run alternately so both see the same load:")
    print(f"  baseline bare insert:  {total / base:8.0f} rows/s     ({base:6.2f} s)")
    print(
        f"  take_ticket:           {total / took:8.0f} numbers/s  ({took:6.2f} s)  "
        f"ratio {took / base:5.2f} of the baseline's time  (target ≥ 200 numbers/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--each", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    _common.on_scratch_postgres(
        "bench/appointments_tickets.py", lambda: run(args.threads, args.each, args.rounds)
    )


if __name__ == "__main__":
    sys.exit(main())
