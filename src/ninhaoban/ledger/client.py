"""Reading a deployment's ledger over HTTP (or from saved files) for the verifier and witness.

Only the standard library, so a verifier can run anywhere this package is installed.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

API = "/api/v1/ledger"


class ClientError(ValueError):
    """A source that cannot be read or does not hold what was expected."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _request(url: str, data: bytes | None = None, timeout: float = 15) -> str:
    headers = {"Accept": "application/json, text/plain"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise ClientError(f"{url}: HTTP {exc.code} {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ClientError(f"{url}: {exc}") from None


def read_source(source: str) -> str:
    """The text at a URL or in a file."""
    if is_url(source):
        return _request(source)
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ClientError(f"{source}: {exc.strerror}") from None


class Transport(Protocol):
    def get_text(self, path: str) -> str: ...

    def post_json(self, path: str, data: dict[str, Any]) -> dict[str, Any]: ...


class HttpTransport:
    """Talks to the ledger API of the deployment at `base_url` (e.g. https://host)."""

    def __init__(self, base_url: str) -> None:
        if not is_url(base_url):
            raise ClientError(f"not an http(s) URL: {base_url}")
        self.base = base_url.rstrip("/")
        if self.base.endswith(API):
            self.base = self.base[: -len(API)]

    def get_text(self, path: str) -> str:
        return _request(self.base + API + path)

    def post_json(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        return json.loads(_request(self.base + API + path, json.dumps(data).encode("utf-8")))
