"""The pages of bookings and the queue: the applicant's booking and "my appointments" on the
website, 取号 and the printed ticket at a terminal, the clerk's 叫号 panel and the hall
screen; each for its own people only, bad input a 4xx with nothing written."""

import datetime as dt

import pytest
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.appointments import selectors
from ninhaoban.appointments.models import Booking, BookingStatus, Ticket, TicketStatus
from ninhaoban.kiosk.models import Kiosk
from tests.appointments.conftest import (
    MONDAY,
    NOW,
    at,
    line_of,
    market_item,
    market_window,
    resident,
)
from tests.kiosk.conftest import enrolled

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + dt.timedelta(days=1)
KIOSK = "CY-ZWZX-01"  # 崇阳县政务服务中心, the hall opened by the `hall` fixture
BASE = f"/kiosk/{KIOSK}/"


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock(NOW)
    monkeypatch.setattr(selectors, "now", found)
    return found


def signed_in(index: int = 0) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(resident(index)))
    return client


def staff(username: str) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def booking_form(hall) -> dict[str, str]:
    return {"hall": str(hall.pk), "item": market_item().code, "day": TUESDAY.isoformat()}


def test_booking_on_the_website_shows_free_places_and_the_code(hall, clock):
    assert Client().get("/appointments/new/").status_code == 302
    client = signed_in()
    page = client.get("/appointments/new/").content.decode()
    assert hall.name in page
    page = client.get("/appointments/new/", {"hall": hall.pk}).content.decode()
    assert market_item().code in page and TUESDAY.isoformat() in page
    page = client.get("/appointments/new/", booking_form(hall)).content.decode()
    assert 'data-slot="09:00"' in page and "剩余2/2" in page
    assert 'data-slot="12:00"' not in page  # the lunch break
    response = client.post("/appointments/new/", {**booking_form(hall), "start": "09:00"})
    booking = Booking.objects.get(applicant=resident(0))
    assert response.status_code == 302 and response["Location"] == f"/appointments/{booking.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert booking.code in page and "09:00" in page
    assert booking.code in client.get("/appointments/").content.decode()
    page = signed_in(1).get("/appointments/new/", booking_form(hall)).content.decode()
    assert "剩余1/2" in page


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"day": (MONDAY - dt.timedelta(days=1)).isoformat()}, 422),  # the past
        ({"day": (MONDAY + dt.timedelta(days=5)).isoformat()}, 422),  # a Saturday
        ({"day": "2026-13-40"}, 422),
        ({"start": "12:00"}, 422),  # the lunch break
        ({"start": "xx"}, 422),
        ({"item": "nope"}, 404),
        ({"hall": "99999999"}, 404),
        ({"hall": "abc"}, 422),
    ],
)
def test_a_bad_booking_is_refused_and_nothing_written(hall, clock, change, status):
    data = {**booking_form(hall), "start": "09:00", **change}
    response = signed_in().post("/appointments/new/", data)
    assert response.status_code == status
    assert not Booking.objects.exists()


def test_a_full_half_hour_is_a_conflict_and_cancel_frees_it(hall, clock):
    for index in (0, 1):
        signed_in(index).post("/appointments/new/", {**booking_form(hall), "start": "09:00"})
    response = signed_in(2).post("/appointments/new/", {**booking_form(hall), "start": "09:00"})
    assert response.status_code == 409 and Booking.objects.count() == 2
    first = Booking.objects.get(applicant=resident(0))
    assert signed_in(1).post(f"/appointments/{first.pk}/cancel/").status_code == 404
    assert signed_in(1).get(f"/appointments/{first.pk}/").status_code == 404
    assert signed_in(0).post(f"/appointments/{first.pk}/cancel/").status_code == 302
    first.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    response = signed_in(2).post("/appointments/new/", {**booking_form(hall), "start": "09:00"})
    assert response.status_code == 302


def test_staff_do_not_book(hall, clock):
    assert staff("clerk.chongyang").get("/appointments/").status_code == 403


def test_taking_a_number_at_the_terminal_and_its_ticket(hall, clock):
    kiosk = enrolled(KIOSK)
    clock.moment = at(MONDAY, 9)
    page = kiosk.get(f"{BASE}queue/").content.decode()
    assert "综合业务" in page and "取号" in kiosk.get(BASE).content.decode()
    general = line_of(hall, "A")
    response = kiosk.post(f"{BASE}queue/", {"action": "line", "group": general.pk})
    ticket = Ticket.objects.get()
    assert response["Location"] == f"{BASE}queue/{ticket.pk}/"
    page = kiosk.get(response["Location"]).content.decode()
    assert "A001" in page and "前面还有0人等候" in page
    assert Client().get(f"{BASE}queue/").status_code == 403  # not the terminal's browser
    other = Kiosk.objects.exclude(hall=hall).filter(active=True).first()
    assert enrolled(other.code).get(f"/kiosk/{other.code}/queue/{ticket.pk}/").status_code == 404


