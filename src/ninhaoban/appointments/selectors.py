"""Reads of bookings and the queue: the slots a hall offers, a window's panel, the hall
screen, and the waiting figures supervision reads (`waiting`, docs/contracts.md)."""

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import require_scope, roles_of, scope_q
from ninhaoban.appointments.models import (
    OPEN_AT_WINDOW,
    SLOT_MINUTES,
    Booking,
    BookingStatus,
    HallSchedule,
    QueueGroup,
    QueueWindow,
    SlotLoad,
    Ticket,
    TicketStatus,
)
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import ServiceItem, ServiceItemVersion
from ninhaoban.core import workdays
from ninhaoban.core.errors import NotFound
from ninhaoban.regions.models import ServiceHall, Window
from ninhaoban.regions.selectors import ancestors, halls, subtree_q

LIVE_BOOKINGS = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)
# a booking's holder may take their number until this long after the slot's end
CHECK_IN_GRACE = dt.timedelta(minutes=15)
CLERK_ROLES = (Role.CLERK,)
# numbers are handed out from this long before the morning's start (the doors open early)
NUMBERS_BEFORE_OPENING = dt.timedelta(minutes=30)
# A hall's hours change a few times a year but every number taken reads them, so each
# process keeps them: dropped on every save of hours in this process (`forget_hours`), and
# read again after this many seconds, so an edit made in another process reaches this one.
HOURS_SECONDS = 30.0
_hours: dict[int, tuple[float, HallSchedule]] = {}


def now() -> dt.datetime:
    """The queue's clock: every page and service of bookings and numbers asks it, so a test
    in a browser can stand the whole queue at one moment of a working day."""
    return timezone.now()


def hall(hall_id: int) -> ServiceHall:
    found = halls().filter(pk=hall_id).first()
    if found is None:
        raise NotFound(f"服务大厅{hall_id}不存在", f"no service hall {hall_id}", field="hall")
    return found


def schedule_of(place: ServiceHall | int) -> HallSchedule:
    """The hall's stored hours, or the default ones (unsaved) when none were set; `place`
    is the hall or its id. Kept per process for HOURS_SECONDS: read, never change it."""
    hall_id = place if isinstance(place, int) else place.pk
    clock = time.monotonic()
    cached = _hours.get(hall_id)
    if cached is not None and clock - cached[0] < HOURS_SECONDS:
        return cached[1]
    found = HallSchedule.objects.filter(hall_id=hall_id).first()
    schedule = found or HallSchedule(hall_id=hall_id)
    _hours[hall_id] = (clock, schedule)
    return schedule


def forget_hours(**_: Any) -> None:
    """Drop the kept hours (connected to every save and delete of a hall's hours)."""
    _hours.clear()


def slot_starts(schedule: HallSchedule) -> list[dt.time]:
    """The half hours of a working day that end within the morning or afternoon hours."""
    starts: list[dt.time] = []
    step = dt.timedelta(minutes=SLOT_MINUTES)
    for begin, end in ((schedule.am_start, schedule.am_end), (schedule.pm_start, schedule.pm_end)):
        moment = dt.datetime.combine(dt.date.min, begin)
        while (moment + step).time() <= end and moment.date() == dt.date.min:
            starts.append(moment.time())
            moment += step
    return starts


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def numbers_open(place: ServiceHall | int, moment: dt.datetime) -> bool:
    """Whether the hall hands out numbers at `moment`: on a working day, from a little
    before the morning's start to the afternoon's end (a number taken over the lunch break
    waits for the afternoon)."""
    local = timezone.localtime(moment)
    if not workdays.is_working_day(local.date()):
        return False
    schedule = schedule_of(place)
    opens = dt.datetime.combine(local.date(), schedule.am_start) - NUMBERS_BEFORE_OPENING
    return opens.time() <= local.time() < schedule.pm_end


def queue_halls() -> list[ServiceHall]:
    """The halls that have opened their lines (预约取号), nearest the city first."""
    with_lines = QueueGroup.objects.values("hall_id")
    return list(halls().filter(pk__in=with_lines).order_by("region_id", "name"))


def lines(place: ServiceHall) -> list[QueueGroup]:
    return list(QueueGroup.objects.filter(hall=place).order_by("prefix"))


def line(group_id: int, place: ServiceHall) -> QueueGroup:
    found = QueueGroup.objects.filter(pk=group_id, hall=place).first()
    if found is None:
        raise NotFound("本大厅没有该队列", "no such line in this hall", field="group")
    return found


def group_for_item(place: ServiceHall, item: ServiceItem) -> QueueGroup:
    """The line an item queues in: the one naming its department's type, else the general
    line of the hall."""
    groups = lines(place)
    dept_type = item.department.dept_type
    found = next((g for g in groups if dept_type in g.department_types), None)
    found = found or next((g for g in groups if not g.department_types), None)
    if found is None:
        raise NotFound(
            f"{place.name}尚未开通预约取号", f"{place.name} takes no bookings yet", field="hall"
        )
    return found


