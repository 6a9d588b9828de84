"""Writing to the ledger: `record()` (every app's one door), the sequencer and cosignatures.

`record()` only inserts the entry, its subjects and a pending row inside the caller's
transaction (one statement on PostgreSQL), so a business change and its entry commit or
vanish together. The sequencer later gives pending rows their indices in one transaction per
batch: it locks the tree state, claims the oldest pending rows, appends them as leaves with
every stored subtree they complete, and signs a checkpoint of the new size. A crash anywhere
rolls the whole batch back, so no committed entry is lost, no index is used twice, and a
checkpoint exists only for a tree whose hashes were committed with it.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ninhaoban.core.canonical import canonical_json, digest
from ninhaoban.core.errors import Forbidden, InvalidInput, TooManyTries
from ninhaoban.ledger import keys, merkle, note
from ninhaoban.ledger.models import (
    FIRST_STORED_LEVEL,
    Checkpoint,
    Cosignature,
    LedgerEntry,
    TreeState,
    node_id,
)
from ninhaoban.ledger.selectors import LedgerCorrupted, perfect_hashes


def _validate(kind: str, subjects: list[str], actor: str) -> None:
    if not kind or len(kind) > 64:
        raise InvalidInput("存证类型无效", "the entry kind must have 1 to 64 characters")
    if not subjects or any(not s or len(s) > 128 for s in subjects):
        raise InvalidInput("存证主体无效", "each subject must have 1 to 128 characters")
    if not actor:
        raise InvalidInput("存证操作人不能为空", "the actor must not be empty")


def _insert(rows: list[tuple[str, str, bytes, list[str]]]) -> list[int]:
    """The entries, their pending rows and their subjects; the new ids in the given order."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the whole batch. Subjects find their entry by body: two
            # entries with the same body have the same subjects too, hence DISTINCT.
            cursor.execute(
                "WITH given AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::bytea[]) "
                "WITH ORDINALITY AS g(kind, body, leaf_hash, n)), "
                "entry AS (INSERT INTO ledger_entry (kind, body, leaf_hash) "
                "SELECT kind, body, leaf_hash FROM given ORDER BY n "
                "RETURNING id, body, leaf_hash), "
                "queued AS (INSERT INTO ledger_pending (entry_id, leaf_hash) "
                "SELECT id, leaf_hash FROM entry), "
                "subjects AS (INSERT INTO ledger_subject (entry_id, subject) "
                "SELECT DISTINCT entry.id, s.subject FROM entry "
                "JOIN unnest(%s::text[], %s::text[]) AS s(body, subject) ON s.body = entry.body) "
                "SELECT id, body FROM entry",
                [
                    [r[0] for r in rows],
                    [r[1] for r in rows],
                    [r[2] for r in rows],
                    [r[1] for r in rows for _ in r[3]],
                    [s for r in rows for s in r[3]],
                ],
            )
            ids: dict[str, list[int]] = {}
            for entry_id, body in sorted(cursor.fetchall()):
                ids.setdefault(body, []).append(entry_id)
            return [ids[body].pop(0) for _, body, _, _ in rows]
        found = []
        for kind, body, leaf, subjects in rows:
            cursor.execute(
                "INSERT INTO ledger_entry (kind, body, leaf_hash) VALUES (%s, %s, %s) RETURNING id",
                [kind, body, leaf],
            )
            entry_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO ledger_pending (entry_id, leaf_hash) VALUES (%s, %s)",
                [entry_id, leaf],
            )
            cursor.executemany(
                "INSERT INTO ledger_subject (entry_id, subject) VALUES (%s, %s)",
                [(entry_id, s) for s in subjects],
            )
            found.append(entry_id)
    return found


Entry = tuple[str, str | Sequence[str], str, Mapping[str, Any]]


