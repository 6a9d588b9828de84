"""Catalog files: JSON and XLSX with the same content, so an export imported again changes
nothing and exports the same. The JSON is the machine format (field names and codes, for other
systems). The XLSX is what catalog admins edit in a spreadsheet: one sheet per table (基本目录,
实施清单, 申请材料, 收费项目, 办理流程), Chinese column names in the first row and every choice
written as its label (是/否 for yes and no); reading it back maps labels to codes (and still
takes the codes, as older files hold them). Every import error names its sheet, row and field.
"""

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any
from zipfile import BadZipFile

from django.db import models
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ninhaoban.accounts.models import Role
from ninhaoban.catalog import selectors
from ninhaoban.catalog.guides import DATA_NAMES
from ninhaoban.catalog.models import (
    BaseItem,
    CaseKind,
    DeliveryMethod,
    FormField,
    ItemType,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    Requirement,
    SpecialProcedure,
    TemplateKind,
)
from ninhaoban.catalog.rules import Problem
from ninhaoban.catalog.services import CatalogRejected, ImportResult, import_catalog
from ninhaoban.catalog.services.bulk import json_locate
from ninhaoban.core.errors import InvalidInput
from ninhaoban.regions.models import Level

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
LIST_FIELDS = {"levels", "aliases", "delivery_methods", "special_procedures", "fields"}
SEPARATOR = "、"
ITEM_CODE = "item_code"
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "base_items": {
        "code": "基本编码",
        "name": "事项名称",
        "item_type": "事项类型",
        "legal_days": "法定办结时限（工作日）",
        "legal_basis": "设定依据",
        "levels": "行使层级",
        "aliases": "别名",
    },
    "service_items": {
        "code": "实施编码",
        "base_code": "基本编码",
        "region": "行政区划代码",
        "department": "实施主体统一社会信用代码",
        "valid_from": "生效日期",
        "name": "事项名称",
        "type_label": "事项类型名称",
        "case_kind": "办件类型",
        "legal_days": "法定办结时限（工作日）",
        "promised_days": "承诺办结时限（工作日）",
        "visits_required": "到办事现场次数",
        "online_depth": "网上办理深度",
        "kiosk_enabled": "可自助终端办理",
        "min_assurance": "最低实名认证等级",
        "conditions": "受理条件",
        "legal_basis": "设定依据",
        "delivery_methods": "送达方式",
        "special_procedures": "特别程序",
        "online_url": "网上办理地址",
        "licence_type_code": "颁发证照类型代码",
        "establishes_organization": "设立市场主体",
    },
    "materials": {
        ITEM_CODE: "实施编码",
        "name": "材料名称",
        "requirement": "材料必要性",
        "form": "材料形式",
        "copies": "份数",
        "source": "材料来源",
        "licence_type_code": "证照类型代码",
        "data_key": "共享数据",
        "issuer": "出具单位",
        "notes": "填报须知",
        "sample": "样表文件",
        "blank_form": "空白表格文件",
        "fields": "表单字段",
        "template": "可用示范文本",
    },
    "fees": {
        ITEM_CODE: "实施编码",
        "name": "收费项目名称",
        "standard": "收费标准",
        "amount": "金额（元）",
        "basis": "收费依据",
        "waivable": "可减免",
    },
    "steps": {
        ITEM_CODE: "实施编码",
        "name": "环节名称",
        "role": "办理角色",
        "working_days": "环节时限（工作日）",
        "parallel_group": "并联组",
    },
}
CHOICES: dict[str, type[models.Choices]] = {
    "case_kind": CaseKind,
    "online_depth": OnlineDepth,
    "delivery_methods": DeliveryMethod,
    "special_procedures": SpecialProcedure,
    "requirement": Requirement,
    "form": MaterialForm,
    "source": MaterialSource,
    "template": TemplateKind,
    "role": Role,
    "levels": Level,
}
CHOICE_LABELS: dict[str, dict[Any, str]] = {
    field: dict(zip(kind.values, map(str, kind.labels), strict=True))
    for field, kind in CHOICES.items()
} | {"data_key": dict(DATA_NAMES)}
BOOLEAN_FIELDS = {"kiosk_enabled", "establishes_organization", "waivable"}
YES, NO = "是", "否"


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


Labels = dict[str, dict[Any, str]]


def _labels() -> Labels:
    """The choice tables and the 字段库's names: a material's form fields are shown by name
    (注册资本), read back from it, and kept as the key a name does not match."""
    return CHOICE_LABELS | {"fields": dict(FormField.objects.values_list("key", "label"))}


def _cell(labels: Labels, field: str, value: Any) -> Any:
    names = labels.get(field, {})
    if field in LIST_FIELDS:
        return SEPARATOR.join(str(names.get(v, v)) for v in value)
    if field == "item_type":
        return ItemType(value).label
    if field in BOOLEAN_FIELDS and isinstance(value, bool):
        return YES if value else NO
    return names.get(value, value)


