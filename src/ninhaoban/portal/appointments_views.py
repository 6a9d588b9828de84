"""预约 on the website: an applicant books a half hour at a hall for an item (the hall, the
item and the day chosen first, then the half hours with their free places), sees their
bookings with the 预约码 to take a number with, and cancels one before it begins."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import Applicant
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import BookingChannel, BookingStatus
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.portal.cases_views import _applicant, _login


def _day(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput("日期格式应为YYYY-MM-DD", "a date is YYYY-MM-DD", field="day") from None


def _start(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat((value or "").strip()[:5])
    except ValueError:
        raise InvalidInput("请选择一个时段", "choose a half hour", field="start") from None


def _hall_id(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput("请选择服务大厅", "choose a service hall", field="hall")
    return int(value)


def _choices(data: Any) -> dict[str, Any]:
    """The hall, item and day chosen so far, and what to choose next."""
    now = selectors.now()
    context: dict[str, Any] = {"halls": selectors.queue_halls(), "now": now}
    hall_id = _hall_id(data.get("hall", ""))
    if hall_id is None:
        return context
    place = selectors.hall(hall_id)
    context |= {
        "hall": place,
        "items": selectors.bookable_items(place),
        "days": selectors.booking_days(place, selectors.local_day(now)),
    }
    item_code = (data.get("item") or "").strip()[:64]
    day = _day(data.get("day", ""))
    if not item_code or day is None:
        return context
    item = selectors.bookable_item(place, item_code)
    group = selectors.group_for_item(place, item)
    context |= {"item": item, "day": day, "line": group}
    if day in context["days"]:
        context["slots"] = selectors.slots(group, day, now)
    return context


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    data = request.POST if request.method == "POST" else request.GET
    try:
        context = _choices(data)
    except DomainError as exc:
        context = {"halls": selectors.queue_halls(), "error": exc}
        return render(request, "portal/appointments/book.html", context, status=exc.status)
    if request.method == "POST":
        try:
            if "slots" not in context:
                raise InvalidInput("请选择大厅、事项和日期", "choose a hall, an item and a day")
            booking = services.book(
                applicant=actor.own,
                place=context["hall"],
                item=context["item"],
                day=context["day"],
                start=_start(request.POST.get("start", "")),
                channel=BookingChannel.WEB,
            )
        except DomainError as exc:
            context |= {"error": exc, "chosen": request.POST.get("start", "")}
            return render(request, "portal/appointments/book.html", context, status=exc.status)
        return redirect("my-appointment", booking_id=booking.pk)
    return render(request, "portal/appointments/book.html", context)


def _own(request: HttpRequest) -> Applicant | HttpResponse:
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    return actor.own


def my_appointments(request: HttpRequest) -> HttpResponse:
    own = _own(request)
    if isinstance(own, HttpResponse):
        return own
    rows = list(selectors.bookings_of(own)[:50])
    context = {"rows": rows, "open": BookingStatus.BOOKED}
    return render(request, "portal/appointments/list.html", context)


def appointment(request: HttpRequest, booking_id: int) -> HttpResponse:
    own = _own(request)
    if isinstance(own, HttpResponse):
        return own
    booking = selectors.booking_of(own, booking_id)
    context = {"booking": booking, "open": booking.status == BookingStatus.BOOKED}
    return render(request, "portal/appointments/booking.html", context)


@require_POST
def cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    own = _own(request)
    if isinstance(own, HttpResponse):
        return own
    booking = selectors.booking_of(own, booking_id)
    try:
        services.cancel(booking, applicant=own)
    except DomainError as exc:
        context = {"booking": booking, "open": True, "error": exc}
        return render(request, "portal/appointments/booking.html", context, status=exc.status)
    return redirect("my-appointment", booking_id=booking.pk)
