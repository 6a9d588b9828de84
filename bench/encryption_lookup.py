"""Finding a person by ID number or phone when both are sealed: the time of a lookup by
keyed digest, next to a plaintext-indexed baseline measured in the same run (a ratio).

Figure: ROWS applicants written through the model (AES-256-GCM sealed identifier, phone and
e-mail, HMAC-SHA256 digests indexed, the identifier's unique); then LOOKUPS random
`Applicant.objects.get(identifier=…)` and `.filter(phone=…).first()` (the query compiled
to the digest column, the digest computed, the row's sealed values opened). Baseline: the
same rows in a table with the plain values in a unique / indexed column, the same ORM
lookups on it. Printed: p50 per lookup in µs and the ratio sealed/plain. Target: ratio ≤ 3
and p50 ≤ 1 ms.

The database is a scratch copy (`test_<name>` of DATABASE_URL, or an in-memory SQLite).
Run: .venv/bin/python bench/encryption_lookup.py [--rows 20000 --lookups 2000]
     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/x .venv/bin/python bench/encryption_lookup.py
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("NHB_VAR_DIR", tempfile.mkdtemp(prefix="nhb-bench-enc-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
os.environ.setdefault("NHB_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.db import connection, models  # noqa: E402

from ninhaoban.accounts.models import Applicant, ApplicantKind  # noqa: E402
from ninhaoban.regions.models import Region  # noqa: E402


class PlainApplicant(models.Model):
    """The baseline: the same columns in clear, the identifier unique, the phone indexed."""

    kind = models.CharField(max_length=16)
    identifier = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=128)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "vault"
        db_table = "bench_plain_applicant"


def people(rows: int) -> list[tuple[str, str]]:
    rng = random.Random(4212)
    numbers = rng.sample(range(10**9), rows)
    return [(f"421223199{n:09d}", f"13{n:09d}") for n in numbers]


def p50_us(lookup: Callable[[str, str], object], picks: list[tuple[str, str]]) -> float:
    times = []
    for number, phone in picks:
        start = time.perf_counter()
        lookup(number, phone)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def run(rows: int, lookups: int) -> None:
    region = Region.objects.create(code="421223000000", name="崇阳县", level="county")
    with connection.schema_editor() as editor:
        editor.create_model(PlainApplicant)
    data = people(rows)
    kwargs = [
        {
            "kind": ApplicantKind.PERSON,
            "identifier": n,
            "name": "测试",
            "phone": p,
            "region": region,
        }
        for n, p in data
    ]
    for start in range(0, rows, 1000):
        chunk = kwargs[start : start + 1000]
        Applicant.objects.bulk_create([Applicant(**k, email="a@example.com") for k in chunk])
        PlainApplicant.objects.bulk_create(
            [PlainApplicant(**k, email="a@example.com") for k in chunk]
        )
    if connection.vendor == "postgresql":
        # what autovacuum does after a bulk load: without statistics the planner reads a
        # digest as unselective and walks the primary key for `.first()` (3 ms, not 0.5)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Applicant._meta.db_table}, {PlainApplicant._meta.db_table}")
    picks = random.Random(7).sample(data, lookups)

    def by_id(model: type[models.Model]) -> Callable[[str, str], object]:
        return lambda number, phone: model._default_manager.get(identifier=number).phone

    def by_phone(model: type[models.Model]) -> Callable[[str, str], object]:
        return lambda number, phone: model._default_manager.filter(phone=phone).first()

    print(f"{connection.vendor}, {rows} applicants, {lookups} lookups each")
    for label, make in (("ID number", by_id), ("phone", by_phone)):
        p50_us(make(Applicant), picks[:100])  # warm both
        p50_us(make(PlainApplicant), picks[:100])
        sealed = p50_us(make(Applicant), picks)
        plain = p50_us(make(PlainApplicant), picks)
        print(
            f"  by {label}: sealed+digest p50 {sealed:.0f} µs, plain index p50 {plain:.0f} µs, "
            f"ratio {sealed / plain:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args.rows, args.lookups)
    finally:
        connection.close()
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )


if __name__ == "__main__":
    sys.exit(main())
