"""The 双随机 draw and its public check; no database and no Django.

Everything here is a function of published data (the plan's frozen snapshot, the ledger
entry that published it, the first signed checkpoint that includes that entry), so a citizen,
an auditor or a journalist reruns the draw with this file, `ninhaoban.ledger.merkle`,
`ninhaoban.ledger.note` and the `cryptography` package, and nothing else. The algorithm is
written down in docs/inspections.md for anyone who prefers to re-implement it.

    python -m ninhaoban.inspections.draw bundle.json [--key VERIFIER_KEY]
"""

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ninhaoban.core.canonical import canonical_json
from ninhaoban.ledger import merkle, note

DOMAIN = b"ninhaoban/inspections/draw/v1"
PUBLISH_KIND = "inspection.plan_published"


class DrawError(ValueError):
    """A snapshot that cannot be drawn, or a bundle that does not verify."""


@dataclass(frozen=True)
class Assignment:
    object: str  # the organization's 统一社会信用代码
    inspectors: tuple[str, ...]  # 执法证 numbers, in the order drawn

    def as_dict(self) -> dict[str, Any]:
        return {"object": self.object, "inspectors": list(self.inspectors)}


def snapshot_digest(snapshot: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonical_json(snapshot)).digest()


def publication_payload(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the ledger entry of the publication carries (the ledger keeps its digest)."""
    return {"plan": snapshot["plan"]["code"], "snapshot_sha256": snapshot_digest(snapshot).hex()}


def seed_of(root: bytes, plan_code: str, snapshot: dict[str, Any]) -> bytes:
    """SHA-256(DOMAIN ‖ 0 ‖ root ‖ 0 ‖ plan code ‖ 0 ‖ SHA-256(snapshot))."""
    return hashlib.sha256(
        DOMAIN
        + b"\x00"
        + root
        + b"\x00"
        + plan_code.encode("utf-8")
        + b"\x00"
        + snapshot_digest(snapshot)
    ).digest()


class Stream:
    """Uniform integers from SHA-256(seed ‖ label ‖ 0 ‖ counter), by rejection sampling.

    Each label (one per shuffle) has its own counter, so the inspectors of an object do not
    depend on how many numbers another shuffle happened to reject.
    """

    def __init__(self, seed: bytes, label: str) -> None:
        self.prefix = seed + label.encode("utf-8") + b"\x00"
        self.counter = 0

    def below(self, n: int) -> int:
        if n < 1:
            raise DrawError("nothing to choose from")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            block = hashlib.sha256(self.prefix + self.counter.to_bytes(8, "big")).digest()
            self.counter += 1
            value = int.from_bytes(block[:8], "big")
            if value < limit:
                return value % n


def choose(seed: bytes, label: str, pool: Sequence[str], k: int) -> list[str]:
    """The first k of a forward Fisher–Yates shuffle of `pool` (already in its public order)."""
    items = list(pool)
    if not 0 <= k <= len(items):
        raise DrawError(f"cannot choose {k} of {len(items)}")
    stream = Stream(seed, label)
    for i in range(k):
        j = i + stream.below(len(items) - i)
        items[i], items[j] = items[j], items[i]
    return items[:k]


def sample_size(pool: int, count: int | None, ratio_percent: int | None) -> int:
    """The number of objects a plan draws: its count, or its ratio of the pool rounded up."""
    if count is not None:
        return min(count, pool)
    if ratio_percent is not None:
        return min(pool, math.ceil(pool * ratio_percent / 100))
    raise DrawError("a plan names a count or a ratio")


def eligible(inspectors: Sequence[str], obj: str, excluded: set[tuple[str, str]]) -> list[str]:
    return [c for c in inspectors if (c, obj) not in excluded]


def check_snapshot(snapshot: dict[str, Any]) -> None:
    """The draw is possible: enough objects, and enough inspectors free of conflict for
    every object (refused at publication, so a published plan always draws)."""
    objects, inspectors = snapshot["objects"], snapshot["inspectors"]
    per_object, count = snapshot["plan"]["inspectors_per_object"], snapshot["plan"]["count"]
    if sorted(set(objects)) != objects or sorted(set(inspectors)) != inspectors:
        raise DrawError("objects and inspectors must be sorted and distinct")
    if not 1 <= count <= len(objects):
        raise DrawError(f"the plan draws {count} of {len(objects)} objects")
    if per_object < 1:
        raise DrawError("at least one inspector per object")
    excluded = {(c, o) for c, o in snapshot["excluded"]}
    for obj in objects:
        if len(eligible(inspectors, obj, excluded)) < per_object:
            raise DrawError(f"fewer than {per_object} inspectors free of conflict for {obj}")


def draw(snapshot: dict[str, Any], root: bytes) -> tuple[bytes, list[Assignment]]:
    """The seed and the assignments: `count` objects, then for each object in the order
    drawn `inspectors_per_object` inspectors among those not excluded for it."""
    check_snapshot(snapshot)
    plan = snapshot["plan"]
    seed = seed_of(root, plan["code"], snapshot)
    excluded = {(c, o) for c, o in snapshot["excluded"]}
    chosen = choose(seed, "objects", snapshot["objects"], plan["count"])
    return seed, [
        Assignment(
            obj,
            tuple(
                choose(
                    seed,
                    "inspectors:" + obj,
                    eligible(snapshot["inspectors"], obj, excluded),
                    plan["inspectors_per_object"],
                )
            ),
        )
        for obj in chosen
    ]


def _field(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise DrawError(f"the bundle lacks {'.'.join(path)}")
        value = value[key]
    return value


def verify_bundle(bundle: dict[str, Any], verifier: note.Verifier | None = None) -> list[str]:
    """Check a published draw from its public bundle; the list of what was checked, or
    DrawError naming the first thing that does not hold."""
    done: list[str] = []
    try:
        verifier = verifier or note.parse_verifier(str(_field(bundle, "log_key")))
        snapshot = _field(bundle, "snapshot")
        code = str(_field(snapshot, "plan", "code"))
        entry_body = str(_field(bundle, "entry", "body"))
        index = int(_field(bundle, "entry", "index"))
        checkpoint = note.open_checkpoint(
            str(_field(bundle, "checkpoint")), verifier, verifier.name
        )
        done.append(f"checkpoint of size {checkpoint.size} signed by {verifier.name}")
        body = json.loads(entry_body)
        if body.get("kind") != PUBLISH_KIND or f"inspection_plan:{code}" not in body.get(
            "subjects", []
        ):
            raise DrawError(f"entry {index} is not the publication of plan {code}")
        wanted = hashlib.sha256(canonical_json(publication_payload(snapshot))).hexdigest()
        if body.get("payload_digest") != wanted:
            raise DrawError("the snapshot differs from the one the plan was published with")
        done.append(f"entry {index} published this snapshot of plan {code}")
        path = [note.hex_hash(h) for h in _field(bundle, "inclusion")]
        leaf = merkle.leaf_hash(entry_body.encode("utf-8"))
        if not merkle.verify_inclusion(leaf, index, checkpoint.size, path, checkpoint.root):
            raise DrawError(f"entry {index} is not included in the checkpoint")
        done.append(f"entry {index} is included in the checkpoint of size {checkpoint.size}")
        previous = bundle.get("previous_checkpoint")
        if previous:
            before = note.open_checkpoint(str(previous), verifier, verifier.name)
            if before.size > index:
                raise DrawError("an earlier checkpoint already included the publication")
            done.append(f"the checkpoint before it (size {before.size}) did not include it")
        seed, assignments = draw(snapshot, checkpoint.root)
        published = _field(bundle, "result")
        if published.get("seed") != seed.hex():
            raise DrawError("the published seed differs from the recomputed one")
        if published.get("assignments") != [a.as_dict() for a in assignments]:
            raise DrawError("the published draw differs from the recomputed one")
        done.append(f"seed {seed.hex()[:16]}…: the published draw is the one recomputed")
    except (note.NoteError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DrawError):
            raise
        raise DrawError(str(exc)) from None
    return done


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recompute a published 双随机 draw.")
    parser.add_argument("bundle", help="the plan's public bundle (JSON file)")
    parser.add_argument("--key", help="the log's verifier key (else the one in the bundle)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        bundle = json.loads(Path(args.bundle).read_text(encoding="utf-8"))
        verifier = note.parse_verifier(args.key) if args.key else None
        for line in verify_bundle(bundle, verifier):
            print("OK", line)
    except (DrawError, note.NoteError, OSError, ValueError) as exc:
        print("MISMATCH", exc)
        return 1
    print("MATCH")
    return 0


if __name__ == "__main__":
    sys.exit(main())
