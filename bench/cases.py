"""Cases: speed on PostgreSQL, each figure next to a baseline measured in the same run.

1. submit + accept through the HTTP API (POST /api/v1/cases/ with accept=true, one whole
   application with its files per request), served by WORKERS WSGI processes on this machine
   and driven by CLIENTS threads over real sockets, once as a department system (an API
   token) and once as a window's browser (a session and its CSRF token). Target ≥ 300/s.
   Two baselines: a bare ORM insert, in one thread, of the same rows (counter, case,
   materials, events, ledger entries, steps); and the framework's floor, the same requests
   to the same servers at an endpoint added here that authenticates the clerk, parses the
   request and decodes its files like the real one, then answers 201 having done nothing.
   Every HTTP run also prints the CPU each request cost the server processes, PostgreSQL
   and the client: on a machine with C cores, R requests/s leave C / R seconds of CPU per
   request for all three together. With REDIS_URL set the servers keep sessions in Redis,
   as a production deployment does.
2. With 1,000,000 cases in the table: "my cases" of one applicant and an approver's queue,
   p50 over 200 calls of the selectors, against the p50 of a bare `SELECT 1`. Target ≤ 10 ms.
3. The warning/overdue scan over 1,000,000 open cases: the first run (nobody told of any
   colour yet) and the run of the next working day (what the periodic job does every day),
   against a bare sequential count of the open cases. Target ≤ 1 s.

The database is a scratch copy: `test_<name>` of DATABASE_URL (created and dropped here).
Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_cases_bench \
     REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/cases.py
"""

