"""自助缴费 at a terminal: a case's fee, a water, power or gas bill (its QR code scanned, or
the account number typed), and the 城乡居民社保 annual contribution of the person identified;
paid by scanning the platform's QR with a phone or by bank card in the terminal's reader;
then the 电子票据 printed, with the QR that verifies it.

The payer is the person the terminal identified, or a company they hold a live mandate
for (法定代表人 or 经办人), chosen on the first page and carried in the address (`?as=`);
it is checked again on every request. Orders are the payments service's: the same rules as
on the website (one open order per fee, an order paid once, a card timeout left pending).
A page of an order still being paid reloads itself every few seconds and asks the platform,
so a lost notification is found by asking.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.selectors import mandates_held
from ninhaoban.cases import clock
from ninhaoban.cases import selectors as cases
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.kiosk import devices
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import _pdf, _render, person_page
from ninhaoban.payments import bills, receipts, services
from ninhaoban.payments import selectors as payments
from ninhaoban.payments.models import UTILITY_KINDS, Channel, OrderState, PaymentOrder
from ninhaoban.portal.payments_views import QR_CHOICES, fee_of, fee_order, qr_data_uri, scan_url

REFRESH_SECONDS = 3
# A test card of the sandbox's bank (one ending in 0000 is declined: 余额不足).
DEMO_CARD = "6222020200112233445"


def _companies(session: KioskSession) -> list[Applicant]:
    return [m.organization for m in mandates_held(session.applicant, clock.today())]


def _payer(request: HttpRequest, session: KioskSession) -> Applicant:
    """The person, or the company named by `as` that they may act for today."""
    chosen = (request.POST.get("as") or request.GET.get("as") or "").strip()
    if not chosen:
        return session.applicant
    company = next((c for c in _companies(session) if str(c.pk) == chosen), None)
    if company is None:
        raise Forbidden("您不能代表该企业缴费", "you may not pay for that organization")
    return company


def _as(payer: Applicant, session: KioskSession) -> str:
    return "" if payer.pk == session.applicant_id else str(payer.pk)


def _order(session: KioskSession, order_no: str) -> PaymentOrder:
    return payments.order_of_payers([session.applicant, *_companies(session)], order_no)


def _order_url(kiosk: Kiosk, order: PaymentOrder) -> str:
    return reverse("kiosk-pay-order", args=[kiosk.code, order.order_no])


@person_page
def pay_home(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """What the payer can pay here, and the companies the person may pay for."""
    payer = _payer(request, session)
    fees = []
    for case in cases.cases_of(payer, 20):
        fee = fee_of(case)
        if fee is not None and (fee.order is None or fee.order.state != OrderState.PAID):
            fees.append((case, fee))
    context = {
        "payer": payer,
        "as": _as(payer, session),
        "companies": _companies(session),
        "fees": fees,
        "kinds": UTILITY_KINDS,
        "orders": payments.orders_of(payer, 10),
    }
    return _render(request, kiosk, session, "kiosk/pay/home.html", context)


@person_page
@require_POST
def pay_case(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, case_no: str
) -> HttpResponse:
    order = fee_order(_payer(request, session), case_no, Channel.KIOSK)
    return redirect(_order_url(kiosk, order))


@person_page
@require_http_methods(["GET", "POST"])
def utility(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """The bill's QR code read by the terminal's scanner (it types the code into the
    focused field), or the kind chosen and the account number typed; then the bill, then
    an order for it."""
    payer = _payer(request, session)
    kind = request.POST.get("kind") or request.GET.get("kind") or UTILITY_KINDS[0]
    context: dict[str, Any] = {"kinds": UTILITY_KINDS, "kind": kind, "as": _as(payer, session)}
    if request.method == "GET":
        return _render(request, kiosk, session, "kiosk/pay/utility.html", context)
    account = request.POST.get("account", "")
    try:
        if request.POST.get("code", "").strip():
            kind, account = bills.read_bill_code(request.POST["code"])
        context.update(kind=kind, account=account)
        bill = bills.fetch_bill(kind, account)
        if request.POST.get("action") != "pay":
            context["bill"] = bill
            return _render(request, kiosk, session, "kiosk/pay/utility.html", context)
        order = services.order_for_bill(
            bill, payer=payer, region_id=kiosk.hall.region_id, channel=Channel.KIOSK
        )
    except DomainError as exc:
        context["error"] = exc
        return _render(request, kiosk, session, "kiosk/pay/utility.html", context, exc.status)
    return redirect(_order_url(kiosk, order))


@person_page
@require_http_methods(["GET", "POST"])
def pension(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """城乡居民基本养老保险 of the person the terminal identified by their ID: this year's
    tiers from 人社, one chosen; a company cannot pay it."""
    person = session.applicant
    offer = bills.contribution_offer(person.identifier)
    context: dict[str, Any] = {"offer": offer, "payer": person}
    if request.method == "POST":
        try:
            level = int(request.POST.get("level", "0") or 0)
        except ValueError:
            level = 0
        try:
            order = services.order_for_contribution(
                payer=person, level=level, region_id=kiosk.hall.region_id, channel=Channel.KIOSK
            )
        except DomainError as exc:
            context["error"] = exc
            return _render(request, kiosk, session, "kiosk/pay/pension.html", context, exc.status)
        return redirect(_order_url(kiosk, order))
    return _render(request, kiosk, session, "kiosk/pay/pension.html", context)


def _order_context(order: PaymentOrder) -> dict[str, Any]:
    context: dict[str, Any] = {
        "order": order,
        "providers": QR_CHOICES,
        "demo": settings.NHB_PAY_SANDBOX_SCAN,
        "demo_card": DEMO_CARD,
    }
    if order.state == OrderState.PAYING:
        context["refresh"] = REFRESH_SECONDS
        if order.checkout:
            context["qr"] = qr_data_uri(order.checkout)
            context["scan_url"] = scan_url(order)
    if order.state in (OrderState.PAID, OrderState.REFUNDED):
        receipt = payments.receipt_of_payer(order.payer, f"PJ{order.order_no[1:]}")
        context["receipt"] = receipt
        context["verify_qr"] = qr_data_uri(receipts.verify_url(receipt))
    return context


def _insert_demo_card(kiosk: Kiosk, card_no: str) -> None:
    """演示: the operator puts a test card in the simulated reader (only with the sandbox)."""
    if not settings.NHB_PAY_SANDBOX_SCAN:
        raise Forbidden("本终端不能模拟插卡", "this terminal does not simulate cards")
    devices.SIMULATOR.insert_bank_card(kiosk.code, card_no.strip())


def _charge(kiosk: Kiosk, order: PaymentOrder) -> PaymentOrder:
    card = devices.card_reader().read_bank_card(kiosk.code)
    if card is None:
        raise InvalidInput(
            "未检测到银行卡，请插入银行卡并输入密码", "no bank card: insert it and enter the PIN"
        )
    return services.charge_card(order, card)


@person_page
@require_http_methods(["GET", "POST"])
def order_page(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, order_no: str
) -> HttpResponse:
    """The order: choose 微信/支付宝 (a QR for the phone) or 银行卡 (the reader); while it is
    being paid the page asks the platform on each reload; once paid, the 电子票据."""
    order = _order(session, order_no)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "qr":
                services.start_qr(order, request.POST.get("provider", ""))
            elif action == "insert_card":
                _insert_demo_card(kiosk, request.POST.get("card", ""))
            elif action == "card":
                _charge(kiosk, order)
            elif action == "cancel":
                services.give_up(order, session.applicant.subject)
            else:
                raise InvalidInput("请选择支付方式", "choose a way to pay", field="action")
        except DomainError as exc:
            order = _order(session, order_no)
            context = {**_order_context(order), "error": exc}
            return _render(request, kiosk, session, "kiosk/pay/order.html", context, exc.status)
        return redirect(_order_url(kiosk, order))
    if order.state == OrderState.PAYING:
        order = services.refresh(order)
    return _render(request, kiosk, session, "kiosk/pay/order.html", _order_context(order))


@person_page
def receipt_pdf(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession, order_no: str
) -> HttpResponse:
    """The 电子票据 for the terminal's printer."""
    order = _order(session, order_no)
    receipt = payments.receipt_of_payer(order.payer, f"PJ{order.order_no[1:]}")
    return _pdf(receipts.receipt_pdf(receipt), f"receipt-{receipt.number}.pdf")
