"""Case pages for staff: window intake, the queues, the case page with its timeline and
the actions its status allows. Thin: parse the form, call a cases service, render."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import roles_of, staff_of
from ninhaoban.accounts.selectors import check_commission
from ninhaoban.cases import clock, documents, permissions, results, selectors, services, written
from ninhaoban.cases.application import Attempt, MaterialRow, typed_fields
from ninhaoban.cases.models import Case, Channel
from ninhaoban.cases.services import Actor, files
from ninhaoban.cases.services.intake import POSTAL_FIELDS
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import DeliveryMethod, ServiceItemVersion, SpecialProcedure
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.core.text import parse_int
from ninhaoban.labels import label
from ninhaoban.regions import selectors as regions

ALERT_CLASS = {0: "", 1: "warn", 2: "bad"}
ALERT_LABEL = {0: gettext_lazy("正常"), 1: gettext_lazy("预警"), 2: gettext_lazy("超期")}


def _staff(request: HttpRequest) -> Actor:
    actor = Actor.of(request.user)
    if not actor.is_staff:
        raise Forbidden("仅限工作人员使用", "for staff only")
    return actor


def _rows(cases: list[Case]) -> list[dict[str, Any]]:
    return [
        {
            "case": c,
            "alert": selectors.alert_of(c),
            "alert_class": ALERT_CLASS[selectors.alert_of(c)],
            "alert_label": ALERT_LABEL[selectors.alert_of(c)],
        }
        for c in cases
    ]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """审批队列 (by due date, yellow and red) and, for clerks, what the window must answer."""
    _staff(request)
    which = request.GET.get("queue", "approver")
    if which == "intake":
        cases = selectors.intake_queue(request.user, 100)
    else:
        cases = selectors.approver_queue(request.user, 100)
    return render(request, "console/cases/queue.html", {"rows": _rows(cases), "queue": which})


# the window a clerk last opened in 叫号: where their intake is taken in, unless they choose
WINDOW_KEY = "nhb_window"


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """窗口受理: find the applicant by ID number, choose an item or a bundle, see which
    materials are already covered, take the files, and accept or issue the notice. Every
    step is a POST, so ID numbers never appear in URLs or access logs."""
    actor = _staff(request)
    if not permissions.may_take_applications(request.user):
        raise Forbidden("只有窗口人员可以受理申请", "only a clerk takes applications")
    source = request.POST
    context: dict[str, Any] = {
        "id_number": source.get("id_number", ""),
        "agent_number": source.get("agent", ""),
        "item_code": source.get("item", ""),
        "bundle_code": source.get("bundle", ""),
        "items": catalog.window_items(_regions(request)),
        "bundles": catalog.bundles().order_by("code"),
        "delivery_methods": DeliveryMethod.choices,
        "typed": source if source.get("step") == "submit" else {},
        "windows": [w for code in _regions(request) for w in regions.windows_in(code)],
        "window_id": source.get("window") or str(request.session.get(WINDOW_KEY, "")),
    }
    # 帮办代办: the helper applies for the resident of a confirmed 委托书, for its items only
    commission_id = parse_int(
        source.get("commission") or request.GET.get("commission"), field="commission"
    )
    if commission_id:
        commission = accounts.commission_for_helper(staff_of(request.user), commission_id)
        actor = actor.helping(commission)
        context.update(
            commission=commission,
            applicant=commission.organization,
            items=[r for r in context["items"] if r.version.item.code in commission.items],
            bundles=[],
        )
    attempt = None
    try:
        if "commission" in context:
            check_commission(context["commission"], staff_of(request.user), [], clock.today())
        if context["id_number"] and not commission_id:
            context["applicant"] = selectors.applicant_by_number(context["id_number"])
        if context["agent_number"] and context.get("applicant") is not None:
            # 经办人: the person at the counter acting for the company (checked on submit)
            actor = actor.with_agent(
                selectors.applicant_by_number(context["agent_number"]), context["applicant"]
            )
        if context.get("applicant") and (context["item_code"] or context["bundle_code"]):
            plan = services.plan_for(
                item_code=context["item_code"], bundle_code=context["bundle_code"]
            )
            context["plan"] = plan
            context["decider"] = _decider(plan.versions, _regions(request))
            needs = services.preview(context["applicant"], plan, actor=actor)
            context["rows"] = [MaterialRow(need, state) for need, state in needs]
            fields = results.application_fields(plan.versions)
            context["form_fields"] = typed_fields(fields, context["typed"])
        if source.get("step") == "submit" and "plan" in context:
            attempt = Attempt(actor, needs, source, request.FILES)
            case = services.submit(
                actor=actor,
                applicant=context["applicant"],
                channel=Channel.WINDOW,
                item_code=context["item_code"],
                bundle_code=context["bundle_code"],
                files=attempt.files,
                form=results.application_form(source, fields),
                delivery_method=source.get("delivery_method", ""),
                post_address={name: source.get(name, "") for name in POSTAL_FIELDS},
                consent=source.get("consent") == "present" and not commission_id,
                allow_incomplete=True,
                accept_at_once=bool(source.get("accept")),
                window_id=parse_int(context["window_id"], field="window") or None,
            )
            attempt.made()
            return redirect("console:case", case_no=case.case_no)
    except DomainError as exc:
        context["error"] = exc
        if attempt is not None:
            context.update(attempt.refused(exc))
    return render(
        request, "console/cases/intake.html", context, status=422 if "error" in context else 200
    )


def _decider(versions: list[ServiceItemVersion], regions: list[str]) -> dict[str, Any]:
    """Which offices will decide, and whether they are this window's own (else 通办)."""
    offices = list(dict.fromkeys(v.item.department.name for v in versions))
    here = all(any(c.startswith(v.item.region.prefix) for c in regions) for v in versions)
    return {"office": "、".join(offices), "here": here}


