"""同事同标: the same base item must ask the same everywhere.

For every base item, each implementation in force is compared with the majority of its
implementations on materials (by normalized name, licence type or data set), promised and
legal days, fees, visits and steps; every difference names the deviating region and the
majority baseline. Rules that need no majority are checked on every implementation:
promised days over the statutory limit, steps longer than the promise, a local type label
instead of the standard type, and proofs that may not be demanded.

Everything is read in five queries and compared in memory, so ten thousand items take
seconds, not minutes.
"""

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext_noop as _

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import (
    Fee,
    ItemType,
    MaterialRequirement,
    ProcessStep,
    ProofRequirement,
)
from ninhaoban.catalog.rules import (
    critical_path,
    is_community_issued,
    material_key,
    normalize_name,
)
from ninhaoban.regions.models import Level, code_prefix

KINDS = {
    "materials": _("申请材料不一致"),
    "promised_days": _("承诺时限不一致"),
    "legal_days": _("法定时限不一致"),
    "fees": _("收费不一致"),
    "visits": _("到现场次数不一致"),
    "steps": _("办理环节不一致"),
    "promised_over_legal": _("承诺时限超过法定时限"),
    "steps_over_promised": _("办理环节超过承诺时限"),
    "type_label": _("使用非标准事项类型名称"),
    "denied_proof": _("索要已取消的证明"),
    "community_proof": _("要求村（社区）出具证明"),
}
CSV_FIELDS = [
    "base_code",
    "base_name",
    "item_code",
    "region_code",
    "region_name",
    "department",
    "kind",
    "kind_label",
    "value",
    "baseline",
    "detail",
]


@dataclass(frozen=True)
class Finding:
    base_code: str
    base_name: str
    item_code: str
    region_code: str
    region_name: str
    department: str
    kind: str
    value: str
    baseline: str
    detail: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {**asdict(self), "kind_label": self.kind_label}


@dataclass
class _Impl:
    version_id: int
    item_code: str
    region_code: str
    region_name: str
    region_level: str
    department: str
    base_code: str
    base_name: str
    base_type: str
    base_legal_days: int
    type_label: str
    legal_days: int
    promised_days: int
    visits: int
    materials: dict[str, str]
    fees: frozenset[tuple[str, str]]
    steps: tuple[tuple[str, int], ...]
    step_rows: list[Mapping[str, Any]]
    material_rows: list[Mapping[str, Any]]


def _load(day: dt.date | None) -> list[_Impl]:
    versions = selectors.current_versions(day).values_list(
        "id",
        "item__code",
        "item__region_id",
        "item__region__name",
        "item__region__level",
        "item__department__name",
        "item__base__code",
        "item__base__name",
        "item__base__item_type",
        "item__base__legal_days",
        "type_label",
        "legal_days",
        "promised_days",
        "visits_required",
    )
    rows = list(versions)
    materials: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for m in MaterialRequirement.objects.filter(version__in=selectors.current_versions(day)).values(
        "version_id", "name", "source", "licence_type_code", "data_key", "issuer"
    ):
        materials[m["version_id"]].append(m)
    fees: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for f in Fee.objects.filter(version__in=selectors.current_versions(day)).values(
        "version_id", "name", "amount"
    ):
        fees[f["version_id"]].add((normalize_name(f["name"]), str(f["amount"] or "")))
    steps: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for s in (
        ProcessStep.objects.filter(version__in=selectors.current_versions(day))
        .order_by("version_id", "position")
        .values("version_id", "name", "working_days", "parallel_group")
    ):
        steps[s["version_id"]].append(s)
    out = []
    for r in rows:
        vid = r[0]
        step_rows = steps.get(vid, [])
        out.append(
            _Impl(
                *r[:10],
                type_label=r[10],
                legal_days=r[11],
                promised_days=r[12],
                visits=r[13],
                materials={material_key(m): m["name"] for m in materials.get(vid, [])},
                fees=frozenset(fees.get(vid, set())),
                steps=tuple((normalize_name(s["name"]), s["working_days"]) for s in step_rows),
                step_rows=step_rows,
                material_rows=materials.get(vid, []),
            )
        )
    return out


H = TypeVar("H", bound=Hashable)


def _baseline(impls: list[_Impl], value: Callable[[_Impl], H]) -> H:
    """The majority value; a tie goes to what the city-level implementation has, then to
    the implementation with the lowest region code."""
    counts = Counter(value(i) for i in impls)
    top = max(counts.values())
    tied = {v for v, n in counts.items() if n == top}
    for impl in sorted(impls, key=lambda i: (i.region_level != Level.CITY, i.region_code)):
        if value(impl) in tied:
            return value(impl)
    raise AssertionError("no implementations")


def _finding(impl: _Impl, kind: str, value: Any, baseline: Any, detail: str) -> Finding:
    return Finding(
        base_code=impl.base_code,
        base_name=impl.base_name,
        item_code=impl.item_code,
        region_code=impl.region_code,
        region_name=impl.region_name,
        department=impl.department,
        kind=kind,
        value=str(value),
        baseline=str(baseline),
        detail=detail,
    )


