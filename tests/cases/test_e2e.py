"""A walk-in application at the 崇阳县 window, approved in the back office, seen as 办结 by
the applicant on the portal — in Debian's Chromium, against the live server."""

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.catalog.models import ServiceItem
from tests.cases.conftest import PDF

pytestmark = pytest.mark.e2e
PASSWORD = "Xianning-2026"
FACE = {
    "name": "咸宁示例小吃店",
    "type": "个体工商户",
    "legal_representative": "经营者本人",
    "registered_capital": "3万元",
    "founded_on": "2026-11-30",
    "address": "崇阳县天城镇",
    "scope": "日用百货零售",
}


def _login(tab, username: str) -> None:
    tab.goto("/console/login/")
    tab.fill("#username", username)
    tab.fill("#password", PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url("**/console/")


def _logout(tab) -> None:
    tab.get_by_role("button", name="退出").click()
    tab.wait_for_url("**/")


def test_walk_in_approved_and_seen_as_closed(page, tmp_path):
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()
    item = ServiceItem.objects.get(base__name="个体工商户设立登记", region_id="421223000000")
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(PDF)

    _login(page, "clerk.chongyang")
    page.goto("/console/cases/new/")
    page.fill("#id_number", person.identifier)
    page.select_option("#item", item.code)
    page.get_by_role("button", name="查询所需材料").click()
    uploads = page.locator("input[type=file]")
    for i in range(uploads.count()):
        uploads.nth(i).set_input_files(str(scan))
    page.select_option("#delivery_method", "electronic")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/console/cases/4212*/")
    assert page.locator("#case-status").inner_text() == "已受理"
    case_no = page.url.rstrip("/").rsplit("/", 1)[-1]
    _logout(page)

    _login(page, "approver.chongyang.market")
    page.goto("/console/cases/")
    page.get_by_role("link", name=case_no).click()
    page.get_by_role("button", name="完成 审查").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "审查中"
    assert page.get_by_role("button", name="准予许可").count() == 0  # the chief's step
    _logout(page)

    _login(page, "chief.chongyang.market")
    page.goto(f"/console/cases/{case_no}/")
    # the catalog says the approval issues a 营业执照: the chief fills in its face only
    assert page.locator("#licence_type").count() == 0
    for key, value in FACE.items():
        page.fill(f"#field-{key}", value)
    page.get_by_role("button", name="准予许可").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "办结"
    _logout(page)

    page.goto("/login/")
    page.fill("#identifier", person.identifier)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").first.click()
    page.goto("/cases/")
    row = page.locator("tr", has_text=case_no)
    assert "办结" in row.inner_text()
    page.get_by_role("link", name=case_no).click()
    assert page.locator("#case-status").inner_text() == "办结"
