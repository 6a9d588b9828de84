"""Demo payments: bills paid by QR and by card, a refunded one, one waiting for payment and one
paying (its QR shown), a 城乡居民社保 contribution, for the first demo persons (许超 among them).

They are paid through a paysandbox started in this process for the seeding (the one
`make run` starts is another process and has not seen them, so its statements lack them: a
对账 of today lists them as 平台无此笔支付, as a real platform would for payments it never
took). Safe to run again: a person who has orders is left as they are.
"""

from django.conf import settings
from django.test.utils import override_settings

from ninhaoban.accounts.models import Applicant
from ninhaoban.demo.accounts import demo_persons
from ninhaoban.payments import bills, selectors, services
from ninhaoban.payments.models import Channel, OrderKind, PaymentOrder
from ninhaoban.payments.paysandbox.server import PaySandboxServer, start_in_thread

CARD = "6222020200112233"
# (person index, kind, account, how, refund reason)
BILLS = [
    (3, OrderKind.WATER, "13572461", "wechat", ""),
    (3, OrderKind.POWER, "23572461", "alipay", ""),
    (3, OrderKind.GAS, "33572461", "", ""),  # left waiting for payment
    (0, OrderKind.WATER, "43572461", "unionpay", ""),
    (0, OrderKind.POWER, "53572461", "alipay", "重复缴费，原路退回"),
    (1, OrderKind.GAS, "63572461", "wechat-paying", ""),  # its QR shown, never scanned
]


def _pay(server: PaySandboxServer, order: PaymentOrder, how: str) -> PaymentOrder:
    if how == "unionpay":
        return services.charge_card(order, CARD)
    order = services.start_qr(order, how)
    found = server.platforms.scan(order.checkout)
    if found is None:
        return order
    headers, body = server.platforms.notice(found[0])
    services.handle_notification(how, headers, body)
    return selectors.order_of_payer(order.payer, order.order_no)


def _seed(server: PaySandboxServer, persons: list[Applicant]) -> int:
    made = 0
    for index, kind, account, how, refund in BILLS:
        payer = persons[index]
        channel = Channel.KIOSK if how == "unionpay" else Channel.WEB
        bill = bills.fetch_bill(kind, account)
        order = services.order_for_bill(
            bill, payer=payer, region_id=payer.region_id, channel=channel
        )
        made += 1
        if how == "wechat-paying":
            services.start_qr(order, "wechat")
        elif how:
            order = _pay(server, order, how)
            if refund:
                services.request_refund(
                    order, amount_fen=order.amount_fen, reason=refund, actor="system"
                )
    pension_payer = persons[3]
    order = services.order_for_contribution(
        payer=pension_payer, level=2, region_id=pension_payer.region_id, channel=Channel.WEB
    )
    _pay(server, order, "alipay")
    return made + 1


def seed() -> str:
    persons = [person for person, _ in demo_persons(4)]
    if len(persons) < 4 or selectors.orders_of(persons[3], 1):
        return "payments: 0 new orders"
    server = start_in_thread()
    try:
        with override_settings(
            NHB_PAY_GATEWAY_URL=server.url,
            NHB_BILLS_URL=server.url,
            # the in-process platform's own deliveries go nowhere: the seeding settles
            NHB_BASE_URL="http://127.0.0.1:9",
        ):
            made = _seed(server, persons)
    finally:
        server.shutdown()
        server.server_close()
    return f"payments: {made} orders (gateway afterwards {settings.NHB_PAY_GATEWAY_URL})"
