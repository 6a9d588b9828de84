"""实名注册 at the terminal: the same checks as the website's (name and number by the 公安
register with the consent ticked on screen, a code to the phone), counted against the
terminal's own limits; the new person is then signed in at the terminal."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ninhaoban.accounts.sources import Source
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.exchange import services as exchange
from ninhaoban.kiosk import services
from ninhaoban.kiosk.identity import IDENTITY_CHECK, read_registration, registration_token
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import SESSION_COOKIE, _base, _render, kiosk_page

REGISTRATION_COOKIE = "nhb_kiosk_registration"


@kiosk_page
def register(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    source = Source.terminal_of(request, kiosk.code)
    context: dict[str, Any] = {"step": "details"}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "verify":
            if session is not None:
                services.end_session(session, "next_person")
                session = None
            pending = exchange.begin_registration(
                id_number=request.POST.get("id_number", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                consent=request.POST.get("consent") == "yes",
                source=source,
            )
            response = _render(request, kiosk, None, "kiosk/register.html", {"step": "code"})
            response.set_cookie(
                REGISTRATION_COOKIE,
                registration_token(kiosk.code, pending.as_dict()),
                path=_base(kiosk),
                httponly=True,
                samesite="Strict",
            )
            response.delete_cookie(SESSION_COOKIE, path=_base(kiosk))
            return response
        if action == "confirm":
            waiting = exchange.PendingRegistration.from_dict(
                read_registration(kiosk.code, request.COOKIES.get(REGISTRATION_COOKIE, ""))
            )
            if waiting is None:
                raise InvalidInput(
                    "注册已超时，请重新填写", "the registration has timed out: start again"
                )
            context["step"] = "code"
            person = exchange.complete_registration(
                waiting, code=request.POST.get("code", ""), source=source
            )
            _, token = services.open_session(kiosk, person, IDENTITY_CHECK.method)
            response = redirect("kiosk-home", code=kiosk.code)
            response.set_cookie(
                SESSION_COOKIE, token, path=_base(kiosk), httponly=True, samesite="Strict"
            )
            response.delete_cookie(REGISTRATION_COOKIE, path=_base(kiosk))
            return response
    except DomainError as exc:
        context["error"] = exc
        return _render(request, kiosk, session, "kiosk/register.html", context, exc.status)
    return _render(request, kiosk, session, "kiosk/register.html", context)
