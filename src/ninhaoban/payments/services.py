"""The one writer of payment orders, callbacks, refunds, receipts and 对账 runs.

An order moves created → paying → paid → refunded, or to closed when it expires or is given
up. A notification changes an order only under the order's row lock, and only once: its
(provider, notify_id) is unique in the callback log, a second copy finds it there; a notice
for an unknown, closed or already settled order, a failure after a success, a refund before
its payment, an amount that differs from the order's — each is logged and changes nothing.
Calls to the platforms happen outside transactions, so a slow platform holds no lock.
"""

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.scoping import require_scope, require_whole_scope, staff_of
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import Conflict, InvalidInput, NotFound
from ninhaoban.ledger.services import record
from ninhaoban.payments import bills, receipts, titles
from ninhaoban.payments.models import (
    HOLDING_STATES,
    CallbackLog,
    CallbackOutcome,
    MismatchKind,
    OrderKind,
    OrderState,
    PaymentOrder,
    ProviderCode,
    Receipt,
    Reconciliation,
    Refund,
    RefundState,
)
from ninhaoban.payments.protocols import ProtocolError
from ninhaoban.payments.providers import (
    PAID,
    PROVIDERS,
    QR_PROVIDERS,
    REFUNDED,
    UNIONPAY,
    GatewayUnavailable,
    Notice,
    parse_statement,
)
from ninhaoban.payments.selectors import RECONCILERS, REFUNDERS, fee_lines

log = logging.getLogger("ninhaoban.payments")
SYSTEM = "system"


class PaymentPending(Conflict):
    """The platform has not said yet whether the money was taken: do not pay again."""


def _unavailable() -> Conflict:
    return Conflict(
        "支付平台暂时无法访问，请稍后再试", "the payment platform is unavailable, try later"
    )


def _new_no(prefix: str) -> str:
    return f"{prefix}{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _subjects(order: PaymentOrder) -> list[str]:
    subjects = [f"payment:{order.order_no}", order.payer.subject]
    if order.kind == OrderKind.CASE_FEE:
        subjects.append(f"case:{order.reference}")
    return subjects


def _lock(**lookup: object) -> PaymentOrder:
    """The order under its row lock, its payer read with it but not locked: a lock through
    the join would take the payer's row too, and every order of one person or company
    (a utility company paying back, a busy payer) would queue behind the others."""
    return (
        PaymentOrder.objects.select_for_update(of=("self",)).select_related("payer").get(**lookup)
    )


def _record(kind: str, order: PaymentOrder, actor: str, **payload: object) -> None:
    record(
        kind,
        _subjects(order),
        actor,
        {
            "order_no": order.order_no,
            "state": order.state,
            "amount_fen": order.amount_fen,
            **payload,
        },
    )


# --- making orders --------------------------------------------------------------------------


def _create(
    *,
    kind: str,
    reference: str,
    title: str,
    lines: list[dict[str, object]],
    payer: Applicant,
    region_id: str,
    department_id: int | None,
    channel: str,
) -> PaymentOrder:
    amount = sum(int(str(line["amount_fen"])) for line in lines)
    if amount <= 0:
        raise InvalidInput("没有需要缴纳的费用", "there is nothing to pay")
    close_expired(reference=(kind, reference))
    with transaction.atomic():
        held = (
            PaymentOrder.objects.select_for_update()
            .filter(kind=kind, reference=reference, state__in=HOLDING_STATES)
            .first()
        )
        if held is not None:
            if held.state == OrderState.PAID:
                raise Conflict("已缴费，无须重复缴纳", "already paid")
            if held.payer_id != payer.pk:
                raise Conflict("他人正在缴纳此项费用", "someone else is paying this")
            return held
        order = PaymentOrder(
            order_no=_new_no("P"),
            kind=kind,
            reference=reference,
            title=title[:128],
            lines=lines,
            amount_fen=amount,
            payer=payer,
            region_id=region_id,
            department_id=department_id,
            channel=channel,
            expires_at=timezone.now() + dt.timedelta(minutes=settings.NHB_PAY_ORDER_MINUTES),
        )
        try:
            with transaction.atomic():
                order.save()
        except IntegrityError as exc:
            raise Conflict("此项费用已有订单，请刷新", "an order for this exists: reload") from exc
        _record("payment.created", order, payer.subject, order_kind=kind)
    return order


