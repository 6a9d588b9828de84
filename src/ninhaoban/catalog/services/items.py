"""The life of one service item: base item, draft, edit, publish, end.

Every change takes the item's row lock first, so two admins publishing the same item queue
instead of producing overlapping versions, and each writes its ledger entry in the same
transaction.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import (
    LEVEL_DIGITS,
    BaseItem,
    Fee,
    FieldKind,
    FormField,
    ItemType,
    MaterialRequirement,
    ProcessStep,
    ProofRequirement,
    ServiceItem,
    ServiceItemVersion,
    TypeLabel,
    VersionState,
)
from ninhaoban.catalog.oneform import PREFILL, unknown_keys
from ninhaoban.catalog.rules import BASE_CODE, FIELD_KEY, Problem, clean_version
from ninhaoban.core.canonical import digest
from ninhaoban.core.errors import Conflict, InvalidInput
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import Department, Level, Region


class CatalogRejected(InvalidInput):
    """Everything wrong with a submission, listed at once (一次告知 for catalog admins)."""

    code = "catalog_rejected"

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more_zh = f"（共{len(problems)}处问题）" if len(problems) > 1 else ""
        more_en = f" ({len(problems)} problems)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.where} {first.field}：{first.message_zh}{more_zh}",
            f"{first.where} {first.field}: {first.message_en}{more_en}",
            field=first.field,
        )
        self.problems = problems

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [p.as_dict() for p in self.problems]}


def implementation_code(department: Department, region: Region, base_code: str) -> str:
    """实施编码: the agency's USCC, the level digit of where it acts, the 基本编码."""
    return f"{department.uscc}{LEVEL_DIGITS[Level(region.level)]}{base_code}"


def type_labels() -> dict[str, str]:
    return dict(TypeLabel.objects.values_list("label", "item_type"))


def check_type_label(
    label: str, item_type: str, labels: Mapping[str, str], where: str
) -> list[Problem]:
    if not label:
        return []
    if label not in labels:
        return [
            Problem(
                where,
                "type_label",
                f"事项类型名称“{label}”不在类型对照表中，请先由事项管理员维护对照表",
                f"unknown item type label '{label}': add it to the type label table first",
            )
        ]
    if labels[label] != item_type:
        return [
            Problem(
                where,
                "type_label",
                f"类型名称“{label}”对应{ItemType(labels[label]).label}，"
                f"与基本目录的{ItemType(item_type).label}不一致",
                f"label '{label}' means type {labels[label]}, the base item is {item_type}",
            )
        ]
    return []


def check_department(department: Department, region: Region, where: str) -> list[Problem]:
    if not region.code.startswith(department.region.prefix):
        return [
            Problem(
                where,
                "department",
                f"{department.name}不能在{region.name}实施事项",
                f"{department.name} does not cover region {region.code}",
            )
        ]
    return []


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise CatalogRejected(problems)


@transaction.atomic
def create_base_item(
    *,
    code: str,
    name: str,
    item_type: str,
    legal_days: int,
    actor: str,
    legal_basis: str = "",
    levels: Iterable[str] = (),
    aliases: Iterable[str] = (),
) -> BaseItem:
    code = (code or "").strip().upper()
    if not BASE_CODE.match(code):
        raise InvalidInput(
            f"基本编码“{code}”无效：应为4到17位数字或大写字母",
            f"base code '{code}' is invalid: 4 to 17 digits or capital letters",
            field="code",
        )
    if item_type not in ItemType.values:
        raise InvalidInput(
            f"事项类型{item_type}无效", f"invalid item type {item_type}", field="item_type"
        )
    if BaseItem.objects.filter(code=code).exists():
        raise Conflict(f"基本编码{code}已存在", f"base item {code} exists", field="code")
    base = BaseItem.objects.create(
        code=code,
        name=name.strip(),
        item_type=item_type,
        legal_days=legal_days,
        legal_basis=legal_basis,
        levels=list(levels),
        aliases=list(aliases),
    )
    record("catalog.base_item_created", f"base_item:{code}", actor, {"code": code, "name": name})
    return base


