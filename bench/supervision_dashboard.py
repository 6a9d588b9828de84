"""一张网考评: speed on PostgreSQL, each figure next to a baseline measured in the same run.

1. The city dashboard over N cases (default 1,000,000; `--cases N`): every indicator of
   `supervision.selectors.figures` for the whole city over a year, read from the rollups,
   p50 over `--rounds` calls. Baseline: the same case counts computed by one GROUP BY with
   FILTERed aggregates over the case table (what a dashboard without rollups would run).
   Target ≤ 150 ms p50.
2. The rollup's cost per transition: `--transitions` submit/step/decide/deliver/close steps
   of real cases through the services, in rounds that alternate three ways: the receiver of
   `case_events_logged` disconnected (the baseline: a transition without rollups), the
   rollups folded in the transaction (NHB_ROLLUPS_INLINE, as the tests run), and the events
   queued in the outbox (the default); the differences per transition are what each adds.
   The receiver's own time in the transaction and the outbox's drain rate afterwards are
   printed beside them. Target ≤ 1 ms.

The cases of 1. are written with SQL (generate_series), spread with a fixed seed over the
demo's departments and a year of days, then `supervision rebuild` computes the rollups
from them as it would after an upgrade. The database is a scratch copy: `test_<name>` of
DATABASE_URL (created and dropped here).
Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_superv \
     .venv/bin/python bench/supervision_dashboard.py [--cases 1000000]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("NHB_VAR_DIR", tempfile.mkdtemp(prefix="nhb-bench-superv-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
os.environ.setdefault("NHB_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CHONGYANG = "421223000000"
YEAR_START, YEAR_END = dt.date(2025, 12, 1), dt.date(2026, 11, 30)


def p50_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fill(total: int) -> None:
    """Cases over a year: about a third still open, the rest decided (most on time) and
    closed, on every channel, at every department of the demo; those taken in at a window
    or a kiosk at a random window of a hall of the department's region (its hall), where
    the region has one."""
    from ninhaoban.accounts.models import Applicant
    from ninhaoban.regions.models import Department, Window

    departments = list(Department.objects.order_by("pk").values_list("pk", "region_id"))
    applicants = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))
    windows: dict[str, list[tuple[int, int]]] = {}
    for pk, hall, region in Window.objects.order_by("pk").values_list(
        "pk", "hall_id", "hall__region_id"
    ):
        windows.setdefault(region, []).append((pk, hall))
    flat: list[tuple[int, int]] = []
    offsets, counts = [], []
    for _, region in departments:
        offsets.append(len(flat) + 1)
        counts.append(len(windows.get(region, [])))
        flat.extend(windows.get(region, []))
    flat = flat or [(0, 0)]
    window_ids = "ARRAY[" + ",".join(str(w) for w, _ in flat) + "]::int[]"
    hall_ids = "ARRAY[" + ",".join(str(h) for _, h in flat) + "]::int[]"
    offset = "ARRAY[" + ",".join(map(str, offsets)) + "]"
    count = "ARRAY[" + ",".join(map(str, counts)) + "]"
    dept_ids = "ARRAY[" + ",".join(str(d) for d, _ in departments) + "]"
    regions = "ARRAY[" + ",".join(f"'{r}'" for _, r in departments) + "]"
    people = "ARRAY[" + ",".join(str(a) for a in applicants) + "]"
    statuses = "ARRAY['accepted','in_review','closed','closed','closed','closed','decided']"
    channels = "ARRAY['online','window','kiosk','api']"
    sql = f"""
    INSERT INTO cases_case (case_no, applicant_id, bundle_stage, title, region_id, department_id,
        intake_region_id, intake_hall_id, intake_window_id, channel, status, form, kind,
        limit_days, joint, received_on,
        accepted_on, decided_on, closed_on, due_date, days_left, stopped_for, extended_days,
        extension_reason, outcome, reason, delivery_method, tracking_no, licence_ref,
        created_at, updated_at, post_recipient, post_phone, post_address)
    SELECT 'S' || lpad(i::text, 12, '0'),
        ({people})[1 + r.a], 0, '个体工商户设立登记',
        ({regions})[1 + r.d], ({dept_ids})[1 + r.d], ({regions})[1 + r.d],
        CASE WHEN r.ch IN (1, 2) AND ({count})[1 + r.d] > 0 THEN ({hall_ids})[r.w] END,
        CASE WHEN r.ch = 1 AND ({count})[1 + r.d] > 0 THEN ({window_ids})[r.w] END,
        ({channels})[1 + r.ch], s.status, '{{}}', 'promised', 5, false,
        DATE '{YEAR_START}' + r.day, DATE '{YEAR_START}' + r.day,
        CASE WHEN s.status IN ('closed', 'decided') THEN DATE '{YEAR_START}' + r.day + r.took END,
        CASE WHEN s.status = 'closed' THEN DATE '{YEAR_START}' + r.day + r.took + 2 END,
        CASE WHEN s.status IN ('accepted', 'in_review') THEN DATE '{YEAR_START}' + r.day + 7
             WHEN s.status = 'decided' THEN DATE '{YEAR_START}' + r.day + r.took + 14 END,
        NULL, '', 0, '', CASE WHEN s.status IN ('closed', 'decided') THEN 'approved' ELSE '' END,
        '', CASE WHEN s.status = 'closed' THEN 'window' ELSE '' END, '', '',
        now(), now(), '', '', ''
    FROM generate_series(1, {total}) AS i,
        LATERAL (SELECT floor(random() * {len(applicants)})::int AS a,
                        floor(random() * {len(departments)})::int AS d,
                        floor(random() * 360)::int AS day,
                        floor(random() * 9)::int AS took,
                        floor(random() * 4)::int AS ch,
                        floor(random() * 7)::int AS st, i AS n) AS r0,
        LATERAL (SELECT r0.*, ({offset})[1 + r0.d]
                        + floor(random() * greatest(({count})[1 + r0.d], 1))::int AS w) AS r,
        LATERAL (SELECT ({statuses})[1 + r.st] AS status) AS s
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.4212)")
        cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE cases_case")