def order_for_case(
    *,
    case_no: str,
    title: str,
    payer: Applicant,
    version: ServiceItemVersion,
    region_id: str,
    department_id: int | None,
    channel: str,
) -> PaymentOrder:
    """The fee order of a case (one open or paid order per case number)."""
    return _create(
        kind=OrderKind.CASE_FEE,
        reference=case_no,
        title=title,
        lines=fee_lines(version),
        payer=payer,
        region_id=region_id,
        department_id=department_id,
        channel=channel,
    )


def order_for_bill(
    bill: bills.Bill, *, payer: Applicant, region_id: str, channel: str
) -> PaymentOrder:
    title, name = titles.bill_wording(bill.kind, bill.company, bill.account, bill.period)
    facts = {"company": bill.company, "account": bill.account, "period": bill.period}
    return _create(
        kind=bill.kind,
        reference=bill.reference,
        title=title,
        lines=[
            {"name": name, "amount_fen": bill.amount_fen, "basis": bill.company, "facts": facts}
        ],
        payer=payer,
        region_id=region_id,
        department_id=None,
        channel=channel,
    )


def order_for_contribution(
    *, payer: Applicant, level: int, region_id: str, channel: str
) -> PaymentOrder:
    """城乡居民基本养老保险 of this year at the chosen tier, for the person paying (by ID)."""
    offer = bills.contribution_offer(payer.identifier)
    if offer.paid:
        raise Conflict(f"{offer.year}年度已缴费", f"{offer.year} is paid already")
    tier = next((t for t in offer.tiers if t.level == level), None)
    if tier is None:
        raise InvalidInput("请选择缴费档次", "choose a tier", field="level")
    title, name, basis = titles.pension_wording(offer.year, tier.level)
    return _create(
        kind=OrderKind.SOCIAL_INSURANCE,
        reference=f"{offer.year}:{payer.subject.split(':')[1][:24]}",
        title=title,
        lines=[
            {
                "name": name,
                "amount_fen": tier.amount_fen,
                "basis": basis,
                "facts": {"year": offer.year, "tier": tier.level},
            }
        ],
        payer=payer,
        region_id=region_id,
        department_id=None,
        channel=channel,
    )


# --- paying ---------------------------------------------------------------------------------


def _check_payable(order: PaymentOrder) -> None:
    if order.state == OrderState.PAID:
        raise Conflict("订单已支付", "the order is paid")
    if not order.is_open:
        raise Conflict("订单已关闭，请重新下单", "the order is closed: start again")
    if order.expires_at <= timezone.now():
        raise Conflict("订单已过期，请重新下单", "the order has expired: start again")


def start_qr(order: PaymentOrder, provider_code: str) -> PaymentOrder:
    """The QR text to scan; the provider is fixed once chosen, so one order cannot be paid
    on two platforms (to change it, give the order up and start again)."""
    if provider_code not in QR_PROVIDERS:
        raise InvalidInput("请选择微信或支付宝", "choose WeChat Pay or Alipay", field="provider")
    _check_payable(order)
    if order.state == OrderState.PAYING:
        if order.provider != provider_code:
            raise Conflict(
                "已选择其他支付方式，请先取消本订单",
                "another way of paying was chosen: cancel first",
            )
        return order
    try:
        code_url = PROVIDERS[provider_code].precreate(order)
    except (GatewayUnavailable, KeyError, ValueError) as exc:
        log.warning("precreate %s at %s failed: %s", order.order_no, provider_code, exc)
        raise _unavailable() from exc
    with transaction.atomic():
        locked = _lock(pk=order.pk)
        if locked.state != OrderState.CREATED:
            raise Conflict("订单状态已变化，请刷新", "the order changed: reload")
        locked.state, locked.provider, locked.checkout = OrderState.PAYING, provider_code, code_url
        locked.save(update_fields=["state", "provider", "checkout"])
        _record("payment.paying", locked, locked.payer.subject, provider=provider_code)
    return locked


