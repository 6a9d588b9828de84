"""The pages of a self-service terminal (自助服务终端) in a service hall.

Every page is addressed by the terminal's code and answers only the terminal's own browser,
the one enrolled with an administrator's one-time code (any other browser is told so and
sees nothing else). The pages know nothing about the website's sign-in: a person is known
here only through the terminal's own identity check, for a short session that ends on 退出,
when the next person starts, or after a few idle minutes. Errors are shown on the
terminal's own error page, which has no way out to the staff or portal pages. Nothing
personal is cached by the browser.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.selectors import mandates_held
from ninhaoban.accounts.sources import Source
from ninhaoban.cases import clock, documents
from ninhaoban.cases import selectors as cases
from ninhaoban.cases import services as intake
from ninhaoban.cases.application import application_page
from ninhaoban.cases.models import Channel
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from ninhaoban.core.text import parse_int
from ninhaoban.evaluation import selectors as evaluation
from ninhaoban.exchange.models import SELF
from ninhaoban.guidance.selectors import search_page
from ninhaoban.kiosk import selectors, services
from ninhaoban.kiosk.identity import IDENTITY_CHECK, pending_token, read_pending
from ninhaoban.kiosk.models import IdentityDevices, Kiosk, KioskSession
from ninhaoban.licences import proofs as proofs_of
from ninhaoban.licences import services as licences
from ninhaoban.licences.documents import proof_pdf
from ninhaoban.portal.care import CARE_COOKIE
from ninhaoban.portal.payments_views import fee_of
from ninhaoban.regions.models import Level, Region

SESSION_COOKIE = "nhb_kiosk"
DEVICE_COOKIE = "nhb_kiosk_device"
DEVICE_COOKIE_SECONDS = 10 * 365 * 24 * 3600
PENDING_COOKIE = "nhb_kiosk_pending"
REGION_COOKIE = "nhb_kiosk_region"
PROOF_PURPOSE = "自助终端打印"

View = Callable[..., HttpResponse]


def _base(kiosk: Kiosk) -> str:
    return reverse("kiosk-home", args=[kiosk.code])


def _render(
    request: HttpRequest,
    kiosk: Kiosk | None,
    session: KioskSession | None,
    template: str,
    context: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    base = {
        "kiosk": kiosk,
        "person": session.applicant if session else None,
        "acting_for": session.acting_for if session else None,
        "idle_seconds": int(selectors.IDLE.total_seconds()),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


def _error(
    request: HttpRequest, kiosk: Kiosk | None, session: KioskSession | None, exc: DomainError
) -> HttpResponse:
    return _render(request, kiosk, session, "kiosk/error.html", {"error": exc}, exc.status)


def _terminal(request: HttpRequest, code: str) -> Kiosk | HttpResponse:
    """The terminal, or the page to show instead: not there, or not this browser."""
    try:
        kiosk = selectors.kiosk_by_code(code)
    except NotFound as exc:
        response = _error(request, None, None, exc)
    else:
        if selectors.is_terminal(kiosk, request.COOKIES.get(DEVICE_COOKIE, "")):
            return kiosk
        response = _render(
            request, kiosk, None, "kiosk/not_enrolled.html", {"unenrolled": True}, 403
        )
    add_never_cache_headers(response)
    return response


def kiosk_page(view: View) -> View:
    """Resolve the terminal and the live session around a kiosk view: an idle session is
    ended here (and its cookie dropped), a live one is kept alive, and any domain error
    becomes the terminal's own error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: str, **kwargs: str) -> HttpResponse:
        kiosk = _terminal(request, code)
        if isinstance(kiosk, HttpResponse):
            return kiosk
        token = request.COOKIES.get(SESSION_COOKIE, "")
        session = selectors.session_by_token(kiosk, token)
        if session is not None and selectors.is_idle(session):
            services.end_session(session, "idle")
            session = None
        elif session is not None:
            services.touch(session)
        try:
            response = view(request, kiosk, session, *args, **kwargs)
        except DomainError as exc:
            response = _error(request, kiosk, session, exc)
        if token and session is None and SESSION_COOKIE not in response.cookies:
            response.delete_cookie(SESSION_COOKIE, path=_base(kiosk))
        add_never_cache_headers(response)
        return response

    return wrapper


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, code: str) -> HttpResponse:
    """安装: the browser that types the terminal's live one-time code becomes the terminal."""
    try:
        kiosk = selectors.kiosk_by_code(code)
    except NotFound as exc:
        response = _error(request, None, None, exc)
        add_never_cache_headers(response)
        return response
    error, status = None, 200
    if request.method == "POST":
        try:
            key = services.enrol(kiosk, request.POST.get("code", ""))
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            response = redirect(_base(kiosk))
            response.set_cookie(
                DEVICE_COOKIE,
                key,
                max_age=DEVICE_COOKIE_SECONDS,
                path=_base(kiosk),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
            return response
    context = {"error": error, "unenrolled": True}
    response = _render(request, kiosk, None, "kiosk/enrol.html", context, status)
    add_never_cache_headers(response)
    return response


def _identify_first(request: HttpRequest, kiosk: Kiosk) -> HttpResponse:
    return redirect(f"{reverse('kiosk-identify', args=[kiosk.code])}?next={quote(request.path)}")


def person_page(view: View) -> View:
    """A kiosk page for the person the terminal has identified: without a session, the
    identity check comes first and then leads back here."""

    @wraps(view)
    def for_person(
        request: HttpRequest, kiosk: Kiosk, session: KioskSession | None, *args: str, **kwargs: str
    ) -> HttpResponse:
        if session is None:
            return _identify_first(request, kiosk)
        return view(request, kiosk, session, *args, **kwargs)

    return kiosk_page(for_person)


def _next_url(request: HttpRequest, kiosk: Kiosk) -> str:
    """Only back into this terminal's own pages."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    base = _base(kiosk)
    if target.startswith(base) and "//" not in target and "\\" not in target:
        return target
    return base


@kiosk_page
def home(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    if evaluation.pad_of_terminal(kiosk.code) is not None:  # a window's 评价器
        return redirect("kiosk-pad", code=kiosk.code)
    context = {"region": _acting_region(request, kiosk)}
    return _render(request, kiosk, session, "kiosk/home.html", context)


@kiosk_page
@require_http_methods(["GET", "POST"])
def identify(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """Step 1: the ID number (a new person: whoever was signed in here is signed out).
    Step 2: the code sent to the phone registered for that number."""
    context: dict[str, Any] = {"next": _next_url(request, kiosk), "step": "number"}
    devices = kiosk.identity_devices != IdentityDevices.SMS
    if request.method == "GET" and devices and request.GET.get("via") != "sms":
        return redirect(
            f"{reverse('kiosk-identify-devices', args=[kiosk.code])}?next={quote(context['next'])}"
        )
    context["devices"] = devices
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "begin":
        if session is not None:
            services.end_session(session, "next_person")
            session = None
        try:
            reference = IDENTITY_CHECK.begin(
                request.POST.get("id_number", ""), Source.terminal_of(request, kiosk.code)
            )
        except DomainError as exc:
            return _render(
                request, kiosk, None, "kiosk/identify.html", {**context, "error": exc}, exc.status
            )
        context["step"] = "code"
        response = _render(request, kiosk, None, "kiosk/identify.html", context)
        response.delete_cookie(SESSION_COOKIE, path=_base(kiosk))
        response.set_cookie(
            PENDING_COOKIE,
            pending_token(kiosk.code, reference),
            path=_base(kiosk),
            httponly=True,
            samesite="Strict",
        )
        return response
    if action == "finish":
        begun, reference = read_pending(kiosk.code, request.COOKIES.get(PENDING_COOKIE, ""))
        if not begun:
            error = InvalidInput("验证已超时，请重新输入证件号码", "timed out: enter the ID again")
            return _render(
                request, kiosk, None, "kiosk/identify.html", {**context, "error": error}, 422
            )
        try:
            applicant = IDENTITY_CHECK.finish(
                reference, request.POST.get("code", ""), Source.terminal_of(request, kiosk.code)
            )
        except DomainError as exc:
            context.update(step="code", error=exc)
            return _render(request, kiosk, None, "kiosk/identify.html", context, exc.status)
        _, token = services.open_session(kiosk, applicant, IDENTITY_CHECK.method)
        response = redirect(context["next"])
        response.set_cookie(
            SESSION_COOKIE, token, path=_base(kiosk), httponly=True, samesite="Strict"
        )
        response.delete_cookie(PENDING_COOKIE, path=_base(kiosk))
        return response
    return _render(request, kiosk, session, "kiosk/identify.html", context)


@kiosk_page
@require_POST
def leave(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """退出: the session ends now; the next person starts from the home page."""
    if session is not None:
        services.end_session(session, "exit")
    response = redirect("kiosk-home", code=kiosk.code)
    response.delete_cookie(SESSION_COOKIE, path=_base(kiosk))
    response.delete_cookie(PENDING_COOKIE, path=_base(kiosk))
    response.delete_cookie(REGION_COOKIE, path=_base(kiosk))
    response.delete_cookie(CARE_COOKIE)  # 长辈模式 was this person's choice
    return response


def _acting_region(request: HttpRequest, kiosk: Kiosk) -> Region:
    return selectors.acting_region(kiosk, request.COOKIES.get(REGION_COOKIE, ""))


@kiosk_page
@require_http_methods(["GET", "POST"])
def switch_region(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """全市通办: act for any county or town of the city, a county first and then, if wanted,
    one of its towns. The choice is this browser's until 退出; cases applied for are the
    chosen region's competent office's, received at this hall."""
    regions = selectors.switchable_regions()
    if request.method == "POST":
        chosen = request.POST.get("region", "")
        if chosen and not any(r.code == chosen for r in regions):
            raise InvalidInput(
                "请选择本市的县（市、区）或乡镇",
                "choose a county or town of the city",
                field="region",
            )
        response = redirect("kiosk-home", code=kiosk.code)
        if chosen and chosen != kiosk.hall.region_id:
            response.set_cookie(
                REGION_COOKIE, chosen, path=_base(kiosk), httponly=True, samesite="Strict"
            )
        else:
            response.delete_cookie(REGION_COOKIE, path=_base(kiosk))
        return response
    county = request.GET.get("county", "")
    context = {
        "current": _acting_region(request, kiosk),
        "city": next((r for r in regions if r.level == Level.CITY), None),
        "counties": [r for r in regions if r.level == Level.COUNTY],
        "county": next((r for r in regions if r.code == county and r.level == Level.COUNTY), None),
        "towns": [r for r in regions if r.level == Level.TOWN and r.parent_id == county],
    }
    return _render(request, kiosk, session, "kiosk/region.html", context)


@kiosk_page
def search(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """智能导办 in the terminal's frame (its header, its 首页 and 退出), with the keys for
    拼音首字母 input."""
    region = _search_region(request) or _chosen_region_code(request, kiosk)
    context, status = search_page(request.GET.get("q", ""), region)
    return _render(request, kiosk, session, "guidance/kiosk.html", context, status)


def _chosen_region_code(request: HttpRequest, kiosk: Kiosk) -> str:
    """The region chosen with 全市通办, or nothing (the search covers every region)."""
    region = _acting_region(request, kiosk)
    return "" if region.code == kiosk.hall.region_id else region.code


def _search_region(request: HttpRequest) -> str:
    return request.GET.get("region", "").strip()


def search_anywhere(request: HttpRequest) -> HttpResponse:
    """智能导办 in the kiosk's look for a screen that is not an enrolled terminal (a hall's
    information screen): nothing personal, no way to the staff or portal sign-in."""
    context, status = search_page(request.GET.get("q", ""), _search_region(request))
    return render(request, "guidance/kiosk.html", context, status=status)


@kiosk_page
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """办理进度查询 for anyone holding the case number and the ID number's last four
    characters: status, steps and dates, and the applicant's name masked — no identifier,
    no materials, no notes (the lookup limits the tries per case number)."""
    if request.method != "POST":
        return _render(request, kiosk, session, "kiosk/progress.html")
    case_no = request.POST.get("case_no", "").strip()[:32]
    try:
        case = cases.case_by_number_and_tail(case_no, request.POST.get("tail", ""))
    except NotFound as error:
        return _render(
            request,
            kiosk,
            session,
            "kiosk/progress.html",
            {"error": error, "case_no": case_no},
            error.status,
        )
    context = {
        "case": case,
        "steps": case.steps.order_by("position"),
        "children": case.children.order_by("case_no"),
    }
    return _render(request, kiosk, session, "kiosk/progress.html", context)


def _actor(request: HttpRequest, session: KioskSession) -> Actor:
    """The person, or the person as 经办人 of the company they switched to. A mandate that
    has ended since ends the switch on a page that only reads; an act (a POST) is refused
    with the reason, never done in the person's own name instead."""
    if session.acting_for is None:
        return Actor.of_applicant(session.applicant)
    try:
        return Actor.acting_for(session.applicant, session.acting_for, clock.today())
    except Forbidden:
        if request.method == "POST":
            raise
        services.act_for(session, None, clock.today())
        return Actor.of_applicant(session.applicant)


