"""我的办件 for applicants: live progress, the case page, corrections, withdrawal, and the
receipt and notice PDFs. Only the applicant's own cases, never anyone else's."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.sources import Source
from ninhaoban.cases import documents, permissions, selectors, services, written
from ninhaoban.cases.application import Attempt, MaterialRow
from ninhaoban.cases.models import Case
from ninhaoban.cases.services import Actor, signing
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from ninhaoban.evaluation import selectors as evaluation
from ninhaoban.portal.acting import actor_of
from ninhaoban.portal.payments_views import fee_of


def _applicant(request: HttpRequest) -> Actor | None:
    if not request.user.is_authenticated:
        return None
    actor = actor_of(request)
    if actor.kind != "applicant":
        raise Forbidden("请以申请人身份登录", "sign in as an applicant")
    return actor


def _login(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), "/login/")


def _context(case: Case, actor: Actor) -> dict:
    holder = case.parent or case
    allowed = permissions.allowed_actions(actor, case)
    materials = list(holder.materials.order_by("pk"))
    return {
        "case": case,
        "events": selectors.history(case, staff=False),
        "steps": case.steps.order_by("position"),
        "children": case.children.order_by("case_no"),
        "materials": materials,
        "written": [m for m in materials if m.state in written.WRITTEN_STATES],
        "unsigned": signing.unsigned(case),
        "rows": [MaterialRow(m, m.state) for m in materials if not m.covered],
        "notices": selectors.notices(holder),
        "clock_notices": [documents.ClockNotice(n) for n in selectors.clock_notices(case)],
        "open_notice": "supply_correction" in allowed,
        "withdrawable": "withdraw" in allowed,
        "alert": selectors.alert_of(case),
        "fee": fee_of(case),
    }


def my_cases(request: HttpRequest) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    rows = [(c, selectors.alert_of(c)) for c in selectors.cases_of(actor.own, 100)]
    rated = evaluation.rated_cases(actor.own, [c.pk for c, _ in rows])
    return render(request, "portal/cases/list.html", {"rows": rows, "rated": rated})


def case_page(request: HttpRequest, case_no: str) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    return render(request, "portal/cases/case.html", _context(case, actor))


def progress(request: HttpRequest, case_no: str) -> HttpResponse:
    """The part of the case page htmx refreshes while the applicant watches."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    return render(request, "portal/cases/progress.html", _context(case, actor))


@require_POST
def supply(request: HttpRequest, case_no: str) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    context = _context(case, actor)
    asked = [(row.need, row.state) for row in context["rows"]]
    attempt = Attempt(actor, asked, request.POST, request.FILES)
    try:
        if not attempt.files:
            raise InvalidInput(
                "请选择要上传的补正材料", "choose the files to upload", field="files"
            )
        services.supply_correction(case, actor, attempt.files)
    except DomainError as exc:
        context.update(attempt.refused(exc))
        return render(request, "portal/cases/case.html", context, status=exc.status)
    attempt.made()
    messages.info(request, gettext("补正材料已提交"))
    return redirect("my-case", case_no=case_no)


@require_POST
def withdraw(request: HttpRequest, case_no: str) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    services.withdraw(case, actor, reason=request.POST.get("reason", ""))
    messages.info(request, gettext("申请已撤回"))
    return redirect("my-case", case_no=case_no)


@require_POST
def sign_code(request: HttpRequest, case_no: str) -> HttpResponse:
    """在线签署, first step: a code to the applicant's phone."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    try:
        phone = signing.send_code(case, actor, Source.of(request))
    except DomainError as exc:
        context = _context(case, actor) | {"sign_error": exc}
        return render(request, "portal/cases/case.html", context, status=exc.status)
    messages.info(request, gettext("签署验证码已发送至%(phone)s") % {"phone": phone})
    return redirect(reverse("my-case", args=[case_no]) + "#sign")


@require_POST
def sign(request: HttpRequest, case_no: str) -> HttpResponse:
    """在线签署, second step: the code confirms every unsigned 申请书 of the case."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    try:
        signing.sign(case, actor, request.POST.get("code", ""), Source.of(request))
    except DomainError as exc:
        context = _context(case, actor) | {"sign_error": exc}
        return render(request, "portal/cases/case.html", context, status=exc.status)
    messages.info(request, gettext("申请书已签署"))
    return redirect("my-case", case_no=case_no)


def receipt_pdf(request: HttpRequest, case_no: str) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    if case.accepted_on is None:
        raise InvalidInput("办件尚未受理，没有受理回执", "not accepted yet: no receipt")
    return _pdf(documents.Receipt.of(case).pdf(), f"receipt-{case_no}.pdf")


def notice_pdf(request: HttpRequest, case_no: str, notice_id: int) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    notice = selectors.notice_of(case, notice_id)
    return _pdf(documents.notice_pdf(notice), f"notice-{case_no}-{notice_id}.pdf")


def written_pdf(request: HttpRequest, case_no: str, material_id: int) -> HttpResponse:
    """The applicant's own 申请书 or model text, as the platform wrote it from their form."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = selectors.case_for_applicant(actor.own, case_no)
    row = written.written_material(case, material_id)
    return _pdf(written.document_pdf(case, row), f"written-{case_no}-{material_id}.pdf")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def progress_lookup(request: HttpRequest) -> HttpResponse:
    """办理进度查询 without signing in, as on the kiosk: the case number and the ID number's
    last four characters show the status, steps and dates, never the identifier or files.
    A POST, so the four characters stay out of URLs and access logs."""
    if request.method != "POST":
        return render(request, "portal/progress_lookup.html")
    case_no = request.POST.get("case_no", "").strip()[:32]
    try:
        case = selectors.case_by_number_and_tail(case_no, request.POST.get("tail", ""))
    except NotFound as error:
        context = {"error": error, "case_no": case_no}
        return render(request, "portal/progress_lookup.html", context, status=error.status)
    context = {
        "case": case,
        "steps": case.steps.order_by("position"),
        "children": case.children.order_by("case_no"),
    }
    return render(request, "portal/progress_lookup.html", context)


def my_notices(request: HttpRequest) -> HttpResponse:
    """站内消息: each change of the applicant's cases, newest first."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    events = selectors.events_of_applicant(actor.own)
    return render(request, "portal/notices.html", {"events": events})
