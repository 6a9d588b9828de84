"""Identity devices in Chromium at a 1080×1920 terminal: a stranger's face is refused on the
screen with the score; the holder then passes card, face and finger and signs with touch."""

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.kiosk import services
from ninhaoban.kiosk.devices import SIMULATOR
from ninhaoban.kiosk.models import Kiosk, KioskSession, KioskSignature
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.kiosk.conftest import BASE, KIOSK

pytestmark = pytest.mark.e2e


def test_card_face_finger_and_a_signature_drawn_by_touch(chromium, live_server, transactional_db):
    from tests.conftest import seed_world

    seed_world()
    kiosk = Kiosk.objects.get(code=KIOSK)
    services.set_identity_devices(kiosk, "simulator", actor="test")
    one_time, _ = services.issue_enrolment_code(kiosk, actor="test")
    key = services.enrol(kiosk, one_time)
    context = chromium.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": 1080, "height": 1920},
        has_touch=True,
    )
    context.add_cookies([{"name": DEVICE_COOKIE, "value": key, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    person, stranger = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk")[:2]
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, stranger.identifier)
    try:
        page.goto(BASE)
        page.get_by_role("link", name="我的办件").click()
        page.wait_for_url(f"**{BASE}identify/card/**")
        page.get_by_role("button", name="读取身份证").click()
        assert page.locator("#card-read img").is_visible()
        assert person.identifier not in page.content()
        page.get_by_role("button", name="开始人脸比对").click()
        assert "人脸比对未通过" in page.locator("#identify-error").inner_text()
        SIMULATOR.stand(KIOSK, person.identifier)
        page.get_by_role("button", name="开始人脸比对").click()
        page.get_by_role("button", name="采集指纹").click()
        box = page.locator("#signature-pad").bounding_box()
        page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(
                box["x"] + 40 + step * 60, box["y"] + box["height"] / 2 + (step % 3) * 20
            )
        page.mouse.up()
        page.get_by_role("button", name="确认签名").click()
        page.wait_for_url(f"**{BASE}cases/")
        assert person.display_name in page.locator("#kiosk-person").inner_text()
        session = KioskSession.objects.get(applicant=person, ended_at__isnull=True)
        assert KioskSignature.objects.filter(session=session).exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1080
    finally:
        SIMULATOR.place_card(KIOSK, None)
        SIMULATOR.stand(KIOSK, None)
        context.close()
