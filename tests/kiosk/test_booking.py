"""预约 at the terminal: the person it has identified books a half hour of this hall through
the same service as the website (on the kiosk channel), sees the code, and on the day takes
the number with the booking in one press; bad input is a 4xx with nothing written."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.accounts.notify import LogProvider
from ninhaoban.appointments import selectors, services
from ninhaoban.appointments.models import Booking, BookingChannel, BookingStatus, Ticket
from tests.appointments.conftest import MONDAY, at, market_item, market_window, opened
from tests.appointments.test_pages import Clock
from tests.kiosk.conftest import BASE, terminal

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock(at(MONDAY, 8))
    monkeypatch.setattr(selectors, "now", found)
    return found


def people(count: int) -> list[Applicant]:
    return list(
        Applicant.objects.filter(kind=ApplicantKind.PERSON, region__code__startswith="421223")
        .exclude(phone="")
        .order_by("pk")[:count]
    )


def choose(day: dt.date) -> dict[str, str]:
    return {"item": market_item().code, "day": day.isoformat()}


def test_book_at_the_terminal_then_take_the_number_with_it(
    clock, identified, django_capture_on_commit_callbacks
):
    hall = opened()
    person = people(1)[0]
    assert terminal().get(f"{BASE}book/").status_code == 302  # the identity check first
    client = identified(person)
    assert f"{BASE}book/" in client.get(BASE).content.decode()
    page = client.get(f"{BASE}book/", {"q": "gtgs"}).content.decode()
    assert market_item().code in page
    page = client.get(f"{BASE}book/", choose(TUESDAY)).content.decode()
    assert 'data-slot="10:00"' in page and "剩余2/2" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}book/", {**choose(TUESDAY), "start": "10:00"})
    booking = Booking.objects.get(applicant=person)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}book/{booking.pk}/"
    assert (booking.hall, booking.day, booking.start) == (hall, TUESDAY, dt.time(10))
    assert booking.channel == BookingChannel.KIOSK
    assert booking.code in LogProvider.sent[-1].text  # the code by SMS, as on the website
    page = client.get(response["Location"]).content.decode()
    assert booking.code in page and 'id="take-with-booking"' not in page  # not today
    assert client.post(response["Location"]).status_code == 409  # nor a number
    assert not Ticket.objects.exists()

    clock.moment = at(TUESDAY, 9, 40)
    client = identified(person)
    page = client.get(f"{BASE}book/").content.decode()
    assert f'action="{BASE}book/{booking.pk}/"' in page  # today's booking, one press away
    response = client.post(f"{BASE}book/{booking.pk}/")
    ticket = Ticket.objects.get()
    assert response["Location"] == f"{BASE}queue/{ticket.pk}/"
    assert ticket.booking == booking and ticket.priority_from == at(TUESDAY, 10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert client.post(f"{BASE}book/{booking.pk}/").status_code == 409  # taken already

    clock.moment = at(TUESDAY, 10)
    clerk = User.objects.get(username="clerk.chongyang")
    assert services.call_next(market_window(hall), user=clerk, now=clock.moment) == ticket


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"start": "12:00"}, 422),  # the lunch break: not offered
        ({"start": ""}, 422),
        ({"day": (MONDAY + dt.timedelta(days=5)).isoformat()}, 422),  # a Saturday
        ({"day": "2026-13-40"}, 422),
        ({"day": MONDAY.isoformat(), "start": "09:00"}, 422),  # 9:00 is over at 9:30
        ({"item": "nope"}, 404),
    ],
)
def test_a_bad_booking_at_the_terminal_is_refused_and_nothing_written(
    clock, identified, change, status
):
    opened()
    clock.moment = at(MONDAY, 9, 30)
    client = identified(people(1)[0])
    response = client.post(f"{BASE}book/", {**choose(TUESDAY), "start": "10:00", **change})
    assert response.status_code == status
    assert not Booking.objects.exists()


def test_a_full_half_hour_and_another_persons_booking(clock, identified):
    opened()
    first, second, third = people(3)
    for person in (first, second):
        response = identified(person).post(f"{BASE}book/", {**choose(TUESDAY), "start": "10:00"})
        assert response.status_code == 302
    client = identified(third)
    response = client.post(f"{BASE}book/", {**choose(TUESDAY), "start": "10:00"})
    assert response.status_code == 409 and Booking.objects.count() == 2
    theirs = Booking.objects.get(applicant=first)
    assert client.get(f"{BASE}book/{theirs.pk}/").status_code == 404
    assert client.post(f"{BASE}book/{theirs.pk}/").status_code == 404
    assert not Ticket.objects.exists()
