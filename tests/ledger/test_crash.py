"""A sequencer killed with SIGKILL mid-batch, then restarted, leaves a log that audits clean.

Runs in subprocesses against a database of its own: a SQLite file under tmp_path, and a
scratch PostgreSQL database as well when DATABASE_URL points at PostgreSQL.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

WRITER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
django.setup()
from django.db import transaction
from ninhaoban.ledger.services import record
for b in range(int(sys.argv[1])):
    with transaction.atomic():
        for i in range(100):
            record("crash.test", f"case:C{b}-{i}", "system", {"b": b, "i": i})
"""

CHECK = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
django.setup()
from ninhaoban.ledger.models import (
    Checkpoint, LedgerEntry, LedgerLeaf, LedgerPending, TreeState,
)
print(json.dumps({
    "entries": LedgerEntry.objects.count(),
    "pending": LedgerPending.objects.count(),
    "indices": list(LedgerLeaf.objects.order_by("index").values_list("index", flat=True)),
    "size": TreeState.objects.get(pk=1).size,
    "checkpoints": list(Checkpoint.objects.order_by("size").values_list("size", flat=True)),
}))
"""

BATCHES = 80


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    server, _, name = base.rpartition("/")
    scratch = f"{name}_ledger_crash_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        yield f"{server}/{scratch}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _env(tmp_path: Path, url: str) -> dict[str, str]:
    (tmp_path / "var").mkdir(exist_ok=True)
    return {**os.environ, "NHB_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": url}


def _ninhaoban(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ninhaoban", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _checkpoints(url: str) -> int:
    """Read straight from the database, so the test can kill the sequencer while it works."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as db:
            return db.execute("SELECT count(*) FROM ledger_checkpoint").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT count(*) FROM ledger_checkpoint").fetchone()[0]


def test_sigkilled_sequencer_loses_nothing_and_reuses_no_index(tmp_path, database_url):
    env = _env(tmp_path, database_url)
    assert _ninhaoban(env, "migrate", "-v0").returncode == 0
    subprocess.run([sys.executable, "-c", WRITER, str(BATCHES // 2)], env=env, check=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(BATCHES // 2)], env=env)
    rng = random.Random(5)
    killed = 0
    for _ in range(4):
        before = _checkpoints(database_url)
        sequencer = subprocess.Popen(
            [sys.executable, "-m", "ninhaoban", "ledger", "sequence", "--batch", "40"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _checkpoints(database_url) == before and sequencer.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))
        if sequencer.poll() is None:
            sequencer.send_signal(signal.SIGKILL)
            killed += 1
        sequencer.wait()
    assert writer.wait(timeout=600) == 0
    assert killed, "the sequencer always finished before it could be killed"
    final = _ninhaoban(env, "ledger", "sequence")
    assert final.returncode == 0, final.stderr
    audited = _ninhaoban(env, "ledger", "audit")
    assert audited.returncode == 0, audited.stderr + audited.stdout
    state = json.loads(
        subprocess.run(
            [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    entries = state["entries"]
    assert entries >= BATCHES * 100 and state["pending"] == 0
    assert state["indices"] == list(range(entries)) and state["size"] == entries
    assert state["checkpoints"] == sorted(set(state["checkpoints"]))
    assert state["checkpoints"][-1] == entries
