"""What the payment platforms and the utility companies know and say, without HTTP: the
transactions they hold, the notifications they sign, their statements and the bills.

The server (server.py) wraps this in HTTP; the tests build notifications with it directly
to send good, forged, duplicated and out-of-order ones.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ninhaoban.payments import keys
from ninhaoban.payments.protocols import (
    alipay_sign,
    fen_to_yuan,
    unionpay_sign,
    wechat_encrypt,
    wechat_signed_headers,
)
from ninhaoban.payments.providers import (
    ALIPAY_APP_ID,
    APP_ID,
    MERCHANT_ID,
    STATEMENT_COLUMNS,
    UNIONPAY_MER_ID,
)

COMPANIES = {
    "water": "咸宁市水务集团有限公司",
    "power": "国网湖北省电力有限公司咸宁供电公司",
    "gas": "咸宁市燃气有限公司",
}
PENSION_TIERS_YUAN = (200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000)
SURNAMES = "王李张刘陈杨黄赵吴周"


@dataclass
class Txn:
    provider: str
    order_no: str
    amount_fen: int
    notify_url: str
    code_url: str = ""
    state: str = "NOTPAY"  # NOTPAY, SUCCESS, PAYERROR
    transaction_id: str = ""
    paid_at: dt.datetime | None = None
    refunds: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Control:
    """How the platforms misbehave, set by POST /_control (tests and the demo)."""

    delay_ms: int = 0  # before each notification
    duplicates: int = 0  # extra copies of each notification
    out_of_order: bool = False  # a stale failure notice is sent after each success
    fail_next: int = 0  # the next N scans end in a payment failure
    card_delay_ms: int = 0  # the bank answers a card payment this late (after charging it)
    drop: set[str] = field(default_factory=set)  # order numbers left out of the statement
    amounts: dict[str, int] = field(default_factory=dict)  # order number -> statement amount
    phantoms: int = 0  # payments in the statement the platform never had


class Platforms:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.txns: dict[tuple[str, str], Txn] = {}
        # 人社: (ID number, year) of the contributions the collecting platform reported
        self.pension_paid: set[tuple[str, int]] = set()
        self.by_code: dict[str, Txn] = {}
        self.control = Control()

    # --- transactions ---

    def precreate(self, provider: str, order_no: str, amount_fen: int, notify_url: str) -> Txn:
        with self.lock:
            txn = self.txns.get((provider, order_no))
            if txn is None:
                token = secrets.token_urlsafe(12)
                code_url = (
                    f"weixin://wxpay/bizpayurl?pr={token}"
                    if provider == "wechat"
                    else f"https://qr.alipay.com/{token}"
                )
                txn = Txn(provider, order_no, amount_fen, notify_url, code_url)
                self.txns[(provider, order_no)] = txn
                self.by_code[code_url] = txn
            return txn

    def find(self, provider: str, order_no: str) -> Txn | None:
        with self.lock:
            return self.txns.get((provider, order_no))

    def scan(self, code_url: str) -> tuple[Txn, bool] | None:
        """A phone scans the QR and pays: (transaction, succeeded)."""
        with self.lock:
            txn = self.by_code.get(code_url)
            if txn is None:
                return None
            if self.control.fail_next > 0:
                self.control.fail_next -= 1
                txn.state = "PAYERROR"
                return txn, False
            if txn.state != "SUCCESS":
                txn.state, txn.paid_at = "SUCCESS", dt.datetime.now()
                txn.transaction_id = _txn_id(txn.provider)
            return txn, True

    def charge_card(self, order_no: str, amount_fen: int, card: str, notify_url: str) -> Txn | None:
        with self.lock:
            if card.endswith("0000"):
                return None  # 余额不足
            txn = self.txns.get(("unionpay", order_no))
            if txn is None or txn.state != "SUCCESS":
                txn = Txn("unionpay", order_no, amount_fen, notify_url, state="SUCCESS")
                txn.paid_at, txn.transaction_id = dt.datetime.now(), _txn_id("unionpay")
                self.txns[("unionpay", order_no)] = txn
            return txn

    def refund(
        self, provider: str, order_no: str, refund_no: str, amount_fen: int
    ) -> dict[str, Any] | None:
        with self.lock:
            txn = self.txns.get((provider, order_no))
            if txn is None or txn.state != "SUCCESS":
                return None
            done = sum(r["amount_fen"] for r in txn.refunds if r["refund_no"] != refund_no)
            if done + amount_fen > txn.amount_fen:
                return None
            found = next((r for r in txn.refunds if r["refund_no"] == refund_no), None)
            if found is None:
                found = {
                    "refund_no": refund_no,
                    "refund_id": _txn_id(provider),
                    "amount_fen": amount_fen,
                    "at": dt.datetime.now(),
                }
                txn.refunds.append(found)
            return found

    # --- notifications: (headers, body) as the platform sends them ---

    def wechat_notice(
        self,
        txn: Txn,
        *,
        state: str | None = None,
        refund: dict | None = None,
        amount_fen: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        now = dt.datetime.now().astimezone()
        if refund is not None:
            event = "REFUND.SUCCESS"
            resource = {
                "mchid": MERCHANT_ID,
                "out_trade_no": txn.order_no,
                "transaction_id": txn.transaction_id,
                "out_refund_no": refund["refund_no"],
                "refund_id": refund["refund_id"],
                "refund_status": "SUCCESS",
                "amount": {"total": txn.amount_fen, "refund": refund["amount_fen"]},
            }
        else:
            trade_state = state or txn.state
            event = "TRANSACTION.SUCCESS" if trade_state == "SUCCESS" else "TRANSACTION.PAYERROR"
            resource = {
                "appid": APP_ID,
                "mchid": MERCHANT_ID,
                "out_trade_no": txn.order_no,
                "transaction_id": txn.transaction_id,
                "trade_state": trade_state,
                "success_time": now.isoformat(timespec="seconds"),
                "amount": {
                    "total": txn.amount_fen if amount_fen is None else amount_fen,
                    "currency": "CNY",
                },
            }
        body = json.dumps(
            {
                "id": secrets.token_hex(18),
                "create_time": now.isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event,
                "summary": "支付成功" if event == "TRANSACTION.SUCCESS" else event,
                "resource": wechat_encrypt(keys.api_v3_key(), resource, "transaction"),
            },
            ensure_ascii=False,
        )
        headers = wechat_signed_headers(
            keys.private_key("wechatpay"), keys.serial("wechatpay"), body, str(int(time.time()))
        )
        return {**headers, "Content-Type": "application/json"}, body.encode()

    def alipay_notice(
        self,
        txn: Txn,
        *,
        state: str | None = None,
        refund: dict | None = None,
        amount_fen: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        trade_status = "TRADE_SUCCESS" if (state or txn.state) == "SUCCESS" else "TRADE_CLOSED"
        params = {
            "notify_time": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": ALIPAY_APP_ID,
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
            "trade_no": txn.transaction_id,
            "out_trade_no": txn.order_no,
            "trade_status": trade_status,
            "total_amount": fen_to_yuan(txn.amount_fen if amount_fen is None else amount_fen),
        }
        if refund is not None:
            params.update(
                out_biz_no=refund["refund_no"], refund_fee=fen_to_yuan(refund["amount_fen"])
            )
        params["sign"] = alipay_sign(keys.private_key("alipay"), params)
        return {"Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode(
            params
        ).encode()

    def unionpay_notice(
        self,
        txn: Txn,
        *,
        state: str | None = None,
        refund: dict | None = None,
        amount_fen: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        params = {
            "version": "5.1.0",
            "encoding": "UTF-8",
            "signMethod": "01",
            "merId": UNIONPAY_MER_ID,
            "accessType": "0",
            "certId": keys.serial("unionpay"),
            "txnTime": dt.datetime.now().strftime("%Y%m%d%H%M%S"),
            "respCode": "00" if (state or txn.state) == "SUCCESS" else "51",
            "respMsg": "成功[0000000]",
        }
        if refund is not None:
            params.update(
                txnType="04",
                orderId=refund["refund_no"],
                origOrderId=txn.order_no,
                queryId=refund["refund_id"],
                txnAmt=str(refund["amount_fen"]),
            )
        else:
            params.update(
                txnType="01",
                orderId=txn.order_no,
                queryId=txn.transaction_id,
                txnAmt=str(txn.amount_fen if amount_fen is None else amount_fen),
            )
        params["signature"] = unionpay_sign(keys.private_key("unionpay"), params)
        return {"Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode(
            params
        ).encode()

    def notice(self, txn: Txn, **kwargs: Any) -> tuple[dict[str, str], bytes]:
        build = {
            "wechat": self.wechat_notice,
            "alipay": self.alipay_notice,
            "unionpay": self.unionpay_notice,
        }
        return build[txn.provider](txn, **kwargs)

    # --- statements ---

    def statement(self, provider: str, day: dt.date) -> bytes:
        rows: list[tuple[dt.datetime | str, str, str, str, int, str]] = []
        with self.lock:
            control = self.control
            for txn in self.txns.values():
                if txn.provider != provider:
                    continue
                paid_at = txn.paid_at if txn.state == "SUCCESS" else None
                if paid_at and paid_at.date() == day and txn.order_no not in control.drop:
                    amount = control.amounts.get(txn.order_no, txn.amount_fen)
                    rows.append((paid_at, txn.transaction_id, txn.order_no, "支付", amount, ""))
                for r in txn.refunds:
                    if r["at"].date() == day:
                        rows.append(
                            (
                                r["at"],
                                r["refund_id"],
                                txn.order_no,
                                "退款",
                                r["amount_fen"],
                                r["refund_no"],
                            )
                        )
            for n in range(control.phantoms):
                phantom = f"P{day:%Y%m%d}1200009{n:05d}"
                rows.append((f"{day} 12:00:00", _txn_id(provider), phantom, "支付", 100, ""))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(STATEMENT_COLUMNS)
        for at, *rest in rows:
            writer.writerow([at if isinstance(at, str) else f"{at:%Y-%m-%d %H:%M:%S}", *rest])
        return out.getvalue().encode("utf-8")


def _txn_id(provider: str) -> str:
    prefix = {"wechat": "4200", "alipay": "2026", "unionpay": "6225"}[provider]
    return prefix + secrets.token_hex(12)


# --- the utility companies and 人社 ---------------------------------------------------------


def _digits(seed: str) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:6], "big")


def utility_bill(kind: str, account: str, today: dt.date) -> dict[str, Any] | None:
    """The same account always owes the same (an account ending in 0 owes nothing)."""
    if kind not in COMPANIES or not account.isdigit() or account.endswith("0"):
        return None
    value = _digits(f"{kind}:{account}")
    base = {"water": 3000, "power": 8000, "gas": 5000}[kind]
    month = today.replace(day=1) - dt.timedelta(days=1)
    return {
        "kind": kind,
        "account": account,
        "company": COMPANIES[kind],
        "holder": SURNAMES[value % len(SURNAMES)] + "*",
        "period": f"{month:%Y-%m}",
        "amount_fen": base + value % 20000,
        "qr": f"bill:{kind}:{account}",  # what the paper bill's QR code holds
    }


def pension_tiers(today: dt.date, paid: bool) -> dict[str, Any]:
    return {
        "year": today.year,
        "paid": paid,
        "tiers": [
            {"level": n + 1, "amount_fen": y * 100} for n, y in enumerate(PENSION_TIERS_YUAN)
        ],
    }