def _fee_text(fees: Iterable[tuple[str, str]]) -> str:
    return "、".join(f"{n}{a and f' {a}元'}" for n, a in sorted(fees)) or "不收费"


def _steps_text(steps: Iterable[tuple[str, int]]) -> str:
    return "→".join(f"{name}({days})" for name, days in steps)


def _compare(impls: list[_Impl]) -> list[Finding]:
    found: list[Finding] = []
    names = {k: n for i in impls for k, n in i.materials.items()}
    base_materials = _baseline(impls, lambda i: frozenset(i.materials))
    for impl in impls:
        keys = frozenset(impl.materials)
        if keys != base_materials:
            extra = "、".join(names[k] for k in sorted(keys - base_materials))
            missing = "、".join(names[k] for k in sorted(base_materials - keys))
            detail = "；".join(
                part
                for part in (extra and f"多要：{extra}", missing and f"少要：{missing}")
                if part
            )
            found.append(
                _finding(impl, "materials", f"{len(keys)}项", f"{len(base_materials)}项", detail)
            )
    for kind, getter, unit in (
        ("promised_days", lambda i: i.promised_days, "个工作日"),
        ("legal_days", lambda i: i.legal_days, "个工作日"),
        ("visits", lambda i: i.visits, "次"),
    ):
        baseline = _baseline(impls, getter)
        for impl in impls:
            if getter(impl) != baseline:
                found.append(
                    _finding(
                        impl,
                        kind,
                        f"{getter(impl)}{unit}",
                        f"{baseline}{unit}",
                        f"{impl.region_name}为{getter(impl)}{unit}，多数地区为{baseline}{unit}",
                    )
                )
    base_fees = _baseline(impls, lambda i: i.fees)
    for impl in impls:
        if impl.fees != base_fees:
            found.append(
                _finding(
                    impl, "fees", _fee_text(impl.fees), _fee_text(base_fees), "收费与多数地区不同"
                )
            )
    base_steps = _baseline(impls, lambda i: i.steps)
    for impl in impls:
        if impl.steps != base_steps:
            found.append(
                _finding(
                    impl,
                    "steps",
                    _steps_text(impl.steps),
                    _steps_text(base_steps),
                    f"{len(impl.steps)}个环节，多数地区为{len(base_steps)}个；括号内为工作日",
                )
            )
    return found


def _rules(impl: _Impl, denied: list[tuple[str, str]]) -> list[Finding]:
    found = []
    if impl.promised_days > impl.base_legal_days:
        found.append(
            _finding(
                impl,
                "promised_over_legal",
                f"{impl.promised_days}个工作日",
                f"{impl.base_legal_days}个工作日",
                "承诺时限超过基本目录规定的法定时限",
            )
        )
    path = critical_path(impl.step_rows)
    if path > impl.promised_days:
        found.append(
            _finding(
                impl,
                "steps_over_promised",
                f"{path}个工作日",
                f"{impl.promised_days}个工作日",
                "办理环节合计时长超过承诺时限",
            )
        )
    standard = ItemType(impl.base_type).label
    if impl.type_label and impl.type_label != standard:
        found.append(
            _finding(impl, "type_label", impl.type_label, standard, "应使用标准事项类型名称")
        )
    for m in impl.material_rows:
        normalized = normalize_name(m["name"])
        hit = next((name for key, name in denied if key and key in normalized), None)
        if hit:
            found.append(
                _finding(impl, "denied_proof", m["name"], "不得索要", f"属于已取消的{hit}")
            )
        elif is_community_issued(m) and normalized.endswith("证明"):
            found.append(
                _finding(
                    impl,
                    "community_proof",
                    m["name"],
                    "不得要求村（社区）出具",
                    f"由{m['issuer']}出具",
                )
            )
    return found


def run_audit(day: dt.date | None = None, region: str = "") -> list[Finding]:
    """Every finding over the catalog in force; `region` keeps only findings about items in
    that subtree, while baselines always come from every region."""
    denied = [
        (normalize_name(name), name)
        for name in ProofRequirement.objects.filter(allowed=False).values_list("name", flat=True)
    ]
    by_base: dict[str, list[_Impl]] = defaultdict(list)
    for impl in _load(day):
        by_base[impl.base_code].append(impl)
    findings: list[Finding] = []
    for code in sorted(by_base):
        impls = by_base[code]
        if len(impls) > 1:
            findings += _compare(impls)
        for impl in impls:
            findings += _rules(impl, denied)
    if region:
        prefix = code_prefix(region) if len(region) == 12 else region
        findings = [f for f in findings if f.region_code.startswith(prefix)]
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.kind for f in findings)
    return {kind: counts.get(kind, 0) for kind in KINDS}


def to_csv(findings: list[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for f in findings:
        writer.writerow(f.as_dict())
    return buffer.getvalue()
