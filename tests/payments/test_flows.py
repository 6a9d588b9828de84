"""Card payments at the kiosk (with a bank that answers too late), refunds, 对账 finding
planted mismatches, expiry, another person's order, and the `collected` figures."""

import datetime as dt

import pytest
from django.utils import timezone

from ninhaoban.core.errors import Conflict, InvalidInput, NotFound
from ninhaoban.payments import receipts, selectors, services
from ninhaoban.payments.models import OrderState, RefundState
from tests.conftest import NewEntries
from tests.payments.conftest import post_notice, scanned

pytestmark = pytest.mark.django_db
CARD = "6222020200112233"


def test_a_card_payment_settles_at_once_and_its_late_notification_is_a_duplicate(
    paysandbox, water_order
):
    order = services.charge_card(water_order(), CARD)
    assert order.state == OrderState.PAID and order.provider == "unionpay"
    txn = paysandbox.platforms.find("unionpay", order.order_no)
    added = NewEntries()
    assert post_notice("unionpay", paysandbox.platforms.notice(txn)).content == b"ok"
    assert added.kinds == []


def test_a_declined_card_leaves_the_order_payable(water_order):
    order = water_order()
    with pytest.raises(InvalidInput):
        services.charge_card(order, "6222020200110000")
    order.refresh_from_db()
    assert order.state == OrderState.CREATED


def test_a_card_timeout_half_way_is_pending_never_paid_twice_and_settled_by_a_query(
    paysandbox, water_order, settings
):
    settings.NHB_PAY_TIMEOUT_MS = 300
    with paysandbox.platforms.lock:
        paysandbox.platforms.control.card_delay_ms = 900
    order = water_order()
    with pytest.raises(services.PaymentPending):
        services.charge_card(order, CARD)
    order.refresh_from_db()
    assert order.state == OrderState.PAYING
    with pytest.raises(services.PaymentPending):  # a second swipe is refused
        services.charge_card(order, CARD)
    with pytest.raises(services.PaymentPending):  # and so is giving up
        services.give_up(order, "test")
    with paysandbox.platforms.lock:
        paysandbox.platforms.control.card_delay_ms = 0
    assert services.refresh(order).state == OrderState.PAID
    assert len([t for t in paysandbox.platforms.txns if t == ("unionpay", order.order_no)]) == 1


@pytest.mark.parametrize("provider", ["wechat", "alipay", "unionpay"])
def test_refunds_part_then_whole_void_the_receipt(provider, paysandbox, water_order):
    order = water_order()
    if provider == "unionpay":
        order = services.charge_card(order, CARD)
    else:
        order = services.start_qr(order, provider)
        post_notice(provider, paysandbox.platforms.notice(scanned(paysandbox, order)))
        order.refresh_from_db()
    part = order.amount_fen // 3
    refund = services.request_refund(order, amount_fen=part, reason="多收", actor="staff:1")
    if provider == "wechat":  # WeChat refunds asynchronously: its notification settles it
        assert refund.state == RefundState.PENDING
        txn = paysandbox.platforms.find("wechat", order.order_no)
        post_notice("wechat", paysandbox.platforms.notice(txn, refund=txn.refunds[-1]))
        refund.refresh_from_db()
    assert refund.state == RefundState.SUCCEEDED
    with pytest.raises(InvalidInput):
        services.request_refund(order, amount_fen=order.amount_fen, reason="超额", actor="staff:1")
    rest = services.request_refund(
        order, amount_fen=order.amount_fen - part, reason="撤回申请", actor="staff:1"
    )
    if provider == "wechat":
        txn = paysandbox.platforms.find("wechat", order.order_no)
        post_notice("wechat", paysandbox.platforms.notice(txn, refund=txn.refunds[-1]))
        rest.refresh_from_db()
    order.refresh_from_db()
    assert order.state == OrderState.REFUNDED and order.refunded_fen == order.amount_fen
    verdict = receipts.verify(order.receipt)
    assert verdict.genuine and not verdict.in_force


