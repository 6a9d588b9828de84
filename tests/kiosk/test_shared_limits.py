"""With REDIS_URL set, the kiosk's progress-query tries are counted in Redis, so every
process of a deployment sees the same count; without it each process counts its own."""

import os
import socket
import subprocess
import sys

import pytest

COUNT = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
django.setup()
from django.core.cache import caches
cache = caches["default"]
key = "test-shared-limit-" + os.environ["NHB_TEST_KEY"]
cache.add(key, 0, 60)
print(type(cache).__name__, cache.incr(key))
"""


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def _count(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", COUNT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_processes_share_one_count_through_redis(tmp_path):
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "NHB_VAR_DIR": str(tmp_path),
        "NHB_TEST_KEY": f"{os.getpid()}-{tmp_path.name}",
    }
    assert _count(env) == "RedisCache 1"
    assert _count(env) == "RedisCache 2"


def test_without_redis_each_process_counts_alone(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"NHB_VAR_DIR": str(tmp_path), "NHB_TEST_KEY": "alone"})
    assert _count(env) == "LocMemCache 1"
    assert _count(env) == "LocMemCache 1"
