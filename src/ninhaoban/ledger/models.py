from django.db import models


class LedgerEntry(models.Model):
    """One record of something that happened: ids and digests, never personal data in clear.

    `index` stays empty until the sequencer integrates the entry into the Merkle tree; the
    row itself is written in the same transaction as the change it records.
    """

    index = models.BigIntegerField(unique=True, null=True, blank=True)
    kind = models.CharField(max_length=64, db_index=True)
    body = models.TextField(help_text="canonical JSON")
    leaf_hash = models.BinaryField(max_length=32, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "存证记录"
        verbose_name_plural = "存证记录"

    def __str__(self) -> str:
        return f"{self.index if self.index is not None else 'pending'} {self.kind}"


class LedgerSubject(models.Model):
    """Lookup by subject (a case number, a licence id, a person's digest): Rekor's missing index."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(max_length=128, db_index=True)

    class Meta:
        verbose_name = "存证主体"
        verbose_name_plural = "存证主体"
