"""双随机一公开 and 招标投标投诉 for a department's staff: plans (create, publish, draw,
results on their clock) and complaints (register, accept, pause, suspend, decide). Thin:
parse the form, call an inspections service; a refused step is the usual 4xx page."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from ninhaoban.accounts.scoping import roles_of, staff_of
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.text import parse_int
from ninhaoban.inspections import selectors, services
from ninhaoban.inspections.models import (
    AnnouncementKind,
    ComplaintOutcome,
    Finding,
    PauseKind,
    PlanStatus,
)
from ninhaoban.regions.models import Department
from ninhaoban.regions.selectors import departments_by_id

ALERT_CLASS = {selectors.OK: "", selectors.WARNING: "warn", selectors.OVERDUE: "bad"}


def _date(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput("日期格式应为YYYY-MM-DD", "a date is YYYY-MM-DD", field=field) from None


def _departments(request: HttpRequest) -> list[Department]:
    """The departments this staff member runs 双随机 for (a grant bound to one)."""
    ids = {g.department_id for g in roles_of(request.user, services.MANAGER_ROLES)}
    found = departments_by_id([i for i in ids if i is not None])
    return sorted(found.values(), key=lambda d: d.pk)


def _alert(due: dt.date | None, done: bool) -> dict[str, str]:
    level = selectors.alert_of(due, done, timezone.localdate())
    return {"alert_class": ALERT_CLASS[level], "alert": selectors.ALERT_KEYS[level]}


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    departments = _departments(request)
    return render(
        request,
        "console/inspections/plans.html",
        {
            "plans": selectors.plans_for(request.user)[:200],
            "departments": departments,
            "items": selectors.check_items_of(request.user).filter(department__in=departments),
        },
    )


@login_required
@require_POST
def create_plan(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    form = request.POST
    department_id = parse_int(form.get("department"), field="department")
    department = {d.pk: d for d in _departments(request)}.get(department_id)
    if department is None:
        raise InvalidInput(
            "请选择本人所在的部门", "choose one of your departments", field="department"
        )
    count, ratio = form.get("sample_count", "").strip(), form.get("sample_ratio", "").strip()
    plan = services.create_plan(
        request.user,
        department,
        title=form.get("title", ""),
        item_codes=form.getlist("items"),
        industry=form.get("industry", ""),
        object_region=form.get("object_region", ""),
        sample_count=parse_int(count, field="sample_count") if count else None,
        sample_ratio=parse_int(ratio, field="sample_ratio") if ratio else None,
        inspectors_per_object=parse_int(
            form.get("inspectors_per_object"), field="inspectors_per_object", default=2
        ),
        start_date=_date(form.get("start_date"), "start_date"),
        end_date=_date(form.get("end_date"), "end_date"),
    )
    messages.info(request, gettext("抽查计划已保存为草稿。"))
    return redirect("console:inspection-plan", code=plan.code)


@login_required
def plan_page(request: HttpRequest, code: str) -> HttpResponse:
    staff_of(request.user)
    plan = selectors.plan_for(request.user, code)
    rows = [
        {**row, **_alert(row["drawn"].due_date, row["drawn"].published_on is not None)}
        for row in selectors.rows_with_inspectors(plan)
    ]
    return render(
        request,
        "console/inspections/plan.html",
        {
            "plan": plan,
            "items": plan.items.all(),
            "rows": rows,
            "findings": Finding.choices,
            "is_draft": plan.status == PlanStatus.DRAFT,
            "is_published": plan.status == PlanStatus.PUBLISHED,
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def plan_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    staff_of(request.user)
    plan = selectors.plan_for(request.user, code)
    if action == "publish":
        services.publish_plan(request.user, plan)
        messages.info(request, gettext("计划已公布并存证；存证检查点签发后即可抽取。"))
    elif action == "draw":
        services.draw_plan(request.user, plan)
        messages.info(request, gettext("已抽取，结果已公开，任何人可复核。"))
    elif action == "result":
        form = request.POST
        drawn = selectors.drawn_object(plan, parse_int(form.get("position"), field="position"))
        drawn = services.record_result(
            request.user,
            drawn,
            finding=form.get("finding", ""),
            inspected_on=_date(form.get("inspected_on"), "inspected_on"),
            note=form.get("note", ""),
        )
        if form.get("publish"):
            services.publish_result(request.user, drawn)
        messages.info(request, gettext("检查结果已保存。"))
    else:
        raise InvalidInput("未知的操作", "unknown action", field="action")
    return redirect("console:inspection-plan", code=plan.code)


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    rows = [
        {"complaint": c, **_alert(c.due_date, c.status in ("decided", "refused"))}
        for c in selectors.complaints_for(request.user)[:200]
    ]
    return render(
        request,
        "console/inspections/complaints.html",
        {
            "rows": rows,
            "projects": selectors.projects_for(request.user),
            "abouts": AnnouncementKind.choices,
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def file_complaint(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    form = request.POST
    project = selectors.project_for(request.user, form.get("project", ""))
    complaint = services.file_complaint(
        request.user,
        project,
        complainant=form.get("complainant", ""),
        about=form.get("about", ""),
        known_on=_date(form.get("known_on"), "known_on"),
        grounds=form.get("grounds", ""),
    )
    messages.info(request, gettext("投诉已登记，请在3个工作日内决定是否受理。"))
    return redirect("console:inspection-complaint", number=complaint.number)


@login_required
def complaint_page(request: HttpRequest, number: str) -> HttpResponse:
    staff_of(request.user)
    complaint = selectors.complaint_for(request.user, number)
    context: dict[str, Any] = {
        "complaint": complaint,
        "evidence": selectors.evidence_of(complaint),
        "pause_kinds": PauseKind.choices,
        "outcomes": ComplaintOutcome.choices,
        **_alert(complaint.due_date, complaint.status in ("decided", "refused")),
    }
    return render(request, "console/inspections/complaint.html", context)


@login_required
@require_POST
def complaint_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    staff_of(request.user)
    complaint = selectors.complaint_for(request.user, number)
    form = request.POST
    services.act_on_complaint(
        request.user,
        complaint,
        action,
        reason=form.get("reason", ""),
        kind=form.get("kind", ""),
        outcome=form.get("outcome", ""),
    )
    messages.info(request, gettext("已办理。"))
    return redirect("console:inspection-complaint", number=complaint.number)