def bookable_items(place: ServiceHall) -> list[ServiceItemVersion]:
    """Items one may book at the hall: of each base item, the implementation of the nearest
    region above the hall (the county's at a county hall, the city's at 市民之家)."""
    chain = [r.code for r in ancestors(place.region)]
    rank = {code: i for i, code in enumerate(chain)}
    nearest: dict[str, ServiceItemVersion] = {}
    versions = catalog.current_versions().filter(item__region_id__in=chain)
    for version in versions.select_related("item__department"):
        base = version.item.base.code
        found = nearest.get(base)
        if found is None or rank[version.item.region_id] < rank[found.item.region_id]:
            nearest[base] = version
    return sorted(nearest.values(), key=lambda v: v.name)


def bookable_item(place: ServiceHall, item_code: str) -> ServiceItem:
    found = next((v.item for v in bookable_items(place) if v.item.code == item_code), None)
    if found is None:
        raise NotFound(
            f"事项{item_code}不能在{place.name}预约",
            f"item {item_code} is not booked here",
            field="item",
        )
    return found


def capacity(group: QueueGroup) -> int:
    return QueueWindow.objects.filter(group=group).aggregate(n=Sum("per_slot"))["n"] or 0


def slot_moment(day: dt.date, start: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start))


def booking_days(place: ServiceHall, today: dt.date) -> list[dt.date]:
    """The working days one may book, from today on (today's remaining half hours too)."""
    schedule = schedule_of(place)
    last = workdays.add_working_days(today, schedule.book_days)
    days, day = [], today
    while day <= last:
        if workdays.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    capacity: int
    booked: int
    past: bool

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def open(self) -> bool:
        return not self.past and self.free > 0


def slots(group: QueueGroup, day: dt.date, now: dt.datetime) -> list[Slot]:
    """Every half hour of the day with its free places (none on a day off)."""
    if not workdays.is_working_day(day):
        return []
    cap = capacity(group)
    loads = dict(
        SlotLoad.objects.filter(group=group, day=day).values_list("start", "booked").order_by()
    )
    step = dt.timedelta(minutes=SLOT_MINUTES)
    return [
        Slot(
            start=start,
            end=(dt.datetime.combine(day, start) + step).time(),
            capacity=cap,
            booked=loads.get(start, 0),
            past=slot_moment(day, start) <= now,
        )
        for start in slot_starts(schedule_of(group.hall_id))
    ]


def bookings_of(applicant: Applicant) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(applicant=applicant)
        .select_related("hall", "group", "item__base", "ticket")
        .order_by("-day", "-start")
    )


def booking_of(applicant: Applicant, booking_id: int) -> Booking:
    found = bookings_of(applicant).filter(pk=booking_id).first()
    if found is None:
        raise NotFound("没有找到该预约", "no such booking", field="booking")
    return found


def today_bookings_at(applicant: Applicant, place: ServiceHall, today: dt.date) -> list[Booking]:
    return list(
        Booking.objects.filter(
            applicant=applicant, hall=place, day=today, status=BookingStatus.BOOKED
        ).select_related("group", "item__base")
    )


def ticket_at(place: ServiceHall, ticket_id: int) -> Ticket:
    found = Ticket.objects.select_related("group", "window").filter(pk=ticket_id, hall=place)
    ticket = found.first()
    if ticket is None:
        raise NotFound("没有该号", "no such ticket", field="ticket")
    return ticket


