"""好差评: the monthly ranking over N ratings on PostgreSQL, next to a baseline measured in
the same run.

1. The ranking (default 1,000,000 ratings; `--ratings N`): `evaluation.selectors.ranking`
   of the city's windows and of its departments for one month, with the flag of those at the
   bottom this month and the last, read from the monthly tallies; p50 over `--rounds` calls.
   Baseline: the same ranking from the ratings themselves, one GROUP BY over the two months'
   ratings (upheld appeals left out), ordered and flagged by the same rules. Target ≤ 200 ms.
2. What keeping the tallies current costs a rating: `--writes` ratings through
   `services.rate_service`, the tally upserts timed against the whole rating (insert, tallies,
   ledger entry).

The ratings of 1. are written by one INSERT … SELECT over generate_series (no Python per
row), spread with a fixed seed over the demo's windows (with their hall, department and
region), staff, items and the twelve months; `evaluation rebuild` then counts the tallies
from them, as after an upgrade. The database is a scratch copy: `test_<name>` of
DATABASE_URL (created and dropped here).
Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_eval \
     .venv/bin/python bench/evaluation_ranking.py [--ratings 1000000]
"""

import argparse
import datetime as dt
import sys
import time

import _common

_common.setup("eval")

from django.db import connection  # noqa: E402

FIRST_DAY = dt.date(2025, 12, 1)
MONTH = dt.date(2026, 11, 1)  # the month ranked; October is the month before


def _array(values, quote: bool = False) -> str:
    def one(v) -> str:
        if v is None:
            return "NULL"
        return f"'{v}'" if quote else str(v)

    return "ARRAY[" + ",".join(one(v) for v in values) + "]"


def fill(total: int) -> None:
    """Window ratings over a year, mostly good (one in six a 差评), each with the window's
    hall, department and region, a clerk, and one of five items the window handles."""
    from ninhaoban.accounts.models import Staff
    from ninhaoban.catalog.models import ServiceItem
    from ninhaoban.regions.models import Window

    windows = list(
        Window.objects.order_by("pk").values_list(
            "pk", "hall_id", "hall__region_id", "department_id"
        )
    )
    staff = list(Staff.objects.order_by("pk").values_list("pk", flat=True))
    items = list(ServiceItem.objects.order_by("pk").values_list("pk", flat=True)[:200])
    w_ids = _array(w for w, _, _, _ in windows)
    halls = _array(h for _, h, _, _ in windows)
    regions = _array((r for _, _, r, _ in windows), quote=True)
    depts = "(" + _array(d for _, _, _, d in windows) + ")::int[]"
    levels = "ARRAY[5,5,5,5,5,5,4,4,4,3,2,1]"
    sql = f"""
    INSERT INTO evaluation_evaluation (target, level, reasons, comment, channel, rater_id,
        case_id, region_id, department_id, hall_id, window_id, staff_id, item_id, entered_by,
        reference, created_at, day)
    SELECT 'of_window', ({levels})[1 + r.lv], '[]', '', 'window_pad', NULL, NULL,
        ({regions})[1 + r.w], ({depts})[1 + r.w], ({halls})[1 + r.w], ({w_ids})[1 + r.w],
        ({_array(staff)})[1 + r.s], ({_array(items)})[1 + (r.w * 5 + r.it) % {len(items)}], '', '',
        (DATE '{FIRST_DAY}' + r.day)::timestamptz, DATE '{FIRST_DAY}' + r.day
    FROM generate_series(1, {total}) AS i,
        LATERAL (SELECT floor(random() * {len(windows)})::int AS w,
                        floor(random() * {len(staff)})::int AS s,
                        floor(random() * 5)::int AS it,
                        floor(random() * 365)::int AS day,
                        floor(random() * 12)::int AS lv, i AS n) AS r
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.4212)")
        cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE evaluation_evaluation")
    print(f"  {len(windows)} windows, {len(staff)} staff, {len(items)} items (5 a window)")


BASELINE = """
SELECT e.{key},
    date_trunc('month', e.day)::date AS m,
    count(*),
    count(*) FILTER (WHERE e.level >= 3),
    count(*) FILTER (WHERE e.level <= 2),
    count(*) FILTER (WHERE e.level <= 2
        AND rc.state IN ('rectified', 'answered', 'followed_up')),
    count(*) FILTER (WHERE e.level <= 2 AND rc.state = 'followed_up'),
    count(*) FILTER (WHERE e.level <= 2 AND e.rater_id IS NOT NULL),
    count(*) FILTER (WHERE e.level <= 2 AND e.rater_id IS NOT NULL
        AND rc.state = 'followed_up'),
    sum(e.level)