def record(
    kind: str, subject: str | Sequence[str], actor: str, payload: Mapping[str, Any]
) -> LedgerEntry:
    """Append a pending entry inside the caller's transaction.

    `subject` names what the entry is about ("case:421202...", "licence:1.2.156...",
    "person:<digest>"); `actor` who did it ("staff:12", "person:<digest>", "system").
    Only the digest of `payload` is kept, so the log can be public without leaking data.
    """
    return record_many([(kind, subject, actor, payload)])[0]


def record_many(entries: Sequence[Entry]) -> list[LedgerEntry]:
    """Several entries of one business change (a case received and accepted at once) in one
    round trip, in the order given: what `record()` does for one."""
    now = timezone.now().isoformat(timespec="microseconds")
    rows = []
    for kind, subject, actor, payload in entries:
        subjects = [subject] if isinstance(subject, str) else list(subject)
        _validate(kind, subjects, actor)
        body = canonical_json(
            {
                "kind": kind,
                "subjects": subjects,
                "actor": actor,
                "time": now,
                "payload_digest": digest(dict(payload)),
            }
        ).decode("utf-8")
        rows.append((kind, body, merkle.leaf_hash(body.encode("utf-8")), subjects))
    if connection.in_atomic_block:
        ids = _insert(rows)
    else:
        with transaction.atomic():
            ids = _insert(rows)
    return [
        LedgerEntry(id=i, kind=kind, body=body, leaf_hash=leaf)
        for i, (kind, body, leaf, _) in zip(ids, rows, strict=True)
    ]


_CLAIM = """
DELETE FROM ledger_pending
WHERE entry_id IN (SELECT entry_id FROM ledger_pending ORDER BY entry_id LIMIT %s)
RETURNING entry_id, leaf_hash
"""


