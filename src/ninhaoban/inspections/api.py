"""双随机一公开 and 招标投标投诉 API (/api/v1/inspections): staff operations in their scope,
and the public view (plans, draws with their verification bundle, results, decisions)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.core.errors import NotFound
from ninhaoban.core.text import BoundedInt
from ninhaoban.inspections import selectors, services
from ninhaoban.inspections.models import CheckItem, Complaint, Inspector, Plan, TenderProject
from ninhaoban.regions.models import Department
from ninhaoban.regions.selectors import departments_by_id

router = Router(tags=["inspections"])
staff_router = Router(tags=["inspections"], auth=API_AUTH)


class PlanIn(Schema):
    department: BoundedInt = Field(description="the department's id")
    title: str
    items: list[str] = Field(description="codes of the department's 随机抽查事项")
    industry: str = ""
    object_region: str = Field("", description="12-digit region code of the objects")
    sample_count: BoundedInt | None = None
    sample_ratio: BoundedInt | None = Field(None, description="percent")
    inspectors_per_object: BoundedInt = 2
    start_date: dt.date
    end_date: dt.date


class DrawnOut(Schema):
    position: int
    object: str
    name: str
    inspectors: list[str]
    finding: str
    inspected_on: dt.date | None
    due_date: dt.date | None
    published_on: dt.date | None


class PlanOut(Schema):
    code: str
    title: str
    department: str
    status: str
    count: int | None
    seed: str
    checkpoint_size: int | None
    drawn: list[DrawnOut]


class ResultIn(Schema):
    finding: str
    inspected_on: dt.date
    note: str = ""
    publish: bool = False


class ComplaintIn(Schema):
    project: str
    complainant: str = Field(description="统一社会信用代码 of the bidder")
    about: str = Field(description="tender_notice, bid_opening or candidates")
    known_on: dt.date
    grounds: str


class ActionIn(Schema):
    reason: str = Field("", description="refusal reason, or the decision's text")
    kind: str = Field("", description="pause: testing, detection, appraisal, expert_review")
    outcome: str = Field("", description="decide: upheld or dismissed")


class ComplaintOut(Schema):
    number: str
    project: str
    about: str
    status: str
    filed_on: dt.date
    due_date: dt.date | None
    outcome: str
    decision: str
    decided_on: dt.date | None


def _plan_out(plan: Plan, public: bool) -> PlanOut:
    drawn = selectors.drawn_of(plan)
    return PlanOut(
        code=plan.code,
        title=plan.title,
        department=plan.department.name,
        status=plan.status,
        count=len(drawn) or None,
        seed=plan.seed,
        checkpoint_size=plan.checkpoint_size,
        drawn=[
            DrawnOut(
                position=d.position,
                object=d.target.uscc,
                name=d.target.name,
                inspectors=list(d.inspector_order),
                finding=d.finding if (d.published_on or not public) else "",
                inspected_on=d.inspected_on if (d.published_on or not public) else None,
                due_date=None if public else d.due_date,
                published_on=d.published_on,
            )
            for d in drawn
        ],
    )


def _complaint_out(c: Complaint) -> ComplaintOut:
    return ComplaintOut(
        number=c.number,
        project=c.project.code,
        about=c.about,
        status=c.status,
        filed_on=c.filed_on,
        due_date=c.due_date,
        outcome=c.outcome,
        decision=c.decision,
        decided_on=c.decided_on,
    )


def _fields(data: PlanIn) -> dict[str, Any]:
    return {
        "title": data.title,
        "item_codes": data.items,
        "industry": data.industry,
        "object_region": data.object_region,
        "sample_count": data.sample_count,
        "sample_ratio": data.sample_ratio,
        "inspectors_per_object": data.inspectors_per_object,
        "start_date": data.start_date,
        "end_date": data.end_date,
    }


@staff_router.get("/plans", response=list[PlanOut], summary="本部门的抽查计划")
def plans(request: HttpRequest) -> list[PlanOut]:
    return [_plan_out(p, False) for p in selectors.plans_for(request.user)[:100]]


@staff_router.post("/plans", response={201: PlanOut}, summary="新建抽查计划（草稿）")
def create_plan(request: HttpRequest, data: PlanIn) -> Status:
    plan = services.create_plan(request.user, _department(data.department), **_fields(data))
    return Status(201, _plan_out(plan, False))


@staff_router.post("/plans/{code}", response=PlanOut, summary="修改抽查计划（仅草稿）")
def update_plan(request: HttpRequest, code: str, data: PlanIn) -> PlanOut:
    plan = selectors.plan_for(request.user, code)
    return _plan_out(services.update_plan(request.user, plan, **_fields(data)), False)


@staff_router.post("/plans/{code}/publish", response=PlanOut, summary="公布抽查计划（存证）")
def publish_plan(request: HttpRequest, code: str) -> PlanOut:
    plan = selectors.plan_for(request.user, code)
    return _plan_out(services.publish_plan(request.user, plan), False)


@staff_router.post(
    "/plans/{code}/draw", response=PlanOut, summary="抽取（以公布后首个检查点为种子）"
)
def draw_plan(request: HttpRequest, code: str) -> PlanOut:
    plan = selectors.plan_for(request.user, code)
    return _plan_out(services.draw_plan(request.user, plan), False)


@staff_router.post(
    "/plans/{code}/results/{int:position}", response=PlanOut, summary="录入并可公示检查结果"
)
def record_result(request: HttpRequest, code: str, position: BoundedInt, data: ResultIn) -> PlanOut:
    plan = selectors.plan_for(request.user, code)
    drawn = selectors.drawn_object(plan, position)
    drawn = services.record_result(
        request.user, drawn, finding=data.finding, inspected_on=data.inspected_on, note=data.note
    )
    if data.publish:
        services.publish_result(request.user, drawn)
    return _plan_out(plan, False)


@staff_router.get("/complaints", response=list[ComplaintOut], summary="招标投标投诉")
def complaints(request: HttpRequest) -> list[ComplaintOut]:
    return [_complaint_out(c) for c in selectors.complaints_for(request.user)[:100]]


@staff_router.post("/complaints", response={201: ComplaintOut}, summary="登记投诉")
def file_complaint(request: HttpRequest, data: ComplaintIn) -> Status:
    project = selectors.project_for(request.user, data.project)
    complaint = services.file_complaint(
        request.user,
        project,
        complainant=data.complainant,
        about=data.about,
        known_on=data.known_on,
        grounds=data.grounds,
    )
    return Status(201, _complaint_out(complaint))


@staff_router.post(
    "/complaints/{number}/{action}",
    response=ComplaintOut,
    summary="受理、不予受理、中止、恢复、暂停招标投标活动、处理决定",
)
def act(request: HttpRequest, number: str, action: str, data: ActionIn) -> ComplaintOut:
    complaint = selectors.complaint_for(request.user, number)
    complaint = services.act_on_complaint(
        request.user, complaint, action, reason=data.reason, kind=data.kind, outcome=data.outcome
    )
    return _complaint_out(complaint)


class CheckItemIn(Schema):
    department: BoundedInt = Field(description="the department's id")
    code: str
    name: str
    legal_basis: str


class CheckItemEdit(Schema):
    name: str
    legal_basis: str


class CheckItemOut(Schema):
    code: str
    name: str
    department: str
    legal_basis: str
    active: bool


class InspectorIn(Schema):
    department: BoundedInt = Field(description="the department's id")
    username: str = Field(description="the staff member's user name")
    cert_no: str = Field(description="执法证号")
    region: str = Field("", description="12-digit region code (default: the department's)")


class InspectorOut(Schema):
    name: str
    cert_no: str
    department: str
    region: str
    active: bool


class AvoidanceIn(Schema):
    cert_no: str
    uscc: str = Field(description="统一社会信用代码 of the inspection object")
    reason: str


class AvoidanceOut(Schema):
    id: int
    cert_no: str
    uscc: str
    reason: str


class ProjectIn(Schema):
    department: BoundedInt = Field(description="the supervising department's id")
    code: str
    name: str


class AnnouncementIn(Schema):
    kind: str = Field(description="tender_notice, bid_opening or candidates")
    published_on: dt.date


class BidderIn(Schema):
    uscc: str = Field(description="统一社会信用代码 of the bidder")


class AnnouncementOut(Schema):
    kind: str
    published_on: dt.date


class ProjectOut(Schema):
    code: str
    name: str
    department: str
    suspended_on: dt.date | None
    announcements: list[AnnouncementOut]
    bidders: list[str]


def _department(department_id: int) -> Department:
    department = departments_by_id([department_id]).get(department_id)
    if department is None:
        raise NotFound("部门不存在", "no such department", field="department")
    return department


def _item_out(item: CheckItem) -> CheckItemOut:
    return CheckItemOut(
        code=item.code,
        name=item.name,
        department=item.department.name,
        legal_basis=item.legal_basis,
        active=item.active,
    )


def _inspector_out(i: Inspector) -> InspectorOut:
    return InspectorOut(
        name=i.name,
        cert_no=i.cert_no,
        department=i.department.name,
        region=i.region_id,
        active=i.active,
    )


def _project_out(p: TenderProject) -> ProjectOut:
    return ProjectOut(
        code=p.code,
        name=p.name,
        department=p.department.name,
        suspended_on=p.suspended_on,
        announcements=[
            AnnouncementOut(kind=a.kind, published_on=a.published_on)
            for a in selectors.announcements_of(p)
        ],
        bidders=[b.identifier for b in selectors.bidders_of(p)],
    )


@staff_router.get("/items", response=list[CheckItemOut], summary="随机抽查事项清单")
def check_items(request: HttpRequest) -> list[CheckItemOut]:
    return [_item_out(i) for i in selectors.all_check_items_of(request.user)[:500]]


@staff_router.post("/items", response={201: CheckItemOut}, summary="新增随机抽查事项")
def add_check_item(request: HttpRequest, data: CheckItemIn) -> Status:
    item = services.add_check_item(
        request.user,
        _department(data.department),
        code=data.code,
        name=data.name,
        legal_basis=data.legal_basis,
    )
    return Status(201, _item_out(item))


@staff_router.post("/items/{code}", response=CheckItemOut, summary="修改随机抽查事项")
def edit_check_item(request: HttpRequest, code: str, data: CheckItemEdit) -> CheckItemOut:
    item = selectors.check_item_for(request.user, code)
    item = services.edit_check_item(
        request.user, item, name=data.name, legal_basis=data.legal_basis
    )
    return _item_out(item)


@staff_router.post("/items/{code}/retire", response=CheckItemOut, summary="停用随机抽查事项")
def retire_check_item(request: HttpRequest, code: str) -> CheckItemOut:
    item = selectors.check_item_for(request.user, code)
    return _item_out(services.retire_check_item(request.user, item))


@staff_router.get("/inspectors", response=list[InspectorOut], summary="执法检查人员名录库")
def inspectors(request: HttpRequest) -> list[InspectorOut]:
    return [_inspector_out(i) for i in selectors.inspectors_of(request.user)[:500]]


@staff_router.post("/inspectors", response={201: InspectorOut}, summary="登记执法检查人员")
def add_inspector(request: HttpRequest, data: InspectorIn) -> Status:
    inspector = services.add_inspector(
        request.user,
        _department(data.department),
        username=data.username,
        cert_no=data.cert_no,
        region_code=data.region,
    )
    return Status(201, _inspector_out(inspector))


@staff_router.post(
    "/inspectors/{cert_no}/deactivate", response=InspectorOut, summary="停用执法检查人员"
)
def deactivate_inspector(request: HttpRequest, cert_no: str) -> InspectorOut:
    inspector = selectors.inspector_for(request.user, cert_no)
    return _inspector_out(services.deactivate_inspector(request.user, inspector))


@staff_router.get("/avoidances", response=list[AvoidanceOut], summary="回避名单")
def avoidances(request: HttpRequest) -> list[AvoidanceOut]:
    return [
        AvoidanceOut(id=a.pk, cert_no=a.inspector.cert_no, uscc=a.target.uscc, reason=a.reason)
        for a in selectors.avoidances_of(request.user)[:500]
    ]


@staff_router.post("/avoidances", response={201: AvoidanceOut}, summary="登记回避关系")
def add_avoidance(request: HttpRequest, data: AvoidanceIn) -> Status:
    inspector = selectors.inspector_for(request.user, data.cert_no)
    a = services.avoid(request.user, inspector, uscc=data.uscc, reason=data.reason)
    return Status(
        201, AvoidanceOut(id=a.pk, cert_no=inspector.cert_no, uscc=a.target.uscc, reason=a.reason)
    )


@staff_router.post(
    "/avoidances/{int:avoidance_id}/end", response=AvoidanceOut, summary="解除回避关系"
)
def end_avoidance(request: HttpRequest, avoidance_id: BoundedInt) -> AvoidanceOut:
    a = selectors.avoidance_for(request.user, avoidance_id)
    services.end_avoidance(request.user, a)
    return AvoidanceOut(id=a.pk, cert_no=a.inspector.cert_no, uscc=a.target.uscc, reason=a.reason)


@staff_router.get("/projects", response=list[ProjectOut], summary="招标项目")
def projects(request: HttpRequest) -> list[ProjectOut]:
    return [_project_out(p) for p in selectors.projects_for(request.user)[:200]]


@staff_router.post("/projects", response={201: ProjectOut}, summary="登记招标项目")
def add_project(request: HttpRequest, data: ProjectIn) -> Status:
    project = services.add_project(
        request.user, _department(data.department), code=data.code, name=data.name
    )
    return Status(201, _project_out(project))


@staff_router.post(
    "/projects/{code}/announcements",
    response=ProjectOut,
    summary="登记公告（招标公告、开标、中标候选人公示）",
)
def announce(request: HttpRequest, code: str, data: AnnouncementIn) -> ProjectOut:
    project = selectors.project_for(request.user, code)
    services.announce_step(request.user, project, data.kind, data.published_on)
    return _project_out(project)


@staff_router.post("/projects/{code}/bidders", response=ProjectOut, summary="登记投标人")
def add_bidder(request: HttpRequest, code: str, data: BidderIn) -> ProjectOut:
    project = selectors.project_for(request.user, code)
    services.register_bidder(request.user, project, uscc=data.uscc)
    return _project_out(project)


@router.get("/public/plans", response=list[PlanOut], summary="公开：抽查计划、抽取结果与检查结果")
def public_plans(request: HttpRequest) -> list[PlanOut]:
    return [_plan_out(p, True) for p in selectors.public_plans()[:100]]


@router.get(
    "/public/plans/{code}/bundle",
    response=dict[str, Any],
    summary="公开：复核抽取所需的全部数据（python -m ninhaoban.inspections.draw）",
)
def bundle(request: HttpRequest, code: str) -> dict[str, Any]:
    return selectors.bundle(selectors.public_plan(code))


@router.get("/public/decisions", response=list[ComplaintOut], summary="公开：投诉处理决定")
def decisions(request: HttpRequest) -> list[ComplaintOut]:
    return [_complaint_out(c) for c in selectors.public_decisions()[:100]]
