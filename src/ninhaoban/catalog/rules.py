"""The catalog's rules as pure functions, shared by the services, the audit and the import.

Everything here works on plain dicts (the same shape as the JSON export), so a whole import
file can be checked before a single row is written.
"""

import datetime as dt
import decimal
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ninhaoban.accounts.models import AssuranceLevel, Role
from ninhaoban.catalog.models import (
    CaseKind,
    DeliveryMethod,
    MaterialForm,
    MaterialSource,
    OnlineDepth,
    Requirement,
    SpecialProcedure,
    TemplateKind,
)
from ninhaoban.core.weburls import host_allowed

_BRACKETS = re.compile(r"[（(【\[〔][^）)】\]〕]*[）)】\]〕]")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
BASE_CODE = re.compile(r"^[0-9A-Z]{4,17}$")
# 证照类型代码 in the national form: the defining agency's 18-character code and a 3-digit
# serial (docs/contracts.md). The catalog checks the form only: whether such a type exists
# is the licences app's to say, and licences sits above catalog, so the case that issues
# the licence checks it at approval (cases.results) and says so in a 4xx.
LICENCE_TYPE_CODE = re.compile(r"^[0-9A-Z]{18}[0-9]{3}$")
COMMUNITY_ISSUERS = ("社区", "居委会", "村委会", "村民委员会", "居民委员会")


def normalize_name(name: str) -> str:
    """Compare names the way a clerk would: 营业执照（副本） is 营业执照, spaces and
    punctuation and full-width forms do not matter."""
    text = _BRACKETS.sub("", unicodedata.normalize("NFKC", name or ""))
    return _NOISE.sub("", text).lower()


def material_key(material: Mapping[str, Any]) -> str:
    """Two materials are the same document when they are the same licence type, the same
    shared data set, or have the same normalized name."""
    if material.get("source") == MaterialSource.LICENCE and material.get("licence_type_code"):
        return f"licence:{material['licence_type_code']}"
    if material.get("source") == MaterialSource.SHARED_DATA and material.get("data_key"):
        return f"data:{material['data_key']}"
    return f"name:{normalize_name(material.get('name', ''))}"


def critical_path(steps: Iterable[Mapping[str, Any]]) -> int:
    """Working days from first to last step: a parallel group takes its longest member,
    groups and lone steps follow one another in the order they first appear."""
    stages: dict[str, int] = {}
    for index, step in enumerate(steps):
        key = step.get("parallel_group") or f"#{index}"
        stages[key] = max(stages.get(key, 0), int(step.get("working_days") or 0))
    return sum(stages.values())


