"""`ninhaoban paysandbox`: WeChat Pay, Alipay, UnionPay and the water, power and gas companies
in one HTTP service, speaking the platforms' request and notification shapes.

- WeChat Pay v3: `POST /v3/pay/transactions/native`, `GET /v3/pay/transactions/out-trade-no/
  {no}`, `POST /v3/refund/domestic/refunds`, `GET /v3/bill/tradebill` (requests must carry a
  valid merchant signature; answers are signed).
- Alipay: `POST /alipay/gateway.do` (precreate, query, refund, bill download url).
- UnionPay: `POST /unionpay/gateway/api/backTransReq.do` (card consume, refund),
  `.../queryTrans.do`, `GET /unionpay/fileTransfer` (the statement).
- `POST /_scan` `{"code_url": ...}`: a phone scans the QR and pays; `GET /scan?code_url=...`
  is the same as a page with a button, for the demo.
- `POST /_control` `{"delay_ms", "duplicates", "out_of_order", "fail_next", "card_delay_ms",
  "drop": [...], "amounts": {...}, "phantoms", "reset"}` makes the platforms misbehave.
- `GET /utility/{water|power|gas}/bill?account=`, `GET /hrss/resident-pension/tiers?id_number=`
  (paid once a contribution for that number and year was reported by
  `POST /hrss/resident-pension/contributions`).
"""

import datetime as dt
import html
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ninhaoban.payments import keys
from ninhaoban.payments.paysandbox.platforms import (
    Control,
    Platforms,
    Txn,
    pension_tiers,
    utility_bill,
)
from ninhaoban.payments.protocols import (
    ProtocolError,
    alipay_verify,
    fen_to_yuan,
    parse_wechat_authorization,
    rsa_sign,
    rsa_verify,
    unionpay_sign,
    unionpay_verify,
    wechat_request_message,
    wechat_signed_headers,
    yuan_to_fen,
)

log = logging.getLogger("ninhaoban.paysandbox")


