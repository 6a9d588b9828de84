"""The one writer of bookings and tickets. Each change runs in one transaction with its
ledger entry (ids and digests only: no names, ID or phone numbers); an SMS goes out only
after the change has committed.

Numbers come from a counter row per line and day, created or moved on by one upsert
(INSERT … ON CONFLICT DO UPDATE … RETURNING): its row lock makes concurrent kiosks wait
their turn for a number, never share one; a walk-in's number is taken in that one statement,
its own short transaction, before the ticket's (`next_number`). A booking takes
its place with a conditional UPDATE of the slot's load (`booked < capacity`), so the last
place of a half hour goes to one booking only.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.notify import notify
from ninhaoban.accounts.scoping import require_scope, staff_of
from ninhaoban.accounts.sources import Source, digest
from ninhaoban.appointments import selectors
from ninhaoban.appointments.models import (
    OPEN_AT_WINDOW,
    Booking,
    BookingChannel,
    BookingStatus,
    HallSchedule,
    QueueGroup,
    QueueWindow,
    SlotLoad,
    Ticket,
    TicketCounter,
    TicketStatus,
)
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, InvalidInput, NotFound, TooManyTries
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import DepartmentType, ServiceHall, Window

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
MAX_PER_SLOT = 50


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or selectors.now()


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


# --- bookings ---------------------------------------------------------------------------


def _check_slot(place: ServiceHall, day: dt.date, start: dt.time, now: dt.datetime) -> None:
    today = _today(now)
    if day < today or selectors.slot_moment(day, start) <= now:
        raise InvalidInput("不能预约已经过去的时段", "that time is in the past", field="day")
    if not workdays.is_working_day(day):
        raise InvalidInput(
            f"{day}不是工作日，大厅不办公", f"{day} is not a working day", field="day"
        )
    if day not in selectors.booking_days(place, today):
        days = selectors.schedule_of(place).book_days
        raise InvalidInput(
            f"只能预约{days}个工作日以内的时段",
            f"book at most {days} working days ahead",
            field="day",
        )
    if start not in selectors.slot_starts(selectors.schedule_of(place)):
        raise InvalidInput(
            "该时段不在大厅的办公时间内",
            "that half hour is outside the hall's hours",
            field="start",
        )


def _take_place(group: QueueGroup, day: dt.date, start: dt.time) -> None:
    cap = selectors.capacity(group)
    SlotLoad.objects.bulk_create(
        [SlotLoad(group=group, day=day, start=start)], ignore_conflicts=True
    )
    taken = SlotLoad.objects.filter(group=group, day=day, start=start, booked__lt=cap).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise Conflict(
            f"{day} {start:%H:%M}的预约已满，请选择其他时段",
            f"{day} {start:%H:%M} is fully booked: choose another half hour",
            field="start",
        )


def _free_place(booking: Booking) -> None:
    SlotLoad.objects.filter(
        group_id=booking.group_id, day=booking.day, start=booking.start, booked__gt=0
    ).update(booked=F("booked") - 1)


@transaction.atomic
def book(
    *,
    applicant: Applicant,
    place: ServiceHall,
    item: ServiceItem,
    day: dt.date,
    start: dt.time,
    channel: str = BookingChannel.WEB,
    now: dt.datetime | None = None,
) -> Booking:
    """预约: one half hour for one item; one live booking per person, hall and day."""
    now = _now(now)
    if channel not in BookingChannel.values:
        raise InvalidInput("预约渠道无效", "unknown channel", field="channel")
    group = selectors.group_for_item(place, item)
    _check_slot(place, day, start, now)
    if Booking.objects.filter(
        applicant=applicant, hall=place, day=day, status__in=selectors.LIVE_BOOKINGS
    ).exists():
        raise Conflict(
            f"您在{day}已有{place.name}的预约，请先取消原预约",
            f"you already hold a booking at {place.name} on {day}: cancel it first",
            field="day",
        )
    _take_place(group, day, start)
    booking = Booking.objects.create(
        hall=place,
        group=group,
        item=item,
        applicant=applicant,
        day=day,
        start=start,
        code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
        channel=channel,
    )
    record(
        "booking.made",
        [f"booking:{booking.pk}", applicant.subject],
        applicant.subject,
        {
            "hall": place.pk,
            "line": group.pk,
            "item": item.code,
            "day": day.isoformat(),
            "start": f"{start:%H:%M}",
            "channel": channel,
        },
    )
    text = (
        f"【您好办】您已预约{day:%m月%d日} {start:%H:%M}在{place.name}办理"
        f"{item.base.name}，预约码{booking.code}。请按时到大厅自助终端凭预约码取号。"
    )
    _sms(applicant, "预约成功", text, secret=booking.code)
    return booking


def _sms(applicant: Applicant, subject: str, text: str, secret: str = "") -> None:
    phone, email = applicant.phone, applicant.email
    transaction.on_commit(
        lambda: notify(phone=phone, email=email, subject=subject, text=text, secret=secret)
    )


@transaction.atomic
def cancel(booking: Booking, *, applicant: Applicant, now: dt.datetime | None = None) -> Booking:
    """取消预约, until the slot begins; the place is free again at once."""
    now = _now(now)
    found = Booking.objects.select_for_update().filter(pk=booking.pk, applicant=applicant).first()
    if found is None:
        raise NotFound("没有找到该预约", "no such booking", field="booking")
    if found.status != BookingStatus.BOOKED:
        raise Conflict("该预约已取号、已取消或已过时", "this booking is no longer open")
    if selectors.slot_moment(found.day, found.start) <= now:
        raise Conflict("预约时段已开始，不能再取消", "the half hour has begun: too late to cancel")
    found.status = BookingStatus.CANCELLED
    found.cancelled_at = now
    found.save(update_fields=["status", "cancelled_at"])
    _free_place(found)
    record("booking.cancelled", [f"booking:{found.pk}", applicant.subject], applicant.subject, {})
    return found


@transaction.atomic
def send_reminders(day: dt.date, now: dt.datetime | None = None) -> int:
    """The SMS reminder of each open booking of `day` not yet reminded (run the evening
    before by the worker)."""
    now = _now(now)
    rows = list(
        Booking.objects.select_for_update(of=("self",))
        .select_related("hall", "item__base", "applicant")
        .filter(day=day, status=BookingStatus.BOOKED, reminded_at__isnull=True)
    )
    for booking in rows:
        booking.reminded_at = now
        booking.save(update_fields=["reminded_at"])
        record("booking.reminded", f"booking:{booking.pk}", "system", {"day": day.isoformat()})
        _sms(
            booking.applicant,
            "预约提醒",
            f"【您好办】提醒：您预约了{day:%m月%d日} {booking.start:%H:%M}在"
            f"{booking.hall.name}办理{booking.item.base.name}，预约码{booking.code}。",
            secret=booking.code,
        )
    return len(rows)


@transaction.atomic
def mark_missed(now: dt.datetime | None = None) -> int:
    """Bookings whose half hour ended (plus the grace) without a number taken: 已过时."""
    now = _now(now)
    today = _today(now)
    found = 0
    for booking in Booking.objects.select_for_update().filter(
        status=BookingStatus.BOOKED, day__lte=today
    ):
        end = selectors.slot_moment(booking.day, booking.end) + selectors.CHECK_IN_GRACE
        if end < now:
            booking.status = BookingStatus.MISSED
            booking.save(update_fields=["status"])
            record("booking.missed", f"booking:{booking.pk}", "system", {})
            found += 1
    return found


# --- numbers ----------------------------------------------------------------------------


def next_number(group: QueueGroup, day: dt.date) -> int:
    """The line's next number: the day's counter row created at 1 or moved on by one, and
    read back, in one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING).

    Called outside a transaction, that statement is its own transaction, and on PostgreSQL
    its commit does not wait for the disk (`set_config` of synchronous_commit, local to it),
    so the counter's row lock is held for microseconds and kiosks are not lined up behind
    each other's WAL flushes. Safe: the ticket is written by a later, durable commit, whose
    flush also flushes this one (WAL is one sequence); a crash or a failed ticket can only
    leave a number unused, never hand one out twice. Inside a transaction (a booking's
    check-in) the number is that transaction's, durable with it."""
    quote = connection.ops.quote_name
    table, last = quote(TicketCounter._meta.db_table), quote("last")
    lazy = connection.vendor == "postgresql" and not connection.in_atomic_block
    source = (
        "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS lazy"
        if lazy
        else "VALUES (%s, %s, 1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (group_id, day, {last}) {source} "
            f"ON CONFLICT (group_id, day) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}",
            [group.pk, day],
        )
        return int(cursor.fetchone()[0])


