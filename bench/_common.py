"""What the PostgreSQL benches share: Django set up for a bench (its own scratch files,
warnings only), a scratch copy of the database to fill (`test_<name>` of DATABASE_URL,
created before the run and dropped after it, whatever happens), and the p50 timing loop.

A bench imports it first (`python bench/x.py` puts bench/ on the path), calls `setup`, then
imports Django's and the platform's modules.
"""

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable


def setup(name: str) -> None:
    """Django's settings for a bench: scratch files of its own, and only warnings logged,
    so the log does not time itself."""
    os.environ.setdefault("NHB_VAR_DIR", tempfile.mkdtemp(prefix=f"nhb-bench-{name}-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
    os.environ.setdefault("NHB_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def on_scratch_postgres(script: str, run: Callable[[], None]) -> None:
    """`run` against a fresh, migrated copy of DATABASE_URL's database, dropped afterwards;
    skipped (said so) on any other database, since the figures are PostgreSQL's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print(f"{script} measures PostgreSQL: set DATABASE_URL (skipped)")
        return
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run()
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


def p50_ms(fn: Callable[[], object], rounds: int) -> float:
    """The median of `rounds` timed calls, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def together(threads: int, work: Callable[[int], None], who: str = "worker") -> float:
    """Seconds from a common start until the last of `threads` threads running `work(n)` is
    done; each thread closes its own connection. A failure in any stops the bench."""
    from django.db import close_old_connections, connection

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
        raise SystemExit(f"a {who} failed: {errors[0]!r}")
    return elapsed


def together_in_processes(
    processes: int, work: Callable[[int], None], who: str = "worker"
) -> float:
    """As `together`, but each `work(n)` in a process of its own (forked, its own
    connection), as a server's worker processes run: Python threads share one interpreter
    lock, so threads measure that lock as much as the database."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's socket
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(processes + 1)

    def run(n: int) -> None:
        barrier.wait()
        work(n)
        connections.close_all()

    running = [fork.Process(target=run, args=(n,)) for n in range(processes)]
    for p in running:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    for p in running:
        p.join()
    elapsed = time.perf_counter() - start
    failed = [p.exitcode for p in running if p.exitcode != 0]
    if failed:
        raise SystemExit(f"a {who} failed (exit code {failed[0]})")
    return elapsed
