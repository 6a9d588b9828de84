"""The catalog admin's edit form: scalar fields as inputs, materials, fees and steps as one
line each with fields separated by "|", so a whole version fits on one page and can be
pasted from a spreadsheet."""

from collections.abc import Mapping
from typing import Any

MATERIAL_COLUMNS = (
    "name",
    "requirement",
    "form",
    "copies",
    "source",
    "licence_type_code",
    "data_key",
    "issuer",
    "notes",
    "template",
    "fields",
)
FEE_COLUMNS = ("name", "standard", "amount", "basis", "waivable")
STEP_COLUMNS = ("name", "role", "working_days", "parallel_group")
SCALARS = (
    "name",
    "type_label",
    "case_kind",
    "legal_days",
    "promised_days",
    "visits_required",
    "online_depth",
    "conditions",
    "legal_basis",
    "online_url",
    "licence_type_code",
)
LISTS = ("delivery_methods", "special_procedures")


def _lines(text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False)))
    return rows


def content_from_form(post: Mapping[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {f: post.get(f, "") for f in SCALARS}
    for flag in ("kiosk_enabled", "establishes_organization"):
        content[flag] = post.get(flag) in ("on", "1", "true")
    content["min_assurance"] = post.get("min_assurance") or "0"
    for field in LISTS:
        content[field] = post.get(field, "")
    content["materials"] = _lines(post.get("materials", ""), MATERIAL_COLUMNS)
    content["fees"] = _lines(post.get("fees", ""), FEE_COLUMNS)
    content["steps"] = _lines(post.get("steps", ""), STEP_COLUMNS)
    for material in content["materials"]:
        material["copies"] = material["copies"] or "1"
    for fee in content["fees"]:
        fee["waivable"] = fee["waivable"] or "否"
    for step in content["steps"]:
        step["working_days"] = step["working_days"] or "0"
    return content


def _join(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return "" if value is None else str(value)

    return "\n".join(" | ".join(cell(row.get(c)) for c in columns) for row in rows)


def form_from_content(content: Mapping[str, Any] | None) -> dict[str, Any]:
    if content is None:
        return {
            "case_kind": "promised",
            "visits_required": 1,
            "min_assurance": 0,
            "online_depth": 3,
            "delivery_methods": "window electronic",
            "steps": "受理 | clerk | 0 |\n审查 | approver | 1 |\n决定 | chief | 1 |",
        }
    values: dict[str, Any] = {f: content[f] for f in SCALARS}
    values["kiosk_enabled"] = content["kiosk_enabled"]
    values["min_assurance"] = content.get("min_assurance", 0)
    values["establishes_organization"] = content.get("establishes_organization", False)
    for field in LISTS:
        values[field] = " ".join(content[field])
    values["materials"] = _join(content["materials"], MATERIAL_COLUMNS)
    values["fees"] = _join(content["fees"], FEE_COLUMNS)
    values["steps"] = _join(content["steps"], STEP_COLUMNS)
    return values
