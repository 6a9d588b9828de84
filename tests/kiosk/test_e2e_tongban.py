"""全市通办 in Chromium at a 1080×1920 terminal: a person at 崇阳's terminal switches to 通山县
and applies there; the case is 通山's, received at 崇阳."""

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases.models import Case
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.cases.conftest import (
    BUSINESS_LICENCE_FORM,
    CHONGYANG,
    GETIHU,
    PDF,
    TONGSHAN,
    item,
)
from tests.kiosk.conftest import BASE, KIOSK, sent_code

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}


def test_switch_to_another_county_and_apply_there(
    chromium, live_server, transactional_db, tmp_path
):
    from tests.conftest import seed_world

    seed_world()
    kiosk = Kiosk.objects.get(code=KIOSK)
    one_time, _ = services.issue_enrolment_code(kiosk, actor="test")
    key = services.enrol(kiosk, one_time)
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=PORTRAIT)
    context.add_cookies([{"name": DEVICE_COOKIE, "value": key, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="").order_by("pk")[2]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)

    page.goto(BASE)
    page.get_by_role("link", name="全市通办：切换地区").click()
    page.get_by_role("link", name="通山县").click()
    page.get_by_role("button", name="办理通山县的事项").click()
    page.wait_for_url(f"**{BASE}")
    assert "通山县" in page.locator("#acting-region").inner_text()
    page.get_by_role("link", name="网上申报").click()
    there = item(GETIHU, TONGSHAN).code
    page.locator(f'a[href$="apply/{there}/"]').click()
    page.wait_for_url(f"**{BASE}identify/**")
    page.fill("#id_number", person.identifier)
    page.get_by_role("button", name="获取验证码").click()
    page.fill("#code", sent_code(person.phone))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**apply/{there}/")
    uploads = page.locator("input[type=file]")
    for i in range(uploads.count()):
        uploads.nth(i).set_input_files(str(scan))
    page.locator('input[name="consent"]').check()
    # the 申请书 is written from the form (一表申请): every field it asks is filled
    typed = {**BUSINESS_LICENCE_FORM, "organization_name": BUSINESS_LICENCE_FORM["name"]}
    for key, value in typed.items():
        field = page.locator(f"#form-{key}")
        if field.count() == 0:
            continue
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.select_option("#delivery_method", "electronic")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(f"**{BASE}cases/*/")
    case = Case.objects.get(applicant=person, item__code=there)
    assert case.region_id == TONGSHAN and case.intake_region_id == CHONGYANG
    assert page.evaluate("document.documentElement.scrollWidth") <= PORTRAIT["width"]
    context.close()