def _check_hours(hall_id: int, now: dt.datetime) -> None:
    """The hours are read by the hall's id (kept per process): the hall itself only for
    the refusal's wording."""
    if not selectors.numbers_open(hall_id, now):
        place = selectors.hall(hall_id)
        schedule = selectors.schedule_of(place)
        opens = (
            dt.datetime.combine(_today(now), schedule.am_start) - selectors.NUMBERS_BEFORE_OPENING
        )
        raise Conflict(
            f"现在不是{place.name}的取号时间（工作日{opens:%H:%M}至{schedule.pm_end:%H:%M}）",
            f"{place.name} hands out numbers on working days from {opens:%H:%M} "
            f"to {schedule.pm_end:%H:%M} only",
        )


def _check_source(source: Source | None, now: dt.datetime) -> tuple[str, str]:
    """The limits of the login codes, applied to numbers: a terminal (shared by its hall)
    per minute, any other caller per address and per browser per day. Counted from the
    tickets themselves, so a refusal writes nothing. Returns the digests kept on the ticket."""
    if source is None:
        return "", ""
    ip = digest(f"ip:{source.ip}") if source.ip and source.ip != "-" else ""
    device = source.device if source.terminal else (digest(source.device) if source.device else "")
    taken = Ticket.objects.filter(day=_today(now))
    limits: list[tuple[QuerySet[Ticket], int]] = []
    if source.terminal:
        recent = taken.filter(taken_from_device=device, taken_at__gt=now - dt.timedelta(minutes=1))
        limits.append((recent, settings.NHB_TICKETS_PER_TERMINAL_MINUTE))
    else:
        if ip:
            limits.append((taken.filter(taken_from_ip=ip), settings.NHB_TICKETS_PER_IP_DAY))
        if device:
            limits.append(
                (taken.filter(taken_from_device=device), settings.NHB_TICKETS_PER_DEVICE_DAY)
            )
    for rows, limit in limits:
        if rows.count() >= limit:
            raise TooManyTries(
                "取号过于频繁，请稍后再试或到导办台取号",
                "too many numbers taken from here: try again later or ask at the help desk",
            )
    return ip, device


