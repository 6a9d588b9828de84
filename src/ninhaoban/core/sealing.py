"""Field-level encryption at rest: AES-256-GCM under a keyring of numbered keys, and keyed
HMAC-SHA256 digests for equality lookups.

A sealed value is `nhb1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The associated data
is the column's identity (`table.column`), so a ciphertext copied into another column (a
phone pasted over an ID number) fails to open instead of reading as the other field. The key
id travels with every value: rotation adds a key and makes it active, old values still open
until `reencrypt` rewrites them, and a key is retired only when nothing uses it.

Files are sealed in 64 KiB segments (the STREAM construction: each segment's nonce is a
random prefix, its index and a last-segment flag), so a large upload is never held in
memory and a truncated or reordered file fails to open.

Digests use a separate key (the lookup key): rotating the encryption keys leaves every
digest valid. Plain Python on purpose: the CLI, the bench and the tests use it without Django.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "nhb1"
FILE_MAGIC = b"NHBF1\n"
SEGMENT = 64 * 1024
_TAG = 16


class SealingError(Exception):
    """A value that cannot be opened: unknown key id, wrong column, or tampered bytes."""


@dataclass
class KeyEntry:
    secret: bytes
    created: str
    retired: bool = False


@dataclass
class Keyring:
    """The field keys in one JSON file (mode 0600): which one is active, and every key that
    may still be needed to open a stored value."""

    path: Path
    active: str
    keys: dict[str, KeyEntry] = field(default_factory=dict)

    def secret(self, kid: str) -> bytes:
        entry = self.keys.get(kid)
        if entry is None or entry.retired:
            raise SealingError(f"unknown or retired field key {kid!r}")
        return entry.secret

    def rotate(self) -> str:
        """A new active key; the old ones stay for reading until re-encrypted and retired."""
        number = max((int(k[1:]) for k in self.keys), default=0) + 1
        kid = f"k{number}"
        self.keys[kid] = KeyEntry(secrets.token_bytes(32), _now())
        self.active = kid
        self.save()
        return kid

    def retire(self, kid: str) -> None:
        if kid == self.active:
            raise SealingError(f"{kid} is the active key: rotate first")
        if kid not in self.keys:
            raise SealingError(f"unknown field key {kid!r}")
        self.keys[kid].retired = True
        self.save()

    def save(self) -> None:
        """Written beside and renamed over, so a crash never leaves half a keyring."""
        body = {
            "active": self.active,
            "keys": {
                kid: {
                    "secret": base64.b64encode(e.secret).decode(),
                    "created": e.created,
                    "retired": e.retired,
                }
                for kid, e in self.keys.items()
            },
        }
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(body, handle, indent=1)
        os.replace(tmp, self.path)
        _cache.clear()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(path: Path) -> Keyring:
    body = json.loads(path.read_text())
    keys = {
        kid: KeyEntry(base64.b64decode(e["secret"]), e["created"], bool(e.get("retired")))
        for kid, e in body["keys"].items()
    }
    return Keyring(path, body["active"], keys)


def _create(path: Path) -> None:
    """The first key, created once; O_EXCL keeps two first starts from racing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    body = {"active": "k1", "keys": {"k1": {"secret": secret, "created": _now(), "retired": False}}}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        json.dump(body, handle, indent=1)


_cache: dict[Path, tuple[float, Keyring]] = {}
_lock = threading.Lock()
_paths: dict[str, Path] = {}
_lookup_key: dict[str, bytes] = {}


def configure(keyring_path: Path, lookup_key: str) -> None:
    """Called once by the settings: where the keyring is and what keys the digests."""
    _paths["keyring"] = Path(keyring_path)
    _lookup_key["key"] = lookup_key.encode("utf-8")


def keyring() -> Keyring:
    """The keyring, read again when its file changes (a rotation in another process)."""
    path = _paths["keyring"]
    if not path.exists():
        _create(path)
    mtime = path.stat().st_mtime_ns
    with _lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, _read(path))
            _cache[path] = cached
    return cached[1]


def seal(plain: str, column: str) -> str:
    """Encrypt under the active key; the empty string stays empty (nothing to hide, and
    `phone=""` filters keep working)."""
    if plain == "":
        return ""
    ring = keyring()
    nonce = secrets.token_bytes(12)
    data = AESGCM(ring.secret(ring.active)).encrypt(nonce, plain.encode("utf-8"), column.encode())
    return f"{PREFIX}:{ring.active}:{base64.urlsafe_b64encode(nonce + data).decode()}"


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def key_id(value: str) -> str | None:
    return value.split(":", 2)[1] if is_sealed(value) else None


def unseal(value: str, column: str) -> str:
    """Open a sealed value. A value without the prefix is returned as it is: rows written
    before encryption, until their migration (or `keys reencrypt`) seals them."""
    if not is_sealed(value):
        return value
    _, kid, body = value.split(":", 2)
    raw = base64.urlsafe_b64decode(body)
    try:
        plain = AESGCM(keyring().secret(kid)).decrypt(raw[:12], raw[12:], column.encode())
    except InvalidTag:
        raise SealingError(f"a value of {column} does not open (tampered or moved)") from None
    return plain.decode("utf-8")


def digest(column: str, value: str) -> str:
    """The keyed digest equality lookups compare: per column, so equal phones in two tables
    do not link; the empty string's digest is empty, like its sealed form."""
    if value == "":
        return ""
    message = column.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(_lookup_key["key"], message, hashlib.sha256).hexdigest()


def _file_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def seal_stream(chunks: Iterator[bytes], context: str) -> Iterator[bytes]:
    """Encrypt a file as it streams: a header (magic, key id, nonce prefix), then segments."""
    ring = keyring()
    aes = AESGCM(ring.secret(ring.active))
    prefix = secrets.token_bytes(7)
    kid = ring.active.encode()
    yield FILE_MAGIC + bytes([len(kid)]) + kid + prefix
    buffer = b""
    index = 0
    for chunk in chunks:
        buffer += chunk
        while len(buffer) > SEGMENT:
            piece, buffer = buffer[:SEGMENT], buffer[SEGMENT:]
            yield aes.encrypt(_file_nonce(prefix, index, False), piece, context.encode())
            index += 1
    yield aes.encrypt(_file_nonce(prefix, index, True), buffer, context.encode())


def file_key_id(handle: BinaryIO) -> str | None:
    """The key id of a sealed file, or None for a file stored before encryption."""
    head = handle.read(len(FILE_MAGIC) + 1)
    if not head.startswith(FILE_MAGIC) or len(head) < len(FILE_MAGIC) + 1:
        return None
    return handle.read(head[-1]).decode()


def open_stream(handle: BinaryIO, context: str) -> Iterator[bytes]:
    """Decrypt a sealed file segment by segment; a missing last segment is an error."""
    kid = file_key_id(handle)
    if kid is None:
        raise SealingError("not a sealed file")
    aes = AESGCM(keyring().secret(kid))
    prefix = handle.read(7)
    index = 0
    piece = handle.read(SEGMENT + _TAG)
    while True:
        following = handle.read(SEGMENT + _TAG)
        last = not following
        try:
            yield aes.decrypt(_file_nonce(prefix, index, last), piece, context.encode())
        except InvalidTag:
            raise SealingError("a sealed file does not open (tampered or truncated)") from None
        if last:
            return
        piece = following
        index += 1
