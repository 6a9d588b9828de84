"""实名注册 on the website: a person not yet known registers with the name and number on
their ID card, checked against the 公安 register with their consent, and a code to their
phone. Two steps; between them the checked details wait in the session, never in a table,
so an abandoned registration leaves no account behind."""

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.services import captcha_needed
from ninhaoban.accounts.sources import Source
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.exchange import services as exchange
from ninhaoban.labels import one_language
from ninhaoban.portal.captcha import check_captcha
from ninhaoban.portal.views import _next_url

PENDING = "nhb_registration"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    source = Source.of(request)
    pending = exchange.PendingRegistration.from_dict(request.session.get(PENDING))
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "restart":
            request.session.pop(PENDING, None)
            return redirect(request.get_full_path())
        try:
            if action == "confirm":
                if pending is None:
                    raise InvalidInput(
                        "注册已过期，请重新填写", "the registration has expired: start again"
                    )
                person = exchange.complete_registration(
                    pending, code=request.POST.get("code", ""), source=source
                )
                request.session.pop(PENDING, None)
                login(request, person.user, backend="ninhaoban.accounts.backends.LockoutBackend")
                return redirect(_next_url(request, "/"))
            if captcha_needed(source) and not check_captcha(
                request, request.POST.get("captcha", "")
            ):
                raise InvalidInput(
                    "请先输入验证码图片中的5位数字（或收听语音验证码）",
                    "first type the 5 digits of the picture (or listen to them)",
                    field="captcha",
                )
            pending = exchange.begin_registration(
                id_number=request.POST.get("id_number", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                consent=request.POST.get("consent") == "yes",
                source=source,
            )
            request.session[PENDING] = pending.as_dict()
        except DomainError as exc:
            error, status = one_language(exc), exc.status
    return render(
        request,
        "portal/register.html",
        {
            "error": error,
            "pending": pending,
            "next": _next_url(request, ""),
            "captcha": pending is None and captcha_needed(source),
        },
        status=status,
    )
