"""Reading inspections: staff lists through the one scoping function, the public view of
plans, draws, results and complaint decisions, the draw's public bundle, and the figures
supervision reads (docs/contracts.md)."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files import File
from django.db.models import F, QuerySet

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.scoping import scoped
from ninhaoban.core import workdays
from ninhaoban.core.errors import NotFound
from ninhaoban.inspections import draw as drawing
from ninhaoban.inspections.models import (
    Announcement,
    Avoidance,
    CheckItem,
    Complaint,
    ComplaintStatus,
    DrawnObject,
    Evidence,
    InspectionObject,
    Inspector,
    Plan,
    PlanStatus,
    TenderProject,
)
from ninhaoban.inspections.services import FILING_DAYS, READER_ROLES
from ninhaoban.ledger import keys
from ninhaoban.ledger import selectors as ledger
from ninhaoban.regions.selectors import subtree_q

WARNING_DAYS = 3  # 预警: a deadline within this many working days
OK, WARNING, OVERDUE = 0, 1, 2


def _scoped(qs: QuerySet, user: User | AnonymousUser) -> QuerySet:
    return scoped(
        qs, user, READER_ROLES, region_field="region_id", department_field="department_id"
    )


def plans_for(user: User | AnonymousUser) -> QuerySet[Plan]:
    return _scoped(Plan.objects.select_related("department"), user).order_by("-pk")


def plan_for(user: User | AnonymousUser, code: str) -> Plan:
    """One plan in the user's scope; outside it, it looks like it is not there."""
    plan = plans_for(user).filter(code=code).first()
    if plan is None:
        raise NotFound(f"抽查计划{code}不存在", f"no inspection plan {code}")
    return plan


def public_plans() -> QuerySet[Plan]:
    return (
        Plan.objects.exclude(status=PlanStatus.DRAFT)
        .select_related("department")
        .order_by("-published_at")
    )


def public_plan(code: str) -> Plan:
    plan = public_plans().filter(code=code).first()
    if plan is None:
        raise NotFound(f"抽查计划{code}不存在或尚未公布", f"no published plan {code}")
    return plan


def drawn_of(plan: Plan) -> list[DrawnObject]:
    return list(
        DrawnObject.objects.filter(plan=plan)
        .select_related("target")
        .prefetch_related("inspectors")
        .order_by("position")
    )


def drawn_object(plan: Plan, position: int) -> DrawnObject:
    found = DrawnObject.objects.select_related("plan__department", "target").filter(
        plan=plan, position=position
    )
    row = found.first()
    if row is None:
        raise NotFound(f"计划中没有第{position}户", f"no object {position} in this plan")
    return row


def alert_of(due: dt.date | None, done: bool, today: dt.date) -> int:
    """预警 within WARNING_DAYS working days of the deadline, 超期 after it."""
    if done or due is None:
        return OK
    if today > due:
        return OVERDUE
    if workdays.working_days_between(today, due) <= WARNING_DAYS:
        return WARNING
    return OK


ALERT_KEYS = {OK: "ok", WARNING: "warning", OVERDUE: "overdue"}


def alert_key(due: dt.date | None, done: bool, today: dt.date) -> str:
    """The label key (`deadline_alert`) of `alert_of`."""
    return ALERT_KEYS[alert_of(due, done, today)]


def check_items_of(user: User | AnonymousUser) -> QuerySet[CheckItem]:
    """The items a plan may name: the list in force."""
    return all_check_items_of(user).filter(active=True).order_by("code")


def inspectors_of(user: User | AnonymousUser) -> QuerySet[Inspector]:
    return _scoped(Inspector.objects.select_related("department"), user).order_by("cert_no")


def objects_of(user: User | AnonymousUser) -> QuerySet[InspectionObject]:
    rows = InspectionObject.objects.filter(active=True)
    return scoped(rows, user, READER_ROLES, region_field="region_id").order_by("uscc")


