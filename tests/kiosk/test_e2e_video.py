"""视窗服务 in Chromium with its fake camera and microphone: a 1080×1920 terminal calls, a
clerk of its county answers on the console, the WebRTC connection reaches "connected" on
both sides (host candidates only, signalling through the platform), and the guide the clerk
pushes appears on the terminal's screen."""

import shutil

import pytest

from ninhaoban.demo.accounts import DEMO_PASSWORD as PASSWORD
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import CallState, VideoCall
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.cases.conftest import CHONGYANG, GETIHU, item
from tests.conftest import CHROMIUM_ARGS
from tests.kiosk.conftest import BASE, KIOSK

pytestmark = pytest.mark.e2e

FAKE_MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def media_browser(chromium):
    """A second Chromium of the session's Playwright, with the fake camera and microphone."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    browser = chromium.browser_type.launch(executable_path=path, args=CHROMIUM_ARGS + FAKE_MEDIA)
    yield browser
    browser.close()


def test_terminal_calls_clerk_answers_connected_and_guide_pushed(
    media_browser, live_server, transactional_db
):
    from ninhaoban.kiosk.models import Kiosk
    from tests.conftest import seed_world

    seed_world()
    kiosk = Kiosk.objects.get(code=KIOSK)
    one_time, _ = services.issue_enrolment_code(kiosk, actor="test")
    key = services.enrol(kiosk, one_time)
    terminal_ctx = media_browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1080, "height": 1920}
    )
    terminal_ctx.add_cookies([{"name": DEVICE_COOKIE, "value": key, "url": live_server.url}])
    clerk_ctx = media_browser.new_context(locale="zh-CN", base_url=live_server.url)
    for ctx in (terminal_ctx, clerk_ctx):
        ctx.grant_permissions(["camera", "microphone"], origin=live_server.url)
    screen, console = terminal_ctx.new_page(), clerk_ctx.new_page()
    for tab in (screen, console):
        tab.set_default_timeout(20_000)

    screen.goto(BASE)
    screen.get_by_role("link", name="视窗服务").click()
    screen.get_by_role("button", name="呼叫工作人员").click()
    screen.wait_for_selector('#call-state[data-state="ringing"]')

    console.goto("/console/login/")
    console.fill("#username", "clerk.chongyang")
    console.fill("#password", PASSWORD)
    console.locator("main form button[type=submit]").first.click()
    console.wait_for_load_state()
    console.goto("/console/video/")
    console.get_by_role("link", name="接听").first.click()
    console.get_by_role("button", name="接听").click()

    console.wait_for_selector('#call-state[data-state="connected"]')
    screen.wait_for_selector('#call-state[data-state="connected"]')
    assert (
        screen.evaluate("document.getElementById('remote-video').srcObject.getVideoTracks().length")
        == 1
    )
    call = VideoCall.objects.get(kiosk=kiosk)
    assert call.state == CallState.ANSWERED

    getihu = item(GETIHU, CHONGYANG)
    console.select_option("#push-item", getihu.code)
    console.get_by_role("button", name="推送办事指南").click()
    console.wait_for_selector("#push-result:has-text('已推送到终端')")
    screen.wait_for_selector(".pushed[data-what='guide']")
    assert GETIHU in screen.locator("#pushed").inner_text()
    assert screen.evaluate("document.documentElement.scrollWidth") <= 1080

    screen.get_by_role("button", name="挂断").click()
    console.wait_for_selector('#call-state[data-state="ended"]')
    call.refresh_from_db()
    assert call.state == CallState.ENDED
    terminal_ctx.close()
    clerk_ctx.close()
