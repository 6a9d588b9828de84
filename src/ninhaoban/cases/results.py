"""The electronic licence an approval produces, through the licences app.

The catalog version a case was made under says which licence type the item issues
(`licence_type_code`), so the approver does not choose it; only for an item whose version
names none may the approver still name one (one of the types the competent department
issues to this kind of holder). The catalog can only check the code's form (it sits below
licences), so this is where a named type is checked against the licences app. The face
fields come from the application form and the officer's additions.

An item that establishes an organization (企业设立登记) issues its licence to that new
organization: the application names it, the approver enters the 统一社会信用代码 the
registration gave it, and the approval registers it as an applicant and makes it the holder.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.accounts.services import register_organization
from ninhaoban.cases.models import Case
from ninhaoban.catalog import oneform
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import InvalidInput
from ninhaoban.licences import selectors as licences
from ninhaoban.licences.schema import FieldSpec, schema, spec

NEW_ORGANIZATION_NAME = FieldSpec(
    "organization_name", "拟设立法人名称", "Name of the new organization"
)
NEW_ORGANIZATION_CODE = FieldSpec("uscc", "统一社会信用代码", "Unified social credit code")
NEW_ORGANIZATION_KEYS = (NEW_ORGANIZATION_NAME.key, NEW_ORGANIZATION_CODE.key)


def establishes_organization(case: Case) -> bool:
    return case.item_version is not None and case.item_version.establishes_organization


def _holder_kind(case: Case) -> str:
    return ApplicantKind.ORGANIZATION if establishes_organization(case) else case.applicant.kind


def licence_types_for(case: Case) -> list[tuple[str, str]]:
    """(code, name) of the licence types the competent department may issue this applicant
    (or the organization the case establishes)."""
    if case.department is None:
        return []
    rows = licences.issuable_types(_holder_kind(case), case.department.dept_type)
    return [(t.code, t.name) for t in rows]


def licence_type_of(case: Case, chosen: str = "") -> str:
    """The licence type an approval of this case issues ("" for none): the one its catalog
    version names, or the approver's choice where the version names none."""
    named = case.item_version.licence_type_code if case.item_version is not None else ""
    chosen = (chosen or "").strip()
    if named and chosen and chosen != named:
        raise InvalidInput(
            f"本事项签发的证照类型由事项目录规定（{named}），不能改为{chosen}",
            f"the catalog says this item issues licence type {named}, not {chosen}",
            field="licence_type",
        )
    return named or chosen


def application_fields(versions: Iterable[ServiceItemVersion]) -> list[tuple[str, str]]:
    """(key, label) of the one form's fields (the catalog's 字段库), then of the face fields
    of the licences these versions issue, in their schemas' order and each asked once in
    the application: what the applicant writes there fills the approver's licence form, so
    nobody types it twice."""
    versions = list(versions)
    codes = [v.licence_type_code for v in versions if v.licence_type_code]
    layouts = licences.layouts_of(codes)
    # the one form's fields (一表申请) first: a licence face field of the same key is the same
    # question, asked once
    asked: dict[str, str] = {}
    if any(v.establishes_organization for v in versions):
        asked[NEW_ORGANIZATION_NAME.key] = NEW_ORGANIZATION_NAME.label
    for field in oneform.fields_for(versions):
        asked.setdefault(field.key, field.title)
    for code in codes:
        for f in (spec(entry) for entry in layouts.get(code) or []):
            asked.setdefault(f.key, f.label)
    return list(asked.items())


def application_form(posted: Mapping[str, str], fields: Iterable[tuple[str, str]]) -> dict:
    """The form an intake page stores: the note and every asked field that was filled in."""
    form = {"note": posted.get("note", "")[:500]}
    for key, _ in fields:
        value = (posted.get(f"form-{key}") or "").strip()
        if value:
            form[key] = value[:500]
    return form


@dataclass(frozen=True)
class LicenceForm:
    """What the approval page shows of the licence the catalog says an approval issues: its
    type and its face fields, filled in from the application form where it has them."""

    code: str
    name: str
    fields: list[tuple[str, str, str, bool]]  # key, label, value from the form, required


def licence_form(case: Case) -> LicenceForm | None:
    code = licence_type_of(case)
    kind = licences.licence_type(code) if code else None
    if kind is None:
        return None
    values = _form_values(case)
    specs = schema(kind)
    if establishes_organization(case):
        specs = [NEW_ORGANIZATION_NAME, NEW_ORGANIZATION_CODE, *specs]
    return LicenceForm(
        kind.code,
        kind.name,
        [(f.key, f.label, str(values.get(f.key, "")), f.required) for f in specs],
    )


def _form_values(case: Case) -> dict[str, Any]:
    return {k: v for k, v in case.form.items() if isinstance(v, str | int)}


def issue(case: Case, licence_type_code: str, fields: dict[str, Any], actor: str) -> str:
    """Issue the licence in the caller's transaction and return its identifier."""
    from ninhaoban.licences.services import issue_licence

    department = case.department
    if department is None or licence_type_code not in {c for c, _ in licence_types_for(case)}:
        raise InvalidInput(
            f"承办部门不能向该申请人签发证照类型{licence_type_code}",
            f"the competent department cannot issue licence type {licence_type_code} "
            "to this applicant",
            field="licence_type",
        )
    values = {**_form_values(case), **{k: v for k, v in fields.items() if v not in ("", None)}}
    holder = case.applicant
    if establishes_organization(case):
        holder = _new_organization(case, licence_type_code, values, actor)
        values = {k: v for k, v in values.items() if k not in NEW_ORGANIZATION_KEYS}
    licence = issue_licence(
        licence_type_code=licence_type_code,
        holder=holder,
        fields=values,
        issuer_department=department,
        case_ref=case.case_no,
        actor=actor,
    )
    return licence.identifier


def _new_organization(
    case: Case, licence_type_code: str, values: dict[str, Any], actor: str
) -> Applicant:
    """The organization the approval establishes, registered in the caller's transaction (a
    refused licence leaves no organization behind). Its name, its code and the licence's face
    fields are checked together, so the approver hears of everything missing at once. A code
    already registered is refused: a new organization never takes over another's licences."""
    layout = licences.layouts_of([licence_type_code]).get(licence_type_code) or []
    asked = [NEW_ORGANIZATION_NAME, NEW_ORGANIZATION_CODE, *(spec(e) for e in layout)]
    missing = [f for f in asked if f.required and not str(values.get(f.key) or "").strip()]
    if missing:
        raise InvalidInput(
            f"请填写：{'、'.join(f.zh for f in missing)}",
            f"missing: {', '.join(f.en or f.zh for f in missing)}",
            field="licence_fields",
        )
    code = str(values[NEW_ORGANIZATION_CODE.key]).strip().upper()
    existing = applicant_by_identifier(code)
    if existing is not None:
        raise InvalidInput(
            f"统一社会信用代码{code}已登记给{existing.name}，不能再设立",
            f"the unified social credit code {code} is already registered to {existing.name}",
            field="uscc",
        )
    return register_organization(
        uscc=code,
        name=str(values[NEW_ORGANIZATION_NAME.key]).strip(),
        region=case.region,
        legal_representative=str(values.get("legal_representative") or case.applicant.name),
        actor=actor,
    )
