"""Applicant endpoints for staff: always scoped, and the ID number never leaves unmasked."""

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ninhaoban.accounts import selectors, services
from ninhaoban.accounts.models import Applicant, AssuranceLevel, Role
from ninhaoban.accounts.scoping import require_scope, staff_of
from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.text import BoundedInt
from ninhaoban.regions.selectors import get_region

router = Router(tags=["applicants"], auth=API_AUTH)

INTAKE_ROLES = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)


class ApplicantOut(Schema):
    id: int
    kind: str
    name: str
    identifier: str
    phone: str
    region: str
    assurance: int


class PersonIn(Schema):
    id_number: str
    name: str
    region: str
    phone: str = ""


class OrganizationIn(Schema):
    uscc: str
    name: str
    region: str
    legal_representative: str = ""
    phone: str = ""


def _out(applicant: Applicant) -> ApplicantOut:
    return ApplicantOut(
        id=applicant.pk,
        kind=applicant.kind,
        name=applicant.display_name,
        identifier=applicant.masked_identifier,
        phone=applicant.masked_phone,
        region=applicant.region_id,
        assurance=applicant.assurance,
    )


class SearchIn(Schema):
    q: str
    limit: int = 50


def _listed(request: HttpRequest, q: str, limit: int, purpose: str) -> list[ApplicantOut]:
    """A list shows names and masked numbers of many people: traced as a detail read is, one
    ledger entry naming everyone shown."""
    rows = list(selectors.applicants_for(request.user, q)[: max(1, min(limit, 200))])
    if rows:
        services.trace_list(rows, staff_of(request.user), purpose=purpose)
    return [_out(a) for a in rows]


@router.get("/", response=list[ApplicantOut], summary="申请人列表（按权限范围）")
def list_applicants(
    request: HttpRequest, q: str = "", limit: BoundedInt = 50
) -> list[ApplicantOut]:
    """No search here: a query string lands in access logs and proxies' logs, and a search
    term is an ID number or a name. `POST /search` takes it in the body."""
    if q:
        raise InvalidInput(
            "按证件号码或姓名查找请用 POST /api/v1/applicants/search",
            "search by ID number or name with POST /api/v1/applicants/search",
            field="q",
        )
    return _listed(request, "", limit, "api.applicant_list")


@router.post("/search", response=list[ApplicantOut], summary="按证件号码或姓名查找申请人")
def search_applicants(request: HttpRequest, data: SearchIn) -> list[ApplicantOut]:
    return _listed(request, data.q, data.limit, "api.applicant_search")


@router.get("/{int:applicant_id}", response=ApplicantOut, summary="申请人详情")
def applicant_detail(request: HttpRequest, applicant_id: BoundedInt) -> ApplicantOut:
    applicant = selectors.applicant_for(request.user, applicant_id)
    services.trace_view(applicant, staff_of(request.user), purpose="api.applicant_detail")
    return _out(applicant)


@router.post("/persons", response={201: ApplicantOut}, summary="登记自然人（窗口读取身份证）")
def create_person(request: HttpRequest, data: PersonIn) -> Status:
    """A window clerk registers the person standing at the counter after reading their ID
    card: the highest assurance, 窗口现场核验."""
    region = get_region(data.region)
    require_scope(request.user, [Role.CLERK], region.code)
    person = services.register_person(
        id_number=data.id_number,
        name=data.name,
        region=region,
        phone=data.phone,
        assurance=AssuranceLevel.IN_PERSON,
        actor=staff_of(request.user).actor,
    )
    return Status(201, _out(person))


@router.post("/organizations", response={201: ApplicantOut}, summary="登记法人")
def create_organization(request: HttpRequest, data: OrganizationIn) -> Status:
    region = get_region(data.region)
    require_scope(request.user, [Role.CLERK], region.code)
    org = services.register_organization(
        uscc=data.uscc,
        name=data.name,
        region=region,
        legal_representative=data.legal_representative,
        phone=data.phone,
        actor=staff_of(request.user).actor,
    )
    return Status(201, _out(org))


@router.post(
    "/{int:applicant_id}/in-person-check",
    response=ApplicantOut,
    summary="窗口现场核验（读取身份证，提升为最高实名等级）",
)
def in_person_check(request: HttpRequest, applicant_id: BoundedInt) -> ApplicantOut:
    """The clerk has read the ID card of the person at the counter."""
    applicant = selectors.applicant_for(request.user, applicant_id)
    require_scope(request.user, [Role.CLERK], applicant.region_id)
    staff = staff_of(request.user)
    return _out(services.verify_in_person(applicant, actor=staff.actor))