def _regions(request: HttpRequest) -> list[str]:
    """The regions of the clerk's windows; an administrator without one works for the city."""
    codes = {grant.region_id for grant in roles_of(request.user, [Role.CLERK])}
    return sorted(codes) or ["421200000000"]


@login_required
def case_page(request: HttpRequest, case_no: str) -> HttpResponse:
    actor = _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    return render(request, "console/cases/case.html", _case_context(actor, case))


def _case_context(
    actor: Actor,
    case: Case,
    failed: str = "",
    failure: DomainError | None = None,
    typed: QueryDict | None = None,
) -> dict[str, Any]:
    """The case page; after a refused action (`failed`), that action's form again with
    what was typed and the error beside it."""
    holder = case.parent or case
    typed = typed if failed and typed is not None else QueryDict()
    materials = list(holder.materials.order_by("pk"))
    said = dict(zip(typed.getlist("material"), typed.getlist("problem"), strict=False))
    licence = results.licence_form(case)
    if licence is not None and failed == "decide":
        licence = replace(
            licence,
            fields=[
                (k, label, typed.get(f"field-{k}", v), required)
                for k, label, v, required in licence.fields
            ],
        )
    return {
        "case": case,
        "alert": ALERT_LABEL[selectors.alert_of(case)],
        "alert_class": ALERT_CLASS[selectors.alert_of(case)],
        "events": selectors.history(case, staff=True),
        "materials": materials,
        "form_lines": written.form_lines(case),
        "correction_rows": [(m, said.get(m.name, "")) for m in materials],
        "steps": case.steps.order_by("position"),
        "workable_steps": permissions.workable_steps(actor, case),
        "children": case.children.select_related("department").order_by("case_no"),
        "notices": selectors.notices(holder),
        "clock_notices": [documents.ClockNotice(n) for n in selectors.clock_notices(case)],
        "allowed": permissions.allowed_actions(actor, case),
        "procedures": SpecialProcedure.choices,
        "delivery_methods": DeliveryMethod.choices,
        "postal_fields": [
            (name, text, typed.get(name, "") if failed == "deliver" else getattr(case, name))
            for name, text in zip(POSTAL_FIELDS, POSTAL_LABELS, strict=True)
        ],
        "licence": licence,
        "licence_types": (
            results.licence_types_for(case)
            if case.department_id and not results.licence_type_of(case)
            else []
        ),
        "failed": failed,
        "failure": failure,
        "typed": typed,
    }


POSTAL_LABELS = (gettext_lazy("收件人"), gettext_lazy("收件人电话"), gettext_lazy("详细地址"))


def _problems(request: HttpRequest) -> list[dict[str, str]]:
    names = request.POST.getlist("material")
    texts = request.POST.getlist("problem")
    return [
        {"material": m, "problem": p.strip()}
        for m, p in zip(names, texts, strict=False)
        if p.strip()
    ]