def _write_ticket(
    group: QueueGroup,
    number: int,
    *,
    actor: str,
    now: dt.datetime,
    ip: str,
    device: str,
    booking: Booking | None = None,
    priority_from: dt.datetime | None = None,
) -> Ticket:
    ticket = Ticket.objects.create(
        hall_id=group.hall_id,
        group=group,
        day=_today(now),
        number=number,
        booking=booking,
        priority_from=priority_from,
        taken_at=now,
        taken_from_ip=ip,
        taken_from_device=device,
    )
    ticket.group = group
    record(
        "queue.ticket_taken",
        f"ticket:{ticket.pk}",
        actor,
        {
            "hall": group.hall_id,
            "line": group.pk,
            "number": ticket.label,
            "booking": booking.pk if booking else None,
        },
    )
    return ticket


def take_ticket(
    group: QueueGroup,
    *,
    actor: str,
    now: dt.datetime | None = None,
    source: Source | None = None,
) -> Ticket:
    """现场取号 without a booking, in the hall's hours; `source` (the terminal or the
    caller's address and browser) is held to the limits. The number is taken first, in its
    own short transaction (`next_number`), then the ticket and its ledger entry in one."""
    now = _now(now)
    _check_hours(group.hall_id, now)
    ip, device = _check_source(source, now)
    number = next_number(group, _today(now))
    with transaction.atomic():
        return _write_ticket(group, number, actor=actor, now=now, ip=ip, device=device)