def group_by_baseline() -> None:
    """The dashboard's case counts straight from the case table: one scan with FILTERs."""
    sql = """
    SELECT channel,
        count(*) FILTER (WHERE received_on BETWEEN %(a)s AND %(b)s AND parent_id IS NULL),
        count(*) FILTER (WHERE accepted_on BETWEEN %(a)s AND %(b)s AND parent_id IS NULL),
        count(*) FILTER (WHERE decided_on BETWEEN %(a)s AND %(b)s AND item_id IS NOT NULL),
        count(*) FILTER (WHERE decided_on BETWEEN %(a)s AND %(b)s AND decided_on <= due_date),
        sum(decided_on - accepted_on) FILTER (WHERE decided_on BETWEEN %(a)s AND %(b)s),
        count(*) FILTER (WHERE closed_on BETWEEN %(a)s AND %(b)s AND status = 'closed'),
        count(*) FILTER (WHERE status IN ('submitted','accepted','in_review','decided',
            'delivering') AND due_date < %(b)s)
    FROM cases_case WHERE region_id BETWEEN '420000000000' AND '429999999999'
    GROUP BY channel
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"a": YEAR_START, "b": YEAR_END})
        cursor.fetchall()


def dashboard(total: int, rounds: int) -> None:
    from django.core.cache import cache

    from ninhaoban.cases import clock
    from ninhaoban.supervision import selectors, services

    print(f"1. the city dashboard over {total:,} cases")
    start = time.perf_counter()
    fill(total)
    print(f"  {total:,} cases written in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    summary = services.rebuild()
    took = time.perf_counter() - start
    print(f"  supervision rebuild: {summary['rollup_rows']:,} rollup rows in {took:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE supervision_rollup")
    scope = selectors.scope_of("", "", YEAR_START.isoformat(), YEAR_END.isoformat())
    with clock.frozen(YEAR_END):
        selectors.figures(scope)  # the catalog's part is kept a minute, as on the page
        ours = p50_ms(lambda: selectors.figures(scope), rounds)
        cache.clear()
        cold = p50_ms(lambda: (cache.clear(), selectors.figures(scope)), max(3, rounds // 10))
    base = p50_ms(group_by_baseline, max(3, rounds // 10))
    print(f"  dashboard (every figure, rollups): p50 {ours:.1f} ms  (target ≤ 150 ms)")
    print(f"  … with the catalog's minute-long cache cold: p50 {cold:.1f} ms")
    print(f"  baseline GROUP BY over the case table: p50 {base:.1f} ms")
    print(f"  ratio dashboard / baseline: {ours / base:.3f}")


def transitions(count: int) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User

    from ninhaoban.accounts.models import Applicant
    from ninhaoban.cases import services as cases
    from ninhaoban.cases import signals
    from ninhaoban.cases.models import CaseStep, Channel, StepState
    from ninhaoban.cases.services import Actor
    from ninhaoban.cases.uploads import FileIn
    from ninhaoban.catalog.models import ServiceItem
    from ninhaoban.regions.models import Window
    from ninhaoban.supervision import services
    from ninhaoban.supervision.apps import _events_logged
    from ninhaoban.supervision.models import PendingEvent

    print(f"2. the rollup's cost per transition, {count} transitions")
    clerk = Actor.of(User.objects.get(username="clerk.chongyang"))
    chief = Actor.of(User.objects.get(username="chief.chongyang.market"))
    item = ServiceItem.objects.get(base__name="个体工商户设立登记", region_id=CHONGYANG)
    plan = cases.plan_for(item_code=item.code)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = {n.key: FileIn(f"{n.name}.pdf", pdf) for n in plan.needs if n.source != "government"}
    people = list(Applicant.objects.filter(kind="person")[:50])
    spent: list[float] = []
    real = services.on_events

    def timed(events):
        start = time.perf_counter()
        real(events)
        spent.append(time.perf_counter() - start)

    def one_case(n: int) -> None:
        """Five transitions: received and accepted, a step, decided, delivered, closed."""
        case = cases.submit(
            actor=clerk,
            applicant=people[n % len(people)],
            channel=Channel.WINDOW,
            item_code=item.code,
            files=files,
            form={
                "name": "小吃店",
                "type": "个体工商户",
                "legal_representative": "本人",
                "registered_capital": "5万元",
                "founded_on": "2026-09-28",
                "address": "城关街1号",
                "scope": "餐饮服务",
            },
            accept_at_once=True,
            window_id=window,
        )
        step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
        cases.complete_step(case, step.pk, chief, opinion="符合")
        cases.decide(case, chief, outcome="approved")
        cases.deliver(case, clerk, method="window")
        cases.close(case, clerk)

    window = Window.objects.filter(hall__region_id=CHONGYANG).order_by("pk").first().pk
    receiver = signals.case_events_logged
    rollups_off = receiver.disconnect(dispatch_uid="supervision.rollups")
    assert rollups_off, "the supervision receiver was not connected"
    receiver.connect(_events_logged, dispatch_uid="supervision.rollups")
    rounds: dict[str, list[float]] = {"without": [], "inline": [], "outbox": []}
    services.on_events = timed
    try:
        for n in range(max(3, count // 5)):
            mode = ("without", "inline", "outbox")[n % 3]
            settings.NHB_ROLLUPS_INLINE = mode == "inline"
            if mode == "without":
                receiver.disconnect(dispatch_uid="supervision.rollups")
            start = time.perf_counter()
            one_case(n)
            rounds[mode].append((time.perf_counter() - start) / 5)
            if mode == "without":
                receiver.connect(_events_logged, dispatch_uid="supervision.rollups")
        inline_spent = list(spent)
        queued = PendingEvent.objects.count()
        start = time.perf_counter()
        drained = services.drain()
        took = time.perf_counter() - start
    finally:
        services.on_events = real
    assert drained == queued
    p50 = {mode: 1000 * statistics.median(times) for mode, times in rounds.items()}
    base = p50["without"]
    ours = 1000 * statistics.median(inline_spent)
    steps = {mode: len(times) * 5 for mode, times in rounds.items()}
    print(f"  baseline transition without rollups: p50 {base:.2f} ms ({steps['without']} steps)")
    inline, outbox = p50["inline"], p50["outbox"]
    print(f"  with rollups in the transaction:     p50 {inline:.2f} ms ({steps['inline']} steps)")
    print(f"    added (difference):                {p50['inline'] - base:.2f} ms")
    print(f"    the receiver itself: p50 {ours:.3f} ms over {len(inline_spent)} signals")
    print(f"  with rollups through the outbox:     p50 {outbox:.2f} ms ({steps['outbox']} steps)")
    print(f"    added (difference):                {p50['outbox'] - base:.2f} ms (target ≤ 1 ms)")
    print(
        f"    the drain afterwards: {drained} events in {took * 1000:.0f} ms, "
        f"{drained / took:.0f} events/s (the default: every few seconds)"
    )
    print(f"  ratio outbox transition / baseline: {p50['outbox'] / base:.3f}")


def run(args: argparse.Namespace) -> None:
    from ninhaoban.demo import accounts, regions
    from ninhaoban.demo import catalog as demo_catalog
    from ninhaoban.demo import licences as demo_licences

    call_command("migrate", verbosity=0)
    regions.seed()
    accounts.seed_staff()
    accounts.seed_applicants(persons=400, organizations=10)
    demo_catalog.seed()
    demo_licences.seed_types()
    transitions(args.transitions)
    dashboard(args.cases, args.rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--transitions", type=int, default=500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/supervision_dashboard.py measures PostgreSQL: set DATABASE_URL (skipped)")
        return
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


if __name__ == "__main__":
    sys.exit(main())