def charge_card(order: PaymentOrder, card_token: str) -> PaymentOrder:
    """刷卡: the order is marked paying before the bank is asked, so a timeout half-way
    leaves it paying (never created again) until the bank's answer or a query settles it."""
    if not card_token or len(card_token) > 64:
        raise InvalidInput("未读到银行卡", "no card was read", field="card")
    _check_payable(order)
    if order.state == OrderState.PAYING:
        raise PaymentPending(
            "上一笔刷卡结果未知，正在查询，请勿重复刷卡",
            "the last card payment is pending: do not pay again",
        )
    with transaction.atomic():
        locked = _lock(pk=order.pk)
        if locked.state != OrderState.CREATED:
            raise Conflict("订单状态已变化，请刷新", "the order changed: reload")
        locked.state, locked.provider = OrderState.PAYING, ProviderCode.UNIONPAY
        locked.save(update_fields=["state", "provider"])
        _record("payment.paying", locked, locked.payer.subject, provider=ProviderCode.UNIONPAY)
    try:
        notice = UNIONPAY.charge(locked, card_token)
    except GatewayUnavailable as exc:
        log.warning("card payment %s: no answer (%s)", locked.order_no, exc)
        raise PaymentPending(
            "银行未及时答复，正在查询扣款结果，请勿重复刷卡",
            "the bank did not answer in time: checking, do not pay again",
        ) from exc
    if notice is None:
        _fail(locked.order_no, ProviderCode.UNIONPAY, "declined")
        raise InvalidInput("银行卡支付未成功，请换卡或换用扫码支付", "the card was declined")
    settle(ProviderCode.UNIONPAY, notice)
    return PaymentOrder.objects.select_related("payer").get(pk=locked.pk)


def _fail(order_no: str, provider_code: str, reason: str) -> None:
    with transaction.atomic():
        order = _lock(order_no=order_no)
        if order.state == OrderState.PAYING and order.provider == provider_code:
            order.state, order.provider, order.checkout = OrderState.CREATED, "", ""
            order.save(update_fields=["state", "provider", "checkout"])
            _record("payment.failed", order, SYSTEM, reason=reason)


def refresh(order: PaymentOrder) -> PaymentOrder:
    """Ask the platform about an order still paying (a lost notification, a card timeout)."""
    if order.state != OrderState.PAYING or not order.provider:
        return order
    try:
        notice = PROVIDERS[order.provider].query(order)
    except GatewayUnavailable:
        return order
    if notice is not None:
        settle(order.provider, notice)
    elif order.provider == ProviderCode.UNIONPAY:
        _fail(order.order_no, order.provider, "not charged")
    return PaymentOrder.objects.select_related("payer").get(pk=order.pk)


def give_up(order: PaymentOrder, actor: str) -> PaymentOrder:
    """The person cancels an unpaid order (a QR already shown and paid later is a late
    payment: refused here, found by 对账 and refunded)."""
    with transaction.atomic():
        locked = _lock(pk=order.pk)
        if not locked.is_open:
            raise Conflict("订单不能取消", "the order cannot be cancelled")
        if locked.state == OrderState.PAYING and locked.provider == ProviderCode.UNIONPAY:
            raise PaymentPending("刷卡结果未知，暂不能取消", "the card payment is pending")
        _close(locked, actor, "cancelled")
    return locked


def _close(order: PaymentOrder, actor: str, reason: str) -> None:
    order.state, order.closed_at = OrderState.CLOSED, timezone.now()
    order.save(update_fields=["state", "closed_at"])
    _record("payment.closed", order, actor, reason=reason)


def close_expired(
    *, now: dt.datetime | None = None, reference: tuple[str, str] | None = None
) -> int:
    """Orders past their time: a paying one is asked about first (it may have been paid)."""
    now = now or timezone.now()
    rows = PaymentOrder.objects.filter(
        state__in=(OrderState.CREATED, OrderState.PAYING), expires_at__lte=now
    ).select_related("payer")
    if reference is not None:
        rows = rows.filter(kind=reference[0], reference=reference[1])
    closed = 0
    for order in rows[:500]:
        if refresh(order).state == OrderState.PAID:
            continue
        with transaction.atomic():
            locked = _lock(pk=order.pk)
            if locked.is_open:
                _close(locked, SYSTEM, "expired")
                closed += 1
    return closed


# --- notifications --------------------------------------------------------------------------


_LOG_ONCE = (
    "INSERT INTO payments_callbacklog (provider, notify_id, order_no, outcome, reason, "
    "received_at) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (provider, notify_id) DO NOTHING RETURNING id"
)