def _licence_fields(request: HttpRequest) -> dict[str, str]:
    """The licence's face fields the approver filled in (inputs named "field-<key>")."""
    values = {
        key.removeprefix("field-"): request.POST.get(key, "").strip()
        for key in request.POST
        if key.startswith("field-")
    }
    return {key: value for key, value in values.items() if value}


ACTIONS: dict[str, Callable[[Case, Actor, HttpRequest], object]] = {
    "accept": lambda c, a, r: services.accept(c, a),
    "refuse": lambda c, a, r: services.refuse(c, a, reason=r.POST.get("reason", "")),
    "request_correction": lambda c, a, r: services.request_correction(c, a, problems=_problems(r)),
    "start_review": lambda c, a, r: services.start_review(c, a),
    "complete_step": lambda c, a, r: services.complete_step(
        c, parse_int(r.POST.get("step"), field="step"), a, opinion=r.POST.get("opinion", "")
    ),
    "suspend": lambda c, a, r: services.suspend(
        c, a, procedure=r.POST.get("procedure", ""), reason=r.POST.get("reason", "")
    ),
    "resume": lambda c, a, r: services.resume(c, a, note=r.POST.get("reason", "")),
    "extend": lambda c, a, r: services.extend(
        c, a, days=parse_int(r.POST.get("days"), field="days"), reason=r.POST.get("reason", "")
    ),
    "decide": lambda c, a, r: services.decide(
        c,
        a,
        outcome=r.POST.get("outcome", ""),
        reason=r.POST.get("reason", ""),
        licence_type=r.POST.get("licence_type", ""),
        licence_fields=_licence_fields(r),
    ),
    "deliver": lambda c, a, r: services.deliver(
        c,
        a,
        method=r.POST.get("method", ""),
        tracking_no=r.POST.get("tracking_no", ""),
        post_address={name: r.POST.get(name, "") for name in POSTAL_FIELDS},
    ),
    "close": lambda c, a, r: services.close(c, a),
    "reopen": lambda c, a, r: services.reopen(c, a, reason=r.POST.get("reason", "")),
}


@login_required
@require_POST
def act(request: HttpRequest, case_no: str, action: str) -> HttpResponse:
    actor = _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    handler = ACTIONS.get(action)
    if handler is None:
        raise InvalidInput(f"未知的操作：{action}", f"unknown action: {action}")
    try:
        handler(case, actor, request)
    except DomainError as exc:
        context = _case_context(actor, case, action, exc, request.POST)
        return render(request, "console/cases/case.html", context, status=exc.status)
    messages.info(request, gettext("%(action)s：已完成") % {"action": label("transition", action)})
    return redirect("console:case", case_no=case_no)


@login_required
def receipt(request: HttpRequest, case_no: str) -> HttpResponse:
    _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    if case.accepted_on is None:
        raise InvalidInput("办件尚未受理，没有受理回执", "not accepted yet: no receipt")
    if request.GET.get("format") == "pdf":
        return _pdf(documents.Receipt.of(case).pdf(), f"receipt-{case.case_no}.pdf")
    return render(request, "console/cases/receipt.html", {"receipt": documents.Receipt.of(case)})


@login_required
def notice_pdf(request: HttpRequest, case_no: str, notice_id: int) -> HttpResponse:
    _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    notice = selectors.notice_of(case, notice_id)
    return _pdf(documents.notice_pdf(notice), f"notice-{case.case_no}-{notice_id}.pdf")


@login_required
def material_file(request: HttpRequest, case_no: str, material_id: int) -> FileResponse:
    """An applicant's file, opened by staff who may see the case; the read is traced."""
    actor = _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    opened = files.open_material(case, material_id, actor)
    return FileResponse(opened.file, content_type=opened.content_type, filename=opened.name)


@login_required
def written_pdf(request: HttpRequest, case_no: str, material_id: int) -> HttpResponse:
    """A 申请书 or model text the platform wrote from the applicant's form; the read is traced."""
    actor = _staff(request)
    case = selectors.case_for_staff(request.user, case_no)
    data = files.open_written(case, material_id, actor)
    return _pdf(data, f"written-{case_no}-{material_id}.pdf")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
