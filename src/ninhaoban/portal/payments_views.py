"""网上缴费 for applicants: a case's fee, water, power and gas bills, the 城乡居民社保 annual
contribution, my payments and their 电子票据; and the public page that verifies a receipt.

A QR order is paid on a phone: the page shows the platform's code and asks about the order
every few seconds (the platform's notification settles it; a lost one is found by asking).
Only the payer's own orders are there, anyone else's is a 404.
"""

from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import Applicant
from ninhaoban.cases import selectors as cases
from ninhaoban.cases.models import Case, Status
from ninhaoban.core.errors import Conflict, DomainError, Forbidden
from ninhaoban.payments import bills, receipts, selectors, services
from ninhaoban.payments.models import (
    UTILITY_KINDS,
    Channel,
    OrderKind,
    OrderState,
    PaymentOrder,
    ProviderCode,
)
from ninhaoban.portal.acting import actor_of

# A fee is asked for once the office has taken the case in and until it ends.
FEE_STATUSES = (
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.SUSPENDED,
    Status.DECIDED,
    Status.DELIVERING,
    Status.CLOSED,
)
QR_CHOICES = (ProviderCode.WECHAT, ProviderCode.ALIPAY)


def _payer(request: HttpRequest) -> Applicant:
    """Who pays: the person, or the company they act for as its 经办人."""
    actor = actor_of(request)
    if actor.kind != "applicant":
        raise Forbidden("请以办事人身份登录", "sign in as an applicant")
    return actor.own


def fee_of(case: Case) -> selectors.CaseFee | None:
    """The case's fee when one is due now (taken in, not refused or withdrawn)."""
    if case.status not in FEE_STATUSES or case.parent_id is not None:
        return None
    return selectors.case_fee(case.case_no, case.item_version)


def fee_order(payer: Applicant, case_no: str, channel: str) -> PaymentOrder:
    """The order of a case's fee (made, or the open one again), on the website or a kiosk."""
    case = cases.case_for_applicant(payer, case_no)
    if fee_of(case) is None or case.item_version is None:
        raise Conflict("本办件没有需要缴纳的费用", "this case has no fee to pay")
    return services.order_for_case(
        case_no=case.case_no,
        title=f"{case.title}（{case.case_no}）",
        payer=payer,
        version=case.item_version,
        region_id=case.region_id,
        department_id=case.department_id,
        channel=channel,
    )


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=6, border=2)


def scan_url(order: PaymentOrder) -> str:
    """The sandbox's page that plays the phone scanning this QR (the demo has no phone)."""
    if not settings.NHB_PAY_SANDBOX_SCAN or not order.checkout:
        return ""
    return f"{settings.NHB_PAY_GATEWAY_URL}/scan?{urlencode({'code_url': order.checkout})}"


def order_context(order: PaymentOrder) -> dict[str, Any]:
    context: dict[str, Any] = {
        "order": order,
        "providers": QR_CHOICES,
        "refunds": selectors.refunds_of(order),
        "receipt": getattr(order, "receipt", None) if order.state != OrderState.CREATED else None,
    }
    if order.state == OrderState.PAYING and order.checkout:
        context["qr"] = qr_data_uri(order.checkout)
        context["scan_url"] = scan_url(order)
    return context


@login_required(login_url="/login/")
def pay_home(request: HttpRequest) -> HttpResponse:
    _payer(request)
    return render(request, "portal/pay/home.html", {"kinds": UTILITY_KINDS})


@login_required(login_url="/login/")
def my_payments(request: HttpRequest) -> HttpResponse:
    payer = _payer(request)
    return render(request, "portal/pay/list.html", {"orders": selectors.orders_of(payer)})


@login_required(login_url="/login/")
@require_POST
def pay_case(request: HttpRequest, case_no: str) -> HttpResponse:
    order = fee_order(_payer(request), case_no, Channel.WEB)
    return redirect("my-payment", order.order_no)


