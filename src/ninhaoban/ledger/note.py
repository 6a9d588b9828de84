"""C2SP signed notes, tlog checkpoints and tlog cosignatures (Ed25519); no Django.

Kept apart from the store so that the offline verifier and an outside witness need nothing but
this file, `merkle.py` and the `cryptography` package. Formats:
https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint, https://c2sp.org/tlog-cosignature.
"""

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ninhaoban.ledger.merkle import HASH_SIZE

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
SIGNATURE_PREFIX = "\u2014 "  # "— ": an em dash and a space open every signature line


class NoteError(ValueError):
    """A note, key or checkpoint that does not parse or does not verify."""


@dataclass(frozen=True)
class Verifier:
    name: str
    algorithm: int
    key_id: bytes
    public_key: Ed25519PublicKey

    def encoded(self) -> str:
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return f"{self.name}+{self.key_id.hex()}+{_b64(bytes([self.algorithm]) + raw)}"


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    value: bytes  # after the key id


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes
    text: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"not base64: {text[:40]!r}") from None


def key_id(name: str, algorithm: int, public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([algorithm]) + raw).digest()[:4]


def verifier_for(name: str, private_key: Ed25519PrivateKey, algorithm: int = ED25519) -> Verifier:
    public = private_key.public_key()
    return Verifier(name, algorithm, key_id(name, algorithm, public), public)


def parse_verifier(text: str) -> Verifier:
    """`<name>+<hex key id>+<base64(algorithm ‖ public key)>`, checking the key id."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not parts[0]:
        raise NoteError("a verifier key is name+keyid+key")
    name, hex_id, encoded = parts
    raw = _unb64(encoded)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 verifier keys are supported")
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    expected = key_id(name, raw[0], public)
    if hex_id.lower() != expected.hex():
        raise NoteError(f"key id {hex_id} does not match the key (expected {expected.hex()})")
    return Verifier(name, raw[0], expected, public)


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{_b64(root)}\n"


def sign_note(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    verifier = verifier_for(name, private_key)
    signature = private_key.sign(body.encode("utf-8"))
    return f"{body}\n{SIGNATURE_PREFIX}{name} {_b64(verifier.key_id + signature)}\n"


def split_note(note: str) -> tuple[str, list[Signature]]:
    """The body (ending in a newline) and the signature lines of a signed note."""
    body, sep, signatures = note.rpartition("\n\n")
    if not sep or not body:
        raise NoteError("a signed note is a body, a blank line and signature lines")
    out: list[Signature] = []
    for line in signatures.split("\n"):
        if not line:
            continue
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"not a signature line: {line[:60]!r}")
        fields = line[len(SIGNATURE_PREFIX) :].split(" ")
        if len(fields) != 2:
            raise NoteError(f"malformed signature line: {line[:60]!r}")
        raw = _unb64(fields[1])
        if len(raw) < 5:
            raise NoteError("signature too short")
        out.append(Signature(fields[0], raw[:4], raw[4:]))
    if not note.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    return body + "\n", out


def verify_note(note: str, verifier: Verifier) -> str:
    """The body if `verifier` signed the note; a NoteError saying why not otherwise."""
    body, signatures = split_note(note)
    mine = [s for s in signatures if s.name == verifier.name and s.key_id == verifier.key_id]
    if not mine:
        raise NoteError(f"no signature by {verifier.name} ({verifier.key_id.hex()})")
    for signature in mine:
        try:
            verifier.public_key.verify(signature.value, body.encode("utf-8"))
            return body
        except InvalidSignature:
            continue
    raise NoteError(f"the signature by {verifier.name} does not verify")


def parse_checkpoint(body: str) -> CheckpointBody:
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise NoteError(f"bad checkpoint origin or size: {origin!r} {size_text!r}")
    root = _unb64(root_text)
    if len(root) != HASH_SIZE:
        raise NoteError("the root hash is not 32 bytes")
    return CheckpointBody(origin, int(size_text), root, body)


def open_checkpoint(note: str, verifier: Verifier, origin: str | None = None) -> CheckpointBody:
    checkpoint = parse_checkpoint(verify_note(note, verifier))
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint


def _cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> str:
    """The witness's signature line over a checkpoint body it has checked."""
    verifier = verifier_for(name, private_key, COSIGNATURE_V1)
    signature = private_key.sign(_cosigned_message(body, timestamp))
    value = verifier.key_id + struct.pack(">Q", timestamp) + signature
    return f"{SIGNATURE_PREFIX}{name} {_b64(value)}\n"


def verify_cosignature(note: str, verifier: Verifier) -> tuple[str, int, str]:
    """(checkpoint body, timestamp, signature line) of the witness's cosignature on `note`."""
    if verifier.algorithm != COSIGNATURE_V1:
        raise NoteError("a witness key has algorithm 0x04 (cosignature/v1)")
    body, signatures = split_note(note)
    for signature in signatures:
        if signature.name != verifier.name or signature.key_id != verifier.key_id:
            continue
        if len(signature.value) != 8 + 64:
            raise NoteError("a cosignature is a timestamp and an Ed25519 signature")
        timestamp = struct.unpack(">Q", signature.value[:8])[0]
        try:
            verifier.public_key.verify(signature.value[8:], _cosigned_message(body, timestamp))
        except InvalidSignature:
            raise NoteError(f"the cosignature by {verifier.name} does not verify") from None
        line = f"{SIGNATURE_PREFIX}{signature.name} {_b64(signature.key_id + signature.value)}\n"
        return body, timestamp, line
    raise NoteError(f"no cosignature by {verifier.name} ({verifier.key_id.hex()})")


def private_key_from_seed(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unb64(seed_b64.strip()))


def hex_hash(text: str) -> bytes:
    """A 32-byte hash from hex, for proofs read from JSON; NoteError if it is not one."""
    try:
        value = bytes.fromhex(text)
    except (ValueError, TypeError):
        raise NoteError(f"not a hex hash: {str(text)[:70]!r}") from None
    if len(value) != HASH_SIZE:
        raise NoteError(f"not a 32-byte hash: {text[:70]!r}")
    return value
