"""Fixtures for payments: the paysandbox on a free loopback port for the session, one key
folder for the session (RSA keys take a while to make), the platforms' misbehaviour reset
before each test, and notifications sent through the test client, not the network."""

from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.payments import bills, services
from ninhaoban.payments.models import Channel, PaymentOrder
from ninhaoban.payments.paysandbox.platforms import Control, Txn
from ninhaoban.payments.paysandbox.server import PaySandboxServer, start_in_thread


@pytest.fixture(scope="session")
def paysandbox() -> Iterator[PaySandboxServer]:
    server = start_in_thread("127.0.0.1", 0)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def pay_var(tmp_path_factory):
    return tmp_path_factory.mktemp("payvar")


@pytest.fixture(autouse=True)
def _pay_settings(paysandbox: PaySandboxServer, pay_var, settings) -> None:
    settings.VAR_DIR = pay_var
    settings.NHB_PAY_GATEWAY_URL = paysandbox.url
    settings.NHB_BILLS_URL = paysandbox.url
    # the sandbox's own deliveries go nowhere (the discard port): tests post notifications
    settings.NHB_BASE_URL = "http://127.0.0.1:9"
    with paysandbox.platforms.lock:
        paysandbox.platforms.control = Control()
        paysandbox.platforms.pension_paid.clear()


@pytest.fixture
def payer() -> Applicant:
    return Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()


@pytest.fixture
def other_payer(payer) -> Applicant:
    return Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(pk=payer.pk).first()


@pytest.fixture
def water_order(payer) -> Callable[..., PaymentOrder]:
    """water_order("12345671") -> an order for that account's water bill, paid by `payer`."""

    def make(account: str = "12345671", who: Applicant | None = None) -> PaymentOrder:
        bill = bills.fetch_bill("water", account)
        return services.order_for_bill(
            bill, payer=who or payer, region_id=(who or payer).region_id, channel=Channel.WEB
        )

    return make


def post_notice(provider: str, notice: tuple[dict[str, str], bytes]):
    headers, body = notice
    return Client().post(
        f"/api/v1/payments/notify/{provider}",
        body,
        content_type=headers.pop("Content-Type"),
        headers=headers,
    )


def scanned(paysandbox: PaySandboxServer, order: PaymentOrder) -> Txn:
    found = paysandbox.platforms.scan(order.checkout)
    assert found is not None
    return found[0]
