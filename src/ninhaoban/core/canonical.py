"""Canonical JSON: the one byte form that is hashed and signed.

Keys sorted, no spaces, UTF-8, no floats (their text form is not stable across languages;
amounts travel as strings or integers of fen). Two equal payloads always give equal bytes.
"""

import datetime as dt
import decimal
import hashlib
import json
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"not canonical JSON: {type(value).__name__}")


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical JSON")
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)


def canonical_json(value: Any) -> bytes:
    _reject_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode("utf-8")


def digest(value: Any) -> str:
    """SHA-256 hex of the canonical form: what the ledger keeps instead of the data itself."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
