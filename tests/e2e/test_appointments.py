"""预约、取号、叫号 in Chromium: an applicant books a half hour on the website, takes the
number at a terminal with the booking code, a clerk calls it and the hall screen shows it
without a reload. The new portal pages pass axe and fit a phone (390 px).

The queue's clock (`appointments.selectors.now`) stands at a working Monday so the hall is
open whatever day the test runs; the live server runs in this process and reads it."""

import re

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.appointments import selectors
from ninhaoban.kiosk import services as kiosks
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.appointments.conftest import MONDAY, at, market_item, market_window, opened
from tests.appointments.test_pages import Clock
from tests.e2e.test_layout import PASSWORD, PHONE, _overflow, _sign_in, _violations

pytestmark = pytest.mark.e2e
KIOSK = "CY-ZWZX-01"


def _checked(tab, url: str, problems: list[str]) -> None:
    problems += [f"{url}: {v}" for v in _violations(tab)]
    if _overflow(tab) > 0:
        problems.append(f"{url}: {_overflow(tab)} px wider than the screen")


def test_book_take_the_number_get_called(chromium, live_server, transactional_db, monkeypatch):
    from tests.conftest import seed_world

    seed_world()
    clock = Clock(at(MONDAY, 8))
    monkeypatch.setattr(selectors, "now", clock)
    hall = opened()
    person = next(
        a
        for a in Applicant.objects.filter(
            kind=ApplicantKind.PERSON, region__code__startswith="421223", user__isnull=False
        ).order_by("pk")
        if a.user.has_usable_password()
    )
    kiosk = Kiosk.objects.get(code=KIOSK)
    device = kiosks.enrol(kiosk, kiosks.issue_enrolment_code(kiosk, actor="test")[0])
    problems: list[str] = []
    contexts = []

    def context(**options):
        made = chromium.new_context(
            locale="zh-CN", base_url=live_server.url, bypass_csp=True, **options
        )
        contexts.append(made)
        tab = made.new_page()
        tab.set_default_timeout(15_000)
        return made, tab

    try:
        # the website, on a phone
        _, web = context(viewport=PHONE)
        _sign_in(web, "/login/", {"#identifier": person.identifier, "#password": PASSWORD})
        web.goto("/appointments/new/")
        _checked(web, "/appointments/new/", problems)
        web.select_option("#hall", str(hall.pk))
        web.get_by_role("button", name="下一步").click()
        web.select_option("#item", market_item().code)
        web.select_option("#day", MONDAY.isoformat())
        web.get_by_role("button", name="查看可预约时段").click()
        web.wait_for_selector("#slots")
        _checked(web, "/appointments/new/?…", problems)
        assert web.locator('[data-slot="09:00"]').is_enabled()  # it is 8:00
        web.locator('[data-slot="10:00"]').check()
        web.get_by_role("button", name="确认预约").click()
        web.wait_for_url(re.compile(r".*/appointments/\d+/$"))
        code = web.locator("#booking-code").inner_text().strip()
        assert len(code) == 8
        _checked(web, "/appointments/<id>/", problems)
        web.goto("/appointments/")
        assert code in web.content()
        _checked(web, "/appointments/", problems)

        # the hall: the screen first, then the terminal, at 9:50
        clock.moment = at(MONDAY, 9, 50)
        _, screen = context(viewport={"width": 1080, "height": 1920})
        screen.context.add_cookies(
            [{"name": DEVICE_COOKIE, "value": device, "url": live_server.url}]
        )
        screen.goto(f"/kiosk/{KIOSK}/screen/")
        assert "暂无叫号" in screen.content()
        _, terminal = context(viewport={"width": 1080, "height": 1920})
        terminal.context.add_cookies(
            [{"name": DEVICE_COOKIE, "value": device, "url": live_server.url}]
        )
        terminal.goto(f"/kiosk/{KIOSK}/")
        terminal.get_by_role("link", name=re.compile("取号")).first.click()
        terminal.wait_for_url(f"**/kiosk/{KIOSK}/queue/")
        terminal.fill("#code", code.lower())
        terminal.fill("#tail", person.identifier[-4:])
        terminal.locator("#booking-form button[type=submit]").click()
        terminal.wait_for_url(re.compile(r".*/queue/\d+/$"))
        label = terminal.locator("#ticket-number").inner_text().strip()
        assert re.fullmatch(r"[A-Z]\d{3}", label)
        assert person.name not in terminal.content() and code not in terminal.content()

        # the clerk of the market window calls the next number
        _, clerk = context()
        _sign_in(clerk, "/console/login/", {"#username": "clerk.chongyang", "#password": PASSWORD})
        clerk.goto(f"/console/queue/{market_window(hall).pk}/")
        assert label in clerk.locator("#waiting").inner_text()
        clock.moment = at(MONDAY, 9, 55)
        clerk.locator("#call-next").click()
        clerk.wait_for_selector("#current-number")
        assert clerk.locator("#current-number").inner_text() == label

        # the screen shows it by itself (it polls)
        screen.wait_for_selector(f'[data-call="{label}"]', timeout=20_000)
        assert "暂无叫号" not in screen.content()
    finally:
        for made in contexts:
            made.close()
    assert problems == [], "\n".join(problems)