@transaction.atomic
def check_in(
    place: ServiceHall,
    *,
    code: str,
    tail: str,
    actor: str,
    now: dt.datetime | None = None,
    source: Source | None = None,
) -> Ticket:
    """凭预约取号: the booking code and the ID number's last four characters; the number
    is called before walk-ins from the booked half hour on."""
    now = _now(now)
    _check_hours(place.pk, now)
    code, tail = (code or "").strip().upper()[:16], (tail or "").strip().upper()[:8]
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("applicant", "group")
        .filter(code=code, hall=place)
        .first()
    )
    if booking is None or len(tail) != 4 or booking.applicant.identifier[-4:].upper() != tail:
        raise NotFound(
            "没有找到该预约，请核对预约码和证件号码后四位",
            "no such booking: check the code and the ID number's last four characters",
            field="code",
        )
    if booking.status != BookingStatus.BOOKED:
        raise Conflict("该预约已取号、已取消或已过时", "this booking is no longer open")
    if booking.day != _today(now):
        raise Conflict(
            f"该预约是{booking.day}的，请当天来取号",
            f"this booking is for {booking.day}: come that day",
        )
    begins = selectors.slot_moment(booking.day, booking.start)
    if selectors.slot_moment(booking.day, booking.end) + selectors.CHECK_IN_GRACE < now:
        raise Conflict(
            "预约时段已过，请现场取号", "the booked half hour is over: take a number without it"
        )
    booking.status = BookingStatus.CHECKED_IN
    booking.save(update_fields=["status"])
    record("booking.checked_in", f"booking:{booking.pk}", actor, {})
    ip, device = _check_source(source, now)
    return _write_ticket(
        booking.group,
        next_number(booking.group, _today(now)),
        actor=actor,
        now=now,
        ip=ip,
        device=device,
        booking=booking,
        priority_from=begins,
    )


# --- the window's console ---------------------------------------------------------------


def _clerk(user: User | AnonymousUser, window: Window) -> str:
    """The staff member's ledger name, if they may call at this window."""
    staff = staff_of(user)
    require_scope(user, selectors.CLERK_ROLES, window.hall.region_id, window.department_id)
    return staff.actor


def _open_at(window: Window, today: dt.date) -> Ticket | None:
    return (
        Ticket.objects.select_for_update()
        .filter(window=window, day=today, status__in=OPEN_AT_WINDOW)
        .first()
    )


def _claim(ticket: Ticket, window: Window, actor: str, now: dt.datetime) -> bool:
    wait = int((now - ticket.taken_at).total_seconds())
    claimed = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.WAITING).update(
        status=TicketStatus.CALLED,
        window=window,
        called_by=actor,
        called_at=now,
        last_called_at=now,
        wait_seconds=max(wait, 0),
    )
    if not claimed:
        return False
    ticket.refresh_from_db()
    record(
        "queue.ticket_called",
        f"ticket:{ticket.pk}",
        actor,
        {"window": window.pk, "number": ticket.label, "wait_seconds": ticket.wait_seconds},
    )
    _tell_holder(ticket, window)
    return True


def _tell_holder(ticket: Ticket, window: Window) -> None:
    booking = ticket.booking
    if booking is not None:
        _sms(
            booking.applicant,
            "叫号",
            f"【您好办】请{ticket.label}号到{window.hall.name}{window.number}号窗口办理。",
        )


def _free_window(window: Window, today: dt.date) -> None:
    current = _open_at(window, today)
    if current is not None:
        raise Conflict(
            f"本窗口的{current.label}号尚未办结或过号", f"{current.label} is still at this window"
        )


@transaction.atomic
def call_next(
    window: Window, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """叫号: the next number of the window's line (booking holders whose half hour has
    begun first). Two windows calling at once get two different numbers."""
    now = _now(now)
    actor = _clerk(user, window)
    _, group = selectors.window(window.pk)
    today = _today(now)
    _free_window(window, today)
    for _ in range(5):
        waiting = selectors.calling_order(group, today, now)
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        ticket = waiting.select_related("booking__applicant", "group").first()
        if ticket is None:
            break
        if _claim(ticket, window, actor, now):
            return ticket
    raise Conflict("没有等候的号", "nobody is waiting in this line")


def _at_window(window: Window, ticket_id: int, today: dt.date) -> Ticket:
    found = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("group", "booking__applicant")
        .filter(pk=ticket_id, hall_id=window.hall_id, day=today)
        .first()
    )
    if found is None:
        raise NotFound("本大厅今天没有该号", "no such ticket in this hall today", field="ticket")
    return found