def test_reconciliation_lists_every_planted_mismatch(paysandbox, water_order, payer):
    paid = []
    for account in ("22345671", "22345672", "22345673"):
        order = services.start_qr(water_order(account), "alipay")
        post_notice("alipay", paysandbox.platforms.notice(scanned(paysandbox, order)))
        order.refresh_from_db()
        paid.append(order)
    with paysandbox.platforms.lock:
        paysandbox.platforms.control.drop = {paid[0].order_no}
        paysandbox.platforms.control.amounts = {paid[1].order_no: 1}
        paysandbox.platforms.control.phantoms = 1
    added = NewEntries()
    run = services.reconcile("alipay", timezone.localdate(), actor="staff:1")
    kinds = {(m["kind"], m["order_no"]) for m in run.mismatches}
    assert ("missing_at_platform", paid[0].order_no) in kinds
    assert ("amount_differs", paid[1].order_no) in kinds
    assert any(kind == "missing_here" for kind, _ in kinds)
    assert paid[2].order_no not in {m["order_no"] for m in run.mismatches}
    assert added.kinds == ["payment.reconciled"]


def test_a_paid_order_shows_in_collected_for_its_region_only(paysandbox, water_order, payer):
    today = timezone.localdate()
    before = selectors.collected(region_code=payer.region_id[:6], start=today, end=today)
    order = services.charge_card(water_order("32345671"), CARD)
    after = selectors.collected(region_code=payer.region_id[:6], start=today, end=today)
    assert after.paid == before.paid + 1
    assert after.paid_fen == before.paid_fen + order.amount_fen
    other = "421223" if not payer.region_id.startswith("421223") else "421202"
    elsewhere = selectors.collected(region_code=other, start=today, end=today)
    assert elsewhere.paid_fen < after.paid_fen or elsewhere.paid == 0
    services.request_refund(order, amount_fen=100, reason="测试", actor="staff:1")
    again = selectors.collected(region_code=payer.region_id[:6], start=today, end=today)
    assert again.refunded_fen == after.refunded_fen + 100


def test_another_persons_order_is_not_there_and_a_bill_is_not_paid_twice(
    water_order, payer, other_payer
):
    order = water_order("42345671")
    with pytest.raises(NotFound):
        selectors.order_of_payer(other_payer, order.order_no)
    with pytest.raises(Conflict):  # someone else is paying that bill now
        water_order("42345671", who=other_payer)
    assert water_order("42345671").pk == order.pk  # the same person gets the same order
    services.charge_card(order, CARD)
    with pytest.raises(Conflict):
        water_order("42345671")


def test_an_expired_order_closes_and_a_new_one_can_be_made(water_order):
    order = water_order("52345671")
    closed = services.close_expired(now=timezone.now() + dt.timedelta(hours=1))
    assert closed >= 1
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert water_order("52345671").pk != order.pk


def test_a_bill_that_does_not_exist_is_a_clear_404(water_order):
    with pytest.raises(NotFound):
        water_order("12345670")
    with pytest.raises(InvalidInput):
        water_order("12ab")


def test_a_contribution_paid_while_hrss_is_down_is_reported_again_later(paysandbox, settings):
    from ninhaoban.accounts.models import Applicant, ApplicantKind
    from ninhaoban.payments import bills

    persons = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("-pk")
    # the sandbox lives for the session: one whose year no other test paid
    payer = next(p for p in persons if not bills.contribution_offer(p.identifier).paid)
    order = services.order_for_contribution(
        payer=payer, level=1, region_id=payer.region_id, channel="web"
    )
    order = services.start_qr(order, "wechat")
    up = settings.NHB_BILLS_URL
    settings.NHB_BILLS_URL = "http://127.0.0.1:9"  # 人社 does not answer
    post_notice("wechat", paysandbox.platforms.notice(scanned(paysandbox, order)))
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.reported_at is None
    assert services.report_contributions() == 0  # still down: still waiting
    settings.NHB_BILLS_URL = up
    assert not bills.contribution_offer(payer.identifier).paid
    assert services.report_contributions() == 1
    order.refresh_from_db()
    assert order.reported_at is not None
    assert bills.contribution_offer(payer.identifier).paid
    assert services.report_contributions() == 0  # taken: not sent again
