"""Applying a whole catalog at once (import files, the demo catalog): all or nothing.

Everything is checked first and every problem is reported with where it came from; only a
clean file is written, in one transaction, with bulk inserts so that ten thousand items
take seconds. An implementation whose content equals its version in force is left alone,
so the same file can be applied twice.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import (
    BaseItem,
    Fee,
    ItemType,
    MaterialRequirement,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
    VersionState,
)
from ninhaoban.catalog.rules import BASE_CODE, Checker, Problem, clean_version
from ninhaoban.catalog.services.items import (
    CatalogRejected,
    check_department,
    check_type_label,
    field_problems,
    implementation_code,
    type_labels,
)
from ninhaoban.core.canonical import digest
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Department, Level, Region

Locate = Callable[..., str]
CHUNK = 2000
BASE_FIELDS = ("name", "item_type", "legal_days", "legal_basis", "levels", "aliases")


def json_locate(kind: str, index: int, part: str | None = None, part_index: int = 0) -> str:
    where = f"{kind}[{index}]"
    return f"{where}.{part}[{part_index}]" if part else where


@dataclass
class ImportResult:
    base_created: int = 0
    base_updated: int = 0
    items_created: int = 0
    versions_published: int = 0
    unchanged: int = 0
    subjects: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "base_created": self.base_created,
            "base_updated": self.base_updated,
            "items_created": self.items_created,
            "versions_published": self.versions_published,
            "unchanged": self.unchanged,
        }


def _in_chunks(
    model, field_name: str, keys: list[str], *, select: tuple[str, ...] = (), lock: bool = False
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(keys), CHUNK):
        qs = model.objects.filter(**{f"{field_name}__in": keys[start : start + CHUNK]})
        if select:
            qs = qs.select_related(*select)
        if lock:
            qs = qs.select_for_update()
        found.update({getattr(obj, field_name): obj for obj in qs})
    return found


def _resolve_type(value: Any, labels: Mapping[str, str]) -> str | None:
    text = str(value or "").strip()
    if text in ItemType.values:
        return text
    return labels.get(text)


def _clean_base(row: Any, where: str, labels: Mapping[str, str]) -> tuple[dict, list[Problem]]:
    c = Checker(where)
    if not isinstance(row, Mapping):
        c.add("base_items", "应为对象", "must be an object")
        return {}, c.problems
    code = c.text(row, "code", 17, required=True).upper()
    if code and not BASE_CODE.match(code):
        c.add("code", f"基本编码“{code}”无效", f"base code '{code}' is invalid")
    item_type = _resolve_type(row.get("item_type"), labels)
    if item_type is None:
        label = row.get("item_type")
        c.add(
            "item_type",
            f"事项类型“{label}”不在类型对照表中",
            f"unknown item type label '{label}'",
        )
    levels = c.choices_list(row, "levels", Level)
    aliases = row.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.replace("，", ",").replace("、", ",").split(",")]
    cleaned = {
        "code": code,
        "name": c.text(row, "name", 128, required=True),
        "item_type": item_type or "",
        "legal_days": c.integer(row, "legal_days", high=3650),
        "legal_basis": c.text(row, "legal_basis", 10_000),
        "levels": levels,
        "aliases": [a for a in aliases if isinstance(a, str) and a],
    }
    return cleaned, c.problems


@dataclass
class _Plan:
    bases: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)


def _validate(data: Mapping[str, Any], locate: Locate) -> tuple[_Plan, list[Problem]]:
    labels = type_labels()
    plan, problems = _Plan(), []
    base_rows = data.get("base_items") or []
    item_rows = data.get("service_items") or []
    if not isinstance(base_rows, list) or not isinstance(item_rows, list):
        return plan, [Problem("file", "format", "文件结构无效", "the file's structure is invalid")]
    seen_bases: dict[str, str] = {}
    for index, row in enumerate(base_rows):
        where = locate("base_items", index)
        cleaned, found = _clean_base(row, where, labels)
        problems += found
        if cleaned.get("code") in seen_bases:
            problems.append(
                Problem(where, "code", f"基本编码重复（同{seen_bases[cleaned['code']]}）", "dup")
            )
        elif cleaned:
            seen_bases[cleaned["code"]] = where
            plan.bases.append(cleaned)
    file_bases = {b["code"]: b for b in plan.bases}
    rows = [r if isinstance(r, Mapping) else {} for r in item_rows]
    db_bases = _in_chunks(
        BaseItem,
        "code",
        sorted({str(r.get("base_code", "")) for r in rows} - set(file_bases)),
    )
    regions = _in_chunks(
        Region, "code", sorted({str(r.get("region", "")).ljust(12, "0") for r in rows})
    )
    departments = _in_chunks(
        Department, "uscc", sorted({str(r.get("department", "")) for r in rows}), select=("region",)
    )
    seen_items: dict[str, str] = {}
    resolved: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        where = locate("service_items", index)

        def part_where(kind: str, i: int, index: int = index) -> str:
            return locate("service_items", index, kind, i)

        content, found = clean_version(row, where, part_where)
        problems += found + field_problems(content, where)
        c = Checker(where)
        base_code = str(row.get("base_code", "")).strip()
        base = file_bases.get(base_code) or db_bases.get(base_code)
        if base is None:
            c.add("base_code", f"基本编码“{base_code}”不存在", f"no base item '{base_code}'")
        region = regions.get(str(row.get("region", "")).strip().ljust(12, "0"))
        if region is None:
            c.add("region", f"区划“{row.get('region')}”不存在", f"no region '{row.get('region')}'")
        department = departments.get(str(row.get("department", "")).strip())
        if department is None:
            c.add(
                "department",
                f"部门统一社会信用代码“{row.get('department')}”不存在",
                f"no department with USCC '{row.get('department')}'",
            )
        valid_from = c.date(row, "valid_from")
        problems += c.problems
        if base is None or region is None or department is None:
            continue
        problems += check_department(department, region, where)
        item_type = base["item_type"] if isinstance(base, dict) else base.item_type
        if item_type:
            problems += check_type_label(content["type_label"], item_type, labels, where)
        code = implementation_code(department, region, base_code)
        given = str(row.get("code") or "").strip()
        if given and given != code:
            problems.append(
                Problem(
                    where,
                    "code",
                    f"实施编码“{given}”与部门、层级、基本编码不符，应为{code}",
                    f"code '{given}' does not match department, level and base code: {code}",
                )
            )
            continue
        if code in seen_items:
            problems.append(
                Problem(where, "code", f"实施编码重复（同{seen_items[code]}）", "duplicate code")
            )
            continue
        seen_items[code] = where
        resolved.append(
            {
                "where": where,
                "code": code,
                "base_code": base_code,
                "region": region,
                "department": department,
                "content": content,
                "valid_from": valid_from or selectors.today(),
            }
        )
    existing = _in_chunks(ServiceItem, "code", [r["code"] for r in resolved], lock=True)
    latest = _latest_published(list(existing.values()))
    for entry in resolved:
        item = existing.get(entry["code"])
        previous = latest.get(item.pk) if item else None
        if previous is not None and entry["content"] == previous[1]:
            plan.items.append({"code": entry["code"], "unchanged": True})
            continue
        start = entry["valid_from"]
        if previous is not None:
            version = previous[0]
            end = version.valid_to
            if (end is None and start <= version.valid_from) or (end and start < end):
                problems.append(
                    Problem(
                        entry["where"],
                        "valid_from",
                        f"生效日期{start}与现行版本（{version.valid_from}起）重叠",
                        f"valid_from {start} overlaps the version from {version.valid_from}",
                    )
                )
                continue
        plan.items.append({**entry, "item": item, "previous": previous[0] if previous else None})
    return plan, problems


def _latest_published(items: list[ServiceItem]) -> dict[int, tuple[ServiceItemVersion, dict]]:
    out: dict[int, tuple[ServiceItemVersion, dict]] = {}
    ids = [i.pk for i in items]
    for start in range(0, len(ids), CHUNK):
        versions = (
            ServiceItemVersion.objects.filter(
                item_id__in=ids[start : start + CHUNK], state=VersionState.PUBLISHED
            )
            .order_by("item_id", "valid_from")
            .prefetch_related("materials", "fees", "steps")
        )
        for version in versions:
            out[version.item_id] = (version, selectors.version_content(version))
    return out


def import_catalog(
    data: Mapping[str, Any],
    *,
    actor: str,
    locate: Locate = json_locate,
    problems: Iterable[Problem] = (),
) -> ImportResult:
    """Check everything, then write everything; a CatalogRejected lists every problem,
    with those the file reader found (`problems`) first. The existing items are locked
    while they are checked, so no publication can slip in between check and write."""
    with transaction.atomic():
        plan, found = _validate(data, locate)
        problems = [*problems, *found]
        if problems:
            raise CatalogRejected(problems)
        result = _apply(plan, actor)
        if result.subjects:
            record(
                "catalog.imported",
                result.subjects,
                actor,
                {"digest": digest(_digestible(data)), **result.as_dict()},
            )
    return result


def _digestible(data: Mapping[str, Any]) -> Any:
    """The file's content in a canonical form (no floats, dates as text)."""
    if isinstance(data, Mapping):
        return {str(k): _digestible(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_digestible(v) for v in data]
    if isinstance(data, float):
        return str(data)
    if isinstance(data, dt.datetime | dt.date):
        return data.isoformat()
    return data


def _apply(plan: _Plan, actor: str) -> ImportResult:
    result = ImportResult()
    existing_bases = _in_chunks(BaseItem, "code", [b["code"] for b in plan.bases])
    new_bases = []
    for base in plan.bases:
        current = existing_bases.get(base["code"])
        if current is None:
            new_bases.append(BaseItem(**base))
            result.subjects.append(f"base_item:{base['code']}")
        elif any(getattr(current, f) != base[f] for f in BASE_FIELDS):
            for f in BASE_FIELDS:
                setattr(current, f, base[f])
            current.save()
            result.base_updated += 1
            result.subjects.append(f"base_item:{base['code']}")
    BaseItem.objects.bulk_create(new_bases, batch_size=500)
    result.base_created = len(new_bases)
    bases = _in_chunks(
        BaseItem, "code", sorted({p["base_code"] for p in plan.items if "base_code" in p})
    )
    todo = [p for p in plan.items if not p.get("unchanged")]
    result.unchanged = len(plan.items) - len(todo)
    new_items = [
        ServiceItem(
            code=p["code"],
            base=bases[p["base_code"]],
            region=p["region"],
            department=p["department"],
        )
        for p in todo
        if p["item"] is None
    ]
    ServiceItem.objects.bulk_create(new_items, batch_size=500)
    result.items_created = len(new_items)
    created = {i.code: i for i in new_items}
    now = timezone.now()
    versions = []
    for p in todo:
        item = p["item"] or created[p["code"]]
        number = 1
        if p["item"] is not None:
            number = (item.versions.order_by("-number").values_list("number", flat=True)[0]) + 1
            previous = p["previous"]
            if previous is not None and previous.valid_to is None:
                previous.valid_to = p["valid_from"]
                previous.save(update_fields=["valid_to"])
        fields = {f: p["content"][f] for f in selectors.VERSION_FIELDS}
        versions.append(
            ServiceItemVersion(
                item=item,
                number=number,
                state=VersionState.PUBLISHED,
                valid_from=p["valid_from"],
                created_by=actor,
                published_by=actor,
                published_at=now,
                **fields,
            )
        )
        result.subjects.append(f"item:{p['code']}")
    ServiceItemVersion.objects.bulk_create(versions, batch_size=500)
    result.versions_published = len(versions)
    materials, fees, steps = [], [], []
    for version, p in zip(versions, todo, strict=True):
        content = p["content"]
        materials += [
            MaterialRequirement(version=version, position=i, **m)
            for i, m in enumerate(content["materials"], start=1)
        ]
        fees += [
            Fee(version=version, position=i, **f) for i, f in enumerate(content["fees"], start=1)
        ]
        steps += [
            ProcessStep(version=version, position=i, **s)
            for i, s in enumerate(content["steps"], start=1)
        ]
    MaterialRequirement.objects.bulk_create(materials, batch_size=1000)
    Fee.objects.bulk_create(fees, batch_size=1000)
    ProcessStep.objects.bulk_create(steps, batch_size=1000)
    return result
