"""取号 at a terminal, with or without a booking, 预约 at the terminal for the person it has
identified (then the number with that booking), the ticket it prints, and the hall screen
(大屏) that shows the numbers called. The screen is a terminal of the hall too (a browser
enrolled with a one-time code): it shows numbers and window numbers only, nothing about
anyone, and polls for new calls."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.sources import Source
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import BookingChannel, BookingStatus
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.kiosk import selectors as kiosk_selectors
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import _render, kiosk_page, person_page

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


def _chosen_day(value: str, days: list[dt.date]) -> dt.date:
    """The day pressed among those offered; the first of them when none was."""
    value = (value or "").strip()[:10]
    if not value:
        return days[0]
    found = next((d for d in days if d.isoformat() == value), None)
    if found is None:
        raise InvalidInput("请选择可预约的日期", "choose one of the days offered", field="day")
    return found


def _chosen_start(value: str, slots: list[selectors.Slot]) -> dt.time:
    value = (value or "").strip()[:5]
    found = next((s.start for s in slots if f"{s.start:%H:%M}" == value), None)
    if found is None:
        raise InvalidInput("请选择一个时段", "choose a half hour", field="start")
    return found


@person_page
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """预约 at the terminal, as on the website and through the same service: an item of this
    hall, then a working day and a half hour with free places. The person's bookings of
    today here are offered first: with one of them the number is one press away."""
    now = selectors.now()
    data = request.POST if request.method == "POST" else request.GET
    item_code = (data.get("item") or "").strip()[:64]
    if not item_code:
        query = request.GET.get("q", "").strip()[:32]
        listing = {
            "rows": kiosk_selectors.bookable_items(kiosk, query),
            "q": query,
            "today": selectors.today_bookings_at(
                session.applicant, kiosk.hall, selectors.local_day(now)
            ),
        }
        return _render(request, kiosk, session, "kiosk/queue/book_item.html", listing)
    item = selectors.bookable_item(kiosk.hall, item_code)
    days = selectors.booking_days(kiosk.hall, selectors.local_day(now))
    day = _chosen_day(data.get("day", ""), days)
    group = selectors.group_for_item(kiosk.hall, item)
    slots = selectors.slots(group, day, now)
    context: dict[str, Any] = {
        "item": item,
        "days": days,
        "day": day,
        "line": group,
        "slots": slots,
    }
    if request.method == "POST":
        try:
            booking = services.book(
                applicant=session.applicant,
                place=kiosk.hall,
                item=item,
                day=day,
                start=_chosen_start(request.POST.get("start", ""), slots),
                channel=BookingChannel.KIOSK,
                now=now,
            )
        except DomainError as exc:
            context |= {"error": exc, "chosen": request.POST.get("start", "")[:5]}
            return _render(request, kiosk, session, "kiosk/queue/book.html", context, exc.status)
        return redirect("kiosk-booking", code=kiosk.code, booking_id=booking.pk)
    return _render(request, kiosk, session, "kiosk/queue/book.html", context)


@person_page
@require_http_methods(["GET", "POST"])
def booking(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, booking_id: int
) -> HttpResponse:
    """One of the person's bookings: its code for another day, and on its day at its hall
    the number (凭预约取号 through the same check-in, the code and ID tail known here)."""
    found = selectors.booking_of(session.applicant, booking_id)
    today = selectors.local_day(selectors.now())
    context: dict[str, Any] = {
        "booking": found,
        "takes_number": found.status == BookingStatus.BOOKED
        and found.day == today
        and found.hall_id == kiosk.hall_id,
    }
    if request.method == "POST":
        try:
            ticket = services.check_in(
                kiosk.hall,
                code=found.code,
                tail=session.applicant.identifier[-4:],
                actor=f"kiosk:{kiosk.code}",
                source=Source.terminal_of(request, kiosk.code),
            )
        except DomainError as exc:
            context["error"] = exc
            return _render(request, kiosk, session, "kiosk/queue/booking.html", context, exc.status)
        return redirect("kiosk-ticket", code=kiosk.code, ticket_id=ticket.pk)
    return _render(request, kiosk, session, "kiosk/queue/booking.html", context)


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
