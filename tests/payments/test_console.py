"""缴费 in the console: the orders list within the staff member's scope, a refund with its
reason through the payments service (ledger entry, the staff member as actor), refusals
with nothing written, and the daily 对账 listing every planted mismatch."""

import pytest
from django.utils import timezone

from ninhaoban.payments import bills, services
from ninhaoban.payments.models import Channel, OrderState, PaymentOrder, Reconciliation, Refund
from tests.conftest import NewEntries
from tests.payments.conftest import post_notice, scanned

pytestmark = pytest.mark.django_db
XIANAN = "421202000000"
CARD = "6222020200112233445"


def paid_bill(payer, account: str, region: str = XIANAN) -> PaymentOrder:
    order = services.order_for_bill(
        bills.fetch_bill("water", account), payer=payer, region_id=region, channel=Channel.WEB
    )
    return services.charge_card(order, CARD)


def test_the_orders_list_is_scoped_by_region(staff_client, paysandbox, payer):
    order = paid_bill(payer, "62345671")
    inside = staff_client("clerk.xianan").get("/console/payments/").content.decode()
    assert order.order_no in inside
    outside = staff_client("clerk.chongyang").get("/console/payments/").content.decode()
    assert order.order_no not in outside
    assert (
        staff_client("clerk.chongyang").get(f"/console/payments/{order.order_no}/").status_code
        == 404
    )
    page = staff_client("clerk.xianan").get(f"/console/payments/{order.order_no}/").content.decode()
    assert payer.identifier not in page and 'id="refund-form"' not in page  # a clerk: no refund


def test_a_refund_with_its_reason_through_the_service(staff_client, paysandbox, payer):
    order = paid_bill(payer, "62345672")
    admin = staff_client("admin")
    added = NewEntries()
    empty = admin.post(
        f"/console/payments/{order.order_no}/refund/", {"amount": "1", "reason": " "}
    )
    assert empty.status_code == 422 and not Refund.objects.filter(order=order).exists()
    for amount in ("abc", "0", "-1", "1.234", "NaN", "99999"):
        bad = admin.post(
            f"/console/payments/{order.order_no}/refund/", {"amount": amount, "reason": "多收"}
        )
        assert bad.status_code == 422, amount
    refused = staff_client("chief.chongyang.market").post(
        f"/console/payments/{order.order_no}/refund/", {"amount": "1", "reason": "多收"}
    )
    assert refused.status_code in (403, 404)
    assert not Refund.objects.filter(order=order).exists() and added.kinds == []
    done = admin.post(
        f"/console/payments/{order.order_no}/refund/",
        {"amount": order.amount_yuan, "reason": "重复缴费"},
    )
    assert done.status_code == 302
    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert order.state == OrderState.REFUNDED and refund.reason == "重复缴费"
    assert refund.actor.startswith("staff:")
    assert added.kinds == ["payment.refund_requested", "payment.refunded"]
    page = admin.get(f"/console/payments/{order.order_no}/").content.decode()
    assert "重复缴费" in page and 'id="refund-form"' not in page


def test_daily_reconciliation_lists_every_mismatch(staff_client, paysandbox, water_order):
    paid = []
    for account in ("72345671", "72345672"):
        order = services.start_qr(water_order(account), "wechat")
        post_notice("wechat", paysandbox.platforms.notice(scanned(paysandbox, order)))
        order.refresh_from_db()
        paid.append(order)
    with paysandbox.platforms.lock:
        paysandbox.platforms.control.amounts = {paid[0].order_no: 1}
        paysandbox.platforms.control.phantoms = 1
    today = timezone.localdate().isoformat()
    county = staff_client("supervisor.chongyang")
    assert county.get("/console/payments/reconciliations/").status_code == 403
    assert (
        county.post(
            "/console/payments/reconciliations/", {"provider": "wechat", "day": today}
        ).status_code
        == 403
    )
    city = staff_client("supervisor")
    bad = city.post("/console/payments/reconciliations/", {"provider": "wechat", "day": "x"})
    assert bad.status_code == 422
    answer = city.post("/console/payments/reconciliations/", {"provider": "wechat", "day": today})
    run = Reconciliation.objects.latest("pk")
    assert answer.url == f"/console/payments/reconciliations/{run.pk}/"
    page = city.get(answer.url).content.decode()
    assert paid[0].order_no in page and "金额不符" in page and "本平台未入账" in page
    assert run.actor.startswith("staff:")