def _append(leaves: list[tuple[int, int, bytes]], nodes: list[tuple[int, bytes]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Text COPY built in one string: per-row adaptation would cost more than the hashing.
            raw = cursor.cursor
            with raw.copy('COPY ledger_leaf ("index", entry_id, leaf_hash) FROM STDIN') as copy:
                copy.write("".join(f"{i}\t{e}\t\\\\x{h.hex()}\n" for i, e, h in leaves))
            with raw.copy("COPY ledger_node (id, hash) FROM STDIN") as copy:
                copy.write("".join(f"{n}\t\\\\x{h.hex()}\n" for n, h in nodes))
        else:
            cursor.executemany(
                'INSERT INTO ledger_leaf ("index", entry_id, leaf_hash) VALUES (%s, %s, %s)',
                leaves,
            )
            cursor.executemany("INSERT INTO ledger_node (id, hash) VALUES (%s, %s)", nodes)


def _locked_state() -> TreeState:
    TreeState.objects.bulk_create(
        [TreeState(pk=1, size=0, root=merkle.EMPTY_ROOT)], ignore_conflicts=True
    )
    return TreeState.objects.select_for_update().get(pk=1)


def _integrate_batch(limit: int) -> int:
    with transaction.atomic():
        state = _locked_state()
        size = state.size
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM, [limit])
            claimed = sorted((entry_id, bytes(leaf)) for entry_id, leaf in cursor.fetchall())
        if not claimed:
            return 0
        frontier = merkle.perfect_cover(0, size)
        known = perfect_hashes(set(frontier))
        stack = [(level, index, known[(level, index)]) for level, index in frontier]
        if merkle.fold_cover([h for _, _, h in stack]) != bytes(state.root):
            raise LedgerCorrupted(
                "存证树的已存哈希与已签名状态不符，拒绝签发检查点",
                f"the stored subtree hashes disagree with the signed root at size {size}",
            )
        leaves: list[tuple[int, int, bytes]] = []
        nodes: list[tuple[int, bytes]] = []
        for index, (entry_id, leaf) in enumerate(claimed, start=size):
            leaves.append((index, entry_id, leaf))
            stack.append((0, index, leaf))
            while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
                level, right_index, right = stack.pop()
                _, _, left = stack.pop()
                parent = merkle.node_hash(left, right)
                stack.append((level + 1, right_index >> 1, parent))
                if level + 1 >= FIRST_STORED_LEVEL:
                    nodes.append((node_id(level + 1, right_index >> 1), parent))
        _append(leaves, nodes)
        state.size = size + len(claimed)
        state.root = merkle.fold_cover([h for _, _, h in stack])
        state.save(update_fields=["size", "root"])
        _sign_checkpoint(state.size, bytes(state.root))
        return len(claimed)


def _sign_checkpoint(size: int, root: bytes) -> Checkpoint:
    body = note.checkpoint_text(keys.origin(), size, root)
    signed = note.sign_note(body, keys.origin(), keys.signing_key())
    return Checkpoint.objects.create(size=size, root=root, note=signed)


def sequence(batch_size: int | None = None) -> int:
    """Integrate every pending entry, one locked transaction per batch; how many were added."""
    batch_size = batch_size or settings.NHB_LEDGER_BATCH
    if batch_size < 1:
        raise InvalidInput("批大小必须为正数", "the batch size must be positive")
    total = 0
    while True:
        added = _integrate_batch(batch_size)
        total += added
        if added < batch_size:
            return total


def _count_post(source: str) -> None:
    """At most NHB_LEDGER_COSIGN_PER_MINUTE posts a minute from one address, refused ones
    included: checking a signature costs the log more than sending one costs a caller."""
    key = "ledger:cosign:" + hashlib.sha256(source.encode()).hexdigest()
    cache.add(key, 0, 60)
    if cache.incr(key) > settings.NHB_LEDGER_COSIGN_PER_MINUTE:
        raise TooManyTries(
            "提交见证签名过于频繁，请稍后再试", "too many cosignatures posted: try again later"
        )


def add_cosignature(signed_note: str, verifier_key: str, *, source: str) -> Cosignature:
    """Store a listed witness's cosignature on one of our checkpoints after checking it.

    Only the witnesses of NHB_LEDGER_WITNESSES count (none when it is empty), so nobody can
    grow the published checkpoint with self-made keys. The first cosignature of a checkpoint
    is its one ledger entry; later ones (another witness, a witness posting again) are kept
    beside the checkpoint and add none.
    """
    _count_post(source)
    try:
        verifier = note.parse_verifier(verifier_key)
    except note.NoteError as exc:
        raise InvalidInput("见证方公钥无效", f"invalid witness key: {exc}") from None
    listed = {note.parse_verifier(k).encoded() for k in settings.NHB_LEDGER_WITNESSES}
    if verifier.encoded() not in listed:
        raise Forbidden("该见证方不在本存证库的见证名单中", "this witness is not on the log's list")
    try:
        body, timestamp, line = note.verify_cosignature(signed_note, verifier)
        checkpoint = note.parse_checkpoint(body)
    except note.NoteError as exc:
        raise InvalidInput("见证签名无效", f"invalid cosignature: {exc}") from None
    stored = Checkpoint.objects.filter(size=checkpoint.size).first()
    if stored is None or note.split_note(stored.note)[0] != body:
        raise InvalidInput(
            "见证签名所签的检查点不是本存证库签发的",
            "the cosigned checkpoint is not one this log signed",
        )
    with transaction.atomic():
        Checkpoint.objects.select_for_update().filter(pk=stored.pk).first()
        first = not Cosignature.objects.filter(checkpoint=stored).exists()
        cosignature, created = Cosignature.objects.get_or_create(
            checkpoint=stored,
            key_id=verifier.key_id.hex(),
            defaults={
                "witness": verifier.name,
                "verifier_key": verifier.encoded(),
                "timestamp": timestamp,
                "line": line,
            },
        )
        if created and first:
            record(
                "ledger.cosigned",
                f"checkpoint:{stored.size}",
                f"witness:{verifier.name}",
                {"key_id": verifier.key_id.hex(), "timestamp": timestamp},
            )
    return cosignature
