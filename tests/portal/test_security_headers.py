"""The headers every response carries, and HTTPS-only behaviour when NHB_SECURE_COOKIES=1."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from ninhaoban.catalog.models import ServiceItem


def _assert_policy(response, path: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, path
    if not response.headers["Content-Type"].startswith("application/pdf"):
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy, path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == "same-origin", path


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy():
    client = Client()
    item = ServiceItem.objects.filter(versions__published_at__isnull=False).first()
    for path, status in [
        ("/", 200),
        ("/api/v1/catalog/items", 200),
        ("/api/v1/docs", 200),
        ("/static/vendor/htmx.min.js", 200),
        ("/no-such-page/", 404),
        (f"/catalog/items/{item.code}/guide.pdf", 200),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        _assert_policy(response, path)


@pytest.mark.django_db
def test_the_api_docs_load_nothing_from_another_origin():
    body = Client().get("/api/v1/docs").content.decode()
    assert "cdn." not in body and "https://" not in body
    assert "<script>" not in body


@pytest.mark.django_db
def test_the_csrf_cookie_is_out_of_reach_of_scripts():
    response = Client().get("/login/")
    assert response.cookies["csrftoken"]["httponly"] is True


@pytest.mark.django_db
def test_an_error_page_links_back_only_to_this_site():
    client = Client()
    for referer in ("javascript:alert(1)", "https://elsewhere.example/"):
        page = client.get("/catalog/items/NOPE/", HTTP_REFERER=referer)
        assert page.status_code == 404 and "返回上一页" not in page.content.decode()
        assert referer.encode() not in page.content
    own = client.get("/catalog/items/NOPE/", HTTP_REFERER="http://testserver/catalog/")
    assert '<a href="http://testserver/catalog/">返回上一页</a>' in own.content.decode()


SNIPPET = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
plain = c.get("/no-such-page/")
health = c.get("/healthz")
secure = c.get("/no-such-page/", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "redirect": [plain.status_code, plain.headers.get("Location")],
    "health_redirected": health.status_code in (301, 302),
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
}))
"""


@pytest.mark.parametrize("secure", ["1", "0"])
def test_https_only_when_cookies_are_secure(tmp_path, secure):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="ninhaoban.settings",
        NHB_VAR_DIR=str(tmp_path),
        NHB_SECURE_COOKIES=secure,
    )
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["health_redirected"] is False
    if secure == "1":
        assert found["redirect"] == [301, "https://testserver/no-such-page/"]
        assert found["hsts"].startswith("max-age=31536000")
        assert found["session_secure"] is True and found["csrf_secure"] is True
    else:
        assert found["redirect"][0] == 404
        assert found["hsts"] is None
        assert found["session_secure"] is False
