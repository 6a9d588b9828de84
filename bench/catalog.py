"""The catalog at 10,000 service items, each figure against a baseline measured in this run:

- import of 10,000 generated service items (5 materials, 1 fee, 3 steps each) through
  `catalog.services.import_catalog` (validation, codes, ledger entry), against the floor:
  bulk inserts of the same rows with no checks (rolled back);              target ≤ 60 s
- the 同事同标 audit over those items, against reading the same rows with no comparison;
                                                                            target ≤ 5 s
- the guide page of an item, p50 through the Django test client, against an empty view;
                                                                            target ≤ 20 ms
Run: .venv/bin/python bench/catalog.py   (a fresh SQLite file in a temporary directory
unless DATABASE_URL is set)
"""

import atexit
import os
import shutil
import statistics
import tempfile
import time

import django

TMP = tempfile.mkdtemp(prefix="nhb-bench-catalog-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ninhaoban.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from ninhaoban import urls as project_urls  # noqa: E402
from ninhaoban.catalog import audit, selectors  # noqa: E402
from ninhaoban.catalog.models import (  # noqa: E402
    BaseItem,
    Fee,
    MaterialRequirement,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
    VersionState,
)
from ninhaoban.catalog.services import implementation_code, import_catalog  # noqa: E402
from ninhaoban.demo import regions as demo_regions  # noqa: E402
from ninhaoban.regions.models import Department, DepartmentType, Level  # noqa: E402

ITEMS = 10_000
GUIDE_REQUESTS = 300
DEPARTMENT_TYPES = [t for t in DepartmentType.values if t != DepartmentType.OTHER]


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns = [path("bench-empty/", empty), *project_urls.urlpatterns]


def generate() -> dict:
    """Base items implemented in every city- and county-level region, as an import file."""
    departments = list(
        Department.objects.filter(region__level__in=[Level.CITY, Level.COUNTY]).select_related(
            "region"
        )
    )
    regions = sorted({d.region_id for d in departments})
    by_region = {(d.region_id, d.dept_type): d for d in departments}
    bases, items = [], []
    n_bases = -(-ITEMS // len(regions))
    for b in range(n_bases):
        code = f"99{b:07d}000"
        dept_type = DEPARTMENT_TYPES[b % len(DEPARTMENT_TYPES)]
        bases.append({"code": code, "name": f"测试事项{b}", "item_type": "01", "legal_days": 20})
        for region_code in regions:
            if len(items) == ITEMS:
                break
            dept = by_region[(region_code, dept_type)]
            promised = 5 + (b + int(region_code[4:6])) % 3
            items.append(
                {
                    "base_code": code,
                    "region": region_code,
                    "department": dept.uscc,
                    "name": f"测试事项{b}",
                    "case_kind": "promised",
                    "legal_days": 20,
                    "promised_days": promised,
                    "visits_required": 1,
                    "online_depth": 3,
                    "conditions": "符合法定条件。",
                    "legal_basis": "《中华人民共和国行政许可法》",
                    "delivery_methods": ["window", "electronic"],
                    "valid_from": "2026-01-01",
                    "materials": [{"name": f"申请材料{m}", "source": "applicant"} for m in range(4)]
                    + [
                        {
                            "name": "营业执照",
                            "source": "licence",
                            "licence_type_code": "11100000000013338W001",
                        }
                    ],
                    "fees": [{"name": "工本费", "standard": "每件10元", "amount": "10.00"}],
                    "steps": [
                        {"name": "受理", "role": "clerk", "working_days": 0},
                        {"name": "审查", "role": "approver", "working_days": promised - 1},
                        {"name": "决定", "role": "chief", "working_days": 1},
                    ],
                }
            )
    return {"base_items": bases, "service_items": items}


def bare_insert(data: dict) -> float:
    """The same rows by bulk_create with no validation, in a rolled-back transaction."""
    departments = {d.uscc: d for d in Department.objects.select_related("region")}
    start = time.perf_counter()
    with transaction.atomic():
        bases = BaseItem.objects.bulk_create(
            BaseItem(code=b["code"], name=b["name"], item_type="01", legal_days=20)
            for b in data["base_items"]
        )
        by_code = {b.code: b for b in bases}
        items = ServiceItem.objects.bulk_create(
            (
                ServiceItem(
                    code=implementation_code(
                        departments[i["department"]],
                        departments[i["department"]].region,
                        i["base_code"],
                    ),
                    base=by_code[i["base_code"]],
                    region=departments[i["department"]].region,
                    department=departments[i["department"]],
                )
                for i in data["service_items"]
            ),
            batch_size=500,
        )
        versions = ServiceItemVersion.objects.bulk_create(
            (
                ServiceItemVersion(
                    item=item,
                    number=1,
                    state=VersionState.PUBLISHED,
                    valid_from="2026-01-01",
                    name=i["name"],
                    case_kind=i["case_kind"],
                    legal_days=i["legal_days"],
                    promised_days=i["promised_days"],
                    created_by="bench",
                )
                for item, i in zip(items, data["service_items"], strict=True)
            ),
            batch_size=500,
        )
        pairs = list(zip(versions, data["service_items"], strict=True))
        MaterialRequirement.objects.bulk_create(
            (
                MaterialRequirement(version=v, position=n, **m)
                for v, i in pairs
                for n, m in enumerate(i["materials"], 1)
            ),
            batch_size=1000,
        )
        Fee.objects.bulk_create(
            (Fee(version=v, position=n, **f) for v, i in pairs for n, f in enumerate(i["fees"], 1)),
            batch_size=1000,
        )
        ProcessStep.objects.bulk_create(
            (
                ProcessStep(version=v, position=n, **s)
                for v, i in pairs
                for n, s in enumerate(i["steps"], 1)
            ),
            batch_size=1000,
        )
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def read_only() -> float:
    """What the audit reads, without comparing anything."""
    start = time.perf_counter()
    versions = selectors.current_versions()
    list(versions.values_list("id", "item__code", "item__base__code", "promised_days"))
    list(MaterialRequirement.objects.filter(version__in=versions).values("version_id", "name"))
    list(Fee.objects.filter(version__in=versions).values("version_id", "name", "amount"))
    list(ProcessStep.objects.filter(version__in=versions).values("version_id", "name"))
    return time.perf_counter() - start


def p50_ms(client: Client, url: str) -> float:
    for _ in range(10):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(GUIDE_REQUESTS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    demo_regions.seed()
    data = generate()
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    baseline = bare_insert(data)
    start = time.perf_counter()
    result = import_catalog(data, actor="bench")
    elapsed = time.perf_counter() - start
    assert result.items_created == ITEMS, result
    print(f"import of {ITEMS:,} service items:        {elapsed:8.2f} s   (target <= 60 s)")
    print(
        f"  baseline, bare bulk inserts:          {baseline:8.2f} s   "
        f"ratio {elapsed / baseline:4.1f}x"
    )

    audit.run_audit()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        findings = audit.run_audit()
        runs.append(time.perf_counter() - start)
    reads = min(read_only() for _ in range(3))
    print(
        f"audit over {ITEMS:,} items:              {min(runs):8.2f} s   (target <= 5 s, "
        f"{len(findings):,} findings)"
    )
    print(
        f"  baseline, the same reads alone:       {reads:8.2f} s   ratio {min(runs) / reads:4.1f}x"
    )

    settings.ROOT_URLCONF = "__main__"
    clear_url_caches()
    client = Client()
    code = ServiceItem.objects.order_by("code").values_list("code", flat=True)[ITEMS // 2]
    guide = p50_ms(client, f"/catalog/items/{code}/")
    baseline_ms = p50_ms(client, "/bench-empty/")
    print(f"guide page p50:                         {guide:8.2f} ms  (target <= 20 ms)")
    print(
        f"  baseline, an empty view:              {baseline_ms:8.2f} ms  "
        f"ratio {guide / baseline_ms:4.1f}x"
    )


if __name__ == "__main__":
    main()
