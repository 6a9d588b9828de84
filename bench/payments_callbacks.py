"""支付通知: verified, idempotent notifications handled per second on PostgreSQL by concurrent
senders, next to a bare insert baseline measured in the same run; then a check that every
order was paid once.

Figure: THREADS senders deliver ORDERS WeChat Pay v3 notifications, each one twice (the
platforms resend), through `payments.services.handle_notification`, the function behind
`POST /api/v1/payments/notify/wechat`: the RSA-SHA256 signature checked, the AES-256-GCM
resource decrypted, the (provider, notify_id) row written to the callback log (the second
copy finds it there and changes nothing), the order locked and marked paid, the 电子票据
signed (Ed25519) and the ledger entry written, one transaction each. Baseline: the same
senders insert as many bare callback log rows, one transaction each. Target ≥ 500/s.

The orders are made and their QR codes "scanned" at the paysandbox (in this process, on a
free loopback port) before the clock starts: only the notifications are timed.

The database is a scratch copy: `test_<name>` of DATABASE_URL (created and dropped here).
Senders are threads of this process by default; `--processes` forks them instead, as the
platform's gunicorn workers are processes (threads share one interpreter lock, so on a
small machine they measure that lock as much as the handling).

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h_pay \
     .venv/bin/python bench/payments_callbacks.py [--threads 8 --orders 1000] [--processes]
"""

import argparse
import sys

import _common

_common.setup("pay")

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402


def run(threads: int, orders: int, processes: bool) -> None:
    from ninhaoban.accounts.models import Applicant, ApplicantKind
    from ninhaoban.demo import accounts, regions
    from ninhaoban.payments import bills, services
    from ninhaoban.payments.models import CallbackLog, OrderState, PaymentOrder, Receipt
    from ninhaoban.payments.paysandbox.server import start_in_thread

    sandbox = start_in_thread("127.0.0.1", 0)
    settings.NHB_PAY_GATEWAY_URL = settings.NHB_BILLS_URL = sandbox.url
    settings.NHB_BASE_URL = "http://127.0.0.1:9"  # the sandbox's own deliveries go nowhere
    regions.seed()
    accounts.seed_applicants(persons=4, organizations=0)
    payer = Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()
    assert payer is not None
    notices: list[tuple[dict[str, str], bytes]] = []
    for k in range(orders):
        bill = bills.Bill("water", f"{10_000_001 + k}", "咸宁市供水公司", "张*", "2026-11", 3000)
        order = services.order_for_bill(bill, payer=payer, region_id=payer.region_id, channel="web")
        order = services.start_qr(order, "wechat")
        found = sandbox.platforms.scan(order.checkout)
        assert found is not None
        notices.append(sandbox.platforms.notice(found[0]))
    sent = [n for notice in notices for n in (notice, notice)]  # each delivered twice
    share = [sent[n::threads] for n in range(threads)]

    def bare(n: int) -> None:
        for k in range(len(share[n])):
            with transaction.atomic():
                CallbackLog.objects.create(
                    provider="bench", notify_id=f"{n}-{k}", order_no=f"B{n}-{k}", outcome="bare"
                )

    def handle(n: int) -> None:
        for headers, body in share[n]:
            status, _, _ = services.handle_notification("wechat", headers, body)
            if status >= 300:
                raise RuntimeError(f"notification answered {status}")

    together = _common.together_in_processes if processes else _common.together
    base = together(threads, bare, "sender")
    took = together(threads, handle, "sender")
    sandbox.shutdown()
    total = len(sent)
    paid = PaymentOrder.objects.filter(state=OrderState.PAID).count()
    receipts = Receipt.objects.count()
    settled = CallbackLog.objects.filter(provider="wechat", outcome="settled").count()
    senders = "processes" if processes else "threads"
    print(
        f"{threads} concurrent sender {senders} × {total // threads} notifications "
        f"({orders} orders, twice)"
    )
    print(f"  baseline bare insert:   {total / base:8.0f} rows/s           ({base:6.2f} s)")
    print(
        f"  handle_notification:    {total / took:8.0f} notifications/s  ({took:6.2f} s)  "
        f"ratio {took / base:5.2f} of the baseline's time"
    )
    print(f"  orders paid: {paid}/{orders}, receipts: {receipts}, settled notices: {settled}")
    if not paid == receipts == settled == orders:
        raise SystemExit("an order was paid twice or not at all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument(
        "--processes",
        action="store_true",
        help="senders as forked processes (as gunicorn's workers) instead of threads",
    )
    args = parser.parse_args()
    _common.on_scratch_postgres(
        "bench/payments_callbacks.py", lambda: run(args.threads, args.orders, args.processes)
    )


if __name__ == "__main__":
    sys.exit(main())