import base64
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("NHB_VAR_DIR", tempfile.mkdtemp(prefix="nhb-bench-cases-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
os.environ.setdefault("NHB_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402

WORKERS = int(os.environ.get("NHB_BENCH_WORKERS", "8"))
CLIENTS = int(os.environ.get("NHB_BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("NHB_BENCH_REQUESTS", "3000"))
BIG = int(os.environ.get("NHB_BENCH_CASES", "1000000"))
PASSWORD = "Xianning-2026"
CHONGYANG = "421223000000"
CLERK = "clerk.chongyang"


# ---------------------------------------------------------------- the HTTP server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        """Thousands of requests: no access log."""


class SharedPortServer(WSGIServer):
    """Several processes accept on one port (SO_REUSEPORT): the kernel spreads connections.
    Each serves one request at a time on one persistent database connection; there are
    more processes than cores because a request mostly waits for the database's commit."""

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


FLOOR_PATH = "/api/v1/cases/_bench/floor"


def add_floor_endpoint() -> None:
    """The floor: what every submission costs before intake starts (middleware, session,
    user and grants, JSON and schema parsing, base64 decoding), and nothing more."""
    from ninja import Status

    from ninhaoban.cases.api import SubmitIn, _files, router
    from ninhaoban.cases.services import Actor

    @router.post("/_bench/floor", response={201: dict}, include_in_schema=False)
    def floor(request, data: SubmitIn) -> Status:
        Actor.of(request.user)
        _files(data.files)
        return Status(201, {})


def serve(port: int) -> None:
    from django.core.wsgi import get_wsgi_application

    add_floor_endpoint()
    server = make_server("127.0.0.1", port, get_wsgi_application(), SharedPortServer, QuietHandler)
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_servers(database_url: str) -> tuple[list[subprocess.Popen], int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "NHB_DB_CONN_MAX_AGE": "600"}
    servers = [
        subprocess.Popen([sys.executable, __file__, "serve", str(port)], env=env)
        for _ in range(WORKERS)
    ]
    for _ in range(200):
        try:
            request("GET", port, "/healthz")
            return servers, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the bench server did not start")


def request(
    method: str, port: int, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def cookies(headers: dict) -> dict[str, str]:
    found = {}
    for key, value in headers.items():
        if key.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name] = rest.split(";", 1)[0]
    return found


def session_headers(port: int, username: str) -> dict[str, str]:
    """A staff session of its own, as a browser gets one: CSRF cookie, then the login form;
    the headers its JSON requests carry."""
    _, headers, _ = request("GET", port, "/console/login/")
    jar = cookies(headers)
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={jar['csrftoken']}"
    status, headers, _ = request(
        "POST",
        port,
        "/console/login/",
        form.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
        },
    )
    jar.update(cookies(headers))
    assert status == 302 and "sessionid" in jar, (status, jar)
    return {
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
    }


def token_headers(username: str) -> dict[str, str]:
    """A department system's headers: an API token of that staff account, no session."""
    from ninhaoban.accounts.models import Staff
    from ninhaoban.accounts.tokens import issue_token

    staff = Staff.objects.get(user__username=username)
    _, secret = issue_token(staff, name="bench", days=1, actor="bench")
    return {"Authorization": f"Bearer {secret}"}


# ---------------------------------------------------------------- 1. intake throughput


def application(item_code: str, identifiers: list[str], pdf: bytes) -> list[bytes]:
    from ninhaoban.cases import services

    plan = services.plan_for(item_code=item_code)
    files = {
        n.key: {"name": f"{n.name}.pdf", "content_base64": base64.b64encode(pdf).decode()}
        for n in plan.needs
        if n.source != "government"
    }
    return [
        json.dumps(
            {"item": item_code, "applicant": number, "files": files, "accept": True}
        ).encode()
        for number in identifiers
    ]


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (/proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def postgres_pids() -> list[int]:
    """Every PostgreSQL process on this machine: the bench's backends, the WAL writer and
    checkpointer (and anything else using the server meanwhile, so run it on a quiet one)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().startswith("postgres"):
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


@dataclass
class Run:
    rate: float
    requests: int
    server_ms: float
    postgres_ms: float
    client_ms: float

    def cpu(self) -> str:
        return (
            f"CPU per request: server {self.server_ms:.1f} ms, PostgreSQL "
            f"{self.postgres_ms:.1f} ms, client {self.client_ms:.1f} ms"
        )


def measured(
    port: int,
    servers: list[subprocess.Popen],
    clients: list[dict],
    bodies: list[bytes],
    path: str,
) -> Run:
    server_pids, pg_pids = [s.pid for s in servers], postgres_pids()
    before = cpu_seconds(server_pids), cpu_seconds(pg_pids), sum(os.times()[:2])
    rate, n = http_rate(port, clients, bodies, path)
    after = cpu_seconds(server_pids), cpu_seconds(pg_pids), sum(os.times()[:2])
    server, postgres, client = ((a - b) * 1000 / n for a, b in zip(after, before, strict=True))
    return Run(rate, n, server, postgres, client)


def http_rate(
    port: int, clients: list[dict], bodies: list[bytes], path: str = "/api/v1/cases/"
) -> tuple[float, int]:
    """Each client (a thread with its own authentication headers) sends bodies until none
    are left."""
    failures: list[tuple[int, bytes]] = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def work(auth: dict[str, str]) -> None:
        headers = {"Content-Type": "application/json", **auth}
        while True:
            with lock:
                if not queue:
                    return
                _, body = queue.pop()
            status, _, content = request("POST", port, path, body, headers)
            if status != 201:
                failures.append((status, content[:300]))

    threads = [threading.Thread(target=work, args=(auth,)) for auth in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, first: {failures[0]}")
    return len(bodies) / elapsed, len(bodies)


def bare_rate(n: int) -> tuple[float, float]:
    """The same rows as one submit + accept, written with plain ORM inserts in one thread:
    cases per second and this process's CPU milliseconds per case."""
    from ninhaoban.accounts.models import Applicant
    from ninhaoban.cases.models import (
        Case,
        CaseCounter,
        CaseEvent,
        CaseMaterial,
        CaseStep,
        Upload,
    )
    from ninhaoban.catalog.models import ServiceItem
    from ninhaoban.ledger.models import LedgerEntry

    item = ServiceItem.objects.get(base__name="个体工商户设立登记", region_id=CHONGYANG)
    version = item.versions.get(state="published")
    applicant = Applicant.objects.first()
    upload = Upload.objects.first()
    day = dt.date(2026, 11, 30)
    start, cpu = time.perf_counter(), sum(os.times()[:2])
    for i in range(n):
        with transaction.atomic():
            CaseCounter.objects.filter(region_id=CHONGYANG, day=day).update(last=F("last") + 1)
        with transaction.atomic():
            case = Case.objects.create(
                case_no=f"BARE{i:020d}",
                applicant=applicant,
                item=item,
                item_version=version,
                title=version.name,
                region_id=CHONGYANG,
                department=item.department,
                intake_region_id=CHONGYANG,
                channel="window",
                status="submitted",
                kind="promised",
                limit_days=1,
                received_on=day,
                due_date=day,
            )
            CaseMaterial.objects.bulk_create(
                CaseMaterial(
                    case=case,
                    key=f"k{k}",
                    name="材料",
                    source="applicant",
                    requirement="required",
                    state="uploaded",
                    upload=upload,
                )
                for k in range(4)
            )
            CaseEvent.objects.create(case=case, action="submit", to_status="submitted", actor="x")
            LedgerEntry.objects.create(kind="case.submit", body="{}")
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(status="accepted", accepted_on=day)
            CaseEvent.objects.create(case=case, action="accept", to_status="accepted", actor="x")
            LedgerEntry.objects.create(kind="case.accept", body="{}")
            CaseStep.objects.bulk_create(
                CaseStep(
                    case=case, position=p, stage=p, name="审查", role="approver", state="waiting"
                )
                for p in range(3)
            )
    return n / (time.perf_counter() - start), (sum(os.times()[:2]) - cpu) * 1000 / n


# ---------------------------------------------------------------- 2 and 3. a million cases


def fill(total: int) -> None:
    """A million open cases with SQL (generate_series), spread at random (with a fixed seed)
    over every department of the demo regions and the applicants, due around today."""
    from ninhaoban.accounts.models import Applicant
    from ninhaoban.regions.models import Department

    departments = list(Department.objects.order_by("pk").values_list("pk", "region_id"))
    applicants = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))
    dept_ids = "ARRAY[" + ",".join(str(d) for d, _ in departments) + "]"
    regions = "ARRAY[" + ",".join(f"'{r}'" for _, r in departments) + "]"
    people = "ARRAY[" + ",".join(str(a) for a in applicants) + "]"
    statuses = (
        "ARRAY['submitted','correction','accepted','in_review','in_review','in_review',"
        "'suspended','decided','delivering','accepted']"
    )
    sql = f"""
    INSERT INTO cases_case (case_no, applicant_id, bundle_stage, title, region_id, department_id,
        intake_region_id, channel, status, form, kind, limit_days, joint, received_on,
        accepted_on, due_date, days_left, stopped_for, extended_days, extension_reason,
        outcome, reason, delivery_method, tracking_no, licence_ref, created_at, updated_at)
    SELECT 'M' || lpad(i::text, 12, '0'),
        ({people})[1 + r.a], 0, '个体工商户设立登记',
        ({regions})[1 + r.d], ({dept_ids})[1 + r.d], ({regions})[1 + r.d],
        'window', s.status, '{{}}', 'promised', 5, false,
        DATE '2026-11-02' + r.day, DATE '2026-11-02' + r.day,
        CASE WHEN s.status IN ('suspended', 'correction') THEN NULL
             WHEN s.status = 'submitted' THEN DATE '2026-12-02' + r.due % 5
             ELSE DATE '2026-11-16' + r.due END,
        CASE WHEN s.status IN ('suspended', 'correction') THEN 3 END,
        '', 0, '', '', '', '', '', '',
        now() - (i || ' seconds')::interval, now()
    FROM generate_series(1, {total}) AS i,
        LATERAL (SELECT floor(random() * {len(applicants)})::int AS a,
                        floor(random() * {len(departments)})::int AS d,
                        floor(random() * 20)::int AS day,
                        floor(random() * 31)::int AS due,
                        floor(random() * 10)::int AS st, i AS n) AS r,
        LATERAL (SELECT ({statuses})[1 + r.st] AS status) AS s
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.4212)")
        cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE cases_case")


def p50_ms(fn, rounds: int = 200) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bare_select() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def run() -> None:
    from django.core.management import call_command

    from ninhaoban.accounts.models import Applicant
    from ninhaoban.cases import clock, selectors
    from ninhaoban.cases.models import OPEN_STATUSES, Case
    from ninhaoban.cases.services.escalation import scan
    from ninhaoban.catalog.models import ServiceItem
    from ninhaoban.core.pdf import Paragraph, render_pdf
    from ninhaoban.demo import accounts, regions
    from ninhaoban.demo import catalog as demo_catalog

    call_command("migrate", verbosity=0)
    regions.seed()
    accounts.seed_staff()
    accounts.seed_applicants(persons=400, organizations=10)
    demo_catalog.seed()
    settings = connection.settings_dict
    url = (
        f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )

    item = ServiceItem.objects.get(base__name="个体工商户设立登记", region_id=CHONGYANG)
    numbers = list(Applicant.objects.filter(kind="person").values_list("identifier", flat=True))
    pdf = render_pdf("材料", [Paragraph("示例")])
    bodies = application(item.code, (numbers * (REQUESTS // len(numbers) + 1))[:REQUESTS], pdf)
    servers, port = start_servers(url)
    try:
        runs = {}
        for how in ("token", "session"):
            clients = [
                token_headers(CLERK) if how == "token" else session_headers(port, CLERK)
                for _ in range(CLIENTS)
            ]
            http_rate(port, clients, bodies[:200], FLOOR_PATH)  # warm up every worker
            floor = measured(port, servers, clients, bodies[200:], FLOOR_PATH)
            http_rate(port, clients, bodies[:200])
            runs[how] = floor, measured(port, servers, clients, bodies[200:], "/api/v1/cases/")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
    bare, bare_cpu = bare_rate(500)
    cores = os.cpu_count() or 1
    sessions = "Redis" if os.environ.get("REDIS_URL") else "the database"
    for how, label in (
        ("token", "a department system's API token"),
        ("session", f"a window's browser session (kept in {sessions})"),
    ):
        floor, real = runs[how]
        print(
            f"submit+accept via HTTP API, {label}: {real.rate:,.0f} cases/s ({real.requests} "
            f"requests, {WORKERS} server processes, {CLIENTS} client threads, {cores} cores)  "
            "target >= 300/s"
        )
        print(f"  {real.cpu()}; 300/s on {cores} cores allows {cores * 1000 / 300:.1f} ms in all")
        print(
            f"  baseline the framework's floor, the same requests authenticated, parsed and "
            f"decoded, nothing done: {floor.rate:,.0f}/s (API/floor = {real.rate / floor.rate:.2f})"
        )
        print(f"    {floor.cpu()}")
    print(
        f"  baseline bare ORM insert of the same rows, 1 thread: {bare:,.0f} cases/s, "
        f"{bare_cpu:.1f} ms of its CPU per case (API with a token/bare = "
        f"{runs['token'][1].rate / bare:.2f})"
    )

    start = time.perf_counter()
    fill(BIG)
    print(
        f"filled {BIG:,} open cases in {time.perf_counter() - start:.0f} s; "
        f"table now {Case.objects.count():,} cases"
    )

    applicant = Applicant.objects.order_by("pk")[7]
    approver = User.objects.get(username="approver.chongyang.market")
    floor = p50_ms(bare_select)
    mine = p50_ms(lambda: selectors.cases_of(applicant, 50))
    queue = p50_ms(lambda: selectors.approver_queue(approver, 50))
    print(f"my cases p50: {mine:.2f} ms   approver queue p50: {queue:.2f} ms   target <= 10 ms")
    print(f"  baseline bare SELECT 1 p50: {floor:.2f} ms")

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case WHERE status = ANY(%s)", [list(OPEN_STATUSES)]
        )
        cursor.fetchone()
    seq = time.perf_counter() - start
    day = dt.date(2026, 11, 30)
    with clock.frozen(day):
        start = time.perf_counter()
        first = scan()
        initial = time.perf_counter() - start
    with clock.frozen(day + dt.timedelta(days=1)):
        start = time.perf_counter()
        steady = scan()
        daily = time.perf_counter() - start
    print(
        f"escalation scan, next working day: {daily:.3f} s ({steady.new_warnings:,} new "
        f"warnings, {steady.new_overdue:,} new overdue)  target <= 1 s"
    )
    print(
        f"  first scan, nothing told yet: {initial:.3f} s ({first.new_warnings:,} warnings, "
        f"{first.new_overdue:,} overdue)"
    )
    print(f"  baseline bare sequential count of the open cases: {seq:.3f} s")


def main() -> None:
    if connection.vendor != "postgresql":
        print("bench/cases.py measures PostgreSQL: set DATABASE_URL=postgresql://... (skipped)")
        return
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run()
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]))
    else:
        main()
