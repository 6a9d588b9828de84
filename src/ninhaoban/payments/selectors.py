"""Reads of payments for the pages and for the apps above (supervision's `collected`)."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import require_whole_scope, scoped
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import NotFound
from ninhaoban.payments.models import (
    CallbackLog,
    OrderState,
    PaymentOrder,
    Receipt,
    Reconciliation,
    Refund,
    RefundState,
    yuan,
)
from ninhaoban.regions.selectors import subtree_q

# Who sees orders in the console: the hall's clerks, the department's approvers and chiefs,
# supervisors; refunds and 对账 are for chiefs (and admins, who every scope includes).
ORDER_READERS = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)
REFUNDERS = (Role.CHIEF,)
RECONCILERS = (Role.CHIEF, Role.SUPERVISOR)


@dataclass(frozen=True)
class Collected:
    orders: int
    paid: int
    paid_fen: int
    refunded_fen: int


def collected(
    *, region_code: str, department_id: int | None = None, start: dt.date, end: dt.date
) -> Collected:
    """Orders made, and money taken and given back, in a region subtree (and department)
    between two days inclusive (docs/contracts.md)."""
    where = subtree_q("region", region_code)
    if department_id is not None:
        where &= Q(department_id=department_id)
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rows = PaymentOrder.objects.filter(where)
    made = rows.filter(created_at__gte=lo, created_at__lt=hi).aggregate(n=Count("pk"))
    paid = rows.filter(paid_on__gte=start, paid_on__lte=end).aggregate(
        n=Count("pk"), fen=Sum("amount_fen")
    )
    refunded = Refund.objects.filter(
        state=RefundState.SUCCEEDED,
        settled_at__gte=lo,
        settled_at__lt=hi,
        order__in=rows,
    ).aggregate(fen=Sum("amount_fen"))
    return Collected(
        orders=made["n"],
        paid=paid["n"],
        paid_fen=paid["fen"] or 0,
        refunded_fen=refunded["fen"] or 0,
    )


def order_of_payer(payer: Applicant, order_no: str) -> PaymentOrder:
    """The payer's own order; anyone else's is not there (404, not 403)."""
    order = (
        PaymentOrder.objects.select_related("payer")
        .filter(order_no=order_no[:32], payer=payer)
        .first()
    )
    if order is None:
        raise NotFound(f"订单{order_no[:32]}不存在", f"no order {order_no[:32]}")
    return order


def order_of_payers(payers: list[Applicant], order_no: str) -> PaymentOrder:
    """An order paid by one of these (a person and the companies they act for at a
    terminal); anyone else's is not there."""
    order = (
        PaymentOrder.objects.select_related("payer")
        .filter(order_no=order_no[:32], payer__in=[p.pk for p in payers])
        .first()
    )
    if order is None:
        raise NotFound(f"订单{order_no[:32]}不存在", f"no order {order_no[:32]}")
    return order


def orders_of(payer: Applicant, limit: int = 50) -> list[PaymentOrder]:
    return list(PaymentOrder.objects.filter(payer=payer).select_related("receipt")[:limit])


def order_for_case(case_no: str) -> PaymentOrder | None:
    """The open or paid fee order of a case, if any."""
    return (
        PaymentOrder.objects.filter(
            reference=case_no,
            kind="case_fee",
            state__in=(OrderState.CREATED, OrderState.PAYING, OrderState.PAID),
        )
        .select_related("payer")
        .first()
    )


def receipt_by_number(number: str) -> Receipt:
    found = (
        Receipt.objects.select_related("order", "order__payer").filter(number=number[:32]).first()
    )
    if found is None:
        raise NotFound(f"票据{number[:32]}不存在", f"no receipt {number[:32]}")
    return found


def receipt_of_payer(payer: Applicant, number: str) -> Receipt:
    receipt = receipt_by_number(number)
    if receipt.order.payer_id != payer.pk:
        raise NotFound(f"票据{number[:32]}不存在", f"no receipt {number[:32]}")
    return receipt


def staff_orders(
    user: User | AnonymousUser, *, state: str = "", query: str = "", limit: int = 100
) -> QuerySet[PaymentOrder]:
    rows = scoped(
        PaymentOrder.objects.select_related("payer", "region", "department"),
        user,
        ORDER_READERS,
        region_field="region",
        department_field="department",
    )
    if state:
        rows = rows.filter(state=state)
    if query:
        rows = rows.filter(Q(order_no=query) | Q(reference=query))
    return rows[:limit]


def staff_order(user: User | AnonymousUser, order_no: str) -> PaymentOrder:
    order = (
        scoped(
            PaymentOrder.objects.select_related("payer", "region", "department"),
            user,
            ORDER_READERS,
            region_field="region",
            department_field="department",
        )
        .filter(order_no=order_no[:32])
        .first()
    )
    if order is None:
        raise NotFound(f"订单{order_no[:32]}不存在", f"no order {order_no[:32]}")
    return order


def callbacks_of(order: PaymentOrder) -> list[CallbackLog]:
    return list(CallbackLog.objects.filter(order_no=order.order_no)[:50])


def refunds_of(order: PaymentOrder) -> list[Refund]:
    return list(order.refunds.all())


def reconciliations(user: User | AnonymousUser, limit: int = 30) -> list[Reconciliation]:
    """对账 runs cover every region's orders: for a scope over the whole city only."""
    require_whole_scope(user, RECONCILERS)
    return list(Reconciliation.objects.all()[:limit])


def reconciliation(user: User | AnonymousUser, pk: int) -> Reconciliation:
    require_whole_scope(user, RECONCILERS)
    found = Reconciliation.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("对账记录不存在", "no such reconciliation")
    return found


def fee_lines(version: ServiceItemVersion) -> list[dict[str, object]]:
    """收费一表制: the version's fee table in fen; a fee with no fixed amount (按标准) or a
    waivable one is left to the window, not charged here."""
    lines = []
    for fee in version.fees.all():
        if fee.amount is None or fee.waivable or fee.amount <= 0:
            continue
        lines.append(
            {
                "name": fee.name,
                "amount_fen": int((fee.amount * 100).to_integral_value()),
                "basis": fee.basis,
            }
        )
    return lines


@dataclass(frozen=True)
class CaseFee:
    lines: list[dict[str, object]]
    amount_fen: int
    order: PaymentOrder | None  # the open or paid order, if one was made

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


def case_fee(case_no: str, version: ServiceItemVersion | None) -> CaseFee | None:
    """What a case owes by its item's fee table, with its order; None when nothing is
    charged online for it."""
    lines = fee_lines(version) if version is not None else []
    if not lines:
        return None
    amount = sum(int(str(line["amount_fen"])) for line in lines)
    return CaseFee(lines, amount, order_for_case(case_no))