def test_a_booking_checks_in_at_the_terminal(hall, clock):
    signed_in().post("/appointments/new/", {**booking_form(hall), "start": "09:00"})
    booking = Booking.objects.get()
    kiosk = enrolled(KIOSK)
    clock.moment = at(TUESDAY, 8, 50)
    data = {"action": "booking", "code": booking.code.lower(), "tail": "0000"}
    assert kiosk.post(f"{BASE}queue/", data).status_code == 404
    data["tail"] = resident(0).identifier[-4:]
    response = kiosk.post(f"{BASE}queue/", data)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (
        ticket.booking == booking
        and ticket.label in kiosk.get(response["Location"]).content.decode()
    )
    assert kiosk.post(f"{BASE}queue/", data).status_code == 409  # taken already


@pytest.mark.parametrize(
    "moment", [at(MONDAY, 8, 29), at(MONDAY, 17, 30), at(MONDAY + dt.timedelta(days=5), 10)]
)
def test_no_number_outside_the_hall_hours(hall, clock, moment):
    clock.moment = moment
    kiosk = enrolled(KIOSK)
    response = kiosk.post(f"{BASE}queue/", {"action": "line", "group": line_of(hall, "A").pk})
    assert response.status_code == 409 and not Ticket.objects.exists()
    assert "取号时间" in response.content.decode()


def test_a_terminal_takes_only_so_many_numbers_a_minute(hall, clock, settings):
    settings.NHB_TICKETS_PER_TERMINAL_MINUTE = 3
    clock.moment = at(MONDAY, 9)
    kiosk = enrolled(KIOSK)
    data = {"action": "line", "group": line_of(hall, "A").pk}
    assert [kiosk.post(f"{BASE}queue/", data).status_code for _ in range(4)] == [302] * 3 + [429]
    assert Ticket.objects.count() == 3
    clock.moment = at(MONDAY, 9, 2)
    assert kiosk.post(f"{BASE}queue/", data).status_code == 302


def test_bad_line_is_refused(hall, clock):
    clock.moment = at(MONDAY, 9)
    kiosk = enrolled(KIOSK)
    assert kiosk.post(f"{BASE}queue/", {"action": "line", "group": "x"}).status_code == 422
    assert kiosk.post(f"{BASE}queue/", {"action": "line", "group": "999999"}).status_code == 404
    assert not Ticket.objects.exists()


def test_the_clerk_calls_serves_and_the_screen_shows_it(hall, clock):
    clock.moment = at(MONDAY, 9)
    kiosk = enrolled(KIOSK)
    market = selectors.group_for_item(hall, market_item())
    kiosk.post(f"{BASE}queue/", {"action": "line", "group": market.pk})
    ticket = Ticket.objects.get()
    window = market_window(hall)
    clerk = staff("clerk.chongyang")
    assert f"/console/queue/{window.pk}/" in clerk.get("/console/queue/").content.decode()
    page = clerk.get(f"/console/queue/{window.pk}/").content.decode()
    assert ticket.label in page and "叫下一个号" in page
    clock.moment = at(MONDAY, 9, 10)
    assert clerk.post(f"/console/queue/{window.pk}/next/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.wait_seconds == 600
    screen = kiosk.get(f"{BASE}screen/").content.decode()
    assert f'data-call="{ticket.label}"' in screen and "hx-get" in screen
    live = kiosk.get(f"{BASE}screen/live/").content.decode()
    assert f'data-call="{ticket.label}"' in live and "<html" not in live
    assert clerk.post(f"/console/queue/{window.pk}/next/").status_code == 409  # still open
    for action in ("recall", "start", "finish"):
        response = clerk.post(f"/console/queue/{window.pk}/{action}/", {"ticket": ticket.pk})
        assert response.status_code == 302, action
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and ticket.recalls == 1
    assert (
        clerk.post(f"/console/queue/{window.pk}/finish/", {"ticket": ticket.pk}).status_code == 409
    )
    assert clerk.post(f"/console/queue/{window.pk}/start/", {"ticket": "x"}).status_code == 422
    assert (
        clerk.post(f"/console/queue/{window.pk}/dance/", {"ticket": ticket.pk}).status_code == 404
    )


def test_only_the_halls_clerks_open_a_window(hall, clock):
    window = market_window(hall)
    for username in ("clerk.xianan", "approver.chongyang.market"):
        assert staff(username).get(f"/console/queue/{window.pk}/").status_code == 403
        assert staff(username).post(f"/console/queue/{window.pk}/next/").status_code == 403
    assert Client().get(f"/console/queue/{window.pk}/").status_code == 302
    assert signed_in().get(f"/console/queue/{window.pk}/").status_code == 403
    assert staff("clerk.xianan").get("/console/queue/").status_code == 200
