"""The electronic licence an approval produces, through the licences app.

The catalog does not (yet) say which licence type an item results in, so the officer who
approves names it (one of the types the competent department issues to this kind of
holder); its face fields come from the application form and the officer's additions.
"""

from typing import Any

from ninhaoban.cases.models import Case
from ninhaoban.core.errors import InvalidInput


def licence_types_for(case: Case) -> list[tuple[str, str]]:
    """(code, name) of the licence types the competent department may issue this applicant."""
    from ninhaoban.licences.models import LicenceType

    if case.department_id is None:
        return []
    rows = LicenceType.objects.filter(
        issuing_department_type=case.department.dept_type, holder_kind=case.applicant.kind
    ).order_by("code")
    return [(t.code, t.name) for t in rows]


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
    values = {**{k: v for k, v in case.form.items() if isinstance(v, str | int)}, **fields}
    licence = issue_licence(
        licence_type_code=licence_type_code,
        holder=case.applicant,
        fields=values,
        issuer_department=case.department,
        case_ref=case.case_no,
        actor=actor,
    )
    return licence.identifier
