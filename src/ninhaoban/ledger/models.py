"""The ledger's store: entries, perfect subtree hashes, the tree state and signed checkpoints.

Only `ninhaoban.ledger.services` and `ninhaoban.ledger.sequencer` write these tables; the
sequencer's hot paths use plain SQL on them, so the table names are fixed here.
"""

from django.db import models

# A perfect subtree (level, index) is stored under one integer key so that a proof's two dozen
# nodes are one `id IN (...)` lookup on the primary key; 2^48 leaves is beyond any city's log.
NODE_INDEX_BITS = 48
# Subtrees below this level are not stored: they are recomputed from at most 2^4 consecutive
# leaves, one range read, which costs a proof almost nothing and saves the sequencer writing
# fifteen of every sixteen node rows (the same trade as the tiles of C2SP tlog-tiles).
FIRST_STORED_LEVEL = 4


def node_id(level: int, index: int) -> int:
    return (level << NODE_INDEX_BITS) | index


class LedgerEntry(models.Model):
    """One record of something that happened: ids and digests, never personal data in clear.

    The row is written in the same transaction as the change it records, with its leaf hash,
    and never changes afterwards; the sequencer gives it an index by adding a `LedgerLeaf`,
    so integrating costs no hashing of bodies and no update of this wide table.
    """

    kind = models.CharField(max_length=64)
    body = models.TextField(help_text="canonical JSON")
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_entry"
        verbose_name = "存证记录"
        verbose_name_plural = "存证记录"
        indexes = [models.Index(fields=["leaf_hash"], name="ledger_leaf_hash")]

    def __str__(self) -> str:
        return f"{self.index if self.index is not None else 'pending'} {self.kind}"

    @property
    def index(self) -> int | None:
        """The position in the tree, or None while the entry waits for the sequencer."""
        try:
            return self.leaf.index
        except LedgerLeaf.DoesNotExist:
            return None


class LedgerPending(models.Model):
    """The sequencer's queue: one narrow row per entry not yet in the tree."""

    entry = models.OneToOneField(LedgerEntry, primary_key=True, on_delete=models.CASCADE)
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_pending"
        verbose_name = "待整合存证"
        verbose_name_plural = "待整合存证"


class LedgerLeaf(models.Model):
    """Leaf `index` of the tree: which entry it is, and its hash (what proofs read)."""

    index = models.BigIntegerField(primary_key=True)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="leaf")
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_leaf"
        verbose_name = "存证叶"
        verbose_name_plural = "存证叶"


class LedgerSubject(models.Model):
    """Lookup by subject (a case number, a licence id, a person's digest): Rekor's missing index."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(max_length=128)

    class Meta:
        db_table = "ledger_subject"
        verbose_name = "存证主体"
        verbose_name_plural = "存证主体"
        indexes = [models.Index(fields=["subject", "entry"], name="ledger_subject_entry")]


class TreeNode(models.Model):
    """The hash of one perfect subtree of level ≥ FIRST_STORED_LEVEL; `id` is `node_id(...)`.

    Nodes are written once, when their last leaf is integrated, and never change: any root or
    proof at any size is a fold of at most 2·log2(n) of them.
    """

    id = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_node"
        verbose_name = "子树哈希"
        verbose_name_plural = "子树哈希"


class TreeState(models.Model):
    """The single row the sequencer locks: the integrated size and its root."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32)

    class Meta:
        db_table = "ledger_state"
        verbose_name = "树状态"
        verbose_name_plural = "树状态"


class Checkpoint(models.Model):
    """A signed tree head in the C2SP tlog-checkpoint signed-note format."""

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_checkpoint"
        verbose_name = "检查点"
        verbose_name_plural = "检查点"
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"{self.size} {bytes(self.root).hex()[:16]}"


class Cosignature(models.Model):
    """A witness's C2SP tlog-cosignature/v1 over one checkpoint; verified before it is stored."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.CASCADE, related_name="cosignatures"
    )
    witness = models.CharField(max_length=128)
    verifier_key = models.CharField(max_length=256)
    key_id = models.CharField(max_length=8)
    timestamp = models.BigIntegerField()
    line = models.TextField(help_text="the signature line of the note")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_cosignature"
        verbose_name = "见证签名"
        verbose_name_plural = "见证签名"
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "key_id"], name="one_cosignature_per_key")
        ]