def bundle(plan: Plan) -> dict[str, Any]:
    """Everything the public needs to recompute the draw (draw.verify_bundle checks it)."""
    if plan.status != PlanStatus.DRAWN or plan.checkpoint_size is None:
        raise NotFound(f"计划{plan.code}尚未抽取", f"plan {plan.code} is not drawn yet")
    entry = next(e for e in ledger.entries_about(plan.subject) if e.pk == plan.publication_entry)
    assert entry.index is not None
    checkpoint = ledger.checkpoint_at(plan.checkpoint_size)
    previous = ledger.checkpoint_before(plan.checkpoint_size)
    return {
        "snapshot": json.loads(plan.snapshot),
        "entry": {"index": entry.index, "body": entry.body},
        "inclusion": [h.hex() for h in ledger.inclusion_proof(entry.index, checkpoint.size)],
        "checkpoint": checkpoint.note,
        "previous_checkpoint": previous.note if previous is not None else None,
        "log_key": keys.log_verifier().encoded(),
        "result": {
            "seed": plan.seed,
            "assignments": [
                {"object": d.target.uscc, "inspectors": list(d.inspector_order)}
                for d in drawn_of(plan)
            ],
        },
    }


@dataclass(frozen=True)
class Verification:
    matches: bool
    checks: list[str]
    problem: str


def verify_plan(plan: Plan) -> Verification:
    """Recompute the draw from its public bundle, and check against the store that no signed
    checkpoint lies between the publication and the one the draw used."""
    data = bundle(plan)
    try:
        checks = drawing.verify_bundle(data)
    except drawing.DrawError as exc:
        return Verification(False, [], str(exc))
    before = ledger.checkpoint_before(plan.checkpoint_size or 0)
    if before is not None and before.size > data["entry"]["index"]:
        return Verification(False, checks, "an earlier checkpoint already included the plan")
    return Verification(True, checks, "")


def drawn_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status=PlanStatus.DRAWN).order_by("pk")


def complaints_for(user: User | AnonymousUser) -> QuerySet[Complaint]:
    rows = Complaint.objects.select_related("project", "complainant")
    return scoped(
        rows,
        user,
        READER_ROLES,
        region_field="project__region_id",
        department_field="project__department_id",
    ).order_by("-pk")


def complaint_for(user: User | AnonymousUser, number: str) -> Complaint:
    found = complaints_for(user).filter(number=number).first()
    if found is None:
        raise NotFound(f"投诉{number}不存在", f"no complaint {number}")
    return found


def projects_for(user: User | AnonymousUser) -> QuerySet[TenderProject]:
    return _scoped(TenderProject.objects.all(), user).order_by("code")


def project_for(user: User | AnonymousUser, code: str) -> TenderProject:
    found = projects_for(user).filter(code=code).first()
    if found is None:
        raise NotFound(f"招标项目{code}不存在", f"no tender project {code}")
    return found


def check_item_for(user: User | AnonymousUser, code: str) -> CheckItem:
    """One check item (retired ones too) in the user's scope."""
    found = all_check_items_of(user).filter(code=code).first()
    if found is None:
        raise NotFound(f"抽查事项{code}不存在", f"no check item {code}")
    return found


def all_check_items_of(user: User | AnonymousUser) -> QuerySet[CheckItem]:
    """The list a department keeps, retired items included (marked)."""
    rows = CheckItem.objects.select_related("department")
    return scoped(
        rows,
        user,
        READER_ROLES,
        region_field="department__region_id",
        department_field="department_id",
    ).order_by("-active", "code")


def inspector_for(user: User | AnonymousUser, cert_no: str) -> Inspector:
    found = inspectors_of(user).filter(cert_no=cert_no).first()
    if found is None:
        raise NotFound(f"执法证号{cert_no}不在名录库中", f"no inspector {cert_no}")
    return found


def avoidances_of(user: User | AnonymousUser) -> QuerySet[Avoidance]:
    rows = Avoidance.objects.select_related("inspector", "target", "inspector__department")
    return scoped(
        rows,
        user,
        READER_ROLES,
        region_field="inspector__region_id",
        department_field="inspector__department_id",
    ).order_by("inspector__cert_no", "target__uscc")


