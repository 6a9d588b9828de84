"""Fixtures for the kiosk: the department sandbox (proofs are made from its records), a
settable today (intake), the terminals' enrolled browsers, and a client that has passed a
terminal's identity check."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, LoginCodeEvent
from ninhaoban.accounts.notify import LogProvider
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
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


def age_login_code_requests() -> None:
    """As if the codes asked for so far had been asked for over a minute ago (a number may
    ask once a minute)."""
    LoginCodeEvent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))


# terminal code -> the device key of its enrolled browser, for the running test
DEVICE_KEYS: dict[str, str] = {}


def enrolled(code: str) -> Client:
    """A browser enrolled as that terminal now (any browser enrolled before stops being it)."""
    kiosk = Kiosk.objects.get(code=code)
    one_time, _ = services.issue_enrolment_code(kiosk, actor="test")
    DEVICE_KEYS[code] = services.enrol(kiosk, one_time)
    return terminal(code)


def terminal(code: str = KIOSK) -> Client:
    """Another browser of that terminal: a client holding its device key."""
    client = Client()
    client.cookies[DEVICE_COOKIE] = DEVICE_KEYS[code]
    return client


@pytest.fixture(autouse=True)
def _enrolled_terminals(db):
    """Every terminal in service has its browser, as in a hall."""
    for code in Kiosk.objects.filter(active=True).values_list("code", flat=True):
        enrolled(code)
    yield
    DEVICE_KEYS.clear()


@pytest.fixture
def identified() -> Callable[[Applicant], Client]:
    """identified(person) -> a client at the terminal after that person's identity check."""

    def make(applicant: Applicant, client: Client | None = None) -> Client:
        client = client or terminal()
        age_login_code_requests()
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
