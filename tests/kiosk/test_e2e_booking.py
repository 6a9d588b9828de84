"""预约 at a 1080×1920 terminal in Chromium: a person checks their identity, books a half
hour of this hall for later today, takes the number with that booking in one press, and the
clerk of the market window calls it. The terminal's booking pages pass axe and fit the
screen's width.

The queue's clock (`appointments.selectors.now`) stands at a working Monday so the hall is
open whatever day the test runs; the live server runs in this process and reads it."""

import re

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.appointments import selectors
from ninhaoban.appointments.models import Booking, BookingChannel
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.appointments.conftest import MONDAY, at, market_item, market_window, opened
from tests.appointments.test_pages import Clock
from tests.e2e.test_layout import PASSWORD, _overflow, _sign_in, _violations
from tests.kiosk.conftest import BASE, KIOSK, sent_code

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}


def test_book_at_the_terminal_take_the_number_get_called(
    chromium, live_server, transactional_db, monkeypatch
):
    from tests.conftest import seed_world

    seed_world()
    clock = Clock(at(MONDAY, 9, 20))
    monkeypatch.setattr(selectors, "now", clock)
    hall = opened()
    person = (
        Applicant.objects.filter(kind=ApplicantKind.PERSON, region__code__startswith="421223")
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    kiosk = Kiosk.objects.get(code=KIOSK)
    key = services.enrol(kiosk, services.issue_enrolment_code(kiosk, actor="test")[0])
    problems: list[str] = []
    contexts = []

    def tab(**options):
        context = chromium.new_context(
            locale="zh-CN", base_url=live_server.url, bypass_csp=True, **options
        )
        contexts.append(context)
        made = context.new_page()
        made.set_default_timeout(15_000)
        return made

    def checked(page, name: str) -> None:
        problems.extend(f"{name}: {v}" for v in _violations(page))
        if _overflow(page) > 0:
            problems.append(f"{name}: {_overflow(page)} px wider than the screen")

    try:
        terminal = tab(viewport=PORTRAIT)
        terminal.context.add_cookies(
            [{"name": DEVICE_COOKIE, "value": key, "url": live_server.url}]
        )
        terminal.goto(BASE)
        terminal.get_by_role("link", name=re.compile("预约办事")).click()
        terminal.wait_for_url(f"**{BASE}identify/**")
        terminal.fill("#id_number", person.identifier)
        terminal.get_by_role("button", name="获取验证码").click()
        terminal.fill("#code", sent_code(person.phone))
        terminal.get_by_role("button", name="确认").click()
        terminal.wait_for_url(f"**{BASE}book/")
        checked(terminal, "book/")
        terminal.locator(f'[data-item="{market_item().code}"]').click()
        terminal.wait_for_selector("#slots")
        assert terminal.locator('[data-slot="09:00"]').is_disabled()  # it is 9:20
        checked(terminal, "book/?item=…")
        terminal.locator('[data-slot="10:00"]').check()
        terminal.get_by_role("button", name="确认预约").click()
        terminal.wait_for_url(re.compile(r".*/book/\d+/$"))
        code = terminal.locator("#booking-code").inner_text().strip()
        booking = Booking.objects.get(code=code)
        assert booking.applicant == person and booking.channel == BookingChannel.KIOSK
        assert booking.day == MONDAY and f"{booking.start:%H:%M}" == "10:00"
        checked(terminal, "book/<id>/")
        terminal.get_by_role("button", name="凭此预约取号").click()
        terminal.wait_for_url(re.compile(r".*/queue/\d+/$"))
        label = terminal.locator("#ticket-number").inner_text().strip()
        assert re.fullmatch(r"[A-Z]\d{3}", label)
        assert "预约号" in terminal.content() and code not in terminal.content()

        clerk = tab()
        _sign_in(clerk, "/console/login/", {"#username": "clerk.chongyang", "#password": PASSWORD})
        clerk.goto(f"/console/queue/{market_window(hall).pk}/")
        assert label in clerk.locator("#waiting").inner_text()
        clock.moment = at(MONDAY, 10)
        clerk.locator("#call-next").click()
        clerk.wait_for_selector("#current-number")
        assert clerk.locator("#current-number").inner_text() == label
    finally:
        for context in contexts:
            context.close()
    assert problems == [], "\n".join(problems)