def deliver(url: str, headers: dict[str, str], body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


class Handler(BaseHTTPRequestHandler):
    server: "PaySandboxServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the platform logs what it receives."""

    # --- plumbing ---

    def _raw(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, value: Any) -> None:
        self._send(
            status,
            json.dumps(value, ensure_ascii=False).encode(),
            "application/json; charset=utf-8",
        )

    def _wechat(self, status: int, value: dict[str, Any]) -> None:
        body = json.dumps(value, ensure_ascii=False)
        headers = wechat_signed_headers(
            keys.private_key("wechatpay"), keys.serial("wechatpay"), body, str(int(time.time()))
        )
        self._send(status, body.encode(), "application/json", headers)

    def _alipay(self, method: str, node: dict[str, Any]) -> None:
        compact = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        sign = rsa_sign(keys.private_key("alipay"), compact.encode())
        name = method.replace(".", "_") + "_response"
        body = f'{{"{name}":{compact},"sign":"{sign}"}}'
        self._send(200, body.encode(), "application/json; charset=utf-8")

    def _unionpay(self, params: dict[str, str]) -> None:
        params = {
            "version": "5.1.0",
            "encoding": "UTF-8",
            "signMethod": "01",
            "certId": keys.serial("unionpay"),
            **params,
        }
        params["signature"] = unionpay_sign(keys.private_key("unionpay"), params)
        self._send(
            200, urllib.parse.urlencode(params).encode(), "application/x-www-form-urlencoded"
        )

    @property
    def platforms(self) -> Platforms:
        return self.server.platforms

    def _notify_later(self, txn: Txn, copies: list[dict[str, Any]]) -> None:
        """Send notifications in a thread, with the configured delay and duplicates."""
        control = self.platforms.control

        def run() -> None:
            if control.delay_ms:
                time.sleep(control.delay_ms / 1000)
            for kwargs in copies:
                headers, body = self.platforms.notice(txn, **kwargs)
                for _ in range(1 + control.duplicates):
                    deliver(txn.notify_url, headers, body)

        threading.Thread(target=run, daemon=True).start()

    # --- routes ---

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        today = dt.date.today()
        if path == "/healthz":
            self._json(200, {"status": "ok"})
        elif path.startswith("/utility/") and path.endswith("/bill"):
            bill = utility_bill(path.split("/")[2], query.get("account", ""), today)
            self._json(200, bill) if bill else self._json(404, {"error": "no bill"})
        elif path == "/hrss/resident-pension/tiers":
            paid = (query.get("id_number", ""), today.year) in self.platforms.pension_paid
            self._json(200, pension_tiers(today, paid))
        elif path.startswith("/v3/"):
            self._wechat_get(path, url.query, query)
        elif path == "/statements/download":
            self._statement(query.get("provider", ""), query.get("date", ""))
        elif path == "/unionpay/fileTransfer":
            self._statement("unionpay", query.get("settleDate", ""))
        elif path == "/scan":
            self._scan_page(query.get("code_url", ""))
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        raw = self._raw()
        if path == "/_control":
            self._control(raw)
        elif path == "/_scan":
            self._scan(raw)
        elif path == "/hrss/resident-pension/contributions":
            self._contribution(raw)
        elif path == "/_scan_form":
            form = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
            self._scan(json.dumps({"code_url": form.get("code_url", "")}).encode())
        elif path.startswith("/v3/"):
            self._wechat_post(path, raw)
        elif path == "/alipay/gateway.do":
            self._alipay_gateway(raw)
        elif path.startswith("/unionpay/gateway/api/"):
            self._unionpay_gateway(path.rsplit("/", 1)[1], raw)
        else:
            self._json(404, {"error": "not found"})

    def _control(self, raw: bytes) -> None:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        with self.platforms.lock:
            if body.get("reset"):
                self.platforms.control = Control()
            control = self.platforms.control
            for name in ("delay_ms", "duplicates", "fail_next", "card_delay_ms", "phantoms"):
                if name in body:
                    setattr(control, name, max(0, int(body[name])))
            if "out_of_order" in body:
                control.out_of_order = bool(body["out_of_order"])
            control.drop |= set(body.get("drop") or ())
            control.amounts.update({str(k): int(v) for k, v in (body.get("amounts") or {}).items()})
        self._json(200, {"ok": True})

    def _contribution(self, raw: bytes) -> None:
        """人社 told of a contribution collected: that person's year is paid from now on."""
        try:
            body = json.loads(raw or b"{}")
            key = (str(body["id_number"]), int(body["year"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            self._json(400, {"error": "bad contribution"})
            return
        with self.platforms.lock:
            self.platforms.pension_paid.add(key)
        self._json(200, {"ok": True})

    def _scan(self, raw: bytes) -> None:
        try:
            code_url = str(json.loads(raw or b"{}").get("code_url", ""))
        except (ValueError, AttributeError):
            code_url = ""
        found = self.platforms.scan(code_url)
        if found is None:
            self._json(404, {"error": "unknown code"})
            return
        txn, ok = found
        copies: list[dict[str, Any]] = [{}]
        if ok and self.platforms.control.out_of_order:
            copies.append({"state": "PAYERROR"})  # a stale failure after the success
        self._notify_later(txn, copies)
        self._json(200, {"paid": ok, "order_no": txn.order_no})

    def _scan_page(self, code_url: str) -> None:
        body = (
            "<!doctype html><meta charset=utf-8><title>扫码支付（模拟）</title>"
            "<h1>扫码支付（模拟手机）</h1>"
            f"<p>{html.escape(code_url)}</p>"
            "<form method=post action=/_scan_form>"
            f'<input type=hidden name=code_url value="{html.escape(code_url)}">'
            "<button>确认支付</button></form>"
        )
        self._send(200, body.encode(), "text/html; charset=utf-8")

    def _statement(self, provider: str, day_text: str) -> None:
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            self._json(400, {"error": "bad date"})
            return
        self._send(200, self.platforms.statement(provider, day), "text/csv; charset=utf-8")

    # --- WeChat Pay v3 ---

    def _wechat_signed(self, method: str, raw: bytes) -> bool:
        try:
            fields = parse_wechat_authorization(self.headers.get("Authorization", ""))
        except ProtocolError:
            return False
        message = wechat_request_message(
            method,
            self.path,
            fields["timestamp"],
            fields["nonce_str"],
            raw.decode("utf-8", "replace"),
        )
        return rsa_verify(keys.public_key("merchant"), message, fields["signature"])

    def _wechat_get(self, path: str, query_text: str, query: dict[str, str]) -> None:
        if not self._wechat_signed("GET", b""):
            self._wechat(401, {"code": "SIGN_ERROR", "message": "签名错误"})
            return
        if path.startswith("/v3/pay/transactions/out-trade-no/"):
            txn = self.platforms.find("wechat", path.rsplit("/", 1)[1])
            if txn is None:
                self._wechat(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
                return
            self._wechat(
                200,
                {
                    "out_trade_no": txn.order_no,
                    "transaction_id": txn.transaction_id,
                    "trade_state": txn.state,
                    "amount": {"total": txn.amount_fen},
                },
            )
        elif path == "/v3/bill/tradebill":
            day = urllib.parse.quote(query.get("bill_date", ""))
            self._wechat(
                200,
                {
                    "download_url": f"{self.server.url}/statements/download?provider=wechat&date="
                    + day
                },
            )
        else:
            self._wechat(404, {"code": "NOT_FOUND", "message": query_text})

    def _wechat_post(self, path: str, raw: bytes) -> None:
        if not self._wechat_signed("POST", raw):
            self._wechat(401, {"code": "SIGN_ERROR", "message": "签名错误"})
            return
        try:
            body = json.loads(raw)
            if path == "/v3/pay/transactions/native":
                txn = self.platforms.precreate(
                    "wechat",
                    str(body["out_trade_no"]),
                    int(body["amount"]["total"]),
                    str(body["notify_url"]),
                )
                self._wechat(200, {"code_url": txn.code_url})
            elif path == "/v3/refund/domestic/refunds":
                found = self.platforms.find("wechat", str(body["out_trade_no"]))
                refund = (
                    None
                    if found is None
                    else self.platforms.refund(
                        "wechat",
                        found.order_no,
                        str(body["out_refund_no"]),
                        int(body["amount"]["refund"]),
                    )
                )
                if found is None or refund is None:
                    self._wechat(400, {"code": "INVALID_REQUEST", "message": "不能退款"})
                    return
                self._wechat(
                    200,
                    {
                        "refund_id": refund["refund_id"],
                        "out_refund_no": refund["refund_no"],
                        "status": "PROCESSING",
                    },
                )
                self._notify_later(found, [{"refund": refund}])
            else:
                self._wechat(404, {"code": "NOT_FOUND", "message": "not found"})
        except (KeyError, ValueError, TypeError):
            self._wechat(400, {"code": "PARAM_ERROR", "message": "参数错误"})

    # --- Alipay ---

    def _alipay_gateway(self, raw: bytes) -> None:
        params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
        method = params.get("method", "")
        if not alipay_verify(keys.public_key("merchant"), params):
            self._alipay(
                method, {"code": "40002", "msg": "Invalid Arguments", "sub_msg": "验签出错"}
            )
            return
        try:
            biz = json.loads(params["biz_content"])
            if method == "alipay.trade.precreate":
                txn = self.platforms.precreate(
                    "alipay",
                    str(biz["out_trade_no"]),
                    yuan_to_fen(str(biz["total_amount"])),
                    params["notify_url"],
                )
                self._alipay(
                    method,
                    {
                        "code": "10000",
                        "msg": "Success",
                        "out_trade_no": txn.order_no,
                        "qr_code": txn.code_url,
                    },
                )
            elif method == "alipay.trade.query":
                found = self.platforms.find("alipay", str(biz["out_trade_no"]))
                if found is None:
                    self._alipay(
                        method, {"code": "40004", "msg": "Business Failed", "sub_msg": "交易不存在"}
                    )
                    return
                status = {"SUCCESS": "TRADE_SUCCESS", "NOTPAY": "WAIT_BUYER_PAY"}.get(
                    found.state, "TRADE_CLOSED"
                )
                self._alipay(
                    method,
                    {
                        "code": "10000",
                        "msg": "Success",
                        "trade_no": found.transaction_id,
                        "trade_status": status,
                        "total_amount": fen_to_yuan(found.amount_fen),
                    },
                )
            elif method == "alipay.trade.refund":
                refund = self.platforms.refund(
                    "alipay",
                    str(biz["out_trade_no"]),
                    str(biz["out_request_no"]),
                    yuan_to_fen(str(biz["refund_amount"])),
                )
                if refund is None:
                    self._alipay(
                        method, {"code": "40004", "msg": "Business Failed", "sub_msg": "不能退款"}
                    )
                    return
                self._alipay(
                    method,
                    {
                        "code": "10000",
                        "msg": "Success",
                        "fund_change": "Y",
                        "trade_no": refund["refund_id"],
                        "refund_fee": fen_to_yuan(refund["amount_fen"]),
                    },
                )
            elif method == "alipay.data.dataservice.bill.downloadurl.query":
                day = urllib.parse.quote(str(biz["bill_date"]))
                url = f"{self.server.url}/statements/download?provider=alipay&date={day}"
                self._alipay(method, {"code": "10000", "msg": "Success", "bill_download_url": url})
            else:
                self._alipay(
                    method, {"code": "40004", "msg": "Business Failed", "sub_msg": "不支持的接口"}
                )
        except (KeyError, ValueError, TypeError, ProtocolError):
            self._alipay(method, {"code": "40002", "msg": "Invalid Arguments"})

    # --- UnionPay ---

    def _unionpay_gateway(self, action: str, raw: bytes) -> None:
        params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
        base = {
            "merId": params.get("merId", ""),
            "orderId": params.get("orderId", ""),
            "txnType": params.get("txnType", ""),
        }
        if not unionpay_verify(keys.public_key("merchant"), params):
            self._unionpay({**base, "respCode": "11", "respMsg": "验证签名失败"})
            return
        try:
            if action == "queryTrans.do":
                txn = self.platforms.find("unionpay", params["orderId"])
                if txn is None:
                    self._unionpay({**base, "respCode": "34", "respMsg": "查无此交易"})
                    return
                self._unionpay(
                    {
                        **base,
                        "respCode": "00",
                        "origRespCode": "00" if txn.state == "SUCCESS" else "01",
                        "queryId": txn.transaction_id,
                        "txnAmt": str(txn.amount_fen),
                    }
                )
            elif params.get("txnType") == "01":
                txn = self.platforms.charge_card(
                    params["orderId"],
                    int(params["txnAmt"]),
                    params.get("accNo", ""),
                    params["backUrl"],
                )
                if txn is None:
                    self._unionpay({**base, "respCode": "51", "respMsg": "余额不足"})
                    return
                delay = self.platforms.control.card_delay_ms
                if delay:
                    time.sleep(delay / 1000)  # charged, but the answer comes too late
                self._unionpay(
                    {
                        **base,
                        "respCode": "00",
                        "respMsg": "成功[0000000]",
                        "queryId": txn.transaction_id,
                        "txnAmt": str(txn.amount_fen),
                    }
                )
                self._notify_later(txn, [{}])
            elif params.get("txnType") == "04":
                txn = next(
                    (
                        t
                        for t in list(self.platforms.txns.values())
                        if t.provider == "unionpay" and t.transaction_id == params["origQryId"]
                    ),
                    None,
                )
                refund = (
                    None
                    if txn is None
                    else self.platforms.refund(
                        "unionpay", txn.order_no, params["orderId"], int(params["txnAmt"])
                    )
                )
                if txn is None or refund is None:
                    self._unionpay({**base, "respCode": "25", "respMsg": "找不到原始交易"})
                    return
                self._unionpay(
                    {
                        **base,
                        "respCode": "00",
                        "respMsg": "成功[0000000]",
                        "queryId": refund["refund_id"],
                        "txnAmt": str(refund["amount_fen"]),
                    }
                )
                self._notify_later(txn, [{"refund": refund}])
            else:
                self._unionpay({**base, "respCode": "12", "respMsg": "交易类型无效"})
        except (KeyError, ValueError):
            self._unionpay({**base, "respCode": "30", "respMsg": "报文格式错误"})


class PaySandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], platforms: Platforms | None = None) -> None:
        super().__init__(address, Handler)
        self.platforms = platforms or Platforms()

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"


def start_in_thread(host: str = "127.0.0.1", port: int = 0) -> PaySandboxServer:
    """Serve in a daemon thread (tests, benchmarks); port 0 takes a free port."""
    server = PaySandboxServer((host, port))
    threading.Thread(target=server.serve_forever, name="paysandbox", daemon=True).start()
    return server
