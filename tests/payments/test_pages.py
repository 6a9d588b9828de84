"""网上缴费 pages: a case's fee from its page to the 电子票据, a water bill by account number, the
社保 tiers, my payments with a refund shown, the public verify page; nobody reaches another
person's order, and bad input is a 4xx with nothing written."""

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant
from ninhaoban.cases.models import Case
from ninhaoban.cases.services import accept, submit
from ninhaoban.payments import services
from ninhaoban.payments.models import OrderKind, OrderState, PaymentOrder
from tests.cases.conftest import applicant_actor, files_for, item, staff
from tests.payments.conftest import post_notice, scanned

pytestmark = pytest.mark.django_db
XIANAN = "421202000000"
RESIDENCE = "居住证申领"  # 咸安区 charges 20 元 for it (收费一表制), not waivable


def fee_case(payer: Applicant) -> Case:
    case = submit(
        actor=applicant_actor(payer),
        applicant=payer,
        channel="online",
        item_code=item(RESIDENCE, XIANAN).code,
        files=files_for(RESIDENCE, XIANAN),
        form={},
    )
    return accept(case, staff("clerk.xianan"))


def client_of(applicant: Applicant) -> Client:
    client = Client()
    client.force_login(applicant.user)
    return client


def pay_by_qr(client: Client, paysandbox, order_no: str, provider: str = "wechat") -> None:
    answer = client.post(f"/my/payments/{order_no}/", {"provider": provider})
    assert answer.status_code == 302
    order = PaymentOrder.objects.get(order_no=order_no)
    assert order.state == OrderState.PAYING
    page = client.get(f"/my/payments/{order_no}/").content.decode()
    assert "data:image/svg+xml" in page  # the QR to scan
    post_notice(provider, paysandbox.platforms.notice(scanned(paysandbox, order)))


def test_a_case_fee_from_the_case_page_to_a_receipt_anyone_can_verify(paysandbox, payer):
    case = fee_case(payer)
    client = client_of(payer)
    page = client.get(f"/cases/{case.case_no}/").content.decode()
    assert 'id="pay-fee"' in page and "20.00" in page
    answer = client.post(f"/cases/{case.case_no}/pay/")
    order = PaymentOrder.objects.get(kind=OrderKind.CASE_FEE, reference=case.case_no)
    assert answer.url == f"/my/payments/{order.order_no}/"
    assert order.amount_fen == 2000 and order.department_id == case.department_id
    pay_by_qr(client, paysandbox, order.order_no)
    status = client.get(f"/my/payments/{order.order_no}/status/").content.decode()
    assert 'id="receipt-link"' in status and "hx-trigger" not in status
    pdf = client.get(f"/my/payments/{order.order_no}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    case_page = client.get(f"/cases/{case.case_no}/").content.decode()
    assert 'id="pay-fee"' not in case_page
    verify = Client().get(f"/verify/receipts/{order.receipt.number}/").content.decode()
    assert "票据有效" in verify and payer.identifier not in verify
    assert payer.masked_identifier in verify
    # paying again is refused: the fee is paid
    assert client.post(f"/cases/{case.case_no}/pay/").status_code == 409


def test_a_water_bill_by_account_number(paysandbox, payer):
    client = client_of(payer)
    shown = client.post("/pay/utility/", {"kind": "water", "account": "22345671"})
    assert shown.status_code == 200 and 'id="bill"' in shown.content.decode()
    assert not PaymentOrder.objects.filter(reference__startswith="22345671:").exists()
    made = client.post("/pay/utility/", {"kind": "water", "account": "22345671", "action": "pay"})
    order = PaymentOrder.objects.get(reference__startswith="22345671:", kind="water")
    assert made.url == f"/my/payments/{order.order_no}/"
    pay_by_qr(client, paysandbox, order.order_no, "alipay")
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    listing = client.get("/my/payments/").content.decode()
    assert order.order_no in listing and f"/my/payments/{order.order_no}/receipt.pdf" in listing


@pytest.mark.parametrize(
    "account,status", [("12ab", 422), ("", 422), ("22345670", 404), ("1" * 17, 422)]
)
def test_a_bad_or_settled_account_is_a_clear_4xx_and_writes_nothing(payer, account, status):
    before = PaymentOrder.objects.count()
    answer = client_of(payer).post(
        "/pay/utility/", {"kind": "water", "account": account, "action": "pay"}
    )
    assert answer.status_code == status
    assert 'role="alert"' in answer.content.decode()
    assert PaymentOrder.objects.count() == before


def test_the_pension_tiers_make_an_order_of_the_chosen_tier(paysandbox, payer):
    client = client_of(payer)
    page = client.get("/pay/pension/").content.decode()
    assert "第3档" in page
    assert client.post("/pay/pension/", {"level": "99"}).status_code == 422
    answer = client.post("/pay/pension/", {"level": "3"})
    order = PaymentOrder.objects.get(kind=OrderKind.SOCIAL_INSURANCE, payer=payer)
    assert answer.url == f"/my/payments/{order.order_no}/"
    assert "第3档" in order.title


def test_another_persons_order_is_not_there(paysandbox, water_order, other_payer):
    order = water_order("32345671")
    client = client_of(other_payer)
    for url in ("", "status/", "receipt.pdf"):
        assert client.get(f"/my/payments/{order.order_no}/{url}").status_code == 404
    assert client.post(f"/my/payments/{order.order_no}/", {"provider": "wechat"}).status_code == 404
    assert client.post(f"/my/payments/{order.order_no}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.CREATED


def test_a_refund_is_shown_to_the_payer_and_voids_the_receipt(paysandbox, payer, water_order):
    client = client_of(payer)
    order = water_order("42345671")
    pay_by_qr(client, paysandbox, order.order_no, "alipay")  # Alipay refunds at once
    order.refresh_from_db()
    services.request_refund(order, amount_fen=order.amount_fen, reason="重复缴费", actor="test")
    page = client.get(f"/my/payments/{order.order_no}/").content.decode()
    assert "重复缴费" in page and "退款成功" in page
    verify = Client().get(f"/verify/receipts/{order.receipt.number}/").content.decode()
    assert "票据已冲红" in verify


def test_an_unknown_receipt_and_a_cancelled_order(payer, water_order):
    assert Client().get("/verify/receipts/PJ000/").status_code == 404
    order = water_order("52345671")
    client_of(payer).post(f"/my/payments/{order.order_no}/cancel/")
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED


def test_a_bill_and_a_pension_order_read_in_english_and_keep_their_chinese_as_charged(
    paysandbox, payer
):
    client = client_of(payer)
    client.post("/pay/utility/", {"kind": "power", "account": "22345671", "action": "pay"})
    client.post("/pay/pension/", {"level": "2"})
    bill = PaymentOrder.objects.get(kind=OrderKind.POWER, payer=payer)
    pension = PaymentOrder.objects.get(kind=OrderKind.SOCIAL_INSURANCE, payer=payer)
    assert "电费（户号22345671，" in bill.lines[0]["name"] and "第2档" in pension.title
    client.cookies["django_language"] = "en"
    shown = client.get(f"/my/payments/{bill.order_no}/").content.decode()
    assert "Power bill (account 22345671, " in shown and "电费" not in shown
    shown = client.get(f"/my/payments/{pension.order_no}/").content.decode()
    assert "(tier 2)" in shown and "基本养老保险" not in shown
    listing = client.get("/my/payments/").content.decode()
    assert "Residents&#x27; basic pension insurance" in listing and "电费" not in listing
