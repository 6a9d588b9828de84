"""`audit()`: recompute the whole tree from the stored bodies and compare it with everything stored.

Entries and nodes are streamed in index order with keyset pages, so memory stays at one page
plus one hash per tree level whatever the size of the log.
"""

import json
from collections.abc import Iterator

from django.db import connection

from ninhaoban.ledger import keys, merkle, note
from ninhaoban.ledger.models import (
    FIRST_STORED_LEVEL,
    NODE_INDEX_BITS,
    Checkpoint,
    TreeState,
    node_id,
)

PAGE = 10_000


def _entries() -> Iterator[tuple[int, str | None, bytes, bytes | None]]:
    """(index, body, leaf hash of the leaf row, leaf hash of the entry row) in index order."""
    after = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT l."index", e.body, l.leaf_hash, e.leaf_hash FROM ledger_leaf l '
                "LEFT JOIN ledger_entry e ON e.id = l.entry_id "
                'WHERE l."index" > %s ORDER BY l."index" LIMIT %s',
                [after, PAGE],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        for index, body, leaf, entry_leaf in rows:
            yield index, body, bytes(leaf), None if entry_leaf is None else bytes(entry_leaf)
        after = rows[-1][0]


def _lost_or_doubled() -> list[str]:
    """Entries neither in the tree nor queued (lost), or in both (integrated twice)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id FROM ledger_entry e "
            "LEFT JOIN ledger_leaf l ON l.entry_id = e.id "
            "LEFT JOIN ledger_pending p ON p.entry_id = e.id "
            'WHERE l."index" IS NULL AND p.entry_id IS NULL ORDER BY e.id LIMIT 20'
        )
        lost = [f"entry id {i}: neither integrated nor pending" for (i,) in cursor.fetchall()]
        cursor.execute(
            'SELECT l."index" FROM ledger_leaf l JOIN ledger_pending p ON p.entry_id = l.entry_id '
            'ORDER BY l."index" LIMIT 20'
        )
        doubled = [f"entry {i}: integrated and still pending" for (i,) in cursor.fetchall()]
    return lost + doubled


class _Level:
    """The stored nodes of one level, read in order and matched against recomputed ones."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.next_key = node_id(level, 0)
        self.end_key = node_id(level + 1, 0)
        self.page: list[tuple[int, bytes]] = []

    def _fill(self) -> None:
        if self.page or self.next_key >= self.end_key:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, hash FROM ledger_node WHERE id >= %s AND id < %s ORDER BY id LIMIT %s",
                [self.next_key, self.end_key, PAGE],
            )
            rows = cursor.fetchall()
        mask = (1 << NODE_INDEX_BITS) - 1
        self.page = [(key & mask, bytes(h)) for key, h in reversed(rows)]
        self.next_key = rows[-1][0] + 1 if rows else self.end_key

    def take(self, index: int) -> tuple[bytes | None, list[int]]:
        """The stored hash of node `index` (None if missing) and any unexpected nodes before it."""
        extra: list[int] = []
        while True:
            self._fill()
            if not self.page or self.page[-1][0] > index:
                return None, extra
            stored_index, stored = self.page.pop()
            if stored_index == index:
                return stored, extra
            extra.append(stored_index)

    def remaining(self) -> list[int]:
        left: list[int] = []
        while True:
            self._fill()
            if not self.page:
                return left
            left.extend(index for index, _ in reversed(self.page))
            self.page = []


def _span(level: int, index: int) -> str:
    return f"{index << level}–{((index + 1) << level) - 1}"


def audit(limit: int = 50) -> list[str]:
    """Every disagreement found (at most `limit`), each naming the index concerned."""
    problems: list[str] = []
    state = TreeState.objects.filter(pk=1).first()
    size, signed_root = (state.size, bytes(state.root)) if state else (0, merkle.EMPTY_ROOT)
    verifier = keys.log_verifier()
    checkpoints: list[tuple[int, bytes]] = []
    for cp in Checkpoint.objects.order_by("size"):
        try:
            signed = note.open_checkpoint(cp.note, verifier, keys.origin())
        except note.NoteError as exc:
            problems.append(f"checkpoint {cp.size}: {exc}")
            continue
        if signed.size != cp.size or signed.root != bytes(cp.root):
            problems.append(f"checkpoint {cp.size}: the signed note says {signed.size}")
        if cp.size > size:
            problems.append(f"checkpoint {cp.size}: beyond the integrated size {size}")
        checkpoints.append((signed.size, signed.root))
    checkpoints.reverse()

    levels: dict[int, _Level] = {}
    stack: list[tuple[int, int, bytes]] = []
    expected = 0
    for index, body, stored_leaf, entry_leaf in _entries():
        if len(problems) >= limit:
            return problems
        if index != expected:
            problems.append(f"entry {expected}: missing (the next stored index is {index})")
            return problems
        if body is None:
            problems.append(f"entry {index}: missing (its leaf points at no entry row)")
            body = ""
        try:
            json.loads(body)
        except ValueError:
            problems.append(f"entry {index}: the body is not JSON")
        leaf = merkle.leaf_hash(body.encode("utf-8"))
        if leaf != stored_leaf:
            problems.append(f"entry {index}: the body does not match its stored leaf hash")
        elif entry_leaf is not None and entry_leaf != stored_leaf:
            problems.append(f"entry {index}: the entry row's leaf hash differs from the leaf's")
        stack.append((0, index, leaf))
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            level, right_index, right = stack.pop()
            _, _, left = stack.pop()
            parent_level, parent_index = level + 1, right_index >> 1
            parent = merkle.node_hash(left, right)
            stack.append((parent_level, parent_index, parent))
            if parent_level < FIRST_STORED_LEVEL:
                continue
            stored, extra = levels.setdefault(parent_level, _Level(parent_level)).take(parent_index)
            problems.extend(
                f"node level {parent_level} index {i}: unexpected (entries "
                f"{_span(parent_level, i)})"
                for i in extra
            )
            span = _span(parent_level, parent_index)
            if stored is None:
                problems.append(
                    f"node level {parent_level} index {parent_index}: missing (entries {span})"
                )
            elif stored != parent:
                problems.append(
                    f"node level {parent_level} index {parent_index}: differs from the hash "
                    f"recomputed from entries {span}"
                )
        expected += 1
        while checkpoints and checkpoints[-1][0] == expected:
            cp_size, cp_root = checkpoints.pop()
            if merkle.fold_cover([h for _, _, h in stack]) != cp_root:
                problems.append(
                    f"checkpoint {cp_size}: its root differs from the tree recomputed from "
                    f"entries 0–{cp_size - 1}"
                )
    if expected != size:
        problems.append(f"entry {expected}: missing (the tree state says size {size})")
    elif merkle.fold_cover([h for _, _, h in stack]) != signed_root:
        problems.append(f"tree state: the root at size {size} differs from the recomputation")
    for level in range(1, max(size, 1).bit_length() + 1):
        rest = levels.setdefault(level, _Level(level)).remaining()
        problems.extend(f"node level {level} index {i}: not part of the tree" for i in rest)
    problems.extend(_lost_or_doubled())
    return problems[:limit]
