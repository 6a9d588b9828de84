"""Demo 预约取号叫号: every hall with windows has its lines open; at 崇阳县政务服务中心 the
last five working days hold numbers taken, called, served and missed (so 平均等候时长 has
figures), a few demo persons hold bookings for the coming working days, and, when the
demo runs in the hall's hours, today's line has numbers waiting and called for the screen.

All through the services at the moments they happened. Safe to run again: nothing is added
once demo tickets exist (lines are only opened where missing)."""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import Ticket
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.core import workdays
from ninhaoban.regions.models import ServiceHall, Window

CHONGYANG = "421223000000"
# minutes after 9:00 each number of a past day is taken, then waited and served
PAST_DAY = [(0, 4, 9), (3, 8, 12), (5, 15, 7), (12, 10, 14), (20, 6, 10), (31, 12, 8)]
BOOKED_ITEMS = ["个体工商户设立登记", "食品经营许可"]


def _at(day: dt.date, minutes: int) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=minutes)
    return timezone.make_aware(start)


def _open_halls() -> int:
    opened = 0
    for hall in ServiceHall.objects.filter(windows__isnull=False).distinct().order_by("pk"):
        if not selectors.lines(hall):
            services.open_queue(hall, actor="demo")
            opened += 1
    return opened


def _working_days_before(today: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if workdays.is_working_day(day):
            days.append(day)
    return days


def _past(hall: ServiceHall, today: dt.date, clerk: User) -> int:
    """Five working days back: the general line served at the first general window, one
    at a time, the last number of each day a no-show."""
    group = next(g for g in selectors.lines(hall) if not g.department_types)
    window = Window.objects.filter(hall=hall, is_general=True).order_by("number").first()
    assert window is not None  # every demo hall has general windows
    made = 0
    for day in reversed(_working_days_before(today, 5)):
        free_at = _at(day, 0)
        for n, (taken, waited, served) in enumerate(PAST_DAY):
            ticket = services.take_ticket(group, actor="demo", now=_at(day, taken))
            called_at = max(_at(day, taken + waited), free_at)
            services.call(window, ticket.pk, user=clerk, now=called_at)
            if n == len(PAST_DAY) - 1:
                services.no_show(window, ticket.pk, user=clerk, now=called_at)
                free_at = called_at
            else:
                services.start_service(window, ticket.pk, user=clerk, now=called_at)
                free_at = called_at + dt.timedelta(minutes=served)
                services.finish_service(window, ticket.pk, user=clerk, now=free_at)
            made += 1
    return made


def _bookings(hall: ServiceHall, now: dt.datetime) -> int:
    """Three demo persons of 崇阳县 book the next working day, 9:00, 9:30 and 10:00."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    while not workdays.is_working_day(tomorrow):
        tomorrow += dt.timedelta(days=1)
    persons = Applicant.objects.filter(
        kind=ApplicantKind.PERSON, region__code__startswith=CHONGYANG[:6]
    ).order_by("pk")[:3]
    made = 0
    for n, person in enumerate(persons):
        item = ServiceItem.objects.filter(
            base__name=BOOKED_ITEMS[n % len(BOOKED_ITEMS)], region_id=CHONGYANG
        ).first()
        if item is None:
            continue
        start = (dt.datetime.combine(tomorrow, dt.time(9, 0)) + dt.timedelta(minutes=30 * n)).time()
        services.book(applicant=person, place=hall, item=item, day=tomorrow, start=start, now=now)
        made += 1
    return made


def _today(hall: ServiceHall, now: dt.datetime, clerk: User) -> int:
    """In the hall's hours: four numbers waiting in the general line, the first called."""
    if not selectors.numbers_open(hall, now):
        return 0
    group = next(g for g in selectors.lines(hall) if not g.department_types)
    tickets = [services.take_ticket(group, actor="demo", now=now) for _ in range(4)]
    window = Window.objects.filter(hall=hall, is_general=True).order_by("number").first()
    assert window is not None
    services.call(window, tickets[0].pk, user=clerk, now=now)
    return len(tickets)


@transaction.atomic
def seed() -> str:
    opened = _open_halls()
    if Ticket.objects.exists():
        return f"appointments: {opened} halls opened, demo tickets already there"
    hall = ServiceHall.objects.filter(region_id=CHONGYANG).order_by("pk").first()
    if hall is None:
        return f"appointments: {opened} halls opened"
    clerk = User.objects.get(username="clerk.chongyang")
    now = timezone.now()
    past = _past(hall, timezone.localdate(), clerk)
    booked = _bookings(hall, now)
    today = _today(hall, now, clerk)
    return (
        f"appointments: {opened} halls opened, {past} past numbers at {hall.name}, "
        f"{booked} bookings, {today} numbers today"
    )