@person_page
@require_http_methods(["GET", "POST"])
def organizations(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """代表企业办事: the companies the person may act for today; choosing one makes applying
    and 我的办件 the company's until they choose themself again or leave."""
    today = clock.today()
    if request.method == "POST":
        chosen = parse_int(request.POST.get("organization"), field="organization")
        held = {m.organization_id: m.organization for m in mandates_held(session.applicant, today)}
        if chosen and chosen not in held:
            raise NotFound("没有该企业", "no such organization")
        services.act_for(session, held.get(chosen), today)
        return redirect("kiosk-cases", code=kiosk.code)
    context = {"held": list(mandates_held(session.applicant, today))}
    return _render(request, kiosk, session, "kiosk/organizations.html", context)


@person_page
def my_cases(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    rows = [(c, cases.alert_of(c)) for c in cases.cases_of(_actor(request, session).own, 20)]
    return _render(request, kiosk, session, "kiosk/cases.html", {"rows": rows})


@person_page
def case_page(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, case_no: str
) -> HttpResponse:
    owner = _actor(request, session).own
    case = cases.case_for_applicant(owner, case_no)
    context = {
        "case": case,
        "fee": fee_of(case),
        "pay_as": "" if owner.pk == session.applicant_id else str(owner.pk),
        "steps": case.steps.order_by("position"),
        "children": case.children.order_by("case_no"),
        "events": cases.history(case, staff=False),
        "alert": cases.alert_of(case),
    }
    return _render(request, kiosk, session, "kiosk/case.html", context)


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@person_page
def receipt_pdf(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, case_no: str
) -> HttpResponse:
    case = cases.case_for_applicant(_actor(request, session).own, case_no)
    if case.accepted_on is None:
        raise InvalidInput("办件尚未受理，没有受理回执", "not accepted yet: no receipt")
    return _pdf(documents.Receipt.of(case).pdf(), f"receipt-{case_no}.pdf")


@person_page
@require_http_methods(["GET", "POST"])
def proofs(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """开具证明: the person's request and ticked consent are the consent for this one query,
    bound to this session; the department is asked, the proof signed and traced."""
    applicant = session.applicant
    kinds = proofs_of.kinds_for(applicant.kind)
    if request.method == "POST":
        kind = proofs_of.requested_kind(
            request.POST.get("kind", ""), request.POST.get("consent") == "yes", applicant.kind
        )
        proof = licences.self_service_proof(
            applicant=applicant,
            kind=kind,
            purpose=PROOF_PURPOSE,
            session=session.session_id,
            channel=Channel.KIOSK,
        )
        return redirect("kiosk-proof", code=kiosk.code, number=proof.number)
    return _render(request, kiosk, session, "kiosk/proofs.html", {"kinds": kinds})


@person_page
def proof_page(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, number: str
) -> HttpResponse:
    proof = selectors.proof_of_session(session, number)
    return _render(request, kiosk, session, "kiosk/proof.html", {"proof": proof})


@person_page
def proof_document(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, number: str
) -> HttpResponse:
    """The signed PDF with its QR code, for the terminal's printer; each print is traced."""
    proof = selectors.proof_of_session(session, number)
    licences.trace_proof_read(proof, actor=proof.holder.subject, role=SELF, purpose=PROOF_PURPOSE)
    return _pdf(proof_pdf(proof), f"proof-{proof.number}.pdf")


@kiosk_page
def items(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """自助申报: the items this terminal offers, found by name or pinyin initials."""
    query = request.GET.get("q", "").strip()[:32]
    region = _acting_region(request, kiosk)
    rows = selectors.kiosk_items(kiosk, query, region)
    context = {"rows": rows, "q": query, "region": region}
    return _render(request, kiosk, session, "kiosk/items.html", context)


@person_page
@require_http_methods(["GET", "POST"])
def apply(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, item_code: str
) -> HttpResponse:
    """One item through the one intake service, on the kiosk channel: what the government
    holds is resolved by the service, the rest comes from the terminal's scanner (a file
    input); an incomplete application is told everything missing at once and not stored."""
    version = selectors.kiosk_item(kiosk, item_code, _acting_region(request, kiosk))
    page = application_page(
        _actor(request, session),
        intake.plan_for(item_code=version.item.code),
        channel=Channel.KIOSK,
        item_code=version.item.code,
        post=request.POST if request.method == "POST" else None,
        uploaded=request.FILES,
        hall_id=kiosk.hall_id,
    )
    if page.case is not None:
        return redirect("kiosk-case", code=kiosk.code, case_no=page.case.case_no)
    return _render(request, kiosk, session, "kiosk/apply.html", page.context, page.status)


@kiosk_page
def bundles(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """一件事: the bundles offered for the terminal's place, each applied for at once."""
    region = _acting_region(request, kiosk)
    context = {"bundles": selectors.kiosk_bundles(kiosk, region), "region": region}
    return _render(request, kiosk, session, "kiosk/bundles.html", context)


@person_page
@require_http_methods(["GET", "POST"])
def apply_bundle(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, bundle_code: str
) -> HttpResponse:
    """一件事 through the one intake service on the kiosk channel: one form for all its items
    (each field asked once), one set of materials, a parent case and its children."""
    bundle = selectors.kiosk_bundle(kiosk, bundle_code, _acting_region(request, kiosk))
    page = application_page(
        _actor(request, session),
        intake.plan_for(bundle_code=bundle.code),
        channel=Channel.KIOSK,
        bundle_code=bundle.code,
        post=request.POST if request.method == "POST" else None,
        uploaded=request.FILES,
        hall_id=kiosk.hall_id,
    )
    if page.case is not None:
        return redirect("kiosk-case", code=kiosk.code, case_no=page.case.case_no)
    return _render(request, kiosk, session, "kiosk/apply.html", page.context, page.status)
