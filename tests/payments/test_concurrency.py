"""No double payment under 50 concurrent duplicate notifications (PostgreSQL: SQLite has one
writer at a time, so it cannot show a race)."""

import threading

import pytest
from django.db import connection, connections

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.payments import bills, services
from ninhaoban.payments.models import Channel, OrderState, Receipt
from tests.conftest import seed_world
from tests.payments.conftest import post_notice, scanned


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_duplicate_notifications_pay_once(paysandbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes every writer, so there is no race")
    seed_world()
    payer = Applicant.objects.filter(kind=ApplicantKind.PERSON).first()
    bill = bills.fetch_bill("gas", "62345671")
    order = services.order_for_bill(
        bill, payer=payer, region_id=payer.region_id, channel=Channel.WEB
    )
    order = services.start_qr(order, "wechat")
    txn = scanned(paysandbox, order)
    same = paysandbox.platforms.notice(txn)
    notices = [same] * 25 + [paysandbox.platforms.notice(txn) for _ in range(25)]
    start = threading.Barrier(len(notices))
    answers: list[int] = []

    def send(notice) -> None:
        start.wait()
        try:
            answers.append(post_notice("wechat", (dict(notice[0]), notice[1])).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in notices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert sorted(set(answers)) == [204]
    assert Receipt.objects.filter(order=order).count() == 1
    assert (
        LedgerEntry.objects.filter(
            kind="payment.paid", subjects__subject=f"payment:{order.order_no}"
        ).count()
        == 1
    )
