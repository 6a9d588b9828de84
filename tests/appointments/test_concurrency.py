"""Many kiosks taking numbers of one line at once, and two windows calling at once: no
number handed out twice, none skipped, no ticket called by two windows."""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import close_old_connections

from ninhaoban.appointments import services
from ninhaoban.appointments.models import Ticket
from tests.appointments.conftest import MONDAY, at, general_windows, line_of, opened, user
from tests.conftest import seed_world

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite lets one writer in at a time (BEGIN IMMEDIATE), so concurrent kiosks "
    "cannot race for a number there; the counter's row lock is tested on PostgreSQL",
)
THREADS, EACH = 8, 25


def together(work: Callable[[int], None], threads: int = THREADS) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    running = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join()
    return errors


def test_numbers_stay_unique_under_concurrent_kiosks(transactional_db):
    seed_world()
    group = line_of(opened(), "A")
    labels: list[str] = []

    def work(_: int) -> None:
        for _ in range(EACH):
            labels.append(services.take_ticket(group, actor="kiosk:t", now=at(MONDAY, 9)).label)

    assert together(work) == []
    assert len(labels) == len(set(labels)) == THREADS * EACH
    numbers = sorted(Ticket.objects.filter(group=group).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))


def test_two_windows_calling_at_once_get_different_numbers(transactional_db):
    seed_world()
    hall = opened()
    group = line_of(hall, "A")
    for _ in range(4):
        services.take_ticket(group, actor="kiosk:t", now=at(MONDAY, 9))
    windows = general_windows(hall)[:4]
    clerk = user("clerk.chongyang")
    called: list[int] = []

    def work(n: int) -> None:
        called.append(services.call_next(windows[n], user=clerk, now=at(MONDAY, 9, 5)).pk)

    assert together(work, threads=4) == []
    assert len(called) == len(set(called)) == 4
    assert Ticket.objects.filter(status="called").values("window").distinct().count() == 4
