"""The electronic licence an approval produces, through the licences app.

The catalog version a case was made under says which licence type the item issues
(`licence_type_code`), so the approver does not choose it; only for an item whose version
names none may the approver still name one (one of the types the competent department
issues to this kind of holder). The catalog can only check the code's form (it sits below
licences), so this is where a named type is checked against the licences app. The face
fields come from the application form and the officer's additions.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from ninhaoban.cases.models import Case
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import InvalidInput


def licence_types_for(case: Case) -> list[tuple[str, str]]:
    """(code, name) of the licence types the competent department may issue this applicant."""
    from ninhaoban.licences.models import LicenceType

    if case.department_id is None:
        return []
    rows = LicenceType.objects.filter(
        Q(holder_kind=case.applicant.kind) | Q(holder_kind=""),
        issuing_department_type=case.department.dept_type,
    ).order_by("code")
    return [(t.code, t.name) for t in rows]


def licence_type_of(case: Case, chosen: str = "") -> str:
    """The licence type an approval of this case issues ("" for none): the one its catalog
    version names, or the approver's choice where the version names none."""
    named = case.item_version.licence_type_code if case.item_version_id else ""
    chosen = (chosen or "").strip()
    if named and chosen and chosen != named:
        raise InvalidInput(
            f"本事项签发的证照类型由事项目录规定（{named}），不能改为{chosen}",
            f"the catalog says this item issues licence type {named}, not {chosen}",
            field="licence_type",
        )
    return named or chosen


def application_fields(versions: Iterable[ServiceItemVersion]) -> list[tuple[str, str]]:
    """(key, label) of the face fields of the licences these versions issue, each asked once
    in the application: what the applicant writes there fills the approver's licence form,
    so nobody types it twice."""
    from ninhaoban.licences.models import LicenceType

    codes = [v.licence_type_code for v in versions if v.licence_type_code]
    layouts = dict(LicenceType.objects.filter(code__in=codes).values_list("code", "layout"))
    asked: dict[str, str] = {}
    for code in codes:
        for key, label in layouts.get(code, []):
            asked.setdefault(key, label)
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
    fields: list[tuple[str, str, str]]  # key, label, value from the form


def licence_form(case: Case) -> LicenceForm | None:
    from ninhaoban.licences.models import LicenceType

    code = licence_type_of(case)
    kind = LicenceType.objects.filter(code=code).first() if code else None
    if kind is None:
        return None
    values = _form_values(case)
    return LicenceForm(
        kind.code, kind.name, [(key, label, str(values.get(key, ""))) for key, label in kind.layout]
    )


def _form_values(case: Case) -> dict[str, Any]:
    return {k: v for k, v in case.form.items() if isinstance(v, str | int)}


def issue(case: Case, licence_type_code: str, fields: dict[str, Any], actor: str) -> str:
    """Issue the licence in the caller's transaction and return its identifier."""
    from ninhaoban.licences.services import issue_licence

    if licence_type_code not in {code for code, _ in licence_types_for(case)}:
        raise InvalidInput(
            f"承办部门不能向该申请人签发证照类型{licence_type_code}",
            f"the competent department cannot issue licence type {licence_type_code} "
            "to this applicant",
            field="licence_type",
        )
    values = {**_form_values(case), **{k: v for k, v in fields.items() if v not in ("", None)}}
    licence = issue_licence(
        licence_type_code=licence_type_code,
        holder=case.applicant,
        fields=values,
        issuer_department=case.department,
        case_ref=case.case_no,
        actor=actor,
    )
    return licence.identifier
