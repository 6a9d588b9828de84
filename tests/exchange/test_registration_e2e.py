"""In Chromium against the live server: a person the platform does not know opens an item's
application form, is sent to sign in, registers instead (name and number checked by the
公安 register, SMS code) and comes back to the form signed in, then applies."""

import pytest

from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.cases.models import Case
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.exchange.sandbox.records import official_name
from tests.cases.conftest import PDF
from tests.exchange.test_registration import PHONE, new_number
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.e2e


def test_register_a_new_person_on_the_portal_and_apply(page, sources, tmp_path):
    item = ServiceItem.objects.get(base__name="个体工商户设立登记", region_id="421223000000")
    number = new_number("431")
    pdf = tmp_path / "申请书.pdf"
    pdf.write_bytes(PDF)
    page.goto(f"/apply/?item={item.code}")
    page.wait_for_url("**/login/**")
    page.get_by_role("link", name="还没有账号？实名注册").click()
    page.fill("#name", official_name(number))
    page.fill("#id_number", number)
    page.fill("#phone", PHONE)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="核验并发送验证码").click()
    page.wait_for_selector("#code")
    assert person_by_number(number) is None
    page.fill("#code", sent_code(PHONE))
    page.get_by_role("button", name="完成注册").click()
    page.wait_for_url(f"**/apply/?item={item.code}")
    person = person_by_number(number)
    assert person is not None and person.masked_identifier in page.content()
    uploads = page.locator("input[type=file]")
    for i in range(uploads.count()):
        uploads.nth(i).set_input_files(str(pdf))
    page.locator("input[name=consent]").check()
    if page.locator("#form-legal_representative").count():
        page.fill("#form-legal_representative", "经营者本人")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/cases/4212*/")
    assert Case.objects.filter(applicant=person).count() == 1
