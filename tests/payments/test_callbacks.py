"""Each provider's request signatures and notifications against the paysandbox: good,
forged, replayed, duplicated, out of order, differing amounts; nothing is paid twice."""

import json
import urllib.parse

import pytest

from ninhaoban.payments import receipts, services
from ninhaoban.payments.models import CallbackLog, CallbackOutcome, OrderState, PaymentOrder
from tests.conftest import NewEntries
from tests.payments.conftest import post_notice, scanned

pytestmark = pytest.mark.django_db
QR = ["wechat", "alipay"]


@pytest.mark.parametrize("provider", QR)
def test_a_scanned_qr_and_its_signed_notification_pay_the_order_once(
    provider, paysandbox, water_order
):
    order = services.start_qr(water_order(), provider)
    assert order.state == OrderState.PAYING and order.checkout
    txn = scanned(paysandbox, order)
    added = NewEntries()
    answer = post_notice(provider, paysandbox.platforms.notice(txn))
    assert answer.status_code in (200, 204)
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.transaction_id == txn.transaction_id
    assert added.kinds == ["payment.paid"]
    assert receipts.verify(order.receipt).in_force
    # the same notification again, and a second copy the platform sends with a new id
    assert post_notice(provider, paysandbox.platforms.notice(txn)).status_code in (200, 204)
    assert added.kinds == ["payment.paid"]
    assert CallbackLog.objects.filter(order_no=order.order_no).count() == 2


def test_the_same_notification_twice_is_logged_once(paysandbox, water_order):
    order = services.start_qr(water_order(), "wechat")
    notice = paysandbox.platforms.notice(scanned(paysandbox, order))
    first = post_notice("wechat", (dict(notice[0]), notice[1]))
    second = post_notice("wechat", (dict(notice[0]), notice[1]))
    assert first.status_code == second.status_code == 204
    assert CallbackLog.objects.filter(order_no=order.order_no).count() == 1


@pytest.mark.parametrize("provider", QR)
def test_a_forged_notification_is_refused_and_changes_nothing(provider, paysandbox, water_order):
    order = services.start_qr(water_order(), provider)
    headers, body = paysandbox.platforms.notice(scanned(paysandbox, order))
    if provider == "wechat":
        headers["Wechatpay-Signature"] = headers["Wechatpay-Signature"][::-1]
    else:
        params = dict(urllib.parse.parse_qsl(body.decode()))
        params["total_amount"] = "0.01"  # tampered after signing
        body = urllib.parse.urlencode(params).encode()
    answer = post_notice(provider, (headers, body))
    assert answer.status_code == 400 or answer.content == b"fail"
    order.refresh_from_db()
    assert order.state == OrderState.PAYING
    assert CallbackLog.objects.filter(outcome=CallbackOutcome.REFUSED).exists()


def test_a_wechat_notification_signed_by_another_key_or_replayed_late_is_refused(
    paysandbox, water_order, monkeypatch
):
    order = services.start_qr(water_order(), "wechat")
    txn = scanned(paysandbox, order)
    headers, body = paysandbox.platforms.notice(txn)
    envelope = json.loads(body)
    envelope["resource"]["ciphertext"] = envelope["resource"]["ciphertext"][:-4] + "AAAA"
    assert post_notice("wechat", (dict(headers), json.dumps(envelope).encode())).status_code == 400
    late = dict(headers, **{"Wechatpay-Timestamp": str(int(headers["Wechatpay-Timestamp"]) - 3600)})
    assert post_notice("wechat", (late, body)).status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.PAYING


@pytest.mark.parametrize("provider", QR)
def test_an_amount_that_differs_from_the_order_pays_nothing(provider, paysandbox, water_order):
    order = services.start_qr(water_order(), provider)
    txn = scanned(paysandbox, order)
    answer = post_notice(provider, paysandbox.platforms.notice(txn, amount_fen=1))
    assert answer.status_code in (200, 204)  # verified, so acknowledged; but refused
    order.refresh_from_db()
    assert order.state == OrderState.PAYING
    assert CallbackLog.objects.get(order_no=order.order_no).outcome == CallbackOutcome.REFUSED


def test_a_failure_arriving_after_the_success_changes_nothing(paysandbox, water_order):
    order = services.start_qr(water_order(), "wechat")
    txn = scanned(paysandbox, order)
    post_notice("wechat", paysandbox.platforms.notice(txn))
    stale = paysandbox.platforms.notice(txn, state="PAYERROR")
    assert post_notice("wechat", stale).status_code == 204
    order.refresh_from_db()
    assert order.state == OrderState.PAID


def test_a_refund_notice_before_the_payment_notice_is_ignored_then_the_payment_counts(
    paysandbox, water_order
):
    order = services.start_qr(water_order(), "wechat")
    txn = scanned(paysandbox, order)
    refund = paysandbox.platforms.refund("wechat", order.order_no, "R-early", 100)
    post_notice("wechat", paysandbox.platforms.notice(txn, refund=refund))
    order.refresh_from_db()
    assert order.state == OrderState.PAYING and order.refunded_fen == 0
    post_notice("wechat", paysandbox.platforms.notice(txn))
    order.refresh_from_db()
    assert order.state == OrderState.PAID


def test_a_failure_while_paying_lets_the_person_try_again(paysandbox, water_order):
    order = services.start_qr(water_order(), "alipay")
    with paysandbox.platforms.lock:
        paysandbox.platforms.control.fail_next = 1
    txn = scanned(paysandbox, order)
    post_notice("alipay", paysandbox.platforms.notice(txn))
    order.refresh_from_db()
    assert order.state == OrderState.CREATED and order.provider == ""


def test_a_notification_for_an_unknown_order_changes_nothing(paysandbox, water_order):
    order = services.start_qr(water_order(), "wechat")
    txn = scanned(paysandbox, order)
    txn.order_no = "P20260101000000999999"
    assert post_notice("wechat", paysandbox.platforms.notice(txn)).status_code == 204
    assert not PaymentOrder.objects.filter(order_no=txn.order_no).exists()
    assert CallbackLog.objects.get(order_no=txn.order_no).outcome == CallbackOutcome.IGNORED


def test_garbage_and_unknown_platforms_get_a_clear_refusal(client):
    assert (
        client.post(
            "/api/v1/payments/notify/wechat", b"\x00\xff", content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post("/api/v1/payments/notify/alipay", b"a=%ZZ", content_type="text/plain").content
        == b"fail"
    )
    assert (
        client.post("/api/v1/payments/notify/unionpay", b"", content_type="text/plain").status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/payments/notify/paypal", b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_the_sandbox_refuses_requests_the_merchant_did_not_sign(paysandbox):
    import urllib.request

    request = urllib.request.Request(
        paysandbox.url + "/v3/pay/transactions/native",
        data=b'{"out_trade_no":"P1","amount":{"total":1},"notify_url":"x"}',
        method="POST",
        headers={
            "Authorization": (
                'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="AAAA",'
                'timestamp="1",serial_no="s"'
            )
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
