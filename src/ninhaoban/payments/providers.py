"""One interface over WeChat Pay v3, Alipay and UnionPay (the kiosk's card reader).

A provider turns an order into the text of a QR code (or charges a card), turns a signed
notification into a verified `Notice` (or raises ProtocolError), refunds, asks for an order's
state, and fetches the statement file of a day. Nothing here writes a table: services decide
what a notice changes.
"""

import csv
import datetime as dt
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from ninhaoban.payments import keys
from ninhaoban.payments.models import PaymentOrder, ProviderCode
from ninhaoban.payments.protocols import (
    MAX_CLOCK_SKEW_SECONDS,
    ProtocolError,
    alipay_sign,
    alipay_verify,
    fen_to_yuan,
    rsa_verify,
    unionpay_sign,
    unionpay_verify,
    wechat_authorization,
    wechat_decrypt,
    wechat_response_message,
    yuan_to_fen,
)

MERCHANT_ID = "1900000109"
APP_ID = "wxd930ea5d5a258f4f"
ALIPAY_APP_ID = "2021000000000001"
UNIONPAY_MER_ID = "777290058110048"
PAID, FAILED, REFUNDED = "paid", "failed", "refunded"
STATEMENT_COLUMNS = (
    "交易时间",
    "支付平台交易号",
    "商户订单号",
    "交易类型",
    "金额（分）",
    "退款单号",
)


class GatewayUnavailable(Exception):
    """The platform did not answer in time or answered with an error: the result is unknown."""


@dataclass(frozen=True)
class Notice:
    """A verified notification (or query answer) about one order."""

    notify_id: str
    order_no: str
    event: str  # PAID, FAILED or REFUNDED
    amount_fen: int
    transaction_id: str = ""
    refund_no: str = ""


@dataclass(frozen=True)
class RefundAnswer:
    settled: bool  # the money went back now (else a notification will say so)
    provider_refund_id: str


@dataclass(frozen=True)
class StatementRow:
    at: str
    transaction_id: str
    order_no: str
    kind: str  # "支付" or "退款"
    amount_fen: int
    refund_no: str


class Provider(Protocol):
    code: str

    def precreate(self, order: PaymentOrder) -> str: ...

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notice: ...

    def acknowledgement(self, accepted: bool) -> tuple[int, str, bytes]: ...

    def refund(self, order: PaymentOrder, refund_no: str, amount_fen: int) -> RefundAnswer: ...

    def query(self, order: PaymentOrder) -> Notice | None: ...

    def statement(self, day: dt.date) -> bytes: ...


def notify_url(code: str) -> str:
    return f"{settings.NHB_BASE_URL}/api/v1/payments/notify/{code}"


def _http(
    method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.NHB_PAY_TIMEOUT_MS / 1000) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayUnavailable(str(exc)) from exc