@transaction.atomic
def call(
    window: Window, ticket_id: int, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """叫一个指定的号 (a person who asks at the window): only a number still waiting."""
    now = _now(now)
    actor = _clerk(user, window)
    _, group = selectors.window(window.pk)
    today = _today(now)
    ticket = _at_window(window, ticket_id, today)
    if ticket.group_id != group.pk:
        raise Conflict(f"{ticket.label}号不属于本窗口的队列", f"{ticket.label} is another line's")
    if ticket.status != TicketStatus.WAITING:
        raise Conflict(f"{ticket.label}号已经叫过", f"{ticket.label} has been called already")
    _free_window(window, today)
    if not _claim(ticket, window, actor, now):
        raise Conflict(f"{ticket.label}号已经叫过", f"{ticket.label} has been called already")
    return ticket


def _mine(window: Window, ticket: Ticket, *states: str) -> None:
    if ticket.window_id != window.pk:
        raise Conflict(
            f"{ticket.label}号不是本窗口叫的号", f"{ticket.label} was not called at this window"
        )
    if ticket.status not in states:
        raise Conflict(
            f"{ticket.label}号当前不能这样处理", f"{ticket.label} is not in a state for that"
        )


def _act(
    window: Window,
    ticket_id: int,
    user: User | AnonymousUser,
    now: dt.datetime | None,
    states: tuple[str, ...],
) -> tuple[Ticket, str, dt.datetime]:
    now = _now(now)
    actor = _clerk(user, window)
    ticket = _at_window(window, ticket_id, _today(now))
    _mine(window, ticket, *states)
    return ticket, actor, now


@transaction.atomic
def recall(
    window: Window, ticket_id: int, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """重呼: the number shows again on the hall screen."""
    ticket, actor, now = _act(window, ticket_id, user, now, (TicketStatus.CALLED,))
    ticket.recalls += 1
    ticket.last_called_at = now
    ticket.save(update_fields=["recalls", "last_called_at"])
    record("queue.ticket_recalled", f"ticket:{ticket.pk}", actor, {"window": window.pk})
    return ticket


@transaction.atomic
def start_service(
    window: Window, ticket_id: int, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """开始办理: the person is at the window."""
    ticket, actor, now = _act(window, ticket_id, user, now, (TicketStatus.CALLED,))
    ticket.status = TicketStatus.SERVING
    ticket.started_at = now
    ticket.save(update_fields=["status", "started_at"])
    record("queue.ticket_started", f"ticket:{ticket.pk}", actor, {"window": window.pk})
    return ticket


@transaction.atomic
def finish_service(
    window: Window, ticket_id: int, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """办结: the service time is kept on the ticket."""
    ticket, actor, now = _act(window, ticket_id, user, now, (TicketStatus.SERVING,))
    assert ticket.started_at is not None  # set when the service began
    ticket.status = TicketStatus.DONE
    ticket.finished_at = now
    ticket.service_seconds = max(int((now - ticket.started_at).total_seconds()), 0)
    ticket.save(update_fields=["status", "finished_at", "service_seconds"])
    record(
        "queue.ticket_finished",
        f"ticket:{ticket.pk}",
        actor,
        {"window": window.pk, "service_seconds": ticket.service_seconds},
    )
    return ticket


@transaction.atomic
def no_show(
    window: Window, ticket_id: int, *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Ticket:
    """过号: called and nobody came."""
    ticket, actor, now = _act(window, ticket_id, user, now, (TicketStatus.CALLED,))
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at"])
    record("queue.ticket_no_show", f"ticket:{ticket.pk}", actor, {"window": window.pk})
    return ticket


# --- the hall's settings ----------------------------------------------------------------


def _hall_admin(user: User | AnonymousUser, place: ServiceHall) -> str:
    staff = staff_of(user)
    require_scope(user, (Role.ADMIN,), place.region_id)
    return staff.actor


def _lines_for(place: ServiceHall) -> list[tuple[str, str, str]]:
    """(prefix, name, department types) of the default lines: the general windows' line,
    then one line per department with windows of its own."""
    found = [("A", "综合业务", "")]
    types = sorted(
        {w.department.dept_type for w in place.windows.all() if w.department is not None}
    )
    for letter, dept_type in zip("BCDEFGHJKLMN", types, strict=False):
        found.append((letter, DepartmentType(dept_type).label[:32], dept_type))
    return found


@transaction.atomic
def open_queue(place: ServiceHall, *, actor: str, per_slot: int = 2) -> list[QueueGroup]:
    """启用预约取号 at a hall: a line for the general windows and one per stationed
    department, each window in its department's line. Lines already there are kept."""
    groups = {g.prefix: g for g in selectors.lines(place)}
    made = []
    for prefix, name, dept_types in _lines_for(place):
        if prefix not in groups:
            groups[prefix] = QueueGroup.objects.create(
                hall=place, prefix=prefix, name=name, dept_types=dept_types
            )
            made.append(groups[prefix])
    by_type = {t: g for g in groups.values() for t in g.department_types}
    general = groups["A"]
    for window in place.windows.select_related("department"):
        dept_type = window.department.dept_type if window.department else ""
        QueueWindow.objects.get_or_create(
            window=window,
            defaults={"group": by_type.get(dept_type, general), "per_slot": per_slot},
        )
    record(
        "queue.opened",
        f"hall:{place.pk}",
        actor,
        {"lines": sorted(groups), "windows": place.windows.count()},
    )
    return made


def _time(value: str, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput("时间格式应为HH:MM", "a time is HH:MM", field=field) from None


@transaction.atomic
def save_settings(
    place: ServiceHall,
    *,
    user: User | AnonymousUser,
    hours: dict[str, str],
    book_days: int,
    windows: dict[int, tuple[int, int]],
) -> HallSchedule:
    """The hall administrator's settings: working hours, how far ahead one may book, and
    per window its line and how many bookings it takes per half hour."""
    actor = _hall_admin(user, place)
    am_start, am_end, pm_start, pm_end = (
        _time(hours.get(n, ""), n) for n in ("am_start", "am_end", "pm_start", "pm_end")
    )
    if not am_start < am_end <= pm_start < pm_end:
        raise InvalidInput(
            "办公时间应为上午开始<上午结束≤下午开始<下午结束",
            "hours must run morning start < morning end <= afternoon start < afternoon end",
            field="am_start",
        )
    if not 1 <= book_days <= 60:
        raise InvalidInput(
            "可预约工作日数应为1至60", "book 1 to 60 working days ahead", field="book_days"
        )
    schedule, _ = HallSchedule.objects.select_for_update().get_or_create(hall=place)
    schedule.am_start, schedule.am_end, schedule.pm_start, schedule.pm_end = (
        am_start,
        am_end,
        pm_start,
        pm_end,
    )
    schedule.book_days = book_days
    schedule.save()
    groups = {g.pk: g for g in selectors.lines(place)}
    rows = {r.window_id: r for r in QueueWindow.objects.filter(window__hall=place)}
    for window_id, (group_id, per_slot) in windows.items():
        row = rows.get(window_id)
        if row is None:
            raise NotFound("本大厅没有该叫号窗口", "no such window in this hall", field="window")
        if group_id not in groups:
            raise NotFound("本大厅没有该队列", "no such line in this hall", field="group")
        if not 0 <= per_slot <= MAX_PER_SLOT:
            raise InvalidInput(
                f"每半小时预约容量应为0至{MAX_PER_SLOT}",
                f"a window takes 0 to {MAX_PER_SLOT} bookings per half hour",
                field="per_slot",
            )
        row.group_id, row.per_slot = group_id, per_slot
        row.save(update_fields=["group", "per_slot"])
    record(
        "queue.settings_changed",
        f"hall:{place.pk}",
        actor,
        {
            "hours": [f"{t:%H:%M}" for t in (am_start, am_end, pm_start, pm_end)],
            "book_days": book_days,
            "windows": {str(k): list(v) for k, v in sorted(windows.items())},
        },
    )
    return schedule
