"""In Chromium against the live server: a village station's helper draws up a resident's
委托书, the resident signs on the pad and reads out the SMS code sent to their phone, the
helper applies for them, and the resident sees the case in 我的办件 with the helper named."""

import datetime as dt

import pytest
from django.utils import timezone

from ninhaoban.accounts.services import set_applicant_password
from tests.cases.conftest import CHONGYANG, PDF, item
from tests.cases.test_daiban import DIBAO, resident
from tests.cases.test_e2e import PASSWORD, _login, _logout
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.e2e
HELPER_LABEL = "代办人：天城镇双港村便民服务站"


def test_a_village_helper_applies_for_a_resident_who_confirms_by_sms(page, tmp_path):
    person = resident()
    set_applicant_password(person, PASSWORD)
    code = item(DIBAO, CHONGYANG).code
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(PDF)

    _login(page, "clerk.shuanggang")
    page.goto("/console/daiban/")
    page.fill("#id_number", person.identifier)
    page.select_option("#items", code)
    page.fill("#until", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.click("#draft")
    page.wait_for_url("**/console/daiban/*/")
    assert page.locator("#commission-state").inner_text() == "待签字"
    page.locator("#signature-pad").scroll_into_view_if_needed()
    pad = page.locator("#signature-pad").bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + pad["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(
            pad["x"] + 20 + step * 40, pad["y"] + pad["height"] * (0.3 + step % 2 * 0.4)
        )
    page.mouse.up()
    page.click("#sign")
    page.wait_for_load_state()
    page.wait_for_selector("#code")
    assert page.locator("#commission-state").inner_text() == "待短信确认"
    page.fill("#code", sent_code(person.phone))
    page.click("#confirm")
    page.wait_for_url("**/console/cases/new/?commission=*")
    assert "帮办代办：依委托书为" in page.locator("#commission-banner").inner_text()
    page.select_option("#item", code)
    page.get_by_role("button", name="查询所需材料").click()
    uploads = page.locator("input[type=file]")
    for i in range(uploads.count()):
        uploads.nth(i).set_input_files(str(scan))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/console/cases/4212*/")
    assert "天城镇双港村便民服务站" in page.locator("#case-helper").inner_text()
    case_no = page.url.rstrip("/").rsplit("/", 1)[-1]
    _logout(page)

    page.goto("/login/")
    page.fill("#identifier", person.identifier)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").first.click()
    page.wait_for_load_state()
    page.goto("/cases/")
    row = page.locator("tr", has_text=case_no)
    assert HELPER_LABEL in row.inner_text()
    page.get_by_role("link", name=case_no).click()
    assert HELPER_LABEL in page.locator("#case-helper").inner_text()
