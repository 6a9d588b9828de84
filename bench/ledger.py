"""The ledger's speed, each figure next to a baseline measured in the same run.

- record(): the time it adds to a business transaction (one row inserted and committed),
  against that transaction alone. Target: ≤ 0.2 ms added.
- integration: entries/s the sequencer integrates (claim, index, store subtree hashes, sign a
  checkpoint per batch), against hashlib SHA-256 of the same entries' leaves. Target ≥ 50,000/s.
- inclusion proof from the store, p50, at several tree sizes up to 10,000,000 entries (the
  big stores are built directly with bulk SQL and cached in the temp directory), against one
  primary-key read of one leaf row from the same store. Target ≤ 2 ms, flat in log n.
- proof verifications/s (RFC 9162 §2.1.3.2, proofs of a 10M tree), against SHA-256 of 65-byte
  inputs. Target ≥ 20,000/s.

Each measurement runs in a child process on a database of its own: SQLite files in the temp
directory, or scratch PostgreSQL databases next to DATABASE_URL when it is set.
Run: .venv/bin/python bench/ledger.py [--sizes 10000,1000000,10000000]
     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/x .venv/bin/python bench/ledger.py
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "ninhaoban-bench-ledger"


def _postgres() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _database_url(name: str) -> str:
    pg = _postgres()
    if pg:
        server, _, base = pg.rpartition("/")
        return f"{server}/{base}_bench_{name}"
    return f"sqlite:///{CACHE / (name + '.sqlite3')}"


def _fresh_postgres(url: str, keep: bool) -> bool:
    """Create the scratch database; True if it already existed and `keep` says reuse it."""
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return True
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return False


def _child(phase: str, url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "NHB_VAR_DIR": str(CACHE / "var")}
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------- child side


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "ledger", verbosity=0)


def _phase_integrate(total: int, batch: int) -> dict:
    _setup()
    from django.db import connection, transaction

    from ninhaoban.ledger import merkle, services

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_business (id integer PRIMARY KEY, note text)"
        )

    def business(i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_business (id, note) VALUES (%s, %s)", [i, "x"])

    rounds = 3000
    timings: dict[str, list[float]] = {"alone": [], "with_record": [], "record": [], "insert": []}
    for i in range(rounds * 2):
        with_record = i % 2 == 1
        start = time.perf_counter()
        with transaction.atomic():
            before = time.perf_counter()
            business(i)
            timings["insert"].append(time.perf_counter() - before)
            if with_record:
                before = time.perf_counter()
                services.record("bench.changed", f"case:B{i}", "staff:1", {"i": i})
                timings["record"].append(time.perf_counter() - before)
        elapsed = time.perf_counter() - start
        timings["with_record" if with_record else "alone"].append(elapsed)
    alone = statistics.median(timings["alone"])
    with_record = statistics.median(timings["with_record"])

    services.sequence()
    bodies = [
        json.dumps({"kind": "bench.bulk", "i": i, "pad": "x" * 90}, separators=(",", ":"))
        for i in range(total)
    ]
    leaves = [merkle.leaf_hash(b.encode()) for b in bodies]
    rows = [("bench.bulk", b, h) for b, h in zip(bodies, leaves, strict=True)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO ledger_entry (kind, body, leaf_hash) VALUES (%s, %s, %s)", rows
        )
        cursor.execute(
            "INSERT INTO ledger_pending (entry_id, leaf_hash) "
            "SELECT id, leaf_hash FROM ledger_entry WHERE kind = 'bench.bulk'"
        )
    start = time.perf_counter()
    added = services.sequence(batch_size=batch)
    integrate = time.perf_counter() - start
    assert added == total, added

    encoded = [b"\x00" + b.encode() for b in bodies]
    start = time.perf_counter()
    for data in encoded:
        hashlib.sha256(data).digest()
    baseline = time.perf_counter() - start
    return {
        "vendor": connection.vendor,
        "record_added_ms": (with_record - alone) * 1000,
        "record_call_ms": statistics.median(timings["record"]) * 1000,
        "insert_ms": statistics.median(timings["insert"]) * 1000,
        "transaction_ms": alone * 1000,
        "integrate_per_s": total / integrate,
        "sha256_per_s": total / baseline,
        "batch": batch,
        "entries": total,
    }


def _copy_line(row: tuple) -> str:
    return "\t".join(f"\\\\x{v.hex()}" if isinstance(v, bytes) else str(v) for v in row) + "\n"


def _build_store(size: int) -> None:
    """Entries and perfect subtree hashes of a `size`-leaf tree, written with bulk SQL."""
    from django.db import connection, transaction

    from ninhaoban.ledger import merkle
    from ninhaoban.ledger.models import FIRST_STORED_LEVEL, TreeState, node_id

    chunk = 1 << 17
    stack: list[tuple[int, int, bytes]] = []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS ledger_leaf_hash")
        if not postgres:
            cursor.execute("PRAGMA synchronous=OFF")
    tables = {
        "ledger_entry": ("id, kind, body, leaf_hash", 4),
        "ledger_leaf": ('"index", entry_id, leaf_hash', 3),
        "ledger_node": ("id, hash", 2),
    }
    for start in range(0, size, chunk):
        rows: dict[str, list[tuple]] = {table: [] for table in tables}
        for index in range(start, min(size, start + chunk)):
            body = f'{{"i":{index}}}'
            leaf = merkle.leaf_hash(body.encode())
            rows["ledger_entry"].append((index + 1, "bench", body, leaf))
            rows["ledger_leaf"].append((index, index + 1, leaf))
            stack.append((0, index, leaf))
            while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
                level, right_index, right = stack.pop()
                _, _, left = stack.pop()
                parent = merkle.node_hash(left, right)
                stack.append((level + 1, right_index >> 1, parent))
                if level + 1 >= FIRST_STORED_LEVEL:
                    rows["ledger_node"].append((node_id(level + 1, right_index >> 1), parent))
        with transaction.atomic(), connection.cursor() as cursor:
            for table, (columns, width) in tables.items():
                if postgres:
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        copy.write("".join(_copy_line(row) for row in rows[table]))
                else:
                    marks = ", ".join(["%s"] * width)
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[table]
                    )
    root = merkle.fold_cover([h for _, _, h in stack])
    TreeState.objects.update_or_create(pk=1, defaults={"size": size, "root": root})
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _phase_proof(size: int, samples: int) -> dict:
    _setup()
    from django.db import connection

    from ninhaoban.ledger import merkle, selectors

    built = 0.0
    if selectors.integrated_size() != size:
        start = time.perf_counter()
        _build_store(size)
        built = time.perf_counter() - start
    rng = random.Random(size)
    indices = [rng.randrange(size) for _ in range(samples)]
    for index in indices[:50]:
        selectors.inclusion_proof(index, size)
    proof_times, read_times, proofs = [], [], []
    for index in indices:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute('SELECT leaf_hash FROM ledger_leaf WHERE "index" = %s', [index])
            leaf = bytes(cursor.fetchone()[0])
        read_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        proof = selectors.inclusion_proof(index, size)
        proof_times.append(time.perf_counter() - start)
        proofs.append((leaf, index, proof))
    root = selectors.root_at(size)

    start = time.perf_counter()
    verified = sum(merkle.verify_inclusion(leaf, i, size, p, root) for leaf, i, p in proofs)
    verify = time.perf_counter() - start
    assert verified == len(proofs)
    inputs = [b"\x01" + os.urandom(64) for _ in range(len(proofs) * 20)]
    start = time.perf_counter()
    for data in inputs:
        hashlib.sha256(data).digest()
    hashing = time.perf_counter() - start
    return {
        "size": size,
        "built_s": built,
        "proof_p50_ms": statistics.median(proof_times) * 1000,
        "proof_p99_ms": sorted(proof_times)[int(len(proof_times) * 0.99)] * 1000,
        "read_p50_ms": statistics.median(read_times) * 1000,
        "proof_len": statistics.mean(len(p) for _, _, p in proofs),
        "verify_per_s": len(proofs) / verify,
        "sha256_per_s": len(inputs) / hashing,
    }


# ----------------------------------------------------------------- parent side


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=["integrate", "proof"])
    parser.add_argument("--sizes", default="1000,100000,1000000,10000000")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--size", type=int)
    options = parser.parse_args()
    if options.phase == "integrate":
        print(json.dumps(_phase_integrate(options.entries, options.batch)))
        return
    if options.phase == "proof":
        print(json.dumps(_phase_proof(options.size, options.samples)))
        return

    CACHE.mkdir(parents=True, exist_ok=True)
    url = _database_url("integrate")
    if _postgres():
        _fresh_postgres(url, keep=False)
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    r = _child("integrate", url, "--entries", str(options.entries), "--batch", str(options.batch))
    print(f"ledger on {r['vendor']}")
    print(
        f"record() adds {r['record_added_ms']:.3f} ms to a business transaction (p50 with minus "
        f"p50 without, the transaction alone {r['transaction_ms']:.3f} ms); the call itself "
        f"{r['record_call_ms']:.3f} ms vs the business row's own INSERT {r['insert_ms']:.3f} ms: "
        f"ratio {r['record_call_ms'] / r['insert_ms']:.1f}   target ≤ 0.2 ms"
    )
    print(
        f"integration {r['integrate_per_s']:,.0f} entries/s in batches of {r['batch']:,} "
        f"({r['entries']:,} entries) vs hashlib SHA-256 of the same leaves "
        f"{r['sha256_per_s']:,.0f}/s: ratio {r['integrate_per_s'] / r['sha256_per_s']:.3f}"
        f"   target ≥ 50,000/s"
    )
    for size in [int(s) for s in options.sizes.split(",")]:
        url = _database_url(f"proof_{size}")
        if _postgres():
            _fresh_postgres(url, keep=True)
        p = _child("proof", url, "--size", str(size), "--samples", str(options.samples))
        built = f" (store built in {p['built_s']:.0f} s)" if p["built_s"] else ""
        print(
            f"inclusion proof at {size:>10,} entries: p50 {p['proof_p50_ms']:.3f} ms, "
            f"p99 {p['proof_p99_ms']:.3f} ms, {p['proof_len']:.1f} hashes vs one entry read "
            f"p50 {p['read_p50_ms']:.3f} ms: ratio {p['proof_p50_ms'] / p['read_p50_ms']:.1f}"
            f"{built}   target ≤ 2 ms"
        )
        last = p
    print(
        f"verification {last['verify_per_s']:,.0f} proofs/s at {last['size']:,} entries vs "
        f"SHA-256 of 65 bytes {last['sha256_per_s']:,.0f}/s: ratio "
        f"{last['verify_per_s'] / last['sha256_per_s']:.3f}   target ≥ 20,000/s"
    )


if __name__ == "__main__":
    main()
