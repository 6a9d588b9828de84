"""Licence endpoints: public verification, and staff reads (scoped, traced) and status changes."""

from django.http import HttpRequest
from ninja import Router, Schema

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope, staff_of
from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.licences import selectors, services
from ninhaoban.licences.models import Licence
from ninhaoban.licences.payloads import effective_status, verify_licence

router = Router(tags=["licences"])
STATUS_ROLES = (Role.APPROVER, Role.CHIEF)


class VerificationOut(Schema):
    identifier: str
    genuine: bool
    state: str
    label: str
    label_en: str
    licence_type: str
    holder: str
    issuer: str
    issued_on: str
    expires_on: str | None


class LicenceOut(VerificationOut):
    holder_identifier: str
    status: str
    status_reason: str
    fields: dict
    case_ref: str


class MaterialLineOut(Schema):
    name: str
    source: str
    exempt: bool
    reason: str
    kind: str


class ExemptionOut(Schema):
    code: str
    name: str
    items: int
    asked: int
    total: int
    exempt: int
    handed_in: int
    sharing_rate: float
    lines: list[MaterialLineOut]
    shared: int
    written: int
    by_kind: dict[str, int]
    exempt_rate: float


class StatusIn(Schema):
    status: str
    reason: str


def _verification(licence: Licence) -> dict:
    verdict = verify_licence(licence)
    return {
        "identifier": licence.identifier,
        "genuine": verdict.genuine,
        "state": verdict.state,
        "label": verdict.label_zh,
        "label_en": verdict.label_en,
        "licence_type": licence.licence_type.name,
        "holder": licence.holder.display_name,
        "issuer": licence.issuer.name,
        "issued_on": licence.issued_on.isoformat(),
        "expires_on": licence.expires_on.isoformat() if licence.expires_on else None,
    }


def _staff_licence(request: HttpRequest, identifier: str) -> Licence:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    wanted = selectors.licence_by_identifier(identifier)
    licence = selectors.licences_for(request.user).filter(pk=wanted.pk).first()
    if licence is None:
        raise NotFound(f"证照{identifier}不存在", f"no licence {identifier}")
    return licence


def _report(report: selectors.ExemptionReport) -> dict:
    return {
        "code": report.code,
        "name": report.name,
        "items": report.items,
        "asked": report.asked,
        "total": report.total,
        "exempt": report.exempt,
        "handed_in": report.handed_in,
        "sharing_rate": round(report.sharing_rate, 4),
        "lines": [vars(line) for line in report.lines],
        "shared": report.shared,
        "written": report.written,
        "by_kind": {kind: report.count(kind) for kind in selectors.EXEMPT_KINDS},
        "exempt_rate": round(report.exempt_rate, 4),
    }


@router.get(
    "/exemptions/items/{code}", response=ExemptionOut, summary="事项免提交材料统计（资源共享率）"
)
def item_exemptions(request: HttpRequest, code: str) -> dict:
    return _report(selectors.item_exemptions(code))


@router.get("/exemptions/bundles/{code}", response=ExemptionOut, summary="一件事免提交材料统计")
def bundle_exemptions(request: HttpRequest, code: str) -> dict:
    return _report(selectors.bundle_exemptions(code))


@router.get("/verify/{identifier}", response=VerificationOut, summary="核验电子证照（公开）")
def verify(request: HttpRequest, identifier: str) -> dict:
    licence = selectors.licence_by_identifier(identifier)
    services.trace_licence_read(licence, actor="public", role="public", purpose="接口核验")
    return _verification(licence)


@router.get(
    "/{identifier}", response=LicenceOut, auth=API_AUTH, summary="证照详情（按权限范围，留痕）"
)
def detail(request: HttpRequest, identifier: str, purpose: str = "工作人员查阅") -> dict:
    licence = _staff_licence(request, identifier)
    services.trace_licence_read(
        licence, actor=staff_of(request.user).actor, role="staff", purpose=purpose[:128]
    )
    return {
        **_verification(licence),
        "holder_identifier": licence.holder.masked_identifier,
        "status": effective_status(licence),
        "status_reason": licence.status_reason,
        "fields": licence.fields,
        "case_ref": licence.case_ref,
    }


@router.post(
    "/{identifier}/status",
    response=VerificationOut,
    auth=API_AUTH,
    summary="暂扣、恢复、撤销、注销证照",
)
def change_status(request: HttpRequest, identifier: str, data: StatusIn) -> dict:
    licence = _staff_licence(request, identifier)
    require_scope(request.user, STATUS_ROLES, licence.issuer.region_id, licence.issuer_id)
    services.change_status(
        licence, data.status, reason=data.reason, actor=staff_of(request.user).actor
    )
    return _verification(licence)
