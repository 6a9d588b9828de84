import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.backends import is_locked
from ninhaoban.accounts.models import ApplicantKind
from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.accounts.services import captcha_needed
from ninhaoban.accounts.sources import DEVICE_COOKIE, Source
from ninhaoban.cases import selectors as cases
from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.labels import one_language
from ninhaoban.portal.captcha import check_captcha, new_challenge
from ninhaoban.regions import selectors as regions
from ninhaoban.regions.models import Level
from ninhaoban.regions.selectors import calendar_warning
from ninhaoban.supervision import selectors as supervision

HOME_BUNDLES = 6
HOME_EVENTS = 5
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600


def home(request: HttpRequest) -> HttpResponse:
    """Built around what people come to do: search first, then 个人办事 and 法人办事 (the items
    each applies for most), the life events, a progress lookup, and a signed-in applicant's
    newest messages; the platform's own figures are a page of their own."""
    applicant = getattr(request.user, "applicant", None)
    return render(
        request,
        "portal/home.html",
        {
            "hot_person": cases.hot_items(ApplicantKind.PERSON),
            "hot_organization": cases.hot_items(ApplicantKind.ORGANIZATION),
            "bundles": catalog.bundles()[:HOME_BUNDLES],
            "events": cases.events_of_applicant(applicant, HOME_EVENTS) if applicant else [],
        },
    )


def figures(request: HttpRequest) -> HttpResponse:
    """一级开发、四级应用 in numbers: regions at each level and the halls."""
    counts = regions.region_counts()
    halls = regions.halls().filter(region__level__in=[Level.CITY, Level.COUNTY])
    return render(
        request,
        "portal/figures.html",
        {"counts": counts, "halls": halls, "hall_total": regions.halls().count()},
    )


def open_data(request: HttpRequest) -> HttpResponse:
    """政务服务数据公开: the city's and each county's figures, counts and rates only."""
    scope = supervision.scope_of("", "", request.GET.get("from", ""), request.GET.get("to", ""))
    found = supervision.public_figures(scope.start, scope.end)
    rows = [
        {
            **row,
            "rates": [
                row["on_time_rate"],
                row["sharing_rate"],
                row["online_rate"],
                row["one_visit_rate"],
            ],
        }
        for row in found
    ]
    chart = {
        "periods": [row["name"] for row in found],
        "received": [row["received"] for row in found],
        "decided": [row["decided"] for row in found],
        "on_time_rate": [row["on_time_rate"] for row in found],
    }
    context = {"rows": rows, "chart": chart, "start": scope.start, "end": scope.end}
    return render(request, "portal/open_data.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    body = {"status": "ok", "database": connection.vendor}
    try:
        year = calendar_warning(timezone.localdate())
    except DatabaseError:  # not migrated yet: the database check above is what counts
        body["calendar"] = "unknown"
    else:
        if year is not None:
            body["calendar"] = f"provisional for {year}"
    return JsonResponse(body)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        user = authenticate(request, username=username, password=request.POST.get("password", ""))
        if user is not None and hasattr(user, "staff"):
            login(request, user)
            return redirect(_next_url(request, "/console/"))
        if is_locked(request, username):
            error = gettext("登录失败次数过多，账号已暂时锁定，请稍后再试。")
        else:
            error = gettext("用户名或密码错误。")
    status = 200 if not error else 401
    return render(
        request,
        "portal/login.html",
        {"error": error, "next": _next_url(request, "")},
        status=status,
    )


@require_POST
def do_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/")


def _captcha_refused() -> InvalidInput:
    return InvalidInput(
        "请先输入验证码图片中的5位数字（或收听语音验证码）",
        "first type the 5 digits of the picture (or listen to them)",
        field="captcha",
    )


@require_http_methods(["GET", "POST"])
def applicant_login(request: HttpRequest) -> HttpResponse:
    error, info, status = "", "", 200
    source = Source.of(request)
    if request.GET.get("captcha") == "new":
        new_challenge(request)
    if request.method == "POST":
        action = request.POST.get("action", "password")
        try:
            if (
                action in ("send_code", "code")
                and captcha_needed(source)
                and not check_captcha(request, request.POST.get("captcha", ""))
            ):
                raise _captcha_refused()
            if action == "send_code":
                accounts.send_login_code(request.POST.get("phone", ""), source)
                info = gettext("验证码已发送（如该号码已登记）。")
            elif action == "code":
                applicant = accounts.login_with_code(
                    request.POST.get("phone", ""), request.POST.get("code", ""), source
                )
                login(request, applicant.user, backend="ninhaoban.accounts.backends.LockoutBackend")
                return redirect(_next_url(request, "/"))
            else:
                known = applicant_by_identifier(request.POST.get("identifier", ""))
                username = f"applicant-{known.pk}" if known else ""
                user = (
                    authenticate(
                        request, username=username, password=request.POST.get("password", "")
                    )
                    if username
                    else None
                )
                if user is None:
                    error, status = gettext("证件号码或密码错误。"), 401
                else:
                    login(request, user)
                    return redirect(_next_url(request, "/"))
        except DomainError as exc:
            error = one_language(exc)
            status = exc.status if exc.status in (422, 429) else 401
    if info:
        messages.info(request, info)
    response = render(
        request,
        "portal/applicant_login.html",
        {"error": error, "next": _next_url(request, ""), "captcha": captcha_needed(source)},
        status=status,
    )
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=DEVICE_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
