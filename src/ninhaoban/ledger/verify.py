"""Offline checks of what a ledger serves: checkpoint signatures, inclusion and consistency.

No database and no Django: a citizen, an auditor or another city runs these against saved
files or a URL, trusting only the log's public key.
"""

import json
from pathlib import Path
from typing import Any

from ninhaoban.ledger import merkle, note
from ninhaoban.ledger.client import is_url, read_source


def load_verifier(source: str) -> note.Verifier:
    """A verifier key given literally (name+id+key), in a file, or at a URL."""
    text = source if "+" in source and not is_url(source) and not Path(source).exists() else ""
    return note.parse_verifier(text or read_source(source))


def check_checkpoint(signed: str, verifier: note.Verifier) -> note.CheckpointBody:
    return note.open_checkpoint(signed, verifier, verifier.name)


def _proof(value: Any) -> list[bytes]:
    if not isinstance(value, list):
        raise note.NoteError("the proof must be a list of hex hashes")
    return [note.hex_hash(h) for h in value]


def check_inclusion(
    checkpoint: note.CheckpointBody, proof: dict[str, Any], entry: dict[str, Any] | None = None
) -> str:
    """Checks the proof against the checkpoint and, when the entry is given, the entry itself."""
    try:
        index, size = int(proof["index"]), int(proof["tree_size"])
        leaf = note.hex_hash(proof["leaf_hash"])
        path = _proof(proof["proof"])
    except (KeyError, TypeError, ValueError) as exc:
        raise note.NoteError(f"malformed inclusion proof: {exc}") from None
    if size != checkpoint.size:
        raise note.NoteError(f"the proof is for size {size}, the checkpoint has {checkpoint.size}")
    if entry is not None:
        if entry.get("index") != index:
            raise note.NoteError(f"the entry has index {entry.get('index')}, the proof {index}")
        if not entry.get("redacted"):
            computed = merkle.leaf_hash(str(entry.get("body", "")).encode("utf-8"))
            if computed != leaf:
                raise note.NoteError(f"entry {index}: its body does not hash to the leaf hash")
        elif entry.get("leaf_hash") != leaf.hex():
            raise note.NoteError(f"entry {index}: its leaf hash differs from the proof's")
    if not merkle.verify_inclusion(leaf, index, size, path, checkpoint.root):
        raise note.NoteError(f"entry {index} is not included in the checkpoint of size {size}")
    return f"entry {index} is included in the checkpoint of size {size}"


def check_consistency(
    old: note.CheckpointBody, new: note.CheckpointBody, proof: dict[str, Any]
) -> str:
    try:
        first, second = int(proof["first"]), int(proof["second"])
        path = _proof(proof["proof"])
    except (KeyError, TypeError, ValueError) as exc:
        raise note.NoteError(f"malformed consistency proof: {exc}") from None
    if (first, second) != (old.size, new.size):
        raise note.NoteError(
            f"the proof is from {first} to {second}, the checkpoints are {old.size} and {new.size}"
        )
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, path):
        raise note.NoteError(
            f"the checkpoints of sizes {old.size} and {new.size} are not consistent: a fork"
        )
    return f"the checkpoint of size {new.size} extends the one of size {old.size}"


def parse_json(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise note.NoteError(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise note.NoteError(f"{what} is not a JSON object")
    return value
