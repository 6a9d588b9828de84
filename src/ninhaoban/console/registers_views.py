"""The registers behind 双随机一公开 and 招标投标投诉, kept by a department's staff: the
随机抽查事项清单 (add, edit, retire), the 执法检查人员名录库 (add, deactivate), the 回避 list,
and tender projects with their announcements and bidders. Thin: parse the form, call an
inspections service (which checks the scope and writes the ledger entry); a refused step
is the usual 4xx page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from ninhaoban.accounts.scoping import staff_of
from ninhaoban.console.inspections_views import _date, _departments
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.text import parse_int
from ninhaoban.inspections import selectors, services
from ninhaoban.inspections.models import AnnouncementKind
from ninhaoban.regions.models import Department


def _department(request: HttpRequest) -> Department:
    department_id = parse_int(request.POST.get("department"), field="department")
    found = {d.pk: d for d in _departments(request)}.get(department_id)
    if found is None:
        raise InvalidInput(
            "请选择本人所在的部门", "choose one of your departments", field="department"
        )
    return found


@login_required
def registers(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    return render(
        request,
        "console/inspections/registers.html",
        {
            "departments": _departments(request),
            "items": selectors.all_check_items_of(request.user)[:500],
            "inspectors": selectors.inspectors_of(request.user)[:500],
            "avoidances": selectors.avoidances_of(request.user)[:500],
        },
    )


@login_required
@require_POST
def register_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A new 抽查事项 or 执法检查人员 of one of the staff member's departments."""
    staff_of(request.user)
    form, user = request.POST, request.user
    if kind == "item":
        services.add_check_item(
            user,
            _department(request),
            code=form.get("code", ""),
            name=form.get("name", ""),
            legal_basis=form.get("legal_basis", ""),
        )
    elif kind == "inspector":
        services.add_inspector(
            user,
            _department(request),
            username=form.get("username", ""),
            cert_no=form.get("cert_no", ""),
            region_code=form.get("region", ""),
        )
    else:
        raise InvalidInput("未知的名录", "unknown register", field="kind")
    return _saved(request)


@login_required
@require_POST
def item_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    staff_of(request.user)
    item = selectors.check_item_for(request.user, code)
    if action == "edit":
        services.edit_check_item(
            request.user,
            item,
            name=request.POST.get("name", ""),
            legal_basis=request.POST.get("legal_basis", ""),
        )
    elif action == "retire":
        services.retire_check_item(request.user, item)
    else:
        raise InvalidInput("未知的操作", "unknown action", field="action")
    return _saved(request)


@login_required
@require_POST
def inspector_act(request: HttpRequest, cert_no: str, action: str) -> HttpResponse:
    staff_of(request.user)
    inspector = selectors.inspector_for(request.user, cert_no)
    if action != "deactivate":
        raise InvalidInput("未知的操作", "unknown action", field="action")
    services.deactivate_inspector(request.user, inspector)
    return _saved(request)


@login_required
@require_POST
def avoidance_new(request: HttpRequest) -> HttpResponse:
    """回避: an inspector (chosen on the form) and an object of the 检查对象名录库."""
    staff_of(request.user)
    services.avoid(
        request.user,
        selectors.inspector_for(request.user, request.POST.get("cert_no", "")),
        uscc=request.POST.get("uscc", ""),
        reason=request.POST.get("reason", ""),
    )
    return _saved(request)


@login_required
@require_POST
def avoidance_end(request: HttpRequest, avoidance_id: int) -> HttpResponse:
    staff_of(request.user)
    services.end_avoidance(request.user, selectors.avoidance_for(request.user, avoidance_id))
    return _saved(request)


def _saved(request: HttpRequest, to: str = "console:inspection-registers") -> HttpResponse:
    messages.info(request, gettext("已保存并存证。"))
    return redirect(to)


@login_required
def tenders(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    projects = selectors.projects_for(request.user)[:200]
    return render(
        request,
        "console/inspections/tenders.html",
        {
            "departments": _departments(request),
            "projects": [
                (p, selectors.announcements_of(p), selectors.bidders_of(p)) for p in projects
            ],
            "kinds": AnnouncementKind.choices,
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def project_new(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    services.add_project(
        request.user,
        _department(request),
        code=request.POST.get("code", ""),
        name=request.POST.get("name", ""),
    )
    return _saved(request, "console:inspection-tenders")


@login_required
@require_POST
def project_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    staff_of(request.user)
    project = selectors.project_for(request.user, code)
    if action == "announce":
        services.announce_step(
            request.user,
            project,
            request.POST.get("kind", ""),
            _date(request.POST.get("published_on"), "published_on"),
        )
    elif action == "bidder":
        services.register_bidder(request.user, project, uscc=request.POST.get("uscc", ""))
    else:
        raise InvalidInput("未知的操作", "unknown action", field="action")
    return _saved(request, "console:inspection-tenders")


@login_required
def evidence_file(request: HttpRequest, number: str, evidence_id: int) -> FileResponse:
    """A bidder's 证明材料, for the staff who handle the complaint."""
    staff_of(request.user)
    complaint = selectors.complaint_for(request.user, number)
    evidence = selectors.evidence_for(complaint, evidence_id)
    return FileResponse(
        selectors.open_evidence(evidence),
        content_type=evidence.upload.content_type,
        filename=evidence.name,
    )
