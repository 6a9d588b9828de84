"""Shared fixtures.

The regions, departments and halls of 咸宁 and the demo staff are seeded once per session
(the calendar comes with the migrations). Transactional tests flush the database, calendar
included; pytest-django runs them after the others, and any that need the demo world call
`seed_world()` themselves, which puts the calendar back too.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.demo import accounts as demo_accounts
from ninhaoban.demo import regions as demo_regions
from ninhaoban.regions.calendar import invalidate as invalidate_calendar
from ninhaoban.regions.holidays import seed_calendar
from ninhaoban.regions.models import WorkCalendar


def seed_world() -> None:
    from ninhaoban.demo import catalog as demo_catalog

    seed_calendar(WorkCalendar)
    invalidate_calendar()
    demo_regions.seed()
    demo_accounts.seed_staff()
    demo_accounts.seed_applicants(persons=24, organizations=6)
    demo_catalog.seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_world()


@pytest.fixture
def staff_client():
    """staff_client("clerk.chongyang") -> a test client logged in as that demo staff member."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
