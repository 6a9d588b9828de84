"""取号 at a terminal, with or without a booking, the ticket it prints, and the hall screen
(大屏) that shows the numbers called. The screen is a terminal of the hall too (a browser
enrolled with a one-time code): it shows numbers and window numbers only, nothing about
anyone, and polls for new calls."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.sources import Source
from ninhaoban.appointments import selectors, services
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import _render, kiosk_page

SCREEN_REFRESH_SECONDS = 3


def _line_id(value: str) -> int:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("请选择要排的队", "choose a line", field="group")
    return int(value)


def _take_context(kiosk: Kiosk) -> dict[str, Any]:
    now = selectors.now()
    screen = selectors.board(kiosk.hall, selectors.local_day(now))
    return {"waiting": screen.waiting, "open": selectors.numbers_open(kiosk.hall, now)}


@kiosk_page
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """现场取号 (a line chosen) or 凭预约取号 (the booking code and the ID number's last four
    characters); nobody signs in. Both lead to the ticket to print."""
    context = _take_context(kiosk)
    if request.method == "POST":
        actor = f"kiosk:{kiosk.code}"
        source = Source.terminal_of(request, kiosk.code)
        try:
            if request.POST.get("action") == "booking":
                ticket = services.check_in(
                    kiosk.hall,
                    code=request.POST.get("code", ""),
                    tail=request.POST.get("tail", ""),
                    actor=actor,
                    source=source,
                )
            else:
                group = selectors.line(_line_id(request.POST.get("group", "")), kiosk.hall)
                ticket = services.take_ticket(group, actor=actor, source=source)
        except DomainError as exc:
            context |= {"error": exc, "code": request.POST.get("code", "")[:16]}
            return _render(request, kiosk, session, "kiosk/queue/take.html", context, exc.status)
        return redirect("kiosk-ticket", code=kiosk.code, ticket_id=ticket.pk)
    return _render(request, kiosk, session, "kiosk/queue/take.html", context)


@kiosk_page
def ticket(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession | None, ticket_id: int
) -> HttpResponse:
    """The ticket to print (large type, a portrait screen's width): the number, its line,
    how many wait before it; nothing personal."""
    found = selectors.ticket_at(kiosk.hall, ticket_id)
    context = {"ticket": found, "ahead": selectors.ahead_of(found)}
    return _render(request, kiosk, session, "kiosk/queue/ticket.html", context)


def _board(kiosk: Kiosk) -> dict[str, Any]:
    now = selectors.now()
    return {
        "board": selectors.board(kiosk.hall, selectors.local_day(now)),
        "refresh": SCREEN_REFRESH_SECONDS,
        "unenrolled": True,  # the screen offers no way to the terminal's other pages
        "now": now,
    }


@kiosk_page
def screen(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    return _render(request, kiosk, None, "kiosk/queue/screen.html", _board(kiosk))


@kiosk_page
def screen_live(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """The calls alone, which the screen asks for again every few seconds (htmx)."""
    return _render(request, kiosk, None, "kiosk/queue/_board.html", _board(kiosk))
