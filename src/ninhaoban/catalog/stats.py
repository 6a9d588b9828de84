"""Catalog statistics as the evaluation report counts them: how many items, and the shares
of 即办件, 可网办 (online depth 3 or more), 最多跑一次 (at most one visit) and 一次不用跑
(no visit), overall and per level, region and department."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import ONLINE_MIN_DEPTH, CaseKind
from ninhaoban.regions.models import Level

MEASURES = {
    "immediate": Q(case_kind=CaseKind.IMMEDIATE),
    "online": Q(online_depth__gte=ONLINE_MIN_DEPTH),
    "at_most_one_visit": Q(visits_required__lte=1),
    "zero_visits": Q(visits_required=0),
}
LABELS = {
    "immediate": "即办件",
    "online": "可网办",
    "at_most_one_visit": "最多跑一次",
    "zero_visits": "一次不用跑",
}


def _row(values: dict[str, Any]) -> dict[str, Any]:
    total = values["items"]
    out = dict(values)
    for key in MEASURES:
        out[f"{key}_share"] = round(100 * values[key] / total, 1) if total else 0.0
    return out


def _grouped(qs, *fields: str) -> list[dict[str, Any]]:
    annotations = {key: Count("id", filter=q) for key, q in MEASURES.items()}
    rows = qs.values(*fields).annotate(items=Count("id"), **annotations).order_by(*fields)
    return [_row(r) for r in rows]


def catalog_stats(day: dt.date | None = None, region: str = "") -> dict[str, Any]:
    qs = selectors.list_items(region=region, day=day).order_by()
    total = _row(
        qs.aggregate(
            items=Count("id"), **{key: Count("id", filter=q) for key, q in MEASURES.items()}
        )
    )
    levels = dict(Level.choices)
    by_level = [
        {"level": r.pop("item__region__level"), "level_name": "", **r}
        for r in _grouped(qs, "item__region__level")
    ]
    for r in by_level:
        r["level_name"] = levels.get(r["level"], r["level"])
    by_region = [
        {"region": r.pop("item__region_id"), "region_name": r.pop("item__region__name"), **r}
        for r in _grouped(qs, "item__region_id", "item__region__name")
    ]
    by_department = [
        {
            "region": r.pop("item__region_id"),
            "department": r.pop("item__department__name"),
            "department_type": r.pop("item__department__dept_type"),
            **r,
        }
        for r in _grouped(
            qs, "item__region_id", "item__department__name", "item__department__dept_type"
        )
    ]
    return {
        "date": (day or selectors.today()).isoformat(),
        "total": total,
        "by_level": by_level,
        "by_region": by_region,
        "by_department": by_department,
        "labels": LABELS,
    }
