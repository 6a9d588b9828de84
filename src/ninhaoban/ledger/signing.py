"""The platform's Ed25519 signing keys: generated on first use, identified, rotated.

Every licence, proof and 电子票据 carries the id of the key that signed it (the keyring sits
in ledger, the bottom layer, so licences and payments share it), and old keys stay on disk
after a rotation, so a document signed years ago still verifies while new ones use the new
key. Private keys live in `VAR_DIR/keys/ed25519/` (mode 0600) and never in the database.

SM2 is not offered: `cryptography` has no SM2 signatures and the pure-Python `gmssl` package
has had no release since 2023 and no constant-time guarantees, so it does not qualify as a
maintained library for keys that sign public documents.
"""

import base64
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from ninhaoban.core.canonical import canonical_json

ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64 of the 64 signature bytes


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519-" + hashlib.sha256(raw).hexdigest()[:16]


class Keyring:
    """All keys in one folder; `current` names the one that signs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._public: dict[str, Ed25519PublicKey] = {}
        self._current: str | None = None
        self._current_mtime: int | None = None

    @property
    def _current_file(self) -> Path:
        return self.folder / "current"

    def _write_key(self) -> str:
        key = Ed25519PrivateKey.generate()
        kid = _key_id(key.public_key())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(self.folder / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return kid

    def _load(self, kid: str) -> None:
        path = self.folder / f"{kid}.pem"
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey) or _key_id(key.public_key()) != kid:
            raise RuntimeError(f"signing key file {path} does not hold key {kid}")
        self._private[kid] = key
        self._public[kid] = key.public_key()

    def _refresh(self) -> None:
        """Pick up a rotation done by another process; one stat() per signature."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            mtime = self._current_file.stat().st_mtime_ns
        except FileNotFoundError:
            kid = self._write_key()
            try:
                fd = os.open(self._current_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                (self.folder / f"{kid}.pem").unlink()
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(kid)
            mtime = self._current_file.stat().st_mtime_ns
        if mtime != self._current_mtime:
            kid = self._current_file.read_text().strip()
            if kid not in self._private:
                self._load(kid)
            self._current, self._current_mtime = kid, mtime

    def current_key_id(self) -> str:
        with self._lock:
            self._refresh()
            assert self._current is not None
            return self._current

    def sign(self, payload: dict) -> Signature:
        with self._lock:
            self._refresh()
            kid = self._current
            assert kid is not None
            key = self._private[kid]
        return Signature(kid, base64.b64encode(key.sign(canonical_json(payload))).decode("ascii"))

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        found = self._public.get(kid)
        if found is not None:
            return found
        with self._lock:
            if kid not in self._public and (self.folder / f"{kid}.pem").exists():
                self._load(kid)
            return self._public.get(kid)

    def verify(self, payload: dict, signature: Signature) -> bool:
        public = self.public_key(signature.key_id)
        if public is None:
            return False
        try:
            public.verify(base64.b64decode(signature.value), canonical_json(payload))
        except (InvalidSignature, ValueError):
            return False
        return True

    def rotate(self) -> str:
        """Make a new signing key; the old ones stay for verification."""
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            kid = self._write_key()
            tmp = self.folder / "current.tmp"
            tmp.write_text(kid)
            tmp.replace(self._current_file)
            self._load(kid)
            self._current = kid
            self._current_mtime = self._current_file.stat().st_mtime_ns
            return kid

    def key_ids(self) -> list[str]:
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob("ed25519-*.pem"))

    def public_pem(self, kid: str) -> str:
        public = self.public_key(kid)
        if public is None:
            raise KeyError(kid)
        return public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


_keyrings: dict[str, Keyring] = {}


def keyring() -> Keyring:
    """The keyring under the configured VAR_DIR (tests point VAR_DIR elsewhere); looked up by
    the folder's text because building a Path per verification costs a fifth of it."""
    var_dir = str(settings.VAR_DIR)
    ring = _keyrings.get(var_dir)
    if ring is None:
        ring = _keyrings.setdefault(var_dir, Keyring(Path(var_dir) / "keys" / "ed25519"))
    return ring
