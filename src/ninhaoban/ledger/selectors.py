"""Reading the ledger: checkpoints, entries, subjects, and proofs served from stored hashes.

A proof at any size needs at most two short indexed queries (the leaf hashes and the perfect
subtree hashes it names), so it costs the same at ten entries as at ten million.
"""

import json
from typing import Any

from django.db import connection

from ninhaoban.core.errors import Conflict, InvalidInput, NotFound
from ninhaoban.ledger import merkle
from ninhaoban.ledger.models import (
    FIRST_STORED_LEVEL,
    NODE_INDEX_BITS,
    Checkpoint,
    LedgerEntry,
    TreeState,
    node_id,
)

PUBLIC_SUBJECT_PREFIXES = ("case:", "licence:", "checkpoint:")
AUTHORIZED_ROLES = ("admin", "supervisor")


class LedgerCorrupted(Conflict):
    """The stored hashes disagree with themselves or the signed state."""

    code = "ledger_corrupted"


def _placeholders(values: list[Any]) -> str:
    return ",".join(["%s"] * len(values))


def _leaf_runs(nodes: set[merkle.Node]) -> list[tuple[int, int]]:
    """The merged leaf ranges [start, end) under the nodes that are not stored."""
    spans = sorted(
        (i << level, (i + 1) << level) for level, i in nodes if level < FIRST_STORED_LEVEL
    )
    runs: list[tuple[int, int]] = []
    for start, end in spans:
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return runs


def perfect_hashes(nodes: set[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The hashes of the given perfect subtrees: stored ones read, low ones recomputed."""
    runs = _leaf_runs(nodes)
    stored = sorted(node_id(level, i) for level, i in nodes if level >= FIRST_STORED_LEVEL)
    leaves: dict[int, bytes] = {}
    found: dict[merkle.Node, bytes] = {}
    with connection.cursor() as cursor:
        if runs:
            where = " OR ".join(['("index" >= %s AND "index" < %s)'] * len(runs))
            cursor.execute(
                f'SELECT "index", leaf_hash FROM ledger_leaf WHERE {where}',
                [bound for run in runs for bound in run],
            )
            leaves = {index: bytes(h) for index, h in cursor.fetchall()}
        if stored:
            cursor.execute(
                f"SELECT id, hash FROM ledger_node WHERE id IN ({_placeholders(stored)})", stored
            )
            mask = (1 << NODE_INDEX_BITS) - 1
            found.update(
                ((key >> NODE_INDEX_BITS, key & mask), bytes(h)) for key, h in cursor.fetchall()
            )
    for level, i in nodes:
        if level < FIRST_STORED_LEVEL:
            span = [leaves[j] for j in range(i << level, (i + 1) << level) if j in leaves]
            if len(span) == 1 << level:
                found[(level, i)] = merkle.perfect_root(span)
    missing = nodes - found.keys()
    if missing:
        level, index = min(missing)
        raise LedgerCorrupted(
            f"存证树缺少子树哈希（层{level}，序号{index}）",
            f"the store lacks the subtree hash at level {level}, index {index}",
        )
    return found


def integrated_size() -> int:
    return TreeState.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def _require_size(tree_size: int) -> None:
    size = integrated_size()
    if not 0 < tree_size <= size:
        raise InvalidInput(
            f"树大小应在1到{size}之间", f"the tree size must be between 1 and {size}", field="size"
        )


def _hashes_of(ranges: list[merkle.Range]) -> list[bytes]:
    known = perfect_hashes(merkle.nodes_for(ranges))
    return [merkle.range_hash(s, e, lambda level, index: known[(level, index)]) for s, e in ranges]


def root_at(tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    _require_size(tree_size)
    return _hashes_of([(0, tree_size)])[0]


def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    _require_size(tree_size)
    if not 0 <= index < tree_size:
        raise InvalidInput(
            f"序号{index}不在大小为{tree_size}的树中",
            f"index {index} is not in a tree of size {tree_size}",
            field="index",
        )
    return _hashes_of(merkle.inclusion_ranges(index, tree_size))


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    _require_size(new_size)
    if not 0 <= old_size <= new_size:
        raise InvalidInput(
            "一致性证明要求 0 ≤ 旧大小 ≤ 新大小",
            "a consistency proof needs 0 ≤ old size ≤ new size",
            field="first",
        )
    return _hashes_of(merkle.consistency_ranges(old_size, new_size))


def latest_checkpoint() -> Checkpoint:
    checkpoint = Checkpoint.objects.order_by("-size").first()
    if checkpoint is None:
        raise NotFound("尚无检查点", "no checkpoint has been signed yet")
    return checkpoint


def checkpoint_at(size: int) -> Checkpoint:
    checkpoint = Checkpoint.objects.filter(size=size).first()
    if checkpoint is None:
        raise NotFound(f"没有大小为{size}的检查点", f"no checkpoint of size {size}")
    return checkpoint


def entry_at(index: int) -> LedgerEntry:
    entry = LedgerEntry.objects.select_related("leaf").filter(leaf__index=index).first()
    if entry is None:
        raise NotFound(f"没有序号为{index}的存证记录", f"no entry with index {index}")
    return entry


def entry_with_leaf_hash(leaf: bytes) -> LedgerEntry:
    entry = (
        LedgerEntry.objects.select_related("leaf")
        .filter(leaf_hash=leaf, leaf__isnull=False)
        .order_by("leaf__index")
        .first()
    )
    if entry is None:
        raise NotFound("没有该叶哈希的存证记录", "no integrated entry has this leaf hash")
    return entry


def entries_about(subject: str, limit: int = 200) -> list[LedgerEntry]:
    """The subject's entries, oldest first; pending ones (no index yet) included."""
    return list(
        LedgerEntry.objects.filter(subjects__subject=subject)
        .select_related("leaf")
        .order_by("id")[:limit]
    )


def is_public_subject(subject: str) -> bool:
    return subject.startswith(PUBLIC_SUBJECT_PREFIXES)


def is_authorized(user: Any) -> bool:
    """Superusers, administrators and supervisors see full bodies and any subject.

    Checked through the user's related `staff` without importing accounts: the ledger is
    the bottom layer.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    staff = getattr(user, "staff", None)
    roles = getattr(staff, "roles", None)
    return bool(roles is not None and roles.filter(role__in=AUTHORIZED_ROLES).exists())


def _redact_name(name: str) -> str:
    return name if is_public_subject(name) else name.split(":", 1)[0] + ":***"


def public_body(entry: LedgerEntry) -> dict[str, Any]:
    """The body with who-did-it and non-public subjects hidden; the leaf hash stays exact."""
    body = json.loads(entry.body)
    body["subjects"] = [_redact_name(s) for s in body.get("subjects", [])]
    body["actor"] = body.get("actor", "").split(":", 1)[0]
    return body


def first_checkpoint_after(index: int) -> Checkpoint | None:
    """The first signed checkpoint whose tree includes entry `index` (None while none does):
    what a draw seeded by "the first checkpoint after publication" reads."""
    return Checkpoint.objects.filter(size__gt=index).order_by("size").first()


def checkpoint_before(size: int) -> Checkpoint | None:
    """The last signed checkpoint smaller than `size`, if any."""
    return Checkpoint.objects.filter(size__lt=size).order_by("-size").first()