def ahead_of(ticket: Ticket) -> int:
    """How many numbers of the same line are still waiting before this one."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    return Ticket.objects.filter(
        group_id=ticket.group_id,
        day=ticket.day,
        status=TicketStatus.WAITING,
        number__lt=ticket.number,
    ).count()


@dataclass(frozen=True)
class Call:
    label: str
    window: str
    at: dt.datetime


@dataclass(frozen=True)
class Board:
    calls: list[Call]
    waiting: list[tuple[QueueGroup, int]]


def board(place: ServiceHall, today: dt.date, size: int = 8) -> Board:
    """The hall screen: the latest calls (a recall counts as a new call) and how many wait
    in each line. Numbers and window numbers only: nothing about anyone."""
    called = (
        Ticket.objects.filter(hall=place, day=today, status__in=OPEN_AT_WINDOW)
        .select_related("group", "window")
        .order_by("-last_called_at")[:size]
    )
    counts = dict(
        Ticket.objects.filter(hall=place, day=today, status=TicketStatus.WAITING)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    calls = [
        Call(t.label, t.window.number if t.window else "", t.last_called_at or t.taken_at)
        for t in called
    ]
    return Board(calls, [(g, counts.get(g.pk, 0)) for g in lines(place)])


def windows_for(user: User | AnonymousUser) -> list[tuple[Window, QueueGroup]]:
    """The windows with a line this clerk may call from (their hall's region and, for a
    clerk bound to a department, that department's windows)."""
    q = scope_q(user, CLERK_ROLES, region_field="window__hall__region_id")
    rows = QueueWindow.objects.select_related("window__hall", "group").order_by(
        "window__hall__region_id", "window__hall_id", "window__number"
    )
    if q is not None:
        rows = rows.filter(q)
    grants = roles_of(user, CLERK_ROLES)
    found = []
    for row in rows:
        dept = row.window.department_id
        if user.is_superuser or any(
            not g.department_id or g.role == Role.ADMIN or g.department_id == dept
            for g in grants
            if row.window.hall.region_id.startswith(g.region.prefix)
        ):
            found.append((row.window, row.group))
    return found


def window(window_id: int) -> tuple[Window, QueueGroup]:
    row = (
        QueueWindow.objects.select_related("window__hall__region", "group")
        .filter(window_id=window_id)
        .first()
    )
    if row is None:
        raise NotFound("该窗口没有叫号队列", "this window calls no line", field="window")
    return row.window, row.group


def window_for_clerk(user: User | AnonymousUser, window_id: int) -> tuple[Window, QueueGroup]:
    """A window's line, for a clerk who may call there (Forbidden for anyone else: the
    services refuse their calls the same way)."""
    at, group = window(window_id)
    require_scope(user, CLERK_ROLES, at.hall.region_id, at.department_id)
    return at, group


def windows_of(place: ServiceHall) -> list[tuple[Window, QueueWindow | None]]:
    rows = {r.window_id: r for r in QueueWindow.objects.filter(window__hall=place).select_related()}
    return [(w, rows.get(w.pk)) for w in place.windows.order_by("number")]


def halls_for_admin(user: User | AnonymousUser) -> QuerySet[ServiceHall]:
    q = scope_q(user, (Role.ADMIN,), region_field="region_id")
    found = halls().order_by("region_id", "name")
    return found if q is None else found.filter(q)


@dataclass(frozen=True)
class Panel:
    current: Ticket | None
    waiting: list[Ticket]
    served_today: int
    no_shows_today: int


def panel(at: Window, group: QueueGroup, today: dt.date, now: dt.datetime) -> Panel:
    """What a window's clerk sees: the number at the window, the line in calling order."""
    current = (
        Ticket.objects.filter(window=at, day=today, status__in=OPEN_AT_WINDOW)
        .select_related("group", "booking__item__base")
        .first()
    )
    waiting = list(calling_order(group, today, now).select_related("group")[:30])
    mine = Ticket.objects.filter(window=at, day=today)
    return Panel(
        current,
        waiting,
        mine.filter(status=TicketStatus.DONE).count(),
        mine.filter(status=TicketStatus.NO_SHOW).count(),
    )


def calling_order(group: QueueGroup, today: dt.date, now: dt.datetime) -> QuerySet[Ticket]:
    """Waiting numbers in the order they are called: booking holders whose slot has begun
    first, then everyone by number."""
    return (
        Ticket.objects.filter(group=group, day=today, status=TicketStatus.WAITING)
        .annotate(
            rank=Case(
                When(priority_from__lte=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "number")
    )


@dataclass(frozen=True)
class Waiting:
    """平均等候时长 and 平均办理时长 at the windows of a scope over a date range."""

    tickets: int
    served: int
    no_shows: int
    mean_wait_minutes: float | None
    mean_service_minutes: float | None


def waiting(
    *, region_code: str, hall_id: int | None = None, start: dt.date, end: dt.date
) -> Waiting:
    """Tickets of the halls in a region's subtree (or of one hall) taken from `start` to
    `end` inclusive: how many, served, no-shows, and the mean minutes from taking a number
    to its first call and from the start to the end of service (None: nothing measured)."""
    rows = Ticket.objects.filter(subtree_q("hall__region_id", region_code), day__range=(start, end))
    if hall_id is not None:
        rows = rows.filter(hall_id=hall_id)
    found = rows.aggregate(
        tickets=Count("pk"),
        served=Count("pk", filter=Q(status=TicketStatus.DONE)),
        no_shows=Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
        wait=Avg("wait_seconds"),
        service=Avg("service_seconds"),
    )
    return Waiting(
        tickets=found["tickets"],
        served=found["served"],
        no_shows=found["no_shows"],
        mean_wait_minutes=None if found["wait"] is None else round(found["wait"] / 60, 1),
        mean_service_minutes=None if found["service"] is None else round(found["service"] / 60, 1),
    )