def parse_statement(data: bytes) -> list[StatementRow]:
    """A statement file: a CSV with the header STATEMENT_COLUMNS, one row per movement."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        header = next(reader, None)
        if header is None or tuple(header) != STATEMENT_COLUMNS:
            raise ProtocolError("not a statement file")
        return [
            StatementRow(at, txn, order_no, kind, int(amount), refund_no)
            for at, txn, order_no, kind, amount, refund_no in reader
        ]
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError("not a statement file") from exc


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return ""


def _fresh(timestamp: str) -> None:
    try:
        skew = abs(time.time() - int(timestamp))
    except ValueError as exc:
        raise ProtocolError("no timestamp") from exc
    if skew > MAX_CLOCK_SKEW_SECONDS:
        raise ProtocolError("the notification is too old or from the future (replay)")


class WeChatPay:
    code: str = ProviderCode.WECHAT

    def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
        authorization = wechat_authorization(
            keys.private_key("merchant"),
            mchid=MERCHANT_ID,
            serial=keys.serial("merchant"),
            method=method,
            url=path,
            body=body,
            timestamp=str(int(time.time())),
        )
        status, headers, raw = _http(
            method,
            settings.NHB_PAY_GATEWAY_URL + path,
            body.encode() if payload is not None else None,
            {
                "Authorization": authorization,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        text = raw.decode("utf-8", "replace")
        if not rsa_verify(
            keys.public_key("wechatpay"),
            wechat_response_message(
                _header(headers, "Wechatpay-Timestamp"), _header(headers, "Wechatpay-Nonce"), text
            ),
            _header(headers, "Wechatpay-Signature"),
        ):
            raise GatewayUnavailable("the answer is not signed by WeChat Pay")
        if status >= 300:
            raise GatewayUnavailable(f"WeChat Pay answered {status}: {text[:200]}")
        return json.loads(text) if text else {}

    def precreate(self, order: PaymentOrder) -> str:
        answer = self._call(
            "POST",
            "/v3/pay/transactions/native",
            {
                "appid": APP_ID,
                "mchid": MERCHANT_ID,
                "description": order.title,
                "out_trade_no": order.order_no,
                "time_expire": timezone.localtime(order.expires_at).isoformat(timespec="seconds"),
                "notify_url": notify_url(self.code),
                "amount": {"total": order.amount_fen, "currency": "CNY"},
            },
        )
        return str(answer["code_url"])

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notice:
        text = body.decode("utf-8", "replace")
        timestamp = _header(headers, "Wechatpay-Timestamp")
        if not rsa_verify(
            keys.public_key("wechatpay"),
            wechat_response_message(timestamp, _header(headers, "Wechatpay-Nonce"), text),
            _header(headers, "Wechatpay-Signature"),
        ):
            raise ProtocolError("the signature does not verify")
        _fresh(timestamp)
        try:
            envelope = json.loads(text)
            event = str(envelope["event_type"])
            resource = wechat_decrypt(keys.api_v3_key(), envelope["resource"])
            if event.startswith("REFUND."):
                return Notice(
                    notify_id=str(envelope["id"]),
                    order_no=str(resource["out_trade_no"]),
                    event=REFUNDED if resource["refund_status"] == "SUCCESS" else FAILED,
                    amount_fen=int(resource["amount"]["refund"]),
                    transaction_id=str(resource.get("transaction_id", "")),
                    refund_no=str(resource["out_refund_no"]),
                )
            return Notice(
                notify_id=str(envelope["id"]),
                order_no=str(resource["out_trade_no"]),
                event=PAID if resource["trade_state"] == "SUCCESS" else FAILED,
                amount_fen=int(resource["amount"]["total"]),
                transaction_id=str(resource.get("transaction_id", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError("the notification lacks a field") from exc

    def acknowledgement(self, accepted: bool) -> tuple[int, str, bytes]:
        if accepted:
            return 204, "application/json", b""
        return 400, "application/json", b'{"code":"FAIL","message":"rejected"}'

    def refund(self, order: PaymentOrder, refund_no: str, amount_fen: int) -> RefundAnswer:
        answer = self._call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": order.order_no,
                "out_refund_no": refund_no,
                "notify_url": notify_url(self.code),
                "amount": {"refund": amount_fen, "total": order.amount_fen, "currency": "CNY"},
            },
        )
        return RefundAnswer(answer.get("status") == "SUCCESS", str(answer.get("refund_id", "")))

    def query(self, order: PaymentOrder) -> Notice | None:
        answer = self._call(
            "GET", f"/v3/pay/transactions/out-trade-no/{order.order_no}?mchid={MERCHANT_ID}", None
        )
        if answer.get("trade_state") != "SUCCESS":
            return None
        return Notice(
            notify_id=f"query-{answer['transaction_id']}",
            order_no=order.order_no,
            event=PAID,
            amount_fen=int(answer["amount"]["total"]),
            transaction_id=str(answer["transaction_id"]),
        )

    def statement(self, day: dt.date) -> bytes:
        answer = self._call("GET", f"/v3/bill/tradebill?bill_date={day.isoformat()}", None)
        status, _, raw = _http("GET", str(answer["download_url"]), None, {})
        if status != 200:
            raise GatewayUnavailable(f"the statement download answered {status}")
        return raw


class Alipay:
    code: str = ProviderCode.ALIPAY

    def _call(self, method: str, biz: dict[str, Any]) -> dict[str, Any]:
        params = {
            "app_id": ALIPAY_APP_ID,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            "version": "1.0",
            "notify_url": notify_url(self.code),
            "biz_content": json.dumps(biz, ensure_ascii=False),
        }
        params["sign"] = alipay_sign(keys.private_key("merchant"), params)
        status, _, raw = _http(
            "POST",
            settings.NHB_PAY_GATEWAY_URL + "/alipay/gateway.do",
            urllib.parse.urlencode(params).encode(),
            {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        )
        if status != 200:
            raise GatewayUnavailable(f"Alipay answered {status}")
        envelope = json.loads(raw)
        node_name = method.replace(".", "_") + "_response"
        node = envelope.get(node_name)
        # The sign covers the response node as sent; the sandbox sends it compact.
        signed = json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode()
        if not rsa_verify(keys.public_key("alipay"), signed, str(envelope.get("sign", ""))):
            raise GatewayUnavailable("the answer is not signed by Alipay")
        if node.get("code") != "10000":
            raise GatewayUnavailable(f"Alipay refused: {node.get('sub_msg') or node.get('msg')}")
        return node

    def precreate(self, order: PaymentOrder) -> str:
        answer = self._call(
            "alipay.trade.precreate",
            {
                "out_trade_no": order.order_no,
                "total_amount": fen_to_yuan(order.amount_fen),
                "subject": order.title,
                "time_expire": timezone.localtime(order.expires_at).strftime("%Y-%m-%d %H:%M:%S"),
            },
        )
        return str(answer["qr_code"])

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notice:
        try:
            params = dict(urllib.parse.parse_qsl(body.decode("utf-8"), strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ProtocolError("not a form") from exc
        if params.get("sign_type") != "RSA2" or not alipay_verify(
            keys.public_key("alipay"), params
        ):
            raise ProtocolError("the signature does not verify")
        if params.get("app_id") != ALIPAY_APP_ID:
            raise ProtocolError("the notification is for another application")
        try:
            notified = dt.datetime.strptime(params["notify_time"], "%Y-%m-%d %H:%M:%S")
        except (KeyError, ValueError) as exc:
            raise ProtocolError("no notify_time") from exc
        aware = timezone.make_aware(notified)
        _fresh(str(int(aware.timestamp())))
        try:
            status = params["trade_status"]
            if params.get("out_biz_no"):  # a refund's notification names the refund
                return Notice(
                    notify_id=params["notify_id"],
                    order_no=params["out_trade_no"],
                    event=REFUNDED,
                    amount_fen=yuan_to_fen(params["refund_fee"]),
                    transaction_id=params.get("trade_no", ""),
                    refund_no=params["out_biz_no"],
                )
            return Notice(
                notify_id=params["notify_id"],
                order_no=params["out_trade_no"],
                event=PAID if status in ("TRADE_SUCCESS", "TRADE_FINISHED") else FAILED,
                amount_fen=yuan_to_fen(params["total_amount"]),
                transaction_id=params.get("trade_no", ""),
            )
        except KeyError as exc:
            raise ProtocolError("the notification lacks a field") from exc

    def acknowledgement(self, accepted: bool) -> tuple[int, str, bytes]:
        return 200, "text/plain", b"success" if accepted else b"fail"

    def refund(self, order: PaymentOrder, refund_no: str, amount_fen: int) -> RefundAnswer:
        answer = self._call(
            "alipay.trade.refund",
            {
                "out_trade_no": order.order_no,
                "refund_amount": fen_to_yuan(amount_fen),
                "out_request_no": refund_no,
            },
        )
        return RefundAnswer(answer.get("fund_change") == "Y", str(answer.get("trade_no", "")))

    def query(self, order: PaymentOrder) -> Notice | None:
        try:
            answer = self._call("alipay.trade.query", {"out_trade_no": order.order_no})
        except GatewayUnavailable:
            return None
        if answer.get("trade_status") not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            return None
        return Notice(
            notify_id=f"query-{answer['trade_no']}",
            order_no=order.order_no,
            event=PAID,
            amount_fen=yuan_to_fen(str(answer["total_amount"])),
            transaction_id=str(answer["trade_no"]),
        )

    def statement(self, day: dt.date) -> bytes:
        answer = self._call(
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day.isoformat()},
        )
        status, _, raw = _http("GET", str(answer["bill_download_url"]), None, {})
        if status != 200:
            raise GatewayUnavailable(f"the statement download answered {status}")
        return raw


class UnionPay:
    """全渠道 back-end transactions: the kiosk's card reader hands over the card's token
    (`accNo`), the platform asks the bank to take the money and waits for the answer."""

    code: str = ProviderCode.UNIONPAY

    def _call(self, path: str, fields: dict[str, str]) -> dict[str, str]:
        params = {
            "version": "5.1.0",
            "encoding": "UTF-8",
            "signMethod": "01",
            "merId": UNIONPAY_MER_ID,
            "accessType": "0",
            "certId": keys.serial("merchant"),
            "txnTime": timezone.localtime().strftime("%Y%m%d%H%M%S"),
            **fields,
        }
        params["signature"] = unionpay_sign(keys.private_key("merchant"), params)
        status, _, raw = _http(
            "POST",
            settings.NHB_PAY_GATEWAY_URL + "/unionpay/gateway/api/" + path,
            urllib.parse.urlencode(params).encode(),
            {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        )
        if status != 200:
            raise GatewayUnavailable(f"UnionPay answered {status}")
        answer = dict(urllib.parse.parse_qsl(raw.decode("utf-8")))
        if not unionpay_verify(keys.public_key("unionpay"), answer):
            raise GatewayUnavailable("the answer is not signed by UnionPay")
        return answer

    def precreate(self, order: PaymentOrder) -> str:
        """A card is read, not scanned: the kiosk shows no QR for this provider."""
        return ""

    def charge(self, order: PaymentOrder, card_token: str) -> Notice | None:
        """Take the money from the card; None: the bank refused (the order stays payable)."""
        answer = self._call(
            "backTransReq.do",
            {
                "txnType": "01",
                "txnSubType": "01",
                "bizType": "000201",
                "channelType": "07",
                "orderId": order.order_no,
                "txnAmt": str(order.amount_fen),
                "currencyCode": "156",
                "accNo": card_token,
                "backUrl": notify_url(self.code),
            },
        )
        if answer.get("respCode") != "00":
            return None
        return Notice(
            notify_id=f"{answer['queryId']}-01",
            order_no=order.order_no,
            event=PAID,
            amount_fen=int(answer["txnAmt"]),
            transaction_id=answer["queryId"],
        )

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notice:
        try:
            params = dict(urllib.parse.parse_qsl(body.decode("utf-8"), strict_parsing=True))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ProtocolError("not a form") from exc
        if not unionpay_verify(keys.public_key("unionpay"), params):
            raise ProtocolError("the signature does not verify")
        if params.get("merId") != UNIONPAY_MER_ID:
            raise ProtocolError("the notification is for another merchant")
        try:
            refund = params["txnType"] == "04"
            return Notice(
                notify_id=f"{params['queryId']}-{params['txnType']}",
                order_no=params["origOrderId"] if refund else params["orderId"],
                event=(REFUNDED if refund else PAID) if params["respCode"] == "00" else FAILED,
                amount_fen=int(params["txnAmt"]),
                transaction_id=params["queryId"],
                refund_no=params["orderId"] if refund else "",
            )
        except (KeyError, ValueError) as exc:
            raise ProtocolError("the notification lacks a field") from exc

    def acknowledgement(self, accepted: bool) -> tuple[int, str, bytes]:
        return (200, "text/plain", b"ok") if accepted else (400, "text/plain", b"rejected")

    def refund(self, order: PaymentOrder, refund_no: str, amount_fen: int) -> RefundAnswer:
        answer = self._call(
            "backTransReq.do",
            {
                "txnType": "04",
                "txnSubType": "00",
                "bizType": "000201",
                "channelType": "07",
                "orderId": refund_no,
                "origQryId": order.transaction_id,
                "txnAmt": str(amount_fen),
                "backUrl": notify_url(self.code),
            },
        )
        if answer.get("respCode") != "00":
            raise GatewayUnavailable(f"UnionPay refused the refund: {answer.get('respMsg')}")
        return RefundAnswer(True, answer.get("queryId", ""))

    def query(self, order: PaymentOrder) -> Notice | None:
        answer = self._call(
            "queryTrans.do", {"txnType": "00", "txnSubType": "00", "orderId": order.order_no}
        )
        if answer.get("respCode") != "00" or answer.get("origRespCode") != "00":
            return None
        return Notice(
            notify_id=f"{answer['queryId']}-01",
            order_no=order.order_no,
            event=PAID,
            amount_fen=int(answer["txnAmt"]),
            transaction_id=answer["queryId"],
        )

    def statement(self, day: dt.date) -> bytes:
        status, _, raw = _http(
            "GET",
            f"{settings.NHB_PAY_GATEWAY_URL}/unionpay/fileTransfer?merId={UNIONPAY_MER_ID}"
            f"&settleDate={day.isoformat()}",
            None,
            {},
        )
        if status != 200:
            raise GatewayUnavailable(f"the statement download answered {status}")
        return raw


UNIONPAY = UnionPay()
PROVIDERS: dict[str, Provider] = {
    ProviderCode.WECHAT: WeChatPay(),
    ProviderCode.ALIPAY: Alipay(),
    ProviderCode.UNIONPAY: UNIONPAY,
}
QR_PROVIDERS = (ProviderCode.WECHAT, ProviderCode.ALIPAY)