FROM evaluation_evaluation e
LEFT JOIN evaluation_appeal a ON a.evaluation_id = e.id
LEFT JOIN evaluation_rectification rc ON rc.evaluation_id = e.id
WHERE e.day >= %(a)s AND e.day < %(b)s AND e.{key} IS NOT NULL
    AND (a.decision IS NULL OR a.decision <> 'upheld')
GROUP BY e.{key}, m
"""


def baseline(key: str) -> list[str]:
    """The ranking from the ratings: both months in one scan, then the selectors' own
    ordering and bottom-two-months flag."""
    from ninhaoban.evaluation import selectors

    before = selectors.previous_month(MONTH)
    after = (MONTH + dt.timedelta(days=32)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(BASELINE.format(key=key), {"a": before, "b": after})
        rows = cursor.fetchall()
    months: dict[dt.date, dict[str, selectors.Satisfaction]] = {MONTH: {}, before: {}}
    for value, month, *counts in rows:
        months[month][str(value)] = selectors.Satisfaction(*counts)
    order = selectors._order(months[MONTH])
    flagged = selectors._bottom(order) & selectors._bottom(selectors._order(months[before]))
    return [f"{k}{'!' if k in flagged else ''}" for k in order]


def ranking(total: int, rounds: int) -> None:
    from ninhaoban.evaluation import selectors, services
    from ninhaoban.evaluation.models import Dimension

    print(f"1. the monthly ranking over {total:,} ratings")
    start = time.perf_counter()
    fill(total)
    print(f"  {total:,} ratings written in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    counted = services.rebuild_tallies()
    took = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE evaluation_monthlytally")
        cursor.execute("VACUUM ANALYZE evaluation_dailytally")
        cursor.execute("SELECT count(*) FROM evaluation_monthlytally")
        tallies = cursor.fetchone()[0]
    print(f"  evaluation rebuild: {counted:,} ratings, {tallies:,} monthly rows, {took:.1f} s")
    city = selectors.city_code()
    for dimension, key, label in (
        (Dimension.WINDOW, "window_id", "windows"),
        (Dimension.DEPARTMENT, "department_id", "departments"),
    ):
        rows = selectors.ranking(region_code=city, month=MONTH, dimension=dimension)
        ours = [f"{r.key}{'!' if r.flagged else ''}" for r in rows]
        if ours != baseline(key):
            raise SystemExit(f"the tallies' ranking of {label} differs from the ratings'")
        fast = _common.p50_ms(
            lambda d=dimension: selectors.ranking(region_code=city, month=MONTH, dimension=d),
            rounds,
        )
        base = _common.p50_ms(lambda k=key: baseline(k), max(3, rounds // 10))
        flagged = sum(r.flagged for r in rows)
        print(f"  ranking of {len(rows)} {label} ({flagged} flagged), same as the baseline's:")
        print(f"    tallies: p50 {fast:.1f} ms  (target ≤ 200 ms)")
        print(f"    baseline GROUP BY over the ratings: p50 {base:.1f} ms")
        print(f"    ratio tallies / baseline: {fast / base:.4f}")


def writes(count: int) -> None:
    from ninhaoban.evaluation import services
    from ninhaoban.evaluation.services import Rating
    from ninhaoban.regions.models import ServiceHall

    print(f"2. keeping the tallies current: {count} ratings through the service")
    halls = list(ServiceHall.objects.select_related("region").order_by("pk"))
    spent: list[float] = []
    real = services._bump

    def timed(*args, **kwargs) -> None:
        start = time.perf_counter()
        real(*args, **kwargs)
        spent.append(time.perf_counter() - start)

    services._bump = timed
    start = time.perf_counter()
    try:
        for n in range(count):
            services.rate_service(
                channel="kiosk",
                hall=halls[n % len(halls)],
                rater=None,
                rating=Rating.of(5 - n % 5, [], ""),
                actor="bench",
                reference=f"bench-{n}",
            )
    finally:
        services._bump = real
    whole = 1000 * (time.perf_counter() - start) / count
    ours = 1000 * sum(spent) / len(spent)
    print(f"  tally upserts per rating: mean {ours:.2f} ms over {len(spent)} ratings")
    print(f"  baseline whole rating (insert, tallies, ledger, 差评 rectification): {whole:.2f} ms")
    print(f"  ratio tallies / rating: {ours / whole:.3f}")


def run(args: argparse.Namespace) -> None:
    from ninhaoban.demo import accounts, regions
    from ninhaoban.demo import catalog as demo_catalog

    regions.seed()
    accounts.seed_staff()
    demo_catalog.seed()
    writes(args.writes)
    ranking(args.ratings, args.rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    _common.on_scratch_postgres("bench/evaluation_ranking.py", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
