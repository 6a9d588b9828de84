"""办件 API (/api/v1/cases): the same intake and transitions as the pages, for applicants
(their own cases) and staff (their scope). Files travel base64-encoded inside the JSON, so
one request carries one whole application."""

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.cases import selectors, services
from ninhaoban.cases.models import Case, Channel, Notice, NoticeKind
from ninhaoban.cases.services import Actor
from ninhaoban.cases.uploads import FileIn, check_count
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.text import BoundedInt

router = Router(tags=["cases"], auth=API_AUTH)


class FileBody(Schema):
    name: str
    content_base64: str


class SubmitIn(Schema):
    item: str = Field("", description="实施编码 of a service item")
    version: int | None = Field(None, description="pin this version number (must be in force)")
    bundle: str = Field("", description="code of a 一件事 bundle, instead of an item")
    applicant: str = Field("", description="staff only: the applicant's ID number or USCC")
    channel: str = Field("", description="online, window, kiosk or api")
    form: dict[str, Any] = {}
    files: dict[str, FileBody] = Field({}, description="material key -> file")
    consent: bool = Field(
        False,
        description="the applicant's consent to licence and shared-data lookups for this "
        "application: an applicant's own, or from staff the clerk's confirmation (recorded "
        "under the clerk's name) that the applicant is present with their ID card read",
    )
    delivery_method: str = ""
    post_address: dict[str, str] = Field(
        {}, description="for delivery by post: post_recipient, post_phone, post_address"
    )
    allow_incomplete: bool = Field(False, description="staff only: issue a correction notice")
    accept: bool = Field(False, description="clerk only: accept at once when complete")
    window: int | None = Field(
        None,
        description="clerk only, window channel: the id of the window taking the application "
        "in (in a hall of a region the clerk's grant covers); recorded for the supervision "
        "rankings by hall and window",
    )
    agent: str = Field(
        "",
        description="staff only: the ID number of the 经办人 presenting the application for an "
        "organization (their authorization must cover the item today)",
    )


class MaterialOut(Schema):
    key: str
    name: str
    source: str
    requirement: str
    state: str = ""
    note: str = ""
    items: list[str]


class StepOut(Schema):
    id: int
    stage: int
    name: str
    role: str
    state: str
    opinion: str


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    note: str
    due_date: dt.date | None
    at: dt.datetime


class NoticeOut(Schema):
    id: int
    kind: str = Field(description="correction, special_procedure or extension")
    issued_on: dt.date
    problems: list[dict[str, str]] = Field(description="correction: every problem at once")
    answered_on: dt.date | None = Field(description="correction: when the applicant answered")
    procedure: str = Field(description="special_procedure: which (第45条)")
    reason: str
    days: int = Field(description="extension: working days added (第42条)")
    due_before: dt.date | None
    due_after: dt.date | None = Field(description="the due date once resumed or extended")
    ended_on: dt.date | None = Field(description="special_procedure: when it ended")


def _notice(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        kind=n.kind,
        issued_on=n.issued_on,
        problems=n.problems,
        answered_on=n.answered_on,
        procedure=n.procedure,
        reason=n.reason,
        days=n.days,
        due_before=n.due_before,
        due_after=n.due_after,
        ended_on=n.ended_on,
    )


class CaseOut(Schema):
    case_no: str
    title: str
    status: str
    status_label: str
    applicant: str
    region: str
    department: str
    intake_region: str
    channel: str
    received_on: dt.date
    accepted_on: dt.date | None
    due_date: dt.date | None
    days_left_when_stopped: int | None
    alert: str
    outcome: str
    reason: str
    licence_ref: str
    parent: str | None


class CaseDetail(CaseOut):
    children: list[CaseOut]
    materials: list[MaterialOut]
    steps: list[StepOut]
    events: list[EventOut]
    notices: list[NoticeOut]


ALERTS = {0: "none", 1: "warning", 2: "overdue"}


def _out(case: Case) -> CaseOut:
    return CaseOut(
        case_no=case.case_no,
        title=case.title,
        status=case.status,
        status_label=case.get_status_display(),
        applicant=f"{case.applicant.display_name} {case.applicant.masked_identifier}",
        region=case.region_id,
        department=case.department.name if case.department is not None else "",
        intake_region=case.intake_region_id,
        channel=case.channel,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        due_date=case.due_date,
        days_left_when_stopped=case.days_left,
        alert=ALERTS[selectors.alert_of(case)],
        outcome=case.outcome,
        reason=case.reason,
        licence_ref=case.licence_ref,
        parent=case.parent.case_no if case.parent is not None else None,
    )


