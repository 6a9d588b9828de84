"""Every page type in Chromium under the Content-Security-Policy: the header is there and the
browser reports no violation (an inline script, style or handler would be refused and logged).
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.catalog.models import ONLINE_MIN_DEPTH, ServiceItem
from ninhaoban.kiosk import services as kiosk_services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE

pytestmark = pytest.mark.e2e

KIOSK = "CY-ZWZX-01"


def _origin(page) -> str:
    return "/".join(page.url.split("/")[:3]) + "/"


def _sign_in(page, username: str) -> None:
    """The browser takes over the session cookie of a test client signed in as that user."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": _origin(page),
            }
        ]
    )


def _visit(page, path: str, violations: list[str], *, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, path
    assert "/login/" not in page.url or "login" in path, f"{path} asked to sign in"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    assert response.headers.get("x-content-type-options") == "nosniff", path
    assert response.headers.get("referrer-policy"), path
    page.wait_for_load_state("networkidle")
    assert not violations, f"{path}: {violations}"


def test_no_page_breaks_the_content_security_policy(page):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    item = (
        ServiceItem.objects.filter(
            versions__published_at__isnull=False, versions__online_depth__gte=ONLINE_MIN_DEPTH
        )
        .order_by("code")
        .first()
    )
    bundle_page = "/catalog/bundles/"
    public = [
        "/",
        "/catalog/",
        f"/catalog/items/{item.code}/",
        bundle_page,
        "/search/",
        "/ledger/?q=421223E2E0001",
        "/login/",
        "/console/login/",
        "/kiosk/search/",
        "/api/v1/docs",
    ]
    for path in public:
        _visit(page, path, violations)
    _visit(page, "/", violations)
    page.locator("#guidance-q").press_sequentially("gjj", delay=30)
    page.locator("#guidance-results").get_by_text("个人住房公积金提取").wait_for()
    _visit(page, "/verify/proofs/NO-SUCH-PROOF/", violations, status=404)

    _sign_in(page, "clerk.chongyang")
    for path in ("/console/", "/console/cases/", "/console/cases/new/"):
        _visit(page, path, violations)
    _sign_in(page, "catalog.chongyang")
    _visit(page, "/console/catalog/", violations)

    applicant = User.objects.filter(applicant__kind="person").order_by("pk").first()
    _sign_in(page, applicant.username)
    for path in ("/cases/", "/my/licences/", f"/apply/?item={item.code}"):
        _visit(page, path, violations)
    _visit(page, "/cases/NO-SUCH-CASE/", violations, status=404)

    one_time, _ = kiosk_services.issue_enrolment_code(Kiosk.objects.get(code=KIOSK), actor="test")
    key = kiosk_services.enrol(Kiosk.objects.get(code=KIOSK), one_time)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": DEVICE_COOKIE, "value": key, "url": _origin(page)}])
    for path in (f"/kiosk/{KIOSK}/", f"/kiosk/{KIOSK}/progress/"):
        _visit(page, path, violations)
