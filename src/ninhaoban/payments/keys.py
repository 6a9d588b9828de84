"""The RSA keys and the APIv3 key of the payment protocols, in `VAR_DIR/keys/pay/`.

`merchant` is the platform's own key (it signs requests to every provider). `wechatpay`,
`alipay` and `unionpay` are the payment platforms' keys: the platform needs only their public
halves; the paysandbox, which plays the platforms on the same machine, keeps the private ones
beside them. In production the platforms' public keys (and the APIv3 key agreed with WeChat
Pay) are put here by the operator, and there is no private key of theirs in the folder.
Each file is made once (O_EXCL), mode 0600, never committed.
"""

import hashlib
import os
import secrets
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from django.conf import settings

PLATFORMS = ("wechatpay", "alipay", "unionpay")
_lock = threading.Lock()
_private: dict[Path, RSAPrivateKey] = {}
_public: dict[Path, RSAPublicKey] = {}


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "keys" / "pay"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_once(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def private_key(name: str) -> RSAPrivateKey:
    """The private key `name` (made on first use, with its public half beside it)."""
    path = folder() / f"{name}.pem"
    with _lock:
        if path in _private:
            return _private[path]
        if not path.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            _write_once(
                path,
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ),
            )
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, RSAPrivateKey):
            raise RuntimeError(f"{path} does not hold an RSA key")
        public = path.with_suffix(".pub.pem")
        _write_once(
            public,
            loaded.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
        )
        _private[path] = loaded
        return loaded


def public_key(name: str) -> RSAPublicKey:
    """The public key `name`; where only the private half is here (the sandbox's first run
    has not happened yet), it is derived from it."""
    path = folder() / f"{name}.pub.pem"
    with _lock:
        if path in _public:
            return _public[path]
    if not path.exists():
        private_key(name)
    loaded = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(loaded, RSAPublicKey):
        raise RuntimeError(f"{path} does not hold an RSA public key")
    with _lock:
        _public[path] = loaded
    return loaded


def serial(name: str) -> str:
    """The key's serial as the protocols name it (WeChat's `serial_no`, UnionPay's certId)."""
    der = public_key(name).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:32].upper()


def api_v3_key() -> bytes:
    """The 32-byte key WeChat Pay encrypts notifications with (agreed with the merchant)."""
    path = folder() / "wechat_apiv3.key"
    _write_once(path, secrets.token_hex(16).encode())
    value = path.read_bytes().strip()
    if len(value) != 32:
        raise RuntimeError(f"{path} must hold 32 characters")
    return value
