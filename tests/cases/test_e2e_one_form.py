"""In Debian's Chromium against the live server: 企业开办 applied for online with one form,
the prefilled fields kept or changed, the 申请书 PDFs saying what was typed, and the clerk
signed by the SMS code, and the clerk seeing which fields were prefilled and which the
applicant changed."""

import io

import pytest
from pypdf import PdfReader

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.cases.models import Case, MaterialState
from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.demo import licences as demo_licences
from tests.cases.test_e2e import PASSWORD, _login
from tests.cases.test_one_form import BUNDLE, owner, premises
from tests.exchange.conftest import _clean_exchange_state, sandbox

__all__ = ["_clean_exchange_state", "sandbox"]

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(page, sandbox):
    demo_licences.seed_types()
    demo_licences.seed_sources(sandbox.url)
    demo_licences.seed_catalog_rights()
    demo_licences.seed_licences()
    return page


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_qiye_kaiban_with_one_form(world):
    page = world
    person = owner()
    page.goto("/login/")
    page.fill("#identifier", person.identifier)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").first.click()
    page.goto(f"/apply/?bundle={BUNDLE}")
    # what the platform knows is filled in and says where it comes from
    assert page.input_value("#form-address") == premises(person)
    assert "不动产权证书" in page.locator("#form-address-source").inner_text()
    assert page.input_value("#form-applicant_name") == person.name
    assert person.identifier not in page.content()  # shown masked, filled in at submission
    page.fill("#form-organization_name", "咸宁市云端示例科技有限公司")
    page.fill("#form-type", "有限责任公司（自然人独资）")
    page.fill("#form-registered_capital", "88")
    page.fill("#form-scope", "软件开发；信息技术咨询服务")
    page.fill("#form-supervisor", "陈监事")
    page.fill("#form-manager", "周经理")  # prefilled with the applicant: changed
    page.fill("#form-seal_count", "3")
    page.select_option("#form-invoice_kind", "数电发票（普通发票）")
    page.fill("#form-staff_count", "6")
    page.fill("#form-fund_rate", "10")
    for box in page.locator("input[name=template]").all():
        box.check()  # 公司章程 and 任职文件 from the city's model texts
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/cases/4212*/")

    case = Case.objects.get(applicant=person, parent__isnull=True)
    handed_in = case.materials.filter(state=MaterialState.MISSING).count()
    assert handed_in == 0
    assert case.form["corrected"] == ["manager"]
    links = page.locator("#written a")
    assert links.count() == 7  # five 申请书 and two model texts
    first = links.first.get_attribute("href")
    pdf = page.request.get(first)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = _text(pdf.body())
    assert "咸宁市云端示例科技有限公司" in text and "88.00" in text and "周经理" in text
    for i in range(links.count()):
        body = _text(page.request.get(links.nth(i).get_attribute("href")).body())
        assert "咸宁市云端示例科技有限公司" in body

    # signed online by a code sent to the applicant's phone
    LogProvider.sent.clear()
    page.get_by_role("button", name="获取签署验证码").click()
    page.wait_for_url("**/cases/4212*/#sign")
    (message,) = LogProvider.sent
    page.fill("#sign-code", message.secret)
    page.get_by_role("button", name="确认签署").click()
    assert page.locator("#written .badge.ok").count() == 7  # 已签署
    signed = _text(page.request.get(first).body())
    assert mask_phone(person.phone) in signed and "短信验证码在线确认" in signed

    page.get_by_role("button", name="退出").click()
    _login(page, "clerk.city")
    page.goto(f"/console/cases/{case.case_no}/")
    changed = page.locator("#field-manager")
    assert "corrected" in (changed.get_attribute("class") or "")
    assert "申请人修改了预填内容" in changed.inner_text() and "周经理" in changed.inner_text()
    kept = page.locator("#field-address").inner_text()
    assert "预填" in kept and "不动产权证书" in kept
    typed = page.locator("#field-organization_name").inner_text()
    assert "申请人填写" in typed
    written = page.locator("a.written").first.get_attribute("href")
    staff_pdf = page.request.get(written)
    assert staff_pdf.ok and person.identifier in _text(staff_pdf.body())
