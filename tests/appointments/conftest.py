"""A hall with its lines open (崇阳县政务服务中心), a fixed clock, and helpers to book and
take numbers there."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import QueueGroup
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.regions.models import ServiceHall, Window

CHONGYANG = "421223000000"
XIANAN = "421202000000"
GETIHU = "个体工商户设立登记"  # a 市场监管 item: its own line (市场监督管理局)
# Monday 7 December 2026 at 08:00 in 咸宁: the booking days are that week's working days
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


NOW = at(MONDAY, 8)


def county_hall(region: str = CHONGYANG) -> ServiceHall:
    return ServiceHall.objects.filter(region_id=region).order_by("pk").first()


def opened(region: str = CHONGYANG) -> ServiceHall:
    hall = county_hall(region)
    if not selectors.lines(hall):
        services.open_queue(hall, actor="test")
    return hall


def resident(index: int = 0, region: str = CHONGYANG) -> Applicant:
    return Applicant.objects.filter(
        kind=ApplicantKind.PERSON, region__code__startswith=region[:6]
    ).order_by("pk")[index]


def market_item(region: str = CHONGYANG) -> ServiceItem:
    return ServiceItem.objects.get(base__name=GETIHU, region_id=region)


def line_of(hall: ServiceHall, prefix: str) -> QueueGroup:
    return QueueGroup.objects.get(hall=hall, prefix=prefix)


def market_window(hall: ServiceHall) -> Window:
    return Window.objects.get(hall=hall, department__dept_type="market")


def general_windows(hall: ServiceHall) -> list[Window]:
    return list(Window.objects.filter(hall=hall, is_general=True).order_by("number"))


def user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def hall(db) -> ServiceHall:
    return opened()


@pytest.fixture(autouse=True)
def fresh_hours():
    """A test's saved hours vanish with its rollback, which no signal reports: the kept
    hours go with them."""
    selectors.forget_hours()
    yield
    selectors.forget_hours()
