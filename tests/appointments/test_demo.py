"""The demo's queue: every hall with windows has lines, 崇阳县's hall has five working days
of numbers served (平均等候时长 has a figure) and bookings ahead; a second run adds nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from ninhaoban.appointments import selectors
from ninhaoban.appointments.models import Booking, Ticket
from ninhaoban.demo import appointments as demo
from ninhaoban.demo import catalog as demo_catalog

pytestmark = pytest.mark.django_db


def test_the_demo_queue_has_figures_and_runs_once():
    demo_catalog.seed()
    summary = demo.seed()
    assert "past numbers" in summary
    assert selectors.queue_halls()
    today = timezone.localdate()
    figures = selectors.waiting(
        region_code="421223", start=today - dt.timedelta(days=14), end=today
    )
    assert figures.tickets >= 30 and figures.served >= 25 and figures.no_shows >= 5
    assert figures.mean_wait_minutes and figures.mean_service_minutes
    assert Booking.objects.count() == 3
    count = Ticket.objects.count()
    demo.seed()
    assert Ticket.objects.count() == count and Booking.objects.count() == 3
