"""/api/v1/appointments: the public halls, half hours and hall screen; an applicant's
bookings; taking a number within the limits per address and browser; a clerk's calls."""

import datetime as dt
import json

import pytest
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.appointments import selectors
from ninhaoban.appointments.models import Booking, Ticket
from tests.appointments.conftest import (
    MONDAY,
    NOW,
    at,
    line_of,
    market_item,
    market_window,
    resident,
)
from tests.appointments.test_pages import Clock, staff

pytestmark = pytest.mark.django_db
API = "/api/v1/appointments"
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock(NOW)
    monkeypatch.setattr(selectors, "now", found)
    return found


def applicant(index: int = 0) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(resident(index)))
    return client


def post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(f"{API}{path}", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_halls_half_hours_and_the_screen_are_public(hall, clock):
    halls = Client().get(f"{API}/halls").json()
    assert any(h["id"] == hall.pk and "A 综合业务" in h["lines"] for h in halls)
    query = {"item": market_item().code, "day": TUESDAY.isoformat()}
    found = Client().get(f"{API}/halls/{hall.pk}/slots", query).json()
    assert found[0] == {
        "start": "09:00",
        "end": "09:30",
        "capacity": 2,
        "booked": 0,
        "free": 2,
        "open": True,
    }
    saturday = {**query, "day": (MONDAY + dt.timedelta(days=5)).isoformat()}
    assert Client().get(f"{API}/halls/{hall.pk}/slots", saturday).json() == []
    assert Client().get(f"{API}/halls/{hall.pk}/slots", {**query, "day": "x"}).status_code == 422
    assert Client().get(f"{API}/halls/{hall.pk}/board").json() == {
        "calls": [],
        "waiting": {g.prefix: 0 for g in selectors.lines(hall)},
    }


def test_an_applicant_books_lists_and_cancels(hall, clock):
    body = {
        "hall": hall.pk,
        "item": market_item().code,
        "day": TUESDAY.isoformat(),
        "start": "09:00",
    }
    status, booked = post(applicant(), "/bookings", body)
    assert status == 201 and booked["status"] == "booked" and len(booked["code"]) == 8
    assert [b["id"] for b in applicant().get(f"{API}/bookings").json()] == [booked["id"]]
    assert applicant(1).get(f"{API}/bookings").json() == []
    assert post(staff("clerk.chongyang"), "/bookings", body)[0] == 403
    assert post(applicant(1), f"/bookings/{booked['id']}/cancel", {})[0] == 404
    status, cancelled = post(applicant(), f"/bookings/{booked['id']}/cancel", {})
    assert status == 200 and cancelled["status"] == "cancelled"
    assert post(applicant(), "/bookings", {**body, "start": "12:00"})[0] == 422
    assert Booking.objects.filter(status="booked").count() == 0


def test_taking_numbers_through_the_api_is_limited_per_address(hall, clock, settings):
    settings.NHB_TICKETS_PER_IP_DAY = 2
    clock.moment = at(MONDAY, 9)
    line = line_of(hall, "A").pk
    status, first = post(applicant(), f"/halls/{hall.pk}/tickets", {"line": line})
    assert status == 201 and first["number"] == "A001" and first["ahead"] == 0
    assert post(applicant(1), f"/halls/{hall.pk}/tickets", {"line": line})[0] == 201
    status, error = post(applicant(2), f"/halls/{hall.pk}/tickets", {"line": line})
    assert status == 429 and error["code"] == "too_many_tries"
    assert Ticket.objects.count() == 2
    assert post(applicant(), f"/halls/{hall.pk}/tickets", {})[0] == 422
    assert (
        Client().post(f"{API}/halls/{hall.pk}/tickets", "{}", "application/json").status_code == 401
    )


def test_a_browser_takes_only_so_many_numbers_a_day(hall, clock, settings):
    settings.NHB_TICKETS_PER_DEVICE_DAY = 1
    clock.moment = at(MONDAY, 9)
    client = applicant()
    client.cookies["nhb_device"] = "browser-1"
    line = line_of(hall, "A").pk
    assert post(client, f"/halls/{hall.pk}/tickets", {"line": line})[0] == 201
    assert post(client, f"/halls/{hall.pk}/tickets", {"line": line})[0] == 429
    assert Ticket.objects.count() == 1


def test_a_clerk_calls_through_the_api(hall, clock):
    clock.moment = at(MONDAY, 9)
    market = selectors.group_for_item(hall, market_item())
    status, taken = post(applicant(), f"/halls/{hall.pk}/tickets", {"line": market.pk})
    window = market_window(hall).pk
    clerk = staff("clerk.chongyang")
    assert post(staff("clerk.xianan"), f"/windows/{window}/next", {})[0] == 403
    status, called = post(clerk, f"/windows/{window}/next", {})
    assert status == 200 and called["number"] == taken["number"] and called["status"] == "called"
    assert post(clerk, f"/windows/{window}/next", {})[0] == 409
    assert post(clerk, f"/windows/{window}/start", {})[0] == 422
    assert (
        post(clerk, f"/windows/{window}/start", {"ticket": taken["id"]})[1]["status"] == "serving"
    )
    board = Client().get(f"{API}/halls/{hall.pk}/board").json()
    assert board["calls"][0]["number"] == taken["number"]
