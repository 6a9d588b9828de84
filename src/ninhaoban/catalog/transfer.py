"""Catalog files: JSON and XLSX with the same content, so an export imported again changes
nothing and exports the same. The XLSX has one sheet per table (基本目录, 实施清单, 申请材料,
收费项目, 办理流程) with field names in the first row, as catalog admins edit it in a
spreadsheet; every import error names its sheet, row and field.
"""

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import BaseItem, ItemType
from ninhaoban.catalog.rules import Problem
from ninhaoban.catalog.services import ImportResult, import_catalog
from ninhaoban.catalog.services.bulk import json_locate
from ninhaoban.core.errors import InvalidInput

FORMAT = "ninhaoban.catalog/1"
BASE_COLUMNS = ("code", "name", "item_type", "legal_days", "legal_basis", "levels", "aliases")
ITEM_COLUMNS = (
    "code",
    "base_code",
    "region",
    "department",
    "valid_from",
    *selectors.VERSION_FIELDS,
)
PART_COLUMNS = {
    "materials": selectors.MATERIAL_FIELDS,
    "fees": selectors.FEE_FIELDS,
    "steps": selectors.STEP_FIELDS,
}
SHEETS = {
    "base_items": "基本目录",
    "service_items": "实施清单",
    "materials": "申请材料",
    "fees": "收费项目",
    "steps": "办理流程",
}
LIST_FIELDS = {"levels", "aliases", "delivery_methods", "special_procedures"}
SEPARATOR = "、"


def export_data(day: dt.date | None = None) -> dict[str, Any]:
    """Every base item and every service item's version in force."""
    bases = [
        {
            "code": b.code,
            "name": b.name,
            "item_type": b.item_type,
            "legal_days": b.legal_days,
            "legal_basis": b.legal_basis,
            "levels": list(b.levels),
            "aliases": list(b.aliases),
        }
        for b in BaseItem.objects.order_by("code")
    ]
    items = []
    versions = selectors.current_versions(day).select_related("item__department")
    for version in versions.prefetch_related("materials", "fees", "steps"):
        item = version.item
        items.append(
            {
                "code": item.code,
                "base_code": item.base.code,
                "region": item.region_id,
                "department": item.department.uscc,
                "valid_from": version.valid_from.isoformat() if version.valid_from else None,
                **selectors.version_content(version),
            }
        )
    return {"format": FORMAT, "base_items": bases, "service_items": items}


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def read_json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"JSON文件无法解析：{exc}", f"the JSON file cannot be read: {exc}"
        ) from None
    if not isinstance(data, dict) or data.get("format", FORMAT) != FORMAT:
        raise InvalidInput(
            f"不是{FORMAT}格式的事项目录文件", f"not a catalog file of format {FORMAT}"
        )
    return data


def _cell(field: str, value: Any) -> Any:
    if field in LIST_FIELDS:
        return SEPARATOR.join(value)
    if field == "item_type":
        return ItemType(value).label
    return value


def to_xlsx(data: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bases = workbook.create_sheet(SHEETS["base_items"])
    bases.append(BASE_COLUMNS)
    for base in data["base_items"]:
        bases.append([_cell(f, base[f]) for f in BASE_COLUMNS])
    items = workbook.create_sheet(SHEETS["service_items"])
    items.append(ITEM_COLUMNS)
    parts = {}
    for kind, columns in PART_COLUMNS.items():
        parts[kind] = workbook.create_sheet(SHEETS[kind])
        parts[kind].append(("item_code", *columns))
    for item in data["service_items"]:
        items.append([_cell(f, item[f]) for f in ITEM_COLUMNS])
        for kind, columns in PART_COLUMNS.items():
            for row in item[kind]:
                parts[kind].append([item["code"], *(_cell(f, row[f]) for f in columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(sheet) -> list[tuple[int, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = [str(h).strip() if h is not None else "" for h in header]
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {n: v for n, v in zip(names, values, strict=False) if n}
        out.append((number, {k: "" if v is None else v for k, v in row.items()}))
    return out


def read_xlsx(raw: bytes) -> tuple[dict[str, Any], Callable[..., str], list[Problem]]:
    """The workbook as import data, a function that names the sheet and row of each object
    (errors point at the spreadsheet, not at a JSON path), and the rows that belong to no
    service item."""
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(
            f"XLSX文件无法读取：{exc}", f"the XLSX file cannot be read: {exc}"
        ) from None
    missing = [name for name in SHEETS.values() if name not in workbook.sheetnames]
    if missing:
        raise InvalidInput(
            f"XLSX文件缺少工作表：{'、'.join(missing)}", f"sheets missing: {', '.join(missing)}"
        )
    base_rows = _rows(workbook[SHEETS["base_items"]])
    item_rows = _rows(workbook[SHEETS["service_items"]])
    by_code = {str(row.get("code", "")).strip(): i for i, (_, row) in enumerate(item_rows)}
    items = [dict(row, **{k: [] for k in PART_COLUMNS}) for _, row in item_rows]
    part_rows: dict[str, list[list[int]]] = {k: [[] for _ in items] for k in PART_COLUMNS}
    problems: list[Problem] = []
    for kind in PART_COLUMNS:
        for number, row in _rows(workbook[SHEETS[kind]]):
            code = str(row.pop("item_code", "")).strip()
            index = by_code.get(code)
            if index is None or not code:
                problems.append(
                    Problem(
                        f"{SHEETS[kind]} 第{number}行",
                        "item_code",
                        f"实施清单中没有实施编码“{code}”",
                        f"no service item '{code}' in the 实施清单 sheet",
                    )
                )
                continue
            items[index][kind].append(row)
            part_rows[kind][index].append(number)
    base_numbers = [n for n, _ in base_rows]
    item_numbers = [n for n, _ in item_rows]

    def locate(kind: str, index: int, part: str | None = None, part_index: int = 0) -> str:
        if part:
            return f"{SHEETS[part]} 第{part_rows[part][index][part_index]}行"
        numbers = base_numbers if kind == "base_items" else item_numbers
        return f"{SHEETS[kind]} 第{numbers[index]}行"

    data = {"base_items": [row for _, row in base_rows], "service_items": items}
    return data, locate, problems


def parse_file(
    raw: bytes, filename: str
) -> tuple[dict[str, Any], Callable[..., str], list[Problem]]:
    """A .json or .xlsx catalog file as import data, its locator and reader problems."""
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "json":
        return read_json(raw), json_locate, []
    if suffix == "xlsx":
        return read_xlsx(raw)
    raise InvalidInput(
        f"不支持的文件类型“{filename}”：应为.json或.xlsx",
        f"unsupported file '{filename}': .json or .xlsx expected",
        field="file",
    )


def import_file(raw: bytes, filename: str, *, actor: str) -> ImportResult:
    """Import a .json or .xlsx catalog file: all of it, or nothing and every problem."""
    data, locate, problems = parse_file(raw, filename)
    return import_catalog(data, actor=actor, locate=locate, problems=problems)


def export_file(filename: str, day: dt.date | None = None) -> bytes:
    suffix = filename.lower().rsplit(".", 1)[-1]
    if suffix == "json":
        return to_json(export_data(day))
    if suffix == "xlsx":
        return to_xlsx(export_data(day))
    raise InvalidInput(
        f"不支持的文件类型“{filename}”：应为.json或.xlsx",
        f"unsupported file '{filename}': .json or .xlsx expected",
        field="file",
    )