def avoidance_for(user: User | AnonymousUser, pk: int) -> Avoidance:
    found = avoidances_of(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("回避关系不存在", "no such avoidance")
    return found


def announcements_of(project: TenderProject) -> list[Announcement]:
    return list(project.announcements.order_by("published_on", "pk"))


def bidders_of(project: TenderProject) -> list[Applicant]:
    return [b.organization for b in project.bidders.select_related("organization").order_by("pk")]


def evidence_of(complaint: Complaint) -> list[Evidence]:
    return list(complaint.evidence.select_related("upload"))


def evidence_for(complaint: Complaint, pk: int) -> Evidence:
    found = complaint.evidence.select_related("upload").filter(pk=pk).first()
    if found is None:
        raise NotFound("没有该证明材料", "no such evidence file")
    return found


def open_evidence(evidence: Evidence) -> File:
    try:
        return evidence.upload.file.open("rb")
    except FileNotFoundError:
        raise NotFound(
            "证明材料的文件不在存储中，请联系系统管理员",
            "the stored evidence file is missing: tell the administrator",
        ) from None


# ---- a bidder's own view (portal) ------------------------------------------------------------


@dataclass(frozen=True)
class Complainable:
    """One announcement of a project the company bid for, and the last day to complain
    about it if the company knew of it the day it was published."""

    project: TenderProject
    announcement: Announcement
    last_day: dt.date


def complainable_for(organization: Applicant) -> list[Complainable]:
    """The announcements of the projects this company bid for, newest first."""
    rows = (
        Announcement.objects.filter(project__bidders__organization=organization)
        .select_related("project")
        .order_by("-published_on", "project__code", "kind")
    )
    return [
        Complainable(a.project, a, a.published_on + dt.timedelta(days=FILING_DAYS)) for a in rows
    ]


def bid_project(organization: Applicant, code: str) -> TenderProject:
    """A project this company bid for; any other is not there for it."""
    found = TenderProject.objects.filter(code=code, bidders__organization=organization).first()
    if found is None:
        raise NotFound(f"贵单位未参与招标项目{code[:32]}的投标", f"you did not bid for {code[:32]}")
    return found


def complaints_of(organization: Applicant) -> QuerySet[Complaint]:
    """The company's own complaints, whoever filed them, newest first."""
    return (
        Complaint.objects.filter(complainant=organization)
        .select_related("project")
        .prefetch_related("evidence")
        .order_by("-filed_on", "-pk")
    )


def public_decisions() -> QuerySet[Complaint]:
    """Published complaint decisions (the complainant is an organization: its name is public)."""
    return (
        Complaint.objects.filter(status=ComplaintStatus.DECIDED)
        .select_related("project", "complainant")
        .order_by("-decided_on")
    )


@dataclass(frozen=True)
class InspectionFigures:
    plans: int
    objects_drawn: int
    results_published: int
    published_on_time: int
    complaints: int
    complaints_decided_on_time: int


def inspection_figures(*, region_code: str, start: dt.date, end: dt.date) -> InspectionFigures:
    """双随机 and complaint figures of a region subtree over a date range (inclusive): plans
    published, objects drawn, results published (and on time), complaints filed, and
    complaints decided on time, each one indexed count."""
    plans = Plan.objects.filter(subtree_q("region_id", region_code))
    drawn = DrawnObject.objects.filter(subtree_q("plan__region_id", region_code))
    published = drawn.filter(published_on__gte=start, published_on__lte=end)
    complaints = Complaint.objects.filter(subtree_q("project__region_id", region_code))
    return InspectionFigures(
        plans=plans.filter(published_at__date__gte=start, published_at__date__lte=end).count(),
        objects_drawn=drawn.filter(
            plan__drawn_at__date__gte=start, plan__drawn_at__date__lte=end
        ).count(),
        results_published=published.count(),
        published_on_time=published.filter(published_on__lte=F("due_date")).count(),
        complaints=complaints.filter(filed_on__gte=start, filed_on__lte=end).count(),
        complaints_decided_on_time=complaints.filter(decided_on__gte=start, decided_on__lte=end)
        .filter(decided_on__lte=F("due_date"))
        .count(),
    )


def inspector_names(cert_numbers: list[str]) -> dict[str, str]:
    """执法证号 → name: the only personal data of an inspector shown to the public."""
    rows = Inspector.objects.filter(cert_no__in=cert_numbers).values_list("cert_no", "name")
    return dict(rows)


def rows_with_inspectors(plan: Plan) -> list[dict[str, Any]]:
    drawn = drawn_of(plan)
    names = inspector_names([c for d in drawn for c in d.inspector_order])
    return [
        {"drawn": d, "inspectors": [(names.get(c, ""), c) for c in d.inspector_order]}
        for d in drawn
    ]