def _code(labels: Labels, field: str, value: Any) -> Any:
    """A cell as the field's code: a label read back, a code kept."""
    if field in LIST_FIELDS and isinstance(value, str):
        return [str(_one_code(labels, field, v)) for v in _split(labels, field, value)]
    if field in BOOLEAN_FIELDS and value in (YES, NO):
        return value == YES
    return _one_code(labels, field, value)


def _split(labels: Labels, field: str, text: str) -> list[str]:
    """A list cell's values; a label that holds the separator itself (县（市、区）) is one."""
    names = set(labels.get(field, {}).values())
    parts = [p.strip() for p in text.split(SEPARATOR)]
    values, i = [], 0
    while i < len(parts):
        j = next(
            (j for j in range(len(parts), i + 1, -1) if SEPARATOR.join(parts[i:j]) in names),
            i + 1,
        )
        values.append(SEPARATOR.join(parts[i:j]))
        i = j
    return [v for v in values if v]


def _one_code(labels: Labels, field: str, value: Any) -> Any:
    by_label = {label: code for code, label in labels.get(field, {}).items()}
    return by_label.get(value, value) if isinstance(value, str) else value


def to_xlsx(data: dict[str, Any]) -> bytes:
    labels = _labels()
    workbook = Workbook()
    workbook.remove(workbook.active)
    bases = workbook.create_sheet(SHEETS["base_items"])
    bases.append([COLUMN_LABELS["base_items"][f] for f in BASE_COLUMNS])
    for base in data["base_items"]:
        bases.append([_cell(labels, f, base[f]) for f in BASE_COLUMNS])
    items = workbook.create_sheet(SHEETS["service_items"])
    items.append([COLUMN_LABELS["service_items"][f] for f in ITEM_COLUMNS])
    parts = {}
    for kind, columns in PART_COLUMNS.items():
        parts[kind] = workbook.create_sheet(SHEETS[kind])
        parts[kind].append([COLUMN_LABELS[kind][f] for f in (ITEM_CODE, *columns)])
    for item in data["service_items"]:
        items.append([_cell(labels, f, item[f]) for f in ITEM_COLUMNS])
        for kind, columns in PART_COLUMNS.items():
            for row in item[kind]:
                parts[kind].append([item["code"], *(_cell(labels, f, row[f]) for f in columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(sheet, kind: str) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's rows by field name, each cell as its code (the header may name a column by
    its Chinese label or by its field name)."""
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    labels = _labels()
    fields = {label: field for field, label in COLUMN_LABELS[kind].items()}
    names = [str(h).strip() if h is not None else "" for h in header]
    names = [fields.get(n, n) for n in names]
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {n: v for n, v in zip(names, values, strict=False) if n}
        out.append((number, {k: "" if v is None else _code(labels, k, v) for k, v in row.items()}))
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
    base_rows = _rows(workbook[SHEETS["base_items"]], "base_items")
    item_rows = _rows(workbook[SHEETS["service_items"]], "service_items")
    by_code = {str(row.get("code", "")).strip(): i for i, (_, row) in enumerate(item_rows)}
    items = [dict(row, **{k: [] for k in PART_COLUMNS}) for _, row in item_rows]
    part_rows: dict[str, list[list[int]]] = {k: [[] for _ in items] for k in PART_COLUMNS}
    problems: list[Problem] = []
    for kind in PART_COLUMNS:
        for number, row in _rows(workbook[SHEETS[kind]], kind):
            code = str(row.pop(ITEM_CODE, "")).strip()
            index = by_code.get(code)
            if index is None or not code:
                problems.append(
                    Problem(
                        f"{SHEETS[kind]} 第{number}行",
                        ITEM_CODE,
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
    """Import a .json or .xlsx catalog file: all of it, or nothing and every problem (in a
    spreadsheet's words: its sheet, row and column name)."""
    data, locate, problems = parse_file(raw, filename)
    try:
        return import_catalog(data, actor=actor, locate=locate, problems=problems)
    except CatalogRejected as refused:
        if not filename.lower().endswith(".xlsx"):
            raise
        raise CatalogRejected([_in_columns(p) for p in refused.problems]) from None


def _in_columns(problem: Problem) -> Problem:
    """A problem of a sheet row named by its column's label instead of its field name."""
    kind = next((k for k, sheet in SHEETS.items() if problem.where.startswith(sheet)), None)
    label = COLUMN_LABELS.get(kind or "", {}).get(problem.field)
    if label is None:
        return problem
    key = problem.field
    return Problem(
        problem.where,
        label,
        label + problem.message_zh.removeprefix(key)
        if problem.message_zh.startswith(key)
        else problem.message_zh,
        problem.message_en,
    )


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
