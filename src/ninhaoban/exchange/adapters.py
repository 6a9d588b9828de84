"""HTTP/JSON adapters to department systems.

A department answers `POST {endpoint}/query` with `{"found": bool, "record": {...}}`. Every
call has a deadline: the socket timeout bounds each read, and the adapter gives up once the
whole exchange exceeds the source's timeout, so a slow system cannot hold a window or a
kiosk for longer than configured.
"""

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class SourceUnavailable(Exception):
    """The department system did not answer usefully (down, refused, broken reply)."""


class SourceTimeout(SourceUnavailable):
    """The department system did not answer within its timeout."""


@dataclass(frozen=True)
class Answer:
    found: bool
    record: dict[str, Any]
    raw: bytes


class HttpJsonAdapter:
    def __init__(self, endpoint: str, timeout_ms: int) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) endpoint: {endpoint}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.path = parts.path.rstrip("/") + "/query"
        self.timeout_s = timeout_ms / 1000

    def query(self, request: dict[str, Any]) -> Answer:
        body = json.dumps(request, ensure_ascii=False).encode("utf-8")
        started = time.monotonic()
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = cls(self.host, self.port, timeout=self.timeout_s)
        try:
            conn.request("POST", self.path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            raw = response.read()
        except TimeoutError as exc:
            raise SourceTimeout(str(exc)) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise SourceUnavailable(str(exc)) from exc
        finally:
            conn.close()
        if time.monotonic() - started > self.timeout_s:
            raise SourceTimeout("the answer came after the deadline")
        if response.status != 200:
            raise SourceUnavailable(f"HTTP {response.status}")
        try:
            answer = json.loads(raw)
            return Answer(bool(answer["found"]), dict(answer.get("record") or {}), raw)
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceUnavailable(f"unreadable answer: {exc}") from exc
