"""Fixtures for the kiosk: the department sandbox (proofs are made from its records), a
settable today (intake), and a client that has passed a terminal's identity check."""

from collections.abc import Callable

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.notify import LogProvider
from tests.cases.conftest import licence_types, today
from tests.exchange.conftest import _clean_exchange_state, sandbox, sources

__all__ = ["_clean_exchange_state", "licence_types", "sandbox", "sources", "today"]

KIOSK = "CY-ZWZX-01"  # 崇阳县政务服务中心
BASE = f"/kiosk/{KIOSK}/"


def sent_code(phone: str) -> str:
    """The newest code the log notifier sent to that phone."""
    message = next(m for m in reversed(LogProvider.sent) if m.phone == phone)
    return message.text.split("验证码为")[1][:6]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The progress query counts tries in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def identified() -> Callable[[Applicant], Client]:
    """identified(person) -> a client at the terminal after that person's identity check."""

    def make(applicant: Applicant, client: Client | None = None) -> Client:
        client = client or Client()
        response = client.post(
            f"{BASE}identify/", {"action": "begin", "id_number": applicant.identifier}
        )
        assert response.status_code == 200, response.content.decode()[:2000]
        response = client.post(
            f"{BASE}identify/", {"action": "finish", "code": sent_code(applicant.phone)}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return make
