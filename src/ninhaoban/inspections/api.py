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
from ninhaoban.inspections.models import Complaint, Plan
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
    department = departments_by_id([data.department]).get(data.department)
    if department is None:
        raise NotFound("部门不存在", "no such department", field="department")
    plan = services.create_plan(request.user, department, **_fields(data))
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
