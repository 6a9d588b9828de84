"""好差评 for staff: the supervisor's figures and ranking (their region), the department's
rectifications (核实、整改、反馈、回访) and appeals, the supervisor's decisions, staff entry
of hotline / 意见箱 / 留言本 items, the 第三方测评 import, and window duty for the 评价器.
Thin: parse, call an evaluation service, render."""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope, roles_of, staff_of
from ninhaoban.accounts.services import trace_view
from ninhaoban.cases import selectors as cases
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import (
    REASONS,
    STAFF_ENTRY_CHANNELS,
    Dimension,
    Level,
    RaterAnswer,
    RectificationState,
)
from ninhaoban.evaluation.services import ENTRY_ROLES, Rating
from ninhaoban.regions import selectors as regions

ALERT_CLASS = {0: "", 1: "warn", 2: "bad"}
STEP_OF: dict[str, str] = {
    RectificationState.OPEN: "verify",
    RectificationState.VERIFIED: "rectify",
    RectificationState.RECTIFIED: "answer",
    RectificationState.ANSWERED: "follow_up",
}
STEP_LABELS = {"verify": "核实", "rectify": "整改", "answer": "反馈", "follow_up": "回访"}


def _supervisor_region(request: HttpRequest) -> str:
    """The region asked for (default: the widest one supervised), checked against scope."""
    code = request.GET.get("region", "").strip() or selectors.supervised_region(request.user)
    if not code:
        raise Forbidden("仅限监察人员使用", "for supervisors only")
    code = regions.get_region(code).code
    require_scope(request.user, services.SUPERVISOR_ROLES, code)
    return code


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The month's figures of the region and its parts, and the ranking of windows and
    departments with those at the bottom two months running flagged."""
    staff_of(request.user)
    code = _supervisor_region(request)
    month = selectors.month_of(request.GET.get("month"))
    dimension = request.GET.get("by", Dimension.STAFF)
    if dimension not in Dimension.values or dimension == Dimension.REGION:
        raise InvalidInput("统计维度不正确", "unknown dimension", field="by")
    context = {
        "region": regions.get_region(code),
        "month": month,
        "months": selectors.months_with_ratings(),
        "regions": selectors.by_region(code, month),
        "windows": selectors.ranking(region_code=code, month=month, dimension=Dimension.WINDOW),
        "departments": selectors.ranking(
            region_code=code, month=month, dimension=Dimension.DEPARTMENT
        ),
        "by": dimension,
        "dimensions": [d for d in Dimension.values if d != Dimension.REGION],
        "others": selectors.figures_by(code, month, dimension),
        "appeals": selectors.appeals_for(request.user, pending_only=True)[:50],
        "bad": selectors.ratings_for(request.user, bad_only=True)[:50],
    }
    return render(request, "console/evaluation/dashboard.html", context)


@login_required
def rectifications(request: HttpRequest) -> HttpResponse:
    """整改台账: the department's own (a supervisor: the region's), by due date."""
    staff_of(request.user)
    state = request.GET.get("state", "")
    if state and state not in RectificationState.values:
        raise InvalidInput("状态不正确", "unknown state", field="state")
    rows = [
        {"rect": r, "alert": ALERT_CLASS[selectors.alert_of(r)]}
        for r in selectors.rectifications_for(request.user, state=state)[:200]
    ]
    context = {"rows": rows, "state": state, "states": RectificationState.values}
    return render(request, "console/evaluation/rectifications.html", context)


def _rect_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    rect = selectors.rectification_for(request.user, pk)
    ev = rect.evaluation
    # 反馈 and 回访 call the rater back: only then is the number shown, and the read traced
    calling = rect.state in (RectificationState.RECTIFIED, RectificationState.ANSWERED)
    rater = ev.rater if calling else None
    if rater is not None:
        trace_view(rater, staff_of(request.user), purpose="差评整改反馈与回访")
    step = STEP_OF.get(rect.state)
    return {
        "rect": rect,
        "ev": ev,
        "rater": rater,
        "step": step,
        "step_label": STEP_LABELS.get(step or "", ""),
        "answers": RaterAnswer.values,
        "alert": ALERT_CLASS[selectors.alert_of(rect)],
        "appeal": getattr(ev, "appeal", None),
        "may_appeal": bool(roles_of(request.user, services.APPEAL_ROLES)),
    }


@login_required
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    staff_of(request.user)
    return render(request, "console/evaluation/rectification.html", _rect_context(request, pk))


@login_required
@require_POST
def rectification_step(request: HttpRequest, pk: int) -> HttpResponse:
    staff_of(request.user)
    rect = selectors.rectification_for(request.user, pk)
    try:
        services.advance(
            request.user,
            rect,
            request.POST.get("step", ""),
            note=request.POST.get("note", ""),
            answer=request.POST.get("answer", ""),
        )
    except DomainError as exc:
        context = _rect_context(request, pk) | {"error": exc, "typed": request.POST}
        return render(request, "console/evaluation/rectification.html", context, status=exc.status)
    messages.info(request, gettext("已办理"))
    return redirect("console:evaluation-rectification", pk=pk)


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """申诉 from the rectification page: by the department's chief."""
    staff_of(request.user)
    rect = selectors.rectification_for(request.user, pk)
    try:
        services.file_appeal(request.user, rect.evaluation, request.POST.get("reason", ""))
    except DomainError as exc:
        context = _rect_context(request, pk) | {"appeal_error": exc, "typed": request.POST}
        return render(request, "console/evaluation/rectification.html", context, status=exc.status)
    messages.info(request, gettext("申诉已提交，等待监察人员裁定"))
    return redirect("console:evaluation-rectification", pk=pk)


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    rows = selectors.appeals_for(request.user)[:200]
    may_decide = bool(roles_of(request.user, services.SUPERVISOR_ROLES))
    context = {"rows": rows, "may_decide": may_decide}
    return render(request, "console/evaluation/appeals.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    staff_of(request.user)
    found = selectors.appeal_for(request.user, pk)
    upheld = request.POST.get("decision", "")
    if upheld not in ("upheld", "rejected"):
        raise InvalidInput("请选择裁定结果", "choose the decision", field="decision")
    services.decide_appeal(
        request.user, found, upheld=upheld == "upheld", note=request.POST.get("note", "")
    )
    messages.info(request, gettext("已裁定"))
    return redirect("console:evaluation-appeals")


def _entry_context() -> dict[str, Any]:
    return {
        "channels": [str(c) for c in STAFF_ENTRY_CHANNELS],
        "levels": Level.choices,
        "reasons": list(REASONS),
    }


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest) -> HttpResponse:
    """录入: an item from the 12345 hotline, the 意见箱 or the 留言本, with its source."""
    staff_of(request.user)
    if not (request.user.is_superuser or roles_of(request.user, ENTRY_ROLES)):
        raise Forbidden("仅限窗口人员和监察人员录入", "for clerks and supervisors")
    context = _entry_context()
    if request.method == "POST":
        post = request.POST
        try:
            case_no = post.get("case_no", "").strip()
            case = cases.case_for_staff(request.user, case_no) if case_no else None
            region = None
            if case is None:
                region = regions.get_region(post.get("region", "").strip())
            ev = services.enter_item(
                request.user,
                channel=post.get("channel", ""),
                rating=Rating.of(
                    post.get("level", ""), post.getlist("reasons"), post.get("comment")
                ),
                case=case,
                region=region,
                id_number=post.get("id_number", ""),
            )
        except DomainError as exc:
            context |= {"error": exc, "typed": post}
            return render(request, "console/evaluation/entry.html", context, status=exc.status)
        messages.info(request, gettext("已录入评价%(number)s") % {"number": ev.pk})
        return redirect("console:evaluation-entry")
    return render(request, "console/evaluation/entry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest) -> HttpResponse:
    """第三方测评: the survey firm's workbook, every row or none."""
    staff_of(request.user)
    services.require_supervisor(request.user)
    context: dict[str, Any] = {"header": services.SURVEY_HEADER}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择XLSX文件", "choose an XLSX file", field="file")
            count = services.import_survey(request.user, upload.read())
        except DomainError as exc:
            context["error"] = exc
            return render(request, "console/evaluation/survey.html", context, status=exc.status)
        messages.info(request, gettext("已导入%(count)s条测评") % {"count": count})
        return redirect("console:evaluation-survey")
    return render(request, "console/evaluation/survey.html", context)


def _window_codes(request: HttpRequest, roles: Sequence[str]) -> list[str]:
    if request.user.is_superuser:
        return [selectors.city_code()]
    return sorted({g.region_id for g in roles_of(request.user, roles)})


@login_required
def windows(request: HttpRequest) -> HttpResponse:
    """上岗 and 请评价 for the clerk; 评价器 terminals for the administrator."""
    staff_of(request.user)
    serving = [Role.CLERK, Role.APPROVER, Role.CHIEF]
    codes = _window_codes(request, serving)
    admin_codes = _window_codes(request, [Role.ADMIN])
    if not codes and not admin_codes:
        raise Forbidden("仅限窗口人员和系统管理员使用", "for window staff and administrators")
    shown = {w.pk: w for code in codes + admin_codes for w in regions.windows_in(code)}
    context = {
        "windows": sorted(shown.values(), key=lambda w: (w.hall.region_id, w.hall.name, w.number)),
        "duties": selectors.duties_of(request.user),
        "pads": [p for code in admin_codes for p in selectors.pads_in(code)],
        "is_admin": bool(admin_codes),
    }
    return render(request, "console/evaluation/windows.html", context)


@login_required
@require_POST
def window_act(request: HttpRequest, pk: int) -> HttpResponse:
    staff_of(request.user)
    window = regions.windows_by_id([pk]).get(pk)
    if window is None:
        raise NotFound("窗口不存在", "no such window")
    action = request.POST.get("action", "")
    if action == "take":
        services.take_window(request.user, window)
    elif action == "present":
        case_no = request.POST.get("case_no", "").strip()
        case = cases.case_for_staff(request.user, case_no) if case_no else None
        services.present_case(request.user, window, case)
    elif action == "pad":
        services.bind_pad(request.user, request.POST.get("terminal", ""), window)
    else:
        raise InvalidInput("操作不正确", "unknown action", field="action")
    messages.info(request, gettext("已保存"))
    return redirect("console:evaluation-windows")