def _log(provider_code: str, notify_id: str, order_no: str, outcome: str, reason: str = "") -> bool:
    """False when this notification was logged before (a duplicate). One statement that
    inserts unless the (provider, notify_id) row exists: no savepoint to roll back to, which
    would cost two more round trips on every notification."""
    with connection.cursor() as cursor:
        cursor.execute(
            _LOG_ONCE,
            [
                provider_code,
                notify_id[:96],
                order_no[:32],
                outcome,
                reason[:128],
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        return cursor.fetchone() is not None


def handle_notification(
    provider_code: str, headers: Mapping[str, str], body: bytes
) -> tuple[int, str, bytes]:
    """A platform's notification as it arrived: (status, content type, body) to answer."""
    provider = PROVIDERS.get(provider_code)
    if provider is None:
        raise NotFound("没有这个支付平台", "no such payment platform")
    try:
        notice = provider.parse_notification(headers, body)
    except ProtocolError as exc:
        digest = hashlib.sha256(body).hexdigest()
        log.warning("refused a %s notification %s: %s", provider_code, digest[:16], exc)
        _log(
            provider_code,
            f"refused-{digest[:48]}-{secrets.token_hex(8)}",
            "",
            CallbackOutcome.REFUSED,
            str(exc),
        )
        return provider.acknowledgement(False)
    settle(provider_code, notice)
    return provider.acknowledgement(True)


def settle(provider_code: str, notice: Notice) -> str:
    """Apply one verified notice; the outcome as logged."""
    if CallbackLog.objects.filter(provider=provider_code, notify_id=notice.notify_id[:96]).exists():
        # a copy seen before, answered with one indexed read and no lock (platforms resend
        # every notification); a copy racing the first is caught by the unique log below
        return CallbackOutcome.DUPLICATE
    with transaction.atomic():
        try:
            order: PaymentOrder | None = _lock(order_no=notice.order_no)
        except PaymentOrder.DoesNotExist:
            order = None
        outcome, reason = _decide(provider_code, notice, order)
        if not _log(provider_code, notice.notify_id, notice.order_no, outcome, reason):
            return CallbackOutcome.DUPLICATE
        if outcome == CallbackOutcome.SETTLED and order is not None:
            _mark_paid(order, notice)
        elif outcome == CallbackOutcome.REFUNDED and order is not None:
            _refund_settled(order, notice.refund_no, notice.amount_fen)
    if outcome == CallbackOutcome.FAILED and order is not None:
        _fail(order.order_no, provider_code, "platform reported failure")
    if outcome == CallbackOutcome.SETTLED and order is not None:
        _report_contribution(order)
    if outcome not in (
        CallbackOutcome.SETTLED,
        CallbackOutcome.REFUNDED,
        CallbackOutcome.DUPLICATE,
    ):
        log.info(
            "%s notice %s for %s: %s %s",
            provider_code,
            notice.notify_id,
            notice.order_no,
            outcome,
            reason,
        )
    return outcome


def _report_contribution(order: PaymentOrder) -> bool:
    """A 社保 contribution is reported to 人社 once paid, after the commit (no lock held while
    人社 answers). Until 人社 takes it, 人社 still shows the year unpaid (this platform
    refuses a second order: the paid order holds the year); `report_contributions` tries
    again every few minutes."""
    if order.kind != OrderKind.SOCIAL_INSURANCE or not order.payer.is_person:
        return False
    try:
        bills.report_contribution(
            order.payer.identifier,
            int(order.reference.split(":", 1)[0]),
            order.amount_fen,
            order.order_no,
        )
    except bills.BillsUnavailable:
        log.warning("contribution %s not reported to 人社", order.order_no)
        return False
    PaymentOrder.objects.filter(pk=order.pk).update(reported_at=timezone.now())
    return True


def report_contributions() -> int:
    """Report again the paid contributions 人社 has not taken yet (it was down, or answered
    an error); 人社 keys a report by its order number, so a second report changes nothing.
    Returns how many were taken."""
    waiting = (
        PaymentOrder.objects.filter(
            kind=OrderKind.SOCIAL_INSURANCE, state=OrderState.PAID, reported_at__isnull=True
        )
        .select_related("payer")
        .order_by("paid_at")
    )
    return sum(_report_contribution(order) for order in waiting[:200])


def _decide(provider_code: str, notice: Notice, order: PaymentOrder | None) -> tuple[str, str]:
    if order is None:
        return CallbackOutcome.IGNORED, "unknown order"
    if order.provider != provider_code:
        return CallbackOutcome.REFUSED, "another platform's order"
    if notice.event == PAID:
        if order.state in (OrderState.PAID, OrderState.REFUNDED):
            if order.transaction_id == notice.transaction_id:
                return CallbackOutcome.DUPLICATE, "settled before"
            return CallbackOutcome.IGNORED, "already settled by another transaction"
        if order.state == OrderState.CLOSED:
            return CallbackOutcome.IGNORED, "paid after the order closed"
        if notice.amount_fen != order.amount_fen:
            return (
                CallbackOutcome.REFUSED,
                f"amount {notice.amount_fen} differs from {order.amount_fen}",
            )
        return CallbackOutcome.SETTLED, ""
    if notice.event == REFUNDED:
        pending = order.refunds.filter(
            refund_no=notice.refund_no, state=RefundState.PENDING
        ).first()
        if pending is None:
            return CallbackOutcome.IGNORED, "no pending refund"
        if pending.amount_fen != notice.amount_fen:
            return CallbackOutcome.REFUSED, "refund amount differs"
        return CallbackOutcome.REFUNDED, ""
    if order.state == OrderState.PAYING:
        return CallbackOutcome.FAILED, "platform reported failure"
    return CallbackOutcome.IGNORED, "failure after the order moved on"


def _mark_paid(order: PaymentOrder, notice: Notice) -> None:
    now = timezone.now()
    order.state, order.transaction_id, order.paid_at = OrderState.PAID, notice.transaction_id, now
    order.paid_on = timezone.localdate(now)
    order.save(update_fields=["state", "transaction_id", "paid_at", "paid_on"])
    receipt = Receipt(
        number=f"PJ{order.order_no[1:]}",
        order=order,
        issued_at=now,
        payee=settings.NHB_PAY_PAYEE,
        key_id="",
        signature="",
    )
    signature = receipts.sign(receipt)
    receipt.key_id, receipt.signature = signature.key_id, signature.value
    receipt.save()
    _record(
        "payment.paid", order, SYSTEM, transaction=notice.transaction_id, receipt=receipt.number
    )


# --- refunds --------------------------------------------------------------------------------


def request_refund(order: PaymentOrder, *, amount_fen: int, reason: str, actor: str) -> Refund:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写退款原因", "give the reason for the refund", field="reason")
    with transaction.atomic():
        locked = _lock(pk=order.pk)
        if locked.state != OrderState.PAID:
            raise Conflict("只有已支付的订单可以退款", "only a paid order can be refunded")
        pending = sum(r.amount_fen for r in locked.refunds.filter(state=RefundState.PENDING))
        if not 0 < amount_fen <= locked.amount_fen - locked.refunded_fen - pending:
            raise InvalidInput(
                "退款金额超出可退金额", "the refund exceeds what can be refunded", field="amount"
            )
        refund = Refund.objects.create(
            refund_no=_new_no("R"),
            order=locked,
            amount_fen=amount_fen,
            reason=reason[:128],
            state=RefundState.PENDING,
            actor=actor,
        )
        _record(
            "payment.refund_requested",
            locked,
            actor,
            refund=refund.refund_no,
            refund_fen=amount_fen,
        )
    try:
        answer = PROVIDERS[locked.provider].refund(locked, refund.refund_no, amount_fen)
    except GatewayUnavailable as exc:
        with transaction.atomic():
            Refund.objects.filter(pk=refund.pk, state=RefundState.PENDING).update(
                state=RefundState.FAILED
            )
            _record("payment.refund_failed", locked, SYSTEM, refund=refund.refund_no)
        raise _unavailable() from exc
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(
            provider_refund_id=answer.provider_refund_id[:64]
        )
        if answer.settled:
            locked = _lock(pk=order.pk)
            _refund_settled(locked, refund.refund_no, amount_fen)
    refund.refresh_from_db()
    return refund


def refund_by_staff(
    user: User | AnonymousUser, order: PaymentOrder, *, amount_fen: int, reason: str
) -> Refund:
    """退款 from the console: a chief whose scope covers the order's region and department;
    the staff member is the refund's actor in the ledger."""
    require_scope(user, REFUNDERS, order.region_id, order.department_id)
    return request_refund(order, amount_fen=amount_fen, reason=reason, actor=staff_of(user).actor)


def _refund_settled(order: PaymentOrder, refund_no: str, amount_fen: int) -> None:
    refund = order.refunds.select_for_update().get(refund_no=refund_no)
    if refund.state != RefundState.PENDING:
        return
    refund.state, refund.settled_at = RefundState.SUCCEEDED, timezone.now()
    refund.save(update_fields=["state", "settled_at"])
    order.refunded_fen += amount_fen
    fields = ["refunded_fen"]
    if order.refunded_fen == order.amount_fen:
        order.state = OrderState.REFUNDED
        fields.append("state")
        Receipt.objects.filter(order=order).update(voided_at=refund.settled_at)
    order.save(update_fields=fields)
    _record("payment.refunded", order, SYSTEM, refund=refund_no, refund_fen=amount_fen)


# --- 对账 -----------------------------------------------------------------------------------


def reconcile_by_staff(
    user: User | AnonymousUser, provider_code: str, day: dt.date
) -> Reconciliation:
    """对账 from the console: the statement covers every region's orders, so only a scope
    over the whole city may run it."""
    require_whole_scope(user, RECONCILERS)
    return reconcile(provider_code, day, actor=staff_of(user).actor)


def reconcile(provider_code: str, day: dt.date, *, actor: str) -> Reconciliation:
    """Compare the platform's statement of `day` with the orders paid and the refunds
    settled here that day; every difference is listed, nothing is corrected silently."""
    provider = PROVIDERS.get(provider_code)
    if provider is None:
        raise InvalidInput("没有这个支付平台", "no such payment platform", field="provider")
    try:
        raw = provider.statement(day)
        rows = parse_statement(raw)
    except (GatewayUnavailable, ProtocolError, KeyError, ValueError) as exc:
        raise _unavailable() from exc
    theirs_paid = {r.order_no: r for r in rows if r.kind == "支付"}
    theirs_refunds = {r.refund_no: r for r in rows if r.kind == "退款"}
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    ours = {o.order_no: o for o in PaymentOrder.objects.filter(provider=provider_code, paid_on=day)}
    our_refunds = {
        r.refund_no: r
        for r in Refund.objects.filter(
            order__provider=provider_code,
            state=RefundState.SUCCEEDED,
            settled_at__gte=start,
            settled_at__lt=start + dt.timedelta(days=1),
        ).select_related("order")
    }
    mismatches: list[dict[str, object]] = []
    matched = 0
    for order_no, order in sorted(ours.items()):
        row = theirs_paid.get(order_no)
        if row is None:
            mismatches.append(
                {
                    "kind": MismatchKind.MISSING_AT_PLATFORM.value,
                    "order_no": order_no,
                    "ours": order.amount_fen,
                    "theirs": None,
                }
            )
        elif row.amount_fen != order.amount_fen:
            mismatches.append(
                {
                    "kind": MismatchKind.AMOUNT_DIFFERS.value,
                    "order_no": order_no,
                    "ours": order.amount_fen,
                    "theirs": row.amount_fen,
                }
            )
        elif row.transaction_id != order.transaction_id:
            mismatches.append(
                {
                    "kind": MismatchKind.TRANSACTION_DIFFERS.value,
                    "order_no": order_no,
                    "ours": order.transaction_id,
                    "theirs": row.transaction_id,
                }
            )
        else:
            matched += 1
    for order_no, row in sorted(theirs_paid.items()):
        if order_no not in ours:
            mismatches.append(
                {
                    "kind": MismatchKind.MISSING_HERE.value,
                    "order_no": order_no,
                    "ours": None,
                    "theirs": row.amount_fen,
                }
            )
    for refund_no, refund in sorted(our_refunds.items()):
        row = theirs_refunds.get(refund_no)
        if row is None:
            mismatches.append(
                {
                    "kind": MismatchKind.REFUND_MISSING_AT_PLATFORM.value,
                    "order_no": refund.order.order_no,
                    "ours": refund.amount_fen,
                    "theirs": None,
                }
            )
        elif row.amount_fen != refund.amount_fen:
            mismatches.append(
                {
                    "kind": MismatchKind.REFUND_AMOUNT_DIFFERS.value,
                    "order_no": refund.order.order_no,
                    "ours": refund.amount_fen,
                    "theirs": row.amount_fen,
                }
            )
        else:
            matched += 1
    for refund_no, row in sorted(theirs_refunds.items()):
        if refund_no not in our_refunds:
            mismatches.append(
                {
                    "kind": MismatchKind.REFUND_MISSING_HERE.value,
                    "order_no": row.order_no,
                    "ours": None,
                    "theirs": row.amount_fen,
                }
            )
    with transaction.atomic():
        run = Reconciliation.objects.create(
            provider=provider_code,
            day=day,
            actor=actor,
            platform_rows=len(rows),
            our_rows=len(ours) + len(our_refunds),
            matched=matched,
            statement_sha256=hashlib.sha256(raw).hexdigest(),
            mismatches=mismatches,
        )
        record(
            "payment.reconciled",
            f"reconciliation:{provider_code}:{day.isoformat()}",
            actor,
            {"run": run.pk, "statement": run.statement_sha256, "mismatches": len(mismatches)},
        )
    return run
