"""一表申请: the one form an item or a bundle asks, built from the catalog.

The fields are those of the materials the platform writes itself (a generated 申请书, a
template the applicant chose) in the order the items list them, each key asked once however
many forms print it; label, type, check and help come from the city's 字段库 (`FormField`),
so the same field is the same question in every item. `prefill` names where the platform
already knows a value (docs/contracts.md): `person.<attr>` and `organization.<attr>` (the
applicant's record), `licence:<type code>:<face key>` (a licence the applicant holds),
`shared:<data_key>:<key>` (another department's data, only with the applicant's consent).
"""

import datetime as dt
import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ninhaoban.catalog.models import (
    FieldKind,
    FormField,
    MaterialRequirement,
    MaterialSource,
    ServiceItemVersion,
)
from ninhaoban.catalog.selectors import materials_of
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.idnumbers import parse_id_number, parse_uscc
from ninhaoban.i18n import in_english

MOBILE = re.compile(r"1[3-9]\d{9}")
PREFILL = re.compile(
    r"^(person\.[a-z_]+|organization\.[a-z_]+|licence:[0-9A-Z]{18}[0-9]{3}:[a-z_]+"
    r"|shared:[a-z_]+\.[a-z_]+:[a-z_]+)$"
)
PERSON_ATTRIBUTES = ("name", "identifier", "phone", "email")
ORGANIZATION_ATTRIBUTES = ("name", "identifier", "phone", "legal_representative")


@dataclass(frozen=True)
class Field:
    """One question of the form, as the 字段库 defines it."""

    key: str
    label: str
    label_en: str
    kind: str
    required: bool
    max_length: int
    low: int | None
    high: int | None
    choices: tuple[str, ...]
    help: str
    prefill: str

    @property
    def title(self) -> str:
        """The label in the active language."""
        return self.label_en if in_english() and self.label_en else self.label

    @property
    def prefill_kind(self) -> str:
        """person, organization, licence, shared or "" (the platform does not know it)."""
        return re.split(r"[.:]", self.prefill, maxsplit=1)[0] if self.prefill else ""


def _field(row: FormField) -> Field:
    return Field(
        row.key,
        row.label,
        row.label_en,
        row.kind,
        row.required,
        row.max_length,
        row.low,
        row.high,
        tuple(str(c) for c in row.choices or ()),
        row.help,
        row.prefill,
    )


def asking_materials(versions: Iterable[ServiceItemVersion]) -> list[MaterialRequirement]:
    """The materials of these versions whose content comes from the form: generated forms
    and those a template may satisfy."""
    return [
        m
        for v in versions
        for m in materials_of(v)
        if m.source == MaterialSource.GENERATED or m.template
    ]


def fields_for(versions: Iterable[ServiceItemVersion]) -> list[Field]:
    """The union of the items' fields, in the order they are first asked."""
    order: list[str] = []
    for m in asking_materials(versions):
        order += [k for k in m.fields or [] if k not in order]
    if not order:
        return []
    known = {row.key: _field(row) for row in FormField.objects.filter(key__in=order)}
    return [known[k] for k in order if k in known]


def unknown_keys(keys: Iterable[str]) -> list[str]:
    """Field keys a material names that the 字段库 lacks."""
    keys = list(dict.fromkeys(keys))
    known = set(FormField.objects.filter(key__in=keys).values_list("key", flat=True))
    return [k for k in keys if k not in known]


def _bad(f: Field, zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"{f.label}：{zh}", f"{f.label_en or f.key}: {en}", field=f.key)


def check(f: Field, raw: object) -> str:
    """The value as stored ("" when not given: whether it must be is the form's question,
    see `missing`), or an InvalidInput whose `field` is the field's key, so the page puts the
    message beside the field it is about."""
    value = "" if raw is None else str(raw).strip()
    if not value:
        return ""
    if len(value) > f.max_length:
        raise _bad(f, f"不能超过{f.max_length}个字", f"at most {f.max_length} characters")
    if f.kind == FieldKind.ID_NUMBER:
        try:
            return parse_id_number(value).number
        except InvalidInput as exc:
            raise _bad(f, exc.message_zh, exc.message_en) from None
    if f.kind == FieldKind.USCC:
        try:
            return parse_uscc(value).code
        except InvalidInput as exc:
            raise _bad(f, exc.message_zh, exc.message_en) from None
    if f.kind == FieldKind.PHONE and not MOBILE.fullmatch(value.replace(" ", "")):
        raise _bad(f, "应为11位手机号码", "must be an 11-digit mobile number")
    if f.kind == FieldKind.DATE:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise _bad(f, "应为日期（年-月-日）", "must be a date (YYYY-MM-DD)") from None
    if f.kind in (FieldKind.INTEGER, FieldKind.MONEY):
        return _number(f, value)
    if f.kind == FieldKind.CHOICE and value not in f.choices:
        raise _bad(f, f"应为{'、'.join(f.choices)}之一", f"must be one of {', '.join(f.choices)}")
    return value


def _number(f: Field, value: str) -> str:
    if f.kind == FieldKind.MONEY:  # amounts are asked in 万元, as the label says
        value = value.removesuffix("人民币").removesuffix("万元")
    try:
        number = decimal.Decimal(value.replace(",", ""))
        if not number.is_finite():
            raise decimal.InvalidOperation
    except decimal.InvalidOperation:
        raise _bad(f, "应为数字", "must be a number") from None
    if f.kind == FieldKind.INTEGER and number != number.to_integral_value():
        raise _bad(f, "应为整数", "must be a whole number")
    if (f.low is not None and number < f.low) or (f.high is not None and number > f.high):
        raise _bad(f, f"应在{f.low}到{f.high}之间", f"must be between {f.low} and {f.high}")
    if f.kind == FieldKind.INTEGER:
        return str(int(number))
    return str(number.quantize(decimal.Decimal("0.01")))


def check_all(
    fields: Iterable[Field], posted: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, InvalidInput]]:
    """Every field checked: the values as stored, and what is wrong with each wrong one (all
    of them at once, so the applicant corrects the form in one go)."""
    values: dict[str, str] = {}
    errors: dict[str, InvalidInput] = {}
    for f in fields:
        try:
            values[f.key] = check(f, posted.get(f.key))
        except InvalidInput as exc:
            errors[f.key] = exc
    return values, errors


def missing(fields: Iterable[Field], keys: Iterable[str], values: Mapping[str, str]) -> list[Field]:
    """The required fields among `keys` (one form's) that have no value."""
    wanted = set(keys)
    return [f for f in fields if f.key in wanted and f.required and not values.get(f.key)]
