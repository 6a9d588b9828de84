"""In Chromium: a department's chief creates and publishes a plan, draws it once a checkpoint
is signed, and anyone verifies the draw on the public page; the pages pass axe and fit a
phone."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.demo import inspections as demo
from ninhaoban.inspections.models import Plan, PlanStatus
from ninhaoban.ledger.services import sequence
from tests.conftest import seed_world
from tests.e2e.test_layout import PHONE, _overflow, _violations

pytestmark = pytest.mark.e2e


def _tab(chromium, live_server, username: str | None = None):
    """A phone-sized tab (axe is injected, so the CSP is bypassed here; tests/e2e/test_csp.py
    checks it), signed in through a test client's session cookie."""
    context = chromium.new_context(
        locale="zh-CN", base_url=live_server.url, viewport=PHONE, bypass_csp=True
    )
    if username:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return context, tab


def _check(page, problems: list[str]) -> None:
    problems += [f"{page.url}: {v}" for v in _violations(page)]
    if _overflow(page) > 0:
        problems.append(f"{page.url}: {_overflow(page)} px wider than the screen")


def test_publish_draw_and_verify_on_the_public_page(chromium, live_server, transactional_db):
    seed_world()
    demo.seed_registers("421202")
    context, page = _tab(chromium, live_server, "chief.xianan.market")
    problems: list[str] = []

    page.goto("/console/inspections/")
    page.fill("#plan-title", "浏览器测试抽查计划")
    page.check("input[name=items][value='421202-food']")
    page.fill("#plan-count", "3")
    page.fill("#plan-start", "2026-12-01")
    page.fill("#plan-end", "2026-12-31")
    page.click("form[action$='/console/inspections/new/'] button")
    page.wait_for_load_state()
    plan = Plan.objects.get(title="浏览器测试抽查计划")
    assert page.url.endswith(f"/console/inspections/plans/{plan.code}/")
    _check(page, problems)

    page.click("#publish")
    page.wait_for_load_state()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED
    page.click("#draw")  # no checkpoint includes the publication yet: refused, nothing drawn
    page.wait_for_load_state()
    assert "检查点" in page.content()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED

    sequence()
    page.goto(f"/console/inspections/plans/{plan.code}/")
    page.click("#draw")
    page.wait_for_load_state()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAWN
    _check(page, problems)

    context.close()
    public, anonymous = _tab(chromium, live_server)
    anonymous.goto(f"/inspections/plans/{plan.code}/")
    assert anonymous.locator("tbody tr").count() == 3
    _check(anonymous, problems)
    anonymous.click(f"a[href='/inspections/plans/{plan.code}/verify/']")
    anonymous.wait_for_load_state()
    assert "一致" in anonymous.locator("#verdict").inner_text()
    assert "不一致" not in anonymous.locator("#verdict").inner_text()
    _check(anonymous, problems)
    anonymous.goto("/inspections/")
    _check(anonymous, problems)
    public.close()
    assert problems == [], "\n".join(problems)