def _write_content(version: ServiceItemVersion, content: Mapping[str, Any]) -> None:
    for field in selectors.VERSION_FIELDS:
        setattr(version, field, content[field])
    version.save()
    version.materials.all().delete()
    version.fees.all().delete()
    version.steps.all().delete()
    MaterialRequirement.objects.bulk_create(
        MaterialRequirement(version=version, position=i, **m)
        for i, m in enumerate(content["materials"], start=1)
    )
    Fee.objects.bulk_create(
        Fee(version=version, position=i, **f) for i, f in enumerate(content["fees"], start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(version=version, position=i, **s)
        for i, s in enumerate(content["steps"], start=1)
    )


def field_problems(content: Mapping[str, Any], where: str) -> list[Problem]:
    """A generated form or template may only print fields the 字段库 defines."""
    unknown = unknown_keys(k for m in content["materials"] for k in m["fields"])
    if not unknown:
        return []
    return [
        Problem(
            where,
            "fields",
            f"字段库中没有字段：{'、'.join(unknown)}",
            f"no such fields in the field register: {', '.join(unknown)}",
        )
    ]


def _clean(item: ServiceItem, content: Mapping[str, Any]) -> dict[str, Any]:
    where = f"item:{item.code}"
    cleaned, problems = clean_version(content, where)
    problems += field_problems(cleaned, where)
    problems += check_type_label(cleaned["type_label"], item.base.item_type, type_labels(), where)
    _raise(problems)
    return cleaned


def _lock(item: ServiceItem) -> ServiceItem:
    return ServiceItem.objects.select_for_update().select_related("base").get(pk=item.pk)


@transaction.atomic
def create_service_item(
    *,
    base: BaseItem,
    region: Region,
    department: Department,
    content: Mapping[str, Any],
    actor: str,
) -> ServiceItemVersion:
    """A new implementation with its first draft; nothing is public until it is published."""
    _raise(check_department(department, region, "department"))
    code = implementation_code(department, region, base.code)
    if ServiceItem.objects.filter(code=code).exists():
        raise Conflict(f"实施编码{code}已存在", f"service item {code} exists", field="code")
    item = ServiceItem.objects.create(code=code, base=base, region=region, department=department)
    cleaned = _clean(item, content)
    version = ServiceItemVersion(item=item, number=1, created_by=actor)
    _write_content(version, cleaned)
    record("catalog.item_created", f"item:{code}", actor, {"version": 1, "digest": digest(cleaned)})
    return version


@transaction.atomic
def create_draft(
    item: ServiceItem, *, actor: str, content: Mapping[str, Any] | None = None
) -> ServiceItemVersion:
    """A new draft, by default a copy of the latest published version to be edited."""
    item = _lock(item)
    if selectors.draft_of(item) is not None:
        raise Conflict(
            "该事项已有草稿版本，请先发布或删除草稿",
            "this item already has a draft; publish or discard it first",
        )
    if content is None:
        latest = selectors.latest_published(item)
        if latest is None:
            raise Conflict("该事项没有可复制的版本", "no version to copy", field="content")
        content = selectors.version_content(latest)
    cleaned = _clean(item, content)
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ServiceItemVersion(item=item, number=number, created_by=actor)
    _write_content(version, cleaned)
    record(
        "catalog.draft_created",
        f"item:{item.code}",
        actor,
        {"version": number, "digest": digest(cleaned)},
    )
    return version


def _require_draft(version: ServiceItemVersion) -> None:
    if version.state != VersionState.DRAFT:
        raise Conflict(
            "已发布的版本不能修改，请新建草稿版本",
            "a published version cannot be changed; create a new draft version",
        )


@transaction.atomic
def update_draft(
    version: ServiceItemVersion, content: Mapping[str, Any], *, actor: str
) -> ServiceItemVersion:
    item = _lock(version.item)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    cleaned = _clean(item, content)
    _write_content(version, cleaned)
    record(
        "catalog.draft_updated",
        f"item:{item.code}",
        actor,
        {"version": version.number, "digest": digest(cleaned)},
    )
    return version


@transaction.atomic
def discard_draft(version: ServiceItemVersion, *, actor: str) -> None:
    item = _lock(version.item)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    number = version.number
    version.delete()
    record("catalog.draft_discarded", f"item:{item.code}", actor, {"version": number})


def _check_start(item: ServiceItem, start: dt.date) -> ServiceItemVersion | None:
    """The version the new one follows; refuses a start that would overlap it."""
    previous = selectors.latest_published(item)
    if previous is None:
        return None
    if previous.valid_to is None and previous.valid_from and start <= previous.valid_from:
        raise Conflict(
            f"生效日期{start}须晚于现行版本的生效日期{previous.valid_from}",
            f"the start {start} must be after the current version's start {previous.valid_from}",
            field="valid_from",
        )
    if previous.valid_to is not None and start < previous.valid_to:
        raise Conflict(
            f"生效日期{start}早于上一版本的失效日期{previous.valid_to}",
            f"the start {start} is before the previous version's end {previous.valid_to}",
            field="valid_from",
        )
    return previous


@transaction.atomic
def publish(
    version: ServiceItemVersion, *, actor: str, valid_from: dt.date | None = None
) -> ServiceItemVersion:
    """Freeze a draft; the version in force until then ends the day the new one starts."""
    item = _lock(version.item)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    _clean(item, selectors.version_content(version))
    start = valid_from or selectors.today()
    previous = _check_start(item, start)
    if previous is not None and previous.valid_to is None:
        previous.valid_to = start
        previous.save(update_fields=["valid_to"])
    version.state = VersionState.PUBLISHED
    version.valid_from = start
    version.published_by = actor
    version.published_at = timezone.now()
    version.save()
    record(
        "catalog.published",
        f"item:{item.code}",
        actor,
        {
            "version": version.number,
            "valid_from": start,
            "digest": digest(selectors.version_content(version)),
        },
    )
    return version


@transaction.atomic
def end_item(item: ServiceItem, *, actor: str, on: dt.date | None = None) -> ServiceItemVersion:
    """Stop offering the item from `on` (exclusive end of the version in force)."""
    item = _lock(item)
    current = item.versions.filter(state=VersionState.PUBLISHED, valid_to__isnull=True).first()
    if current is None:
        raise Conflict("该事项没有在用的版本", "the item has no open version")
    end = on or selectors.today()
    if current.valid_from and end <= current.valid_from:
        raise Conflict(
            f"终止日期{end}须晚于生效日期{current.valid_from}",
            f"the end {end} must be after the start {current.valid_from}",
            field="valid_to",
        )
    current.valid_to = end
    current.save(update_fields=["valid_to"])
    record("catalog.ended", f"item:{item.code}", actor, {"version": current.number, "on": end})
    return current


@transaction.atomic
def save_type_label(*, label: str, item_type: str, actor: str, note: str = "") -> TypeLabel:
    """Maintain the table that maps local type names to the standard type."""
    label = (label or "").strip()
    if not label or item_type not in ItemType.values:
        raise InvalidInput("类型名称和标准类型均须填写", "label and standard type are required")
    row, _ = TypeLabel.objects.update_or_create(
        label=label, defaults={"item_type": item_type, "note": note}
    )
    record("catalog.type_label_saved", f"type_label:{label}", actor, {"item_type": item_type})
    return row


@transaction.atomic
def save_proof_requirement(
    *, name: str, allowed: bool, actor: str, reason: str = ""
) -> ProofRequirement:
    """Maintain the list of proofs offices may not demand."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("证明名称不能为空", "the proof's name is required", field="name")
    row, _ = ProofRequirement.objects.update_or_create(
        name=name, defaults={"allowed": allowed, "reason": reason}
    )
    record("catalog.proof_saved", f"proof:{name}", actor, {"allowed": allowed})
    return row


# what a published version's form publishes of a field (the rest is wording around it)
PUBLISHED_FIELD_ATTRIBUTES = (
    "label",
    "kind",
    "required",
    "max_length",
    "low",
    "high",
    "choices",
    "prefill",
)


@transaction.atomic
def save_form_field(
    *,
    key: str,
    label: str,
    kind: str,
    actor: str,
    label_en: str = "",
    required: bool = True,
    max_length: int = 100,
    low: int | None = None,
    high: int | None = None,
    choices: Iterable[str] = (),
    help: str = "",
    prefill: str = "",
) -> FormField:
    """Maintain the 字段库: one definition per field key, used by every item's form.

    The 字段库 is not versioned itself; what a published version publishes is frozen
    instead. Once a published version's form prints a field, its Chinese label, type, check
    and prefill source stay as published (changing them would change that version's form and
    申请书 after the fact): the English label and the help may still be improved, and a
    different question is a new field, used by a new draft version."""
    key, label, prefill = (key or "").strip(), (label or "").strip(), (prefill or "").strip()
    label_en = (label_en or "").strip()
    if not FIELD_KEY.match(key) or not label or len(label) > 64:
        raise InvalidInput(
            "字段代码（小写字母开头）和名称（64字以内）均须填写",
            "a field needs a key (starting with a lower-case letter) and a label",
            field="key",
        )
    if kind not in FieldKind.values:
        raise InvalidInput(f"字段类型{kind}无效", f"invalid field kind {kind}", field="kind")
    options = [str(c).strip() for c in choices if str(c).strip()]
    if kind == FieldKind.CHOICE and not options:
        raise InvalidInput(
            "选项字段须列出选项", "a choice field lists its options", field="choices"
        )
    if prefill and not PREFILL.match(prefill):
        raise InvalidInput(
            f"预填来源“{prefill}”无效", f"invalid prefill source '{prefill}'", field="prefill"
        )
    if not 1 <= max_length <= 2000:
        raise InvalidInput("最大长度应在1到2000之间", "max length 1 to 2000", field="max_length")
    if low is not None and high is not None and low > high:
        raise InvalidInput(
            "最小值不能大于最大值", "the lowest value cannot exceed the highest", field="low"
        )
    if len(label_en) > 96:
        raise InvalidInput("英文名称不能超过96个字符", "at most 96 characters", field="label_en")
    values = {
        "label": label,
        "label_en": label_en,
        "kind": kind,
        "required": required,
        "max_length": max_length,
        "low": low,
        "high": high,
        "choices": options,
        "help": help[:256],
        "prefill": prefill,
    }
    row = FormField.objects.filter(key=key).first()
    if row is not None and all(getattr(row, k) == v for k, v in values.items()):
        return row  # saved again unchanged: nothing to record
    changed = sorted(k for k, v in values.items() if row is None or getattr(row, k) != v)
    frozen = [k for k in changed if k in PUBLISHED_FIELD_ATTRIBUTES]
    uses = selectors.published_field_uses().get(key, 0) if row is not None and frozen else 0
    if row is not None and uses:
        raise Conflict(
            f"字段“{row.label}”已用于{uses}个已发布版本的申请表，其名称、类型、校验和预填来源"
            "不能修改；请新增字段并在新的草稿版本中使用",
            f"field {key} is on the forms of {uses} published version(s): its label, type, "
            "check and prefill source cannot change; add a new field and use it in a new draft",
            field=frozen[0],
        )
    row, created = FormField.objects.update_or_create(key=key, defaults=values)
    record(
        "catalog.form_field_saved",
        f"form_field:{key}",
        actor,
        {"kind": kind, "created": created, "changed": changed},
    )
    return row


SAMPLE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")
SAMPLE_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def attach_material_file(
    version: ServiceItemVersion, *, position: int, kind: str, upload: File, actor: str
) -> MaterialRequirement:
    """Attach a sample (示例样表) or a blank form (空白表格) to a draft's material."""
    item = _lock(version.item)
    version = ServiceItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if kind not in ("sample", "blank_form"):
        raise InvalidInput(
            "文件类别应为示例样表或空白表格", "kind: sample or blank_form", field="kind"
        )
    name = (upload.name or "").lower()
    if not name.endswith(SAMPLE_SUFFIXES) or not 0 < (upload.size or 0) <= SAMPLE_MAX_BYTES:
        raise InvalidInput(
            "文件应为PDF、Word、Excel或图片，且不超过10MB",
            "the file must be PDF, Word, Excel or an image of at most 10 MB",
            field="file",
        )
    material = version.materials.filter(position=position).first()
    if material is None:
        raise InvalidInput(f"没有第{position}项材料", f"no material {position}", field="position")
    getattr(material, kind).save(upload.name, upload, save=False)
    material.save()
    record(
        "catalog.material_file_attached",
        f"item:{item.code}",
        actor,
        {"version": version.number, "position": position, "kind": kind},
    )
    return material
