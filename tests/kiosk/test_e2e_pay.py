"""自助缴费 in Chromium at a 1080×1920 terminal, against the paysandbox: a person pays a case's
fee by scanning the QR (the sandbox's scan page plays the phone), then a water bill read off
its QR code and paid by bank card; the 电子票据 is printed (a PDF) and verified at
/verify/receipts/<number>/."""

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
from ninhaoban.payments.models import OrderKind, OrderState, PaymentOrder
from tests.kiosk.conftest import BASE, KIOSK, sent_code
from tests.payments.conftest import _pay_settings, pay_var, paysandbox
from tests.payments.test_pages import fee_case

__all__ = ["_pay_settings", "pay_var", "paysandbox"]

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}


def test_pay_a_case_fee_by_qr_and_a_water_bill_then_print_and_verify(
    chromium, live_server, transactional_db, paysandbox, settings
):
    from tests.conftest import seed_world

    seed_world()
    settings.NHB_BASE_URL = live_server.url  # the sandbox's notifications reach this server
    settings.NHB_PAY_SANDBOX_SCAN = True
    person = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="").order_by("pk")[3]
    case = fee_case(person)
    kiosk = Kiosk.objects.get(code=KIOSK)
    one_time, _ = services.issue_enrolment_code(kiosk, actor="test")
    key = services.enrol(kiosk, one_time)
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=PORTRAIT)
    context.add_cookies([{"name": DEVICE_COOKIE, "value": key, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(BASE)
    page.get_by_role("link", name="自助缴费").click()
    page.wait_for_url(f"**{BASE}identify/**")
    page.fill("#id_number", person.identifier)
    page.get_by_role("button", name="获取验证码").click()
    page.fill("#code", sent_code(person.phone))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**{BASE}pay/")

    # the case's fee, by QR: the phone is the sandbox's scan page
    page.locator("#pay-fees tr", has_text=case.case_no).get_by_role("button", name="缴费").click()
    page.wait_for_url(f"**{BASE}pay/orders/*/")
    page.get_by_role("button", name="支付宝").click()
    phone = context.new_page()
    phone.goto(page.locator("#sandbox-scan").get_attribute("href"))
    phone.get_by_role("button", name="确认支付").click()
    # closing a tab whose answer is still loading can hang Chromium's close for good
    phone.wait_for_load_state()
    phone.close()
    page.locator("#receipt-number").wait_for()  # the page reloads itself until paid
    fee_order = PaymentOrder.objects.get(kind=OrderKind.CASE_FEE, reference=case.case_no)
    assert fee_order.state == OrderState.PAID and fee_order.provider == "alipay"
    assert page.locator("#receipt-qr").is_visible()

    # a water bill, its QR code read by the scanner, paid by bank card
    page.get_by_role("link", name="返回自助缴费").click()
    page.get_by_role("link", name="水费").click()
    page.fill("#bill-code", "bill:water:12345671")
    page.get_by_role("button", name="扫码查询").click()
    assert "12345671" in page.locator("#bill").inner_text()
    page.get_by_role("button", name="去缴费").click()
    page.wait_for_url(f"**{BASE}pay/orders/*/")
    # each click waits for its page: a second click on a page still posting the first
    # sends two requests at once through the live server's one SQLite connection
    with page.expect_navigation():
        page.get_by_role("button", name="模拟插卡").click()
    with page.expect_navigation():
        page.get_by_role("button", name="刷卡支付").click()
    number = page.locator("#receipt-number").inner_text()
    water = PaymentOrder.objects.get(receipt__number=number)
    assert water.kind == OrderKind.WATER and water.state == OrderState.PAID
    assert water.payer == person and water.channel == "kiosk"

    # print: the PDF behind the print button; then anyone verifies the number
    printed = page.request.get(page.locator("#receipt-print").get_attribute("href"))
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth") <= PORTRAIT["width"]
    page.goto(f"/verify/receipts/{number}/")
    assert "票据有效" in page.locator("#receipt-verdict").inner_text()
    assert person.identifier not in page.content()
    context.close()