def is_community_issued(material: Mapping[str, Any]) -> bool:
    issuer = material.get("issuer") or ""
    return any(word in issuer for word in COMMUNITY_ISSUERS)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field; `where` locates the object (a sheet row, a path)."""

    where: str
    field: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "where": self.where,
            "field": self.field,
            "message": self.message_zh,
            "message_en": self.message_en,
        }


class Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []

    def add(self, field: str, zh: str, en: str) -> None:
        self.problems.append(Problem(self.where, field, zh, en))

    def text(self, data: Mapping[str, Any], field: str, max_length: int, *, required=False):
        value = data.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, f"{field}应为文本", f"{field} must be text")
            return ""
        value = value.strip()
        if required and not value:
            self.add(field, f"{field}不能为空", f"{field} is required")
        if len(value) > max_length:
            self.add(field, f"{field}超过{max_length}个字符", f"{field} exceeds {max_length}")
        return value

    def web_url(self, data: Mapping[str, Any], field: str, max_length: int) -> str:
        value = self.text(data, field, max_length)
        if value and not host_allowed(value, settings.NHB_CATALOG_URL_HOSTS):
            self.add(
                field,
                "网上办理地址须为以 https:// 或 http:// 开头的网址，且其网站在允许之列"
                f"（{'、'.join(settings.NHB_CATALOG_URL_HOSTS)}）",
                "the online web address must be an https:// or http:// address on an allowed "
                f"host ({', '.join(settings.NHB_CATALOG_URL_HOSTS)})",
            )
            return ""
        return value

    def integer(self, data: Mapping[str, Any], field: str, *, low=0, high=10_000, default=None):
        value = data.get(field, default)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, f"{field}应为整数", f"{field} must be an integer")
            return low
        if not low <= value <= high:
            self.add(
                field,
                f"{field}应在{low}到{high}之间",
                f"{field} must be between {low} and {high}",
            )
        return value

    def boolean(self, data: Mapping[str, Any], field: str, default: bool = False) -> bool:
        value = data.get(field, default)
        if isinstance(value, str) and value.strip().lower() in {"1", "true", "是", "yes"}:
            return True
        if isinstance(value, str) and value.strip().lower() in {"0", "false", "否", "no", ""}:
            return False
        if not isinstance(value, bool):
            self.add(field, f"{field}应为是或否", f"{field} must be true or false")
            return False
        return value

    def choice(self, data: Mapping[str, Any], field: str, choices, default=None) -> str:
        value = data.get(field, default)
        if value in (None, "") and default is not None:
            value = default
        if value not in choices.values:
            allowed = "、".join(str(v) for v in choices.values)
            self.add(
                field, f"{field}“{value}”无效，应为{allowed}", f"{field} '{value}' not in {allowed}"
            )
            return default or choices.values[0]
        return value

    def choices_list(self, data: Mapping[str, Any], field: str, choices) -> list[str]:
        value = data.get(field) or []
        if isinstance(value, str):
            value = [v for v in re.split(r"[,，、;；\s]+", value) if v]
        if not isinstance(value, list):
            self.add(field, f"{field}应为列表", f"{field} must be a list")
            return []
        for v in value:
            if v not in choices.values:
                self.add(field, f"{field}含无效值“{v}”", f"{field} has an invalid value '{v}'")
        return [v for v in value if v in choices.values]

    def date(self, data: Mapping[str, Any], field: str) -> dt.date | None:
        value = data.get(field)
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(field, f"{field}应为日期（YYYY-MM-DD）", f"{field} must be a YYYY-MM-DD date")
            return None


def clean_version(
    data: Mapping[str, Any], where: str, part_where=None
) -> tuple[dict[str, Any], list[Problem]]:
    """Check and normalize a version's content (fields, materials, fees, steps).

    `part_where(kind, index)` names the location of the index-th material/fee/step, so an
    import can point at the sheet and row it came from.
    """
    c = Checker(where)
    out: dict[str, Any] = {
        "name": c.text(data, "name", 128, required=True),
        "type_label": c.text(data, "type_label", 32),
        "case_kind": c.choice(data, "case_kind", CaseKind, CaseKind.PROMISED),
        "legal_days": c.integer(data, "legal_days", high=3650),
        "promised_days": c.integer(data, "promised_days", high=3650),
        "visits_required": c.integer(data, "visits_required", high=20, default=1),
        "online_depth": int(
            c.choice(
                {"online_depth": _as_int(data.get("online_depth", 1))},
                "online_depth",
                OnlineDepth,
                OnlineDepth.INFORMATION,
            )
        ),
        "kiosk_enabled": c.boolean(data, "kiosk_enabled"),
        "min_assurance": c.integer(
            data, "min_assurance", high=max(AssuranceLevel.values), default=AssuranceLevel.NONE
        ),
        "conditions": c.text(data, "conditions", 10_000),
        "legal_basis": c.text(data, "legal_basis", 10_000),
        "delivery_methods": c.choices_list(data, "delivery_methods", DeliveryMethod),
        "special_procedures": c.choices_list(data, "special_procedures", SpecialProcedure),
        "online_url": c.web_url(data, "online_url", 256),
        "licence_type_code": c.text(data, "licence_type_code", 32).upper(),
        "establishes_organization": c.boolean(data, "establishes_organization"),
    }
    if out["licence_type_code"] and not LICENCE_TYPE_CODE.match(out["licence_type_code"]):
        c.add(
            "licence_type_code",
            f"签发证照类型代码“{out['licence_type_code']}”无效：应为18位发证机关代码加3位序号",
            f"licence type code '{out['licence_type_code']}' is invalid: "
            "an 18-character agency code and a 3-digit serial",
        )
    if out["establishes_organization"] and not out["licence_type_code"]:
        c.add(
            "establishes_organization",
            "设立法人的事项须写明签发给该法人的证照类型",
            "an item that establishes an organization names the licence type it issues to it",
        )
    if out["promised_days"] > out["legal_days"]:
        c.add(
            "promised_days",
            f"承诺时限{out['promised_days']}个工作日超过法定时限{out['legal_days']}个工作日",
            f"promised days {out['promised_days']} exceed legal days {out['legal_days']}",
        )
    if out["case_kind"] == CaseKind.IMMEDIATE and out["promised_days"] != 0:
        c.add("promised_days", "即办件的承诺时限应为0", "an immediate item promises 0 days")
    problems = c.problems
    parts = {"materials": _clean_material, "fees": _clean_fee, "steps": _clean_step}
    for kind, cleaner in parts.items():
        rows = data.get(kind) or []
        if not isinstance(rows, list):
            problems.append(Problem(where, kind, f"{kind}应为列表", f"{kind} must be a list"))
            rows = []
        cleaned = []
        for index, row in enumerate(rows):
            pc = Checker(part_where(kind, index) if part_where else f"{where}.{kind}[{index}]")
            if not isinstance(row, Mapping):
                pc.add(kind, "应为对象", "must be an object")
            else:
                cleaned.append(cleaner(row, pc, index + 1))
            problems.extend(pc.problems)
        out[kind] = cleaned
    if not out["materials"]:
        problems.append(
            Problem(where, "materials", "至少需要一项申请材料", "at least one material")
        )
    seen: dict[str, int] = {}
    for index, material in enumerate(out["materials"]):
        key = material_key(material)
        if key in seen:
            loc = part_where("materials", index) if part_where else f"{where}.materials[{index}]"
            problems.append(
                Problem(
                    loc,
                    "name",
                    f"材料“{material['name']}”与第{seen[key] + 1}项重复",
                    f"material '{material['name']}' repeats material {seen[key] + 1}",
                )
            )
        seen[key] = index
    path = critical_path(out["steps"])
    if path > out["promised_days"]:
        problems.append(
            Problem(
                where,
                "steps",
                f"办理环节合计{path}个工作日，超过承诺时限{out['promised_days']}个工作日",
                f"the steps take {path} working days, over the {out['promised_days']} promised",
            )
        )
    return out, problems


def _as_int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _clean_material(row: Mapping[str, Any], c: Checker, position: int) -> dict[str, Any]:
    m = {
        "name": c.text(row, "name", 128, required=True),
        "requirement": c.choice(row, "requirement", Requirement, Requirement.REQUIRED),
        "form": c.choice(row, "form", MaterialForm, MaterialForm.EITHER),
        "copies": c.integer(row, "copies", high=99, default=1),
        "source": c.choice(row, "source", MaterialSource, MaterialSource.APPLICANT),
        "licence_type_code": c.text(row, "licence_type_code", 32),
        "data_key": c.text(row, "data_key", 64),
        "issuer": c.text(row, "issuer", 64),
        "notes": c.text(row, "notes", 256),
        "sample": c.text(row, "sample", 100),
        "blank_form": c.text(row, "blank_form", 100),
        "fields": _field_keys(row, c),
        "template": c.choice(row, "template", TemplateKind, "") if row.get("template") else "",
    }
    if m["source"] == MaterialSource.GENERATED and not m["fields"]:
        c.add("fields", "平台生成的申请表须列出表单字段", "a generated form lists its fields")
    if m["template"] and m["source"] != MaterialSource.APPLICANT:
        c.add(
            "template",
            "只有申请人提交的材料可由示范文本生成",
            "only a material the applicant hands in may be met by a template",
        )
    if m["fields"] and not (m["source"] == MaterialSource.GENERATED or m["template"]):
        c.add(
            "fields",
            "只有平台生成的申请表或示范文本有表单字段",
            "only generated forms and templates have fields",
        )
    if m["source"] == MaterialSource.LICENCE and not m["licence_type_code"]:
        c.add("licence_type_code", "来源为电子证照时须填证照类型代码", "licence type code needed")
    if m["source"] == MaterialSource.SHARED_DATA and not m["data_key"]:
        c.add("data_key", "来源为共享数据时须填数据集", "data_key needed for shared data")
    if m["source"] != MaterialSource.LICENCE and m["licence_type_code"]:
        c.add("licence_type_code", "仅电子证照来源可填证照类型", "only licence sources")
    if m["source"] != MaterialSource.SHARED_DATA and m["data_key"]:
        c.add("data_key", "仅共享数据来源可填数据集", "only shared-data sources take a data_key")
    return m


FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


def _field_keys(row: Mapping[str, Any], c: Checker) -> list[str]:
    """The 字段库 keys a generated form or template prints (a list, or text separated by 、
    as a spreadsheet cell holds it)."""
    value = row.get("fields") or []
    if isinstance(value, str):
        value = [v for v in re.split(r"[、,，\s]+", value) if v]
    if not isinstance(value, list) or len(value) > 60:
        c.add("fields", "表单字段应为字段代码列表", "fields must be a list of field keys")
        return []
    keys = [str(v).strip() for v in value]
    bad = [k for k in keys if not FIELD_KEY.match(k)]
    if bad:
        c.add("fields", f"字段代码无效：{'、'.join(bad)}", f"invalid field keys: {', '.join(bad)}")
        return []
    return list(dict.fromkeys(keys))


def _clean_fee(row: Mapping[str, Any], c: Checker, position: int) -> dict[str, Any]:
    amount = row.get("amount")
    if amount in (None, ""):
        amount = None
    else:
        try:
            amount = decimal.Decimal(str(amount)).quantize(decimal.Decimal("0.01"))
            if amount < 0 or amount >= 10**8:
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            c.add("amount", "金额应为非负数（元）", "amount must be a non-negative number")
            amount = None
    return {
        "name": c.text(row, "name", 128, required=True),
        "standard": c.text(row, "standard", 128, required=True),
        "amount": None if amount is None else str(amount),
        "basis": c.text(row, "basis", 256),
        "waivable": c.boolean(row, "waivable"),
    }


def _clean_step(row: Mapping[str, Any], c: Checker, position: int) -> dict[str, Any]:
    return {
        "name": c.text(row, "name", 128, required=True),
        "role": c.choice(row, "role", Role, Role.APPROVER),
        "working_days": c.integer(row, "working_days", high=365),
        "parallel_group": c.text(row, "parallel_group", 16),
    }


def plan_days(members: Iterable[tuple[int, int]]) -> int:
    """A bundle's working days: items of one stage run in parallel, stages in sequence.
    `members` are (stage, promised_days) pairs."""
    stages: dict[int, int] = {}
    for stage, days in members:
        stages[stage] = max(stages.get(stage, 0), days)
    return sum(stages.values())
