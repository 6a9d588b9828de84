"""The department systems' stand-in: one HTTP service playing 人社, 公积金, 不动产, 市场监管,
公安, 民政 and 卫健, each at `/{department}/query`.

`POST /_control` with `{"down": ["hrss"], "up": [...], "latency_ms": 200}` takes a
department down or up and sets a delay before each answer, so outages and slow systems can
be shown in the demo and tested; `GET /_control` tells the current state.

`POST /sms` with `{"phone", "text"}` stands in for an SMS gateway and the phones behind it
(`NHB_NOTIFIER=sms` with `NHB_SMS_URL` at it, as `scripts/run-all.sh` sets for the demo): it
writes each message, login codes included, to its own log, which is where a demo person's
phone is.
"""

import json
import logging
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.exchange.sandbox.records import DEPARTMENTS, PAIRED, RECORDS

phones = logging.getLogger("ninhaoban.sandbox.sms")


class SandboxState:
    def __init__(self, latency_ms: int = 0, down: set[str] | None = None) -> None:
        self.lock = threading.Lock()
        self.latency_ms = latency_ms
        self.down = set(down or ())

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {"down": sorted(self.down), "latency_ms": self.latency_ms}


class Handler(BaseHTTPRequestHandler):
    server: "SandboxServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the platform keeps the trace, and a log line per query would hold numbers."""

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            value = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(HTTPStatus.OK, {"status": "ok", "departments": DEPARTMENTS})
        elif self.path == "/_control":
            self._send(HTTPStatus.OK, self.server.state.as_dict())
        else:
            self._send(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def do_POST(self) -> None:
        body = self._body()
        state = self.server.state
        if self.path == "/_control":
            with state.lock:
                state.down |= set(body.get("down") or ())
                state.down -= set(body.get("up") or ())
                if "latency_ms" in body:
                    state.latency_ms = max(0, int(body["latency_ms"]))
            self._send(HTTPStatus.OK, state.as_dict())
            return
        if self.path == "/sms":
            phones.info(
                "短信 SMS to %s: %s", mask_phone(str(body.get("phone", ""))), body.get("text")
            )
            self._send(HTTPStatus.OK, {"sent": True})
            return
        department, _, action = self.path.strip("/").partition("/")
        if department not in DEPARTMENTS or action != "query":
            self._send(HTTPStatus.NOT_FOUND, {"error": "not found"})
            return
        with state.lock:
            is_down, latency = department in state.down, state.latency_ms
        if latency:
            time.sleep(latency / 1000)
        if is_down:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "department system down"})
            return
        data_key = str(body.get("data_key", ""))
        identifier = str(body.get("identifier", "")).strip().upper()
        known = data_key in RECORDS or data_key in PAIRED
        if not data_key.startswith(department + ".") or not known or not identifier:
            self._send(HTTPStatus.BAD_REQUEST, {"error": "unknown data_key or no identifier"})
            return
        if data_key in PAIRED:
            found = PAIRED[data_key](identifier, str(body.get("person", "")).strip().upper())
        else:
            found = RECORDS[data_key](identifier, str(body.get("name", "")))
        self._send(HTTPStatus.OK, {"found": found is not None, "record": found or {}})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState | None = None) -> None:
        super().__init__(address, Handler)
        self.state = state or SandboxState()

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0, state: SandboxState | None = None
) -> SandboxServer:
    """Serve in a daemon thread (tests, benchmarks); port 0 takes a free port."""
    server = SandboxServer((host, port), state)
    threading.Thread(target=server.serve_forever, name="sandbox", daemon=True).start()
    return server
