"""自助缴费 at a terminal: a case fee by QR to the printed 电子票据, a water bill from its QR code
paid by bank card, a declined card and no card (nothing paid, the order still payable), the
社保 tiers by card, a company paid for by its 经办人, and nobody reaching another payer's
order or acting for a company they hold no mandate for."""

import datetime as dt

import pytest

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import clock
from ninhaoban.kiosk import devices
from ninhaoban.payments.models import OrderKind, OrderState, PaymentOrder
from tests.kiosk.conftest import BASE, KIOSK
from tests.payments.conftest import _pay_settings, pay_var, paysandbox, post_notice, scanned
from tests.payments.test_pages import fee_case

__all__ = ["_pay_settings", "pay_var", "paysandbox"]

pytestmark = pytest.mark.django_db
GOOD_CARD = "6222020200112233445"
DECLINED_CARD = "6222020200112230000"  # the sandbox's bank: 余额不足


@pytest.fixture(autouse=True)
def _demo_scan(settings) -> None:
    settings.NHB_PAY_SANDBOX_SCAN = True


def people() -> list[Applicant]:
    rows = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="")
    return list(rows.order_by("pk"))


def test_a_case_fee_by_qr_to_the_printed_receipt(identified, paysandbox):
    person = people()[0]
    case = fee_case(person)
    client = identified(person)
    home = client.get(f"{BASE}pay/").content.decode()
    assert case.case_no in home and "20.00" in home
    answer = client.post(f"{BASE}pay/cases/{case.case_no}/")
    order = PaymentOrder.objects.get(kind=OrderKind.CASE_FEE, reference=case.case_no)
    assert answer.url == f"{BASE}pay/orders/{order.order_no}/"
    assert order.channel == "kiosk" and order.amount_fen == 2000
    client.post(answer.url, {"action": "qr", "provider": "alipay"})
    page = client.get(answer.url).content.decode()
    assert 'http-equiv="refresh"' in page and "data:image/svg+xml" in page
    order.refresh_from_db()
    post_notice("alipay", paysandbox.platforms.notice(scanned(paysandbox, order)))
    page = client.get(answer.url).content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert f"PJ{order.order_no[1:]}" in page and 'id="receipt-qr"' in page
    assert 'http-equiv="refresh"' not in page
    pdf = client.get(f"{answer.url}receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'id="pay-fees"' not in client.get(f"{BASE}pay/").content.decode()  # nothing owed


def test_the_case_page_offers_its_fee_then_shows_it_paid(identified, paysandbox):
    person = people()[0]
    case = fee_case(person)
    client = identified(person)
    page = client.get(f"{BASE}cases/{case.case_no}/").content.decode()
    assert 'id="case-fee"' in page and 'id="pay-fee"' in page and "20.00" in page
    assert f'action="{BASE}pay/cases/{case.case_no}/"' in page
    answer = client.post(f"{BASE}pay/cases/{case.case_no}/")
    order = PaymentOrder.objects.get(kind=OrderKind.CASE_FEE, reference=case.case_no)
    page = client.get(f"{BASE}cases/{case.case_no}/").content.decode()
    assert 'id="pay-fee"' not in page and f"{answer.url}" in page  # 继续缴费
    client.post(answer.url, {"action": "insert_card", "card": GOOD_CARD})
    client.post(answer.url, {"action": "card"})
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    page = client.get(f"{BASE}cases/{case.case_no}/").content.decode()
    assert "已缴费" in page and 'id="pay-fee"' not in page


def test_a_water_bill_from_its_qr_code_paid_by_bank_card(identified, paysandbox):
    person = people()[1]
    client = identified(person)
    shown = client.post(f"{BASE}pay/utility/", {"code": "bill:water:12345671"})
    assert shown.status_code == 200 and 'id="bill"' in shown.content.decode()
    answer = client.post(
        f"{BASE}pay/utility/", {"kind": "water", "account": "12345671", "action": "pay"}
    )
    order = PaymentOrder.objects.get(order_no=answer.url.rstrip("/").rsplit("/", 1)[1])
    assert order.kind == OrderKind.WATER and order.payer == person
    client.post(answer.url, {"action": "insert_card", "card": GOOD_CARD})
    paid = client.post(answer.url, {"action": "card"})
    assert paid.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.provider == "unionpay"
    assert devices.SIMULATOR.read_bank_card(KIOSK) is None  # the reader gave the card back


def test_a_declined_card_and_no_card_leave_the_order_payable(identified, paysandbox):
    client = identified(people()[2])
    answer = client.post(
        f"{BASE}pay/utility/", {"kind": "gas", "account": "22345671", "action": "pay"}
    )
    no_card = client.post(answer.url, {"action": "card"})
    assert no_card.status_code == 422 and "未检测到银行卡" in no_card.content.decode()
    client.post(answer.url, {"action": "insert_card", "card": DECLINED_CARD})
    declined = client.post(answer.url, {"action": "card"})
    assert declined.status_code == 422 and "银行卡支付未成功" in declined.content.decode()
    order = PaymentOrder.objects.get(order_no=answer.url.rstrip("/").rsplit("/", 1)[1])
    assert order.state == OrderState.CREATED and not order.transaction_id


def test_bad_bill_codes_and_cards_are_refused_with_nothing_written(identified, paysandbox):
    client = identified(people()[3])
    before = PaymentOrder.objects.count()
    for code in ("bill:cable:12345671", "https://example.com/", "bill:water:12"):
        answer = client.post(f"{BASE}pay/utility/", {"code": code})
        assert answer.status_code == 422, code
    answer = client.post(
        f"{BASE}pay/utility/", {"kind": "power", "account": "32345671", "action": "pay"}
    )
    refused = client.post(answer.url, {"action": "insert_card", "card": "12ab"})
    assert refused.status_code == 422
    assert PaymentOrder.objects.count() == before + 1


def test_the_pension_by_bank_card_then_the_year_shows_paid(identified, paysandbox):
    person = people()[4]
    client = identified(person)
    page = client.get(f"{BASE}pay/pension/").content.decode()
    assert "第1档" in page
    answer = client.post(f"{BASE}pay/pension/", {"level": "2"})
    client.post(answer.url, {"action": "insert_card", "card": GOOD_CARD})
    client.post(answer.url, {"action": "card"})
    order = PaymentOrder.objects.get(payer=person, kind=OrderKind.SOCIAL_INSURANCE)
    assert order.state == OrderState.PAID and order.channel == "kiosk"
    page = client.get(f"{BASE}pay/pension/").content.decode()  # 人社 was told: paid
    assert 'id="pension-paid"' in page and 'name="level"' not in page
    assert client.post(f"{BASE}pay/pension/", {"level": "1"}).status_code == 409


def test_an_agent_pays_a_bill_as_the_company(identified, paysandbox):
    representative, agent, stranger = people()[5:8]
    company = Applicant.objects.filter(kind=ApplicantKind.ORGANIZATION).order_by("pk").first()
    today = clock.today()
    accounts.record_representative(
        organization=company, person=representative, day=today, evidence={}
    )
    accounts.name_agent(
        organization=company,
        representative=representative,
        agent=agent,
        items=[],
        until=today + dt.timedelta(days=30),
        day=today,
    )
    client = identified(agent)
    assert company.display_name in client.get(f"{BASE}pay/").content.decode()
    answer = client.post(
        f"{BASE}pay/utility/",
        {"kind": "power", "account": "42345671", "action": "pay", "as": str(company.pk)},
    )
    order = PaymentOrder.objects.get(order_no=answer.url.rstrip("/").rsplit("/", 1)[1])
    assert order.payer == company
    assert client.get(answer.url).status_code == 200  # the agent sees the company's order
    other = identified(stranger)
    assert other.get(answer.url).status_code == 404
    refused = other.post(
        f"{BASE}pay/utility/",
        {"kind": "power", "account": "52345671", "action": "pay", "as": str(company.pk)},
    )
    assert refused.status_code == 403
    assert not PaymentOrder.objects.filter(reference__startswith="52345671").exists()
