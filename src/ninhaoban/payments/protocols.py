"""The wire shapes of the three payment platforms, for both ends: the platform's provider
clients and the paysandbox that plays the platforms use the same functions, so a change of
shape breaks both at once instead of letting them drift apart.

- WeChat Pay v3: every request carries `Authorization: WECHATPAY2-SHA256-RSA2048 ...` whose
  signature is RSA-SHA256 (PKCS#1 v1.5) over "METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n" with
  the merchant's key; the platform signs "TIMESTAMP\\nNONCE\\nBODY\\n" in `Wechatpay-*`
  headers of its answers and notifications; a notification's `resource` is AES-256-GCM
  encrypted with the merchant's APIv3 key (associated data and nonce beside it).
- Alipay (openapi, RSA2): parameters sorted by name, joined `k=v&...` without `sign` and
  `sign_type`, RSA-SHA256 signed, base64 in `sign`; asynchronous notifications are form posts
  signed the same way by Alipay; amounts are yuan strings with two decimals.
- UnionPay (全渠道 5.1.0, signMethod 01): parameters sorted and joined the same way; the
  SHA-256 hex of that string is RSA-SHA256 signed, base64 in `signature`; amounts in fen.
"""

import base64
import hashlib
import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

WECHAT_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
# A notification older or newer than this is refused as a replay (WeChat's own advice: 5 min).
MAX_CLOCK_SKEW_SECONDS = 300


class ProtocolError(Exception):
    """A message that is not what it claims to be: bad signature, bad shape, bad cipher."""


def rsa_sign(key: RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(key: RSAPublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature, validate=True), message, padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def nonce() -> str:
    return secrets.token_hex(16)


# --- WeChat Pay v3 ------------------------------------------------------------------------


def wechat_request_message(
    method: str, url: str, timestamp: str, nonce_str: str, body: str
) -> bytes:
    return f"{method}\n{url}\n{timestamp}\n{nonce_str}\n{body}\n".encode()


def wechat_authorization(
    key: RSAPrivateKey, *, mchid: str, serial: str, method: str, url: str, body: str, timestamp: str
) -> str:
    nonce_str = nonce()
    signature = rsa_sign(key, wechat_request_message(method, url, timestamp, nonce_str, body))
    return (
        f'{WECHAT_SCHEMA} mchid="{mchid}",nonce_str="{nonce_str}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial}"'
    )


def parse_wechat_authorization(header: str) -> dict[str, str]:
    schema, _, rest = header.partition(" ")
    if schema != WECHAT_SCHEMA:
        raise ProtocolError("not a WeChat Pay v3 authorization")
    fields = {}
    for part in rest.split(","):
        name, _, value = part.partition("=")
        fields[name.strip()] = value.strip().strip('"')
    if not {"mchid", "nonce_str", "signature", "timestamp", "serial_no"} <= fields.keys():
        raise ProtocolError("incomplete WeChat Pay v3 authorization")
    return fields


def wechat_response_message(timestamp: str, nonce_str: str, body: str) -> bytes:
    return f"{timestamp}\n{nonce_str}\n{body}\n".encode()


def wechat_signed_headers(
    key: RSAPrivateKey, serial: str, body: str, timestamp: str
) -> dict[str, str]:
    """The headers the platform puts on its answers and notifications."""
    nonce_str = nonce()
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce_str,
        "Wechatpay-Signature": rsa_sign(key, wechat_response_message(timestamp, nonce_str, body)),
        "Wechatpay-Serial": serial,
    }


def wechat_encrypt(
    api_v3_key: bytes, plaintext: dict[str, Any], associated_data: str
) -> dict[str, str]:
    nonce_str = secrets.token_hex(6)  # 12 characters, as WeChat sends
    ciphertext = AESGCM(api_v3_key).encrypt(
        nonce_str.encode(),
        json.dumps(plaintext, ensure_ascii=False).encode(),
        associated_data.encode(),
    )
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "original_type": "transaction",
        "nonce": nonce_str,
    }


def wechat_decrypt(api_v3_key: bytes, resource: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise ProtocolError("the resource is not AEAD_AES_256_GCM")
    try:
        plaintext = AESGCM(api_v3_key).decrypt(
            str(resource["nonce"]).encode(),
            base64.b64decode(str(resource["ciphertext"]), validate=True),
            str(resource.get("associated_data") or "").encode(),
        )
        value = json.loads(plaintext)
    except (KeyError, ValueError, InvalidTag) as exc:
        raise ProtocolError("the resource does not decrypt") from exc
    if not isinstance(value, dict):
        raise ProtocolError("the resource is not an object")
    return value


# --- Alipay and UnionPay: sorted parameters ------------------------------------------------


def sorted_content(params: dict[str, str], *, leave_out: tuple[str, ...]) -> bytes:
    return "&".join(
        f"{k}={params[k]}" for k in sorted(params) if k not in leave_out and params[k] != ""
    ).encode()


def alipay_sign(key: RSAPrivateKey, params: dict[str, str]) -> str:
    return rsa_sign(key, sorted_content(params, leave_out=("sign", "sign_type")))


def alipay_verify(key: RSAPublicKey, params: dict[str, str]) -> bool:
    return rsa_verify(
        key, sorted_content(params, leave_out=("sign", "sign_type")), params.get("sign", "")
    )


def unionpay_digest(params: dict[str, str]) -> bytes:
    return hashlib.sha256(sorted_content(params, leave_out=("signature",))).hexdigest().encode()


def unionpay_sign(key: RSAPrivateKey, params: dict[str, str]) -> str:
    return rsa_sign(key, unionpay_digest(params))


def unionpay_verify(key: RSAPublicKey, params: dict[str, str]) -> bool:
    return rsa_verify(key, unionpay_digest(params), params.get("signature", ""))


def fen_to_yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text: str) -> int:
    """Alipay's `total_amount`; anything but a plain amount with at most two decimals is
    refused (a float would turn 0.29 into 28 fen)."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError) as exc:
        raise ProtocolError("not an amount") from exc
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ProtocolError("not an amount")
    return int(value * 100)
