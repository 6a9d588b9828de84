"""The idle timeout slides with use, but a session is not rewritten on every request."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ninhaoban.accounts import middleware

pytestmark = pytest.mark.django_db


def _session_writes(client, path: str = "/api/v1/cases/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    )


def _expiry(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_session_is_renewed_at_most_once_a_minute(staff_client, monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client = staff_client("clerk.chongyang")
    assert _session_writes(client) == 1  # first request: the renewal mark is set
    first = _expiry(client).expire_date
    assert _session_writes(client) == 0
    now[0] += middleware.RENEW_SECONDS - 1
    assert _session_writes(client) == 0
    now[0] += 1
    assert _session_writes(client) == 1
    assert _expiry(client).expire_date >= first


def test_no_session_is_made_for_a_stale_cookie(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    assert client.get("/healthz").status_code == 200
    assert not Session.objects.exists()
