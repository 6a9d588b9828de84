"""缴费 in the console: the orders within the staff member's scope (region subtree and
department), one order with its lines, notifications and refunds, a refund with its reason
(chiefs), and the daily 对账 against a platform's statement (a scope over the whole city).

Every change goes through the payments service, which checks the scope again, asks the
platform and writes the ledger entry; these views parse and render.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.scoping import roles_of, staff_of
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.payments import selectors, services
from ninhaoban.payments.models import OrderState, ProviderCode


def _fen(text: str) -> int:
    """An amount typed in yuan ("20", "20.5", "20.50") as fen."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidInput(
            "请填写退款金额（元，最多两位小数）",
            "give the refund in yuan, at most two decimals",
            field="amount",
        )
    return int(value * 100)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput("请选择对账日期", "choose the day to reconcile", field="day") from exc


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    state = request.GET.get("state", "")
    if state not in OrderState.values:
        state = ""
    query = request.GET.get("q", "").strip()[:32]
    context = {
        "orders": selectors.staff_orders(request.user, state=state, query=query),
        "states": OrderState.values,
        "state": state,
        "q": query,
    }
    return render(request, "console/payments/list.html", context)


def _order_context(request: HttpRequest, order_no: str) -> dict[str, Any]:
    order = selectors.staff_order(request.user, order_no)
    return {
        "order": order,
        "callbacks": selectors.callbacks_of(order),
        "refunds": selectors.refunds_of(order),
        "may_refund": order.state == OrderState.PAID
        and bool(roles_of(request.user, selectors.REFUNDERS)),
    }


@login_required
def order_page(request: HttpRequest, order_no: str) -> HttpResponse:
    staff_of(request.user)
    return render(request, "console/payments/order.html", _order_context(request, order_no))


@login_required
@require_POST
def refund(request: HttpRequest, order_no: str) -> HttpResponse:
    staff_of(request.user)
    context = _order_context(request, order_no)
    try:
        services.refund_by_staff(
            request.user,
            context["order"],
            amount_fen=_fen(request.POST.get("amount", "")),
            reason=request.POST.get("reason", "")[:128],
        )
    except DomainError as exc:
        context.update(error=exc, amount=request.POST.get("amount", ""))
        return render(request, "console/payments/order.html", context, status=exc.status)
    return redirect("console:payment", order_no)


@login_required
@require_http_methods(["GET", "POST"])
def reconciliations(request: HttpRequest) -> HttpResponse:
    """每日对账: the runs so far, and a run for a platform and a day (yesterday by default)."""
    staff_of(request.user)
    context: dict[str, Any] = {
        "runs": selectors.reconciliations(request.user),
        "providers": ProviderCode.values,
        "day": timezone.localdate() - dt.timedelta(days=1),
    }
    if request.method == "POST":
        try:
            run = services.reconcile_by_staff(
                request.user, request.POST.get("provider", ""), _day(request.POST.get("day", ""))
            )
        except DomainError as exc:
            context["error"] = exc
            return render(
                request, "console/payments/reconciliations.html", context, status=exc.status
            )
        return redirect("console:reconciliation", run.pk)
    return render(request, "console/payments/reconciliations.html", context)


@login_required
def reconciliation_page(request: HttpRequest, pk: int) -> HttpResponse:
    staff_of(request.user)
    run = selectors.reconciliation(request.user, pk)
    return render(request, "console/payments/reconciliation.html", {"run": run})
