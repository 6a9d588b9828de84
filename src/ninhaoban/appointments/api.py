"""预约、取号、叫号 API (/api/v1/appointments): the halls that queue, their free half hours
and hall screen for anyone; bookings for the applicant signed in (or their token); taking a
number (with or without the booking code) for any signed-in caller, in the hall's hours and
within the limits per address and browser; the window's calls for the hall's clerks."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.selectors import applicant_of_user
from ninhaoban.accounts.sources import Source
from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import Booking, Ticket
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.core.text import BoundedInt

router = Router(tags=["appointments"], auth=API_AUTH)
public_router = Router(tags=["appointments"])


class HallOut(Schema):
    id: int
    name: str
    region: str
    lines: list[str]


class SlotOut(Schema):
    start: str
    end: str
    capacity: int
    booked: int
    free: int
    open: bool


class BookingIn(Schema):
    hall: BoundedInt
    item: str = Field(description="实施编码 of an item offered at the hall")
    day: str = Field(description="YYYY-MM-DD, a working day")
    start: str = Field(description="HH:MM, a half hour of the hall's hours")


class BookingOut(Schema):
    id: int
    code: str
    hall: str
    item: str
    day: dt.date
    start: str
    status: str
    ticket: str | None


class TicketIn(Schema):
    line: BoundedInt | None = Field(None, description="the line's id (现场取号)")
    code: str = Field("", description="the booking code (凭预约取号), with tail")
    tail: str = Field("", description="the booking holder's ID number, last four characters")


class TicketOut(Schema):
    id: int
    number: str
    line: str
    day: dt.date
    status: str
    ahead: int
    window: str | None


class CallIn(Schema):
    ticket: BoundedInt | None = Field(None, description="the ticket (all but `next`)")


class CallOut(Schema):
    number: str
    window: str
    at: dt.datetime


class BoardOut(Schema):
    calls: list[CallOut]
    waiting: dict[str, int]


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput("日期格式应为YYYY-MM-DD", "a date is YYYY-MM-DD", field="day") from None


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip()[:5])
    except ValueError:
        raise InvalidInput("时间格式应为HH:MM", "a time is HH:MM", field="start") from None


def _applicant(user: User | AnonymousUser) -> Applicant:
    found = applicant_of_user(user) if isinstance(user, User) else None
    if found is None:
        raise Forbidden("请以申请人身份登录", "sign in as an applicant")
    return found


def _booking_out(b: Booking) -> BookingOut:
    ticket = getattr(b, "ticket", None)
    return BookingOut(
        id=b.pk,
        code=b.code,
        hall=b.hall.name,
        item=b.item.code,
        day=b.day,
        start=f"{b.start:%H:%M}",
        status=b.status,
        ticket=ticket.label if ticket is not None else None,
    )


def _ticket_out(t: Ticket) -> TicketOut:
    return TicketOut(
        id=t.pk,
        number=t.label,
        line=t.group.name,
        day=t.day,
        status=t.status,
        ahead=selectors.ahead_of(t),
        window=t.window.number if t.window_id and t.window else None,
    )


@public_router.get("/halls", response=list[HallOut], summary="开通预约取号的服务大厅")
def halls(request: HttpRequest) -> list[HallOut]:
    return [
        HallOut(
            id=h.pk,
            name=h.name,
            region=h.region_id,
            lines=[f"{g.prefix} {g.name}" for g in selectors.lines(h)],
        )
        for h in selectors.queue_halls()
    ]


@public_router.get(
    "/halls/{hall_id}/slots", response=list[SlotOut], summary="某日某事项的可预约时段"
)
def slots(request: HttpRequest, hall_id: BoundedInt, item: str, day: str) -> list[SlotOut]:
    place = selectors.hall(hall_id)
    group = selectors.group_for_item(place, selectors.bookable_item(place, item[:64]))
    wanted = _day(day)
    if wanted not in selectors.booking_days(place, selectors.local_day(selectors.now())):
        return []
    return [
        SlotOut(
            start=f"{s.start:%H:%M}",
            end=f"{s.end:%H:%M}",
            capacity=s.capacity,
            booked=s.booked,
            free=s.free,
            open=s.open,
        )
        for s in selectors.slots(group, wanted, selectors.now())
    ]


@public_router.get("/halls/{hall_id}/board", response=BoardOut, summary="叫号大屏（仅号码）")
def board(request: HttpRequest, hall_id: BoundedInt) -> BoardOut:
    place = selectors.hall(hall_id)
    found = selectors.board(place, selectors.local_day(selectors.now()))
    return BoardOut(
        calls=[CallOut(number=c.label, window=c.window, at=c.at) for c in found.calls],
        waiting={g.prefix: n for g, n in found.waiting},
    )


@router.get("/bookings", response=list[BookingOut], summary="我的预约（申请人）")
def my_bookings(request: HttpRequest) -> list[BookingOut]:
    return [_booking_out(b) for b in selectors.bookings_of(_applicant(request.user))[:100]]


@router.post("/bookings", response={201: BookingOut}, summary="预约一个半小时时段（申请人）")
def book(request: HttpRequest, data: BookingIn) -> Status:
    applicant = _applicant(request.user)
    place = selectors.hall(data.hall)
    booking = services.book(
        applicant=applicant,
        place=place,
        item=selectors.bookable_item(place, data.item[:64]),
        day=_day(data.day),
        start=_time(data.start),
    )
    return Status(201, _booking_out(booking))


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, summary="取消预约（申请人）")
def cancel(request: HttpRequest, booking_id: BoundedInt) -> BookingOut:
    applicant = _applicant(request.user)
    booking = services.cancel(selectors.booking_of(applicant, booking_id), applicant=applicant)
    return _booking_out(selectors.booking_of(applicant, booking.pk))


def _actor(user: User | AnonymousUser) -> str:
    staff = getattr(user, "staff", None)
    if staff is not None:
        return str(staff.actor)
    return _applicant(user).subject


@router.post("/halls/{hall_id}/tickets", response={201: TicketOut}, summary="取号")
def take(request: HttpRequest, hall_id: BoundedInt, data: TicketIn) -> Status:
    """A line's number, or with the booking code and tail; limited per address and browser
    (or token) a day, like the SMS login codes."""
    place = selectors.hall(hall_id)
    actor = _actor(request.user)
    source = Source.of(request)
    if data.code.strip():
        ticket = services.check_in(
            place, code=data.code, tail=data.tail, actor=actor, source=source
        )
    elif data.line is not None:
        group = selectors.line(data.line, place)
        ticket = services.take_ticket(group, actor=actor, source=source)
    else:
        raise InvalidInput("请选择队列或输入预约码", "name a line or a booking code", field="line")
    return Status(201, _ticket_out(ticket))


CALLS = {
    "call": services.call,
    "recall": services.recall,
    "start": services.start_service,
    "finish": services.finish_service,
    "no_show": services.no_show,
}


@router.post(
    "/windows/{window_id}/{action}",
    response=TicketOut,
    summary="叫号：next 叫下一个号，call/recall/start/finish/no_show 指定号",
)
def window_call(
    request: HttpRequest, window_id: BoundedInt, action: str, data: CallIn
) -> TicketOut:
    at, _ = selectors.window_for_clerk(request.user, window_id)
    if action == "next":
        return _ticket_out(services.call_next(at, user=request.user))
    do = CALLS.get(action)
    if do is None:
        raise NotFound("没有该操作", "no such action", field="action")
    if data.ticket is None:
        raise InvalidInput("请指定号", "name the ticket", field="ticket")
    return _ticket_out(do(at, data.ticket, user=request.user))
