"""Fixtures for 好差评: the cases fixtures (a settable today, the licence types) and cases
brought to 办结 through the services."""

import pytest

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.cases.models import Case, Status
from tests.cases.conftest import licence_types, today  # noqa: F401 - fixtures used here
from tests.cases.test_transitions import case_in


def closed_case() -> Case:
    """A 个体工商户设立登记 of 崇阳县, accepted, approved, delivered and closed."""
    return case_in(Status.CLOSED)


@pytest.fixture
def sms(django_capture_on_commit_callbacks):
    """The messages sent while the block runs (the log notifier keeps them)."""
    LogProvider.sent.clear()
    return LogProvider.sent
