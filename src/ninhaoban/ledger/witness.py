"""Acting as a witness of another deployment's ledger (C2SP tlog-cosignature/v1).

The witness pins the log's key on first contact, keeps the last checkpoint it cosigned, and
cosigns a new one only if a consistency proof shows it extends that one: a log that shows
different histories to different people is caught by the first witness that saw the other.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ninhaoban.ledger import merkle, note
from ninhaoban.ledger.client import Transport


class WitnessRefused(note.NoteError):
    """The log served something the witness will not sign."""


@dataclass(frozen=True)
class Witnessed:
    origin: str
    old_size: int
    size: int


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _log_verifier(transport: Transport, state: Path, log_key: str | None) -> note.Verifier:
    pinned = state / "log_key"
    if pinned.exists():
        verifier = note.parse_verifier(pinned.read_text())
        if log_key and note.parse_verifier(log_key).encoded() != verifier.encoded():
            raise WitnessRefused("the given log key differs from the one pinned on first contact")
        return verifier
    verifier = note.parse_verifier(log_key or transport.get_text("/key"))
    _write_atomically(pinned, verifier.encoded() + "\n")
    return verifier


def witness_once(
    transport: Transport,
    state: Path,
    name: str,
    key: Ed25519PrivateKey,
    timestamp: int,
    log_key: str | None = None,
) -> Witnessed:
    """Fetch, check and cosign the log's latest checkpoint; WitnessRefused if it is a fork."""
    state.mkdir(parents=True, exist_ok=True)
    verifier = _log_verifier(transport, state, log_key)
    saved = state / "checkpoint"
    old = note.open_checkpoint(saved.read_text(), verifier) if saved.exists() else None
    old_size = old.size if old else 0
    try:
        served = json.loads(transport.get_text(f"/witness?old_size={old_size}"))
        signed = served["checkpoint"]
        proof = [note.hex_hash(h) for h in served["proof"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise WitnessRefused(f"the log's answer is malformed: {exc}") from None
    new = note.open_checkpoint(signed, verifier, verifier.name)
    if new.size < old_size:
        raise WitnessRefused(f"the log went back from size {old_size} to {new.size}")
    if old and not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
        raise WitnessRefused(
            f"the checkpoint of size {new.size} is not consistent with the one of size "
            f"{old.size} this witness saw before: refusing to cosign a fork"
        )
    _write_atomically(saved, signed)
    line = note.cosign(new.text, name, key, timestamp)
    witness_key = note.verifier_for(name, key, note.COSIGNATURE_V1).encoded()
    transport.post_json(
        "/witness/cosignatures", {"note": f"{new.text}\n{line}", "verifier_key": witness_key}
    )
    return Witnessed(new.origin, old_size, new.size)
