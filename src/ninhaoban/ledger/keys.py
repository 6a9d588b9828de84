"""The log's signing key and name, fixed on first use in VAR_DIR and never committed.

The name (origin) is in every signed checkpoint: were it read from the environment each
time, a worker started with another base URL would sign under another name and the log
would fail its audit for ever after. So it is chosen once and kept beside the key.
"""

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


def _first_origin() -> str:
    """The name a log takes at its first run: the one its checkpoints already carry (a log
    signed before the name was kept in VAR_DIR), else NHB_LEDGER_ORIGIN, else the host of
    NHB_BASE_URL followed by /ledger."""
    from ninhaoban.ledger.models import Checkpoint

    latest = Checkpoint.objects.order_by("-size").first()
    if latest is not None:
        return note.parse_checkpoint(note.split_note(latest.note)[0]).origin
    if settings.NHB_LEDGER_ORIGIN:
        return settings.NHB_LEDGER_ORIGIN
    return settings.NHB_BASE_URL.split("://", 1)[-1].split("/", 1)[0] + "/ledger"


def origin() -> str:
    """The stored name; NHB_LEDGER_ORIGIN may only repeat it (a different one is refused
    rather than silently renaming the log)."""
    path = Path(settings.VAR_DIR) / "ledger_origin"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        stored = path.read_text(encoding="utf-8").strip()
    else:
        stored = _first_origin()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(stored + "\n")
    wanted = settings.NHB_LEDGER_ORIGIN
    if wanted and wanted != stored:
        raise ImproperlyConfigured(
            f"NHB_LEDGER_ORIGIN={wanted} differs from the log's name {stored} kept in {path}: "
            "a log keeps its name; unset NHB_LEDGER_ORIGIN or set it to the stored one"
        )
    return stored


def log_verifier() -> note.Verifier:
    return note.verifier_for(origin(), signing_key())