@login_required(login_url="/login/")
@require_http_methods(["GET", "POST"])
def order_page(request: HttpRequest, order_no: str) -> HttpResponse:
    payer = _payer(request)
    order = selectors.order_of_payer(payer, order_no)
    if request.method == "POST":
        try:
            order = services.start_qr(order, request.POST.get("provider", ""))
        except DomainError as exc:
            context = {**order_context(order), "error": exc}
            return render(request, "portal/pay/order.html", context, status=exc.status)
        return redirect("my-payment", order.order_no)
    if order.state == OrderState.PAYING:
        order = services.refresh(order)
    return render(request, "portal/pay/order.html", order_context(order))


@login_required(login_url="/login/")
def order_status(request: HttpRequest, order_no: str) -> HttpResponse:
    """The part of the order page htmx asks for while the person pays on the phone."""
    order = services.refresh(selectors.order_of_payer(_payer(request), order_no))
    return render(request, "portal/pay/_status.html", order_context(order))


@login_required(login_url="/login/")
@require_POST
def cancel(request: HttpRequest, order_no: str) -> HttpResponse:
    payer = _payer(request)
    services.give_up(selectors.order_of_payer(payer, order_no), payer.subject)
    return redirect("my-payment", order_no)


@login_required(login_url="/login/")
def receipt_pdf(request: HttpRequest, order_no: str) -> HttpResponse:
    order = selectors.order_of_payer(_payer(request), order_no)
    receipt = selectors.receipt_of_payer(order.payer, f"PJ{order.order_no[1:]}")
    response = HttpResponse(receipts.receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return response


@login_required(login_url="/login/")
@require_http_methods(["GET", "POST"])
def utility(request: HttpRequest) -> HttpResponse:
    """Account number → the bill the company says is owed → an order for it."""
    payer = _payer(request)
    kind = request.POST.get("kind") or request.GET.get("kind") or OrderKind.WATER
    context: dict[str, Any] = {"kinds": UTILITY_KINDS, "kind": kind}
    if request.method == "GET":
        return render(request, "portal/pay/utility.html", context)
    account = request.POST.get("account", "")
    context["account"] = account
    try:
        bill = bills.fetch_bill(kind, account)
        if request.POST.get("action") != "pay":
            return render(request, "portal/pay/utility.html", {**context, "bill": bill})
        order = services.order_for_bill(
            bill, payer=payer, region_id=payer.region_id, channel=Channel.WEB
        )
    except DomainError as exc:
        context["error"] = exc
        return render(request, "portal/pay/utility.html", context, status=exc.status)
    return redirect("my-payment", order.order_no)


@login_required(login_url="/login/")
@require_http_methods(["GET", "POST"])
def pension(request: HttpRequest) -> HttpResponse:
    """城乡居民基本养老保险: this year's tiers for the person signed in, one chosen."""
    payer = _payer(request)
    if not payer.is_person:
        raise Forbidden("城乡居民社保只能由本人缴纳", "only the person can pay their own pension")
    offer = bills.contribution_offer(payer.identifier)
    context: dict[str, Any] = {"offer": offer, "payer": payer}
    if request.method == "POST":
        try:
            level = int(request.POST.get("level", "0") or 0)
        except ValueError:
            level = 0
        try:
            order = services.order_for_contribution(
                payer=payer, level=level, region_id=payer.region_id, channel=Channel.WEB
            )
        except DomainError as exc:
            context["error"] = exc
            return render(request, "portal/pay/pension.html", context, status=exc.status)
        return redirect("my-payment", order.order_no)
    return render(request, "portal/pay/pension.html", context)


def verify_receipt_page(request: HttpRequest, number: str) -> HttpResponse:
    receipt = selectors.receipt_by_number(number)
    return render(
        request,
        "portal/pay/verify.html",
        {"receipt": receipt, "order": receipt.order, "verdict": receipts.verify(receipt)},
    )
