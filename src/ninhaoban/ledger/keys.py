"""The log's signing key and name, generated on first use into VAR_DIR and never committed."""

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings

from ninhaoban.ledger import note


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in `path`, made once; O_EXCL keeps two first starts from racing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return note.private_key_from_seed(path.read_text())
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(seed).decode("ascii") + "\n")
    return note.private_key_from_seed(path.read_text())


@cache
def signing_key() -> Ed25519PrivateKey:
    return load_or_create_key(Path(settings.VAR_DIR) / "ledger_key")


def origin() -> str:
    return settings.NHB_LEDGER_ORIGIN


def log_verifier() -> note.Verifier:
    return note.verifier_for(origin(), signing_key())
