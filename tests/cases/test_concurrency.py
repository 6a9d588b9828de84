import threading

import pytest
from django.conf import settings
from django.db import close_old_connections

from ninhaoban.cases.models import Case
from tests.cases.conftest import window_case
from tests.conftest import seed_world

THREADS, EACH = 8, 5


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite lets one writer in at a time (BEGIN IMMEDIATE), so concurrent intakes "
    "cannot race for a number there; the counter's row lock is tested on PostgreSQL",
)
def test_case_no_stays_unique_under_concurrent_intake(transactional_db):
    seed_world()
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                numbers.append(window_case().case_no)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(numbers) == len(set(numbers)) == THREADS * EACH
    sequences = sorted(int(n[-5:]) for n in numbers)
    assert sequences == list(range(1, THREADS * EACH + 1))
    assert Case.objects.count() == THREADS * EACH
