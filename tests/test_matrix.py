"""The whole matrix of roles × endpoints: every API GET and every page without arguments,
as every demo role and as an anonymous visitor, answers without a server error, and the
staff-only API answers an anonymous visitor with 401 or 403 (or 404 for a hidden record).
"""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

USERS = [
    None,
    "admin",
    "catalog.chongyang",
    "supervisor.chongyang",
    "clerk.chongyang",
    "approver.tongshan.market",
    "chief.chongyang.market",
    "clerk.tiancheng",
]
SAMPLES = {"code": "421223", "region": "421223", "index": "0", "size": "1"}
KIOSK = "CY-ZWZX-01"  # a demo terminal: every kiosk page is addressed by one


def _fill(path: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return SAMPLES.get(name, "1")

    return re.sub(r"\{([^}]+)\}", value, path)


def _api_paths() -> list[tuple[str, bool]]:
    schema = Client().get("/api/v1/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        if "get" in operations:
            secured = bool(operations["get"].get("security"))
            found.append((_fill(path), secured))
    return sorted(found)


def _page_paths() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("admin/", "api/")):
                    continue
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route:
                found.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", USERS)
def test_api_gets_never_fail(username):
    client = _client(username)
    for path, secured in _api_paths():
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
        if username is None and secured:
            assert response.status_code in (401, 403, 404), (path, response.status_code)


def _kiosk_paths() -> list[str]:
    """Every kiosk page at a demo terminal, other arguments filled with a sample."""
    resolver = next(
        p for p in get_resolver().url_patterns if str(getattr(p, "pattern", "")) == "kiosk/"
    )

    def fill(route: str) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: KIOSK if m.group(1) == "code" else "1", route)

    return sorted("/kiosk/" + fill(str(p.pattern)) for p in resolver.url_patterns)


@pytest.mark.parametrize("username", USERS)
def test_kiosk_pages_never_fail_nor_lead_to_staff_pages(username):
    """Whoever is signed in on the website, the terminal's pages know only their own
    session: no server error and no link to the console or the admin."""
    client = _client(username)
    paths = _kiosk_paths()
    assert f"/kiosk/{KIOSK}/" in paths and len(paths) > 5
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
        page = response.content.decode() if response.status_code == 200 else ""
        assert "/console/" not in page and "/admin/" not in page, (username, path)


@pytest.mark.parametrize("username", USERS)
def test_pages_never_fail(username):
    client = _client(username)
    for path in _page_paths():
        if path in ("/logout/", "/i18n/setlang/"):
            continue
        response = client.get(path)
        assert response.status_code < 500, (username, path, response.content[:300])