def _notices(case: Case, holder: Case) -> list[Notice]:
    """The correction notices of the case holding the materials and the clock notices of
    this case (a bundle's child has its own clock)."""
    own = list(case.notices.all())
    held = own if holder is case else list(holder.notices.all())
    return sorted(
        [
            *(n for n in held if n.kind == NoticeKind.CORRECTION),
            *(n for n in own if n.kind != NoticeKind.CORRECTION),
        ],
        key=lambda n: n.pk,
    )


def _detail(case: Case, actor: Actor) -> CaseDetail:
    """Related rows come from the case when it holds them (intake's answer), else one query
    each."""
    holder = case.parent or case
    return CaseDetail(
        **_out(case).dict(),
        children=[_out(c) for c in case.children.select_related("applicant", "department")]
        if case.is_bundle
        else [],
        materials=[
            MaterialOut(
                key=m.key,
                name=m.name,
                source=m.source,
                requirement=m.requirement,
                state=m.state,
                note=m.note,
                items=m.items,
            )
            for m in sorted(holder.materials.all(), key=lambda m: m.pk)
        ],
        steps=[
            StepOut(
                id=s.pk, stage=s.stage, name=s.name, role=s.role, state=s.state, opinion=s.opinion
            )
            for s in sorted(case.steps.all(), key=lambda s: s.position)
        ],
        events=[
            EventOut(
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_name=e.actor_name,
                note=e.note,
                due_date=e.due_date,
                at=e.at,
            )
            for e in sorted(case.events.all(), key=lambda e: e.pk)
            if e.visible or actor.is_staff
        ],
        notices=[_notice(n) for n in _notices(case, holder)],
    )


def _case(request: HttpRequest, case_no: str) -> tuple[Case, Actor]:
    actor = Actor.of(request.user)
    if actor.is_staff:
        return selectors.case_for_staff(request.user, case_no), actor
    return selectors.case_for_applicant(actor.own, case_no), actor


def _files(files: dict[str, FileBody]) -> dict[str, FileIn]:
    check_count(len(files))
    decoded = {}
    for key, body in files.items():
        try:
            data = base64.b64decode(body.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                f"材料{key}的文件不是有效的base64编码",
                f"the file for {key} is not valid base64",
                field="files",
            ) from None
        decoded[key] = FileIn(body.name, data)
    return decoded


@router.get("/requirements", response=list[MaterialOut], summary="申请所需材料（按事项或一件事）")
def requirements(request: HttpRequest, item: str = "", bundle: str = "") -> list[MaterialOut]:
    plan = services.plan_for(item_code=item, bundle_code=bundle)
    return [
        MaterialOut(
            key=n.key, name=n.name, source=n.source, requirement=n.requirement, items=n.items
        )
        for n in plan.needs
    ]


@router.post("/", response={201: CaseDetail}, summary="申报（网上、窗口、自助终端、接口）")
def submit(request: HttpRequest, data: SubmitIn) -> Status:
    actor = Actor.of(request.user)
    if actor.is_staff:
        applicant = selectors.applicant_by_number(data.applicant)
        channel = data.channel or Channel.WINDOW
        if data.agent:
            actor = actor.with_agent(selectors.applicant_by_number(data.agent), applicant)
    else:
        if data.allow_incomplete or data.accept:
            raise Forbidden("仅窗口人员可以这样申报", "only a clerk may do that")
        applicant = actor.own
        channel = data.channel or Channel.API
    case = services.submit(
        actor=actor,
        applicant=applicant,
        channel=channel,
        item_code=data.item,
        version=data.version,
        bundle_code=data.bundle,
        form=data.form,
        files=_files(data.files),
        consent=data.consent,
        delivery_method=data.delivery_method,
        post_address=data.post_address,
        allow_incomplete=data.allow_incomplete,
        accept_at_once=data.accept,
        window_id=data.window,
    )
    return Status(201, _detail(case, actor))


@router.get("/", response=list[CaseOut], summary="我的办件（申请人）或工作队列（工作人员）")
def list_cases(
    request: HttpRequest, queue: str = "approver", limit: BoundedInt = 50
) -> list[CaseOut]:
    """Applicants get their own cases; staff get the approver queue (by due date) or, with
    queue=intake, what the window has to answer."""
    actor = Actor.of(request.user)
    limit = max(1, min(limit, 200))
    if not actor.is_staff:
        rows = selectors.cases_of(actor.own, limit)
    elif queue == "intake":
        rows = selectors.intake_queue(request.user, limit)
    else:
        rows = selectors.approver_queue(request.user, limit)
    return [_out(c) for c in rows]


@router.get("/{case_no}", response=CaseDetail, summary="办件详情与进度")
def detail(request: HttpRequest, case_no: str) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _detail(case, actor)


class ReasonIn(Schema):
    reason: str = ""


class ProblemsIn(Schema):
    problems: list[dict[str, str]] = []


class FilesIn(Schema):
    files: dict[str, FileBody]


class SuspendIn(Schema):
    procedure: str = Field(
        ...,
        description="hearing, tender, auction, inspection, testing, "
        "quarantine, appraisal or expert_review",
    )
    reason: str


class ExtendIn(Schema):
    days: int
    reason: str


class StepIn(Schema):
    opinion: str = ""


class DecideIn(Schema):
    outcome: str = Field(..., description="approved or denied")
    reason: str = ""
    licence_type: str = Field("", description="licence type code to issue on approval")
    licence_fields: dict[str, Any] = Field(
        {},
        description="face fields of the licence the approval issues (the application's own "
        "fill the rest); for an item that establishes an organization also uscc, the code "
        "its registration gave it (and organization_name if the application lacks it)",
    )


class DeliverIn(Schema):
    method: str = Field("", description="window, post or electronic")
    tracking_no: str = ""
    post_address: dict[str, str] = Field(
        {},
        description="for post, when the application gave no address or it changed: "
        "post_recipient, post_phone, post_address",
    )


def _done(case: Case, actor: Actor) -> CaseDetail:
    return _detail(Case.objects.select_related("applicant", "parent").get(pk=case.pk), actor)


@router.post("/{case_no}/accept", response=CaseDetail, summary="受理")
def accept(request: HttpRequest, case_no: str) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.accept(case, actor), actor)


@router.post("/{case_no}/refuse", response=CaseDetail, summary="不予受理")
def refuse(request: HttpRequest, case_no: str, data: ReasonIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.refuse(case, actor, reason=data.reason), actor)


@router.post("/{case_no}/corrections", response=NoticeOut, summary="一次性告知补正")
def request_correction(request: HttpRequest, case_no: str, data: ProblemsIn) -> NoticeOut:
    case, actor = _case(request, case_no)
    n = services.request_correction(case, actor, problems=data.problems)
    return _notice(n)


@router.post("/{case_no}/supply", response=CaseDetail, summary="提交补正材料")
def supply(request: HttpRequest, case_no: str, data: FilesIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.supply_correction(case, actor, _files(data.files)), actor)


@router.post("/{case_no}/start-review", response=CaseDetail, summary="开始审查")
def start_review(request: HttpRequest, case_no: str) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.start_review(case, actor), actor)


@router.post("/{case_no}/suspend", response=CaseDetail, summary="特别程序（停止计时）")
def suspend(request: HttpRequest, case_no: str, data: SuspendIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.suspend(case, actor, procedure=data.procedure, reason=data.reason), actor)


@router.post("/{case_no}/resume", response=CaseDetail, summary="特别程序结束（恢复计时）")
def resume(request: HttpRequest, case_no: str, data: ReasonIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.resume(case, actor, note=data.reason), actor)


@router.post("/{case_no}/extend", response=CaseDetail, summary="延期（首席代表）")
def extend(request: HttpRequest, case_no: str, data: ExtendIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.extend(case, actor, days=data.days, reason=data.reason), actor)


@router.post("/{case_no}/steps/{int:step_id}/complete", response=CaseDetail, summary="完成环节")
def complete_step(
    request: HttpRequest, case_no: str, step_id: BoundedInt, data: StepIn
) -> CaseDetail:
    case, actor = _case(request, case_no)
    services.complete_step(case, step_id, actor, opinion=data.opinion)
    return _done(case, actor)


@router.post("/{case_no}/decide", response=CaseDetail, summary="作出决定（准予或不予）")
def decide(request: HttpRequest, case_no: str, data: DecideIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    decided = services.decide(
        case,
        actor,
        outcome=data.outcome,
        reason=data.reason,
        licence_type=data.licence_type,
        licence_fields=data.licence_fields,
    )
    return _done(decided, actor)


@router.post("/{case_no}/deliver", response=CaseDetail, summary="送达（窗口、邮寄、电子）")
def deliver(request: HttpRequest, case_no: str, data: DeliverIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(
        services.deliver(
            case,
            actor,
            method=data.method,
            tracking_no=data.tracking_no,
            post_address=data.post_address,
        ),
        actor,
    )


@router.post("/{case_no}/close", response=CaseDetail, summary="办结")
def close(request: HttpRequest, case_no: str) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.close(case, actor), actor)


@router.post("/{case_no}/withdraw", response=CaseDetail, summary="撤回申请（申请人）")
def withdraw(request: HttpRequest, case_no: str, data: ReasonIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.withdraw(case, actor, reason=data.reason), actor)


@router.post("/{case_no}/reopen", response=CaseDetail, summary="重新办理（管理员）")
def reopen(request: HttpRequest, case_no: str, data: ReasonIn) -> CaseDetail:
    case, actor = _case(request, case_no)
    return _done(services.reopen(case, actor, reason=data.reason), actor)
