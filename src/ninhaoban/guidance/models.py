from django.db import models


class Synonym(models.Model):
    """A word people use and the catalog's word for it (开饭店 → 餐饮, 新农合 → 城乡居民基本
    医疗保险). Kept as data because catalog admins know the local speech, not the developers;
    targets may themselves be terms, so chains (开饭店 → 餐饮 → 食品经营许可) are followed."""

    term = models.CharField("俗称、口语词", max_length=32, db_index=True)
    target = models.CharField("规范用语", max_length=64)
    note = models.CharField("说明", max_length=128, blank=True)
    updated_by = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term", "target"]
        constraints = [models.UniqueConstraint(fields=["term", "target"], name="synonym_pair_once")]
        verbose_name = "同义词与俗称"
        verbose_name_plural = "同义词与俗称"

    def __str__(self) -> str:
        return f"{self.term} → {self.target}"


class IndexChange(models.Model):
    """One row per change the search index must follow, written in the same transaction.

    Each process keeps its own index and compares the count and newest of these rows (with a
    stamp of the catalog) before searching, so a change made in one process, or
    `ninhaoban search --rebuild`, reaches every other process. Rows are only ever inserted,
    never updated, so concurrent catalog transactions never wait on each other here; the count
    (not only the newest id) notices a transaction that commits after a later one. This is
    bookkeeping for a cache, not a fact about the world, so it is not recorded in the ledger;
    the catalog change behind it is.
    """

    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "搜索索引变更"
        verbose_name_plural = "搜索索引变更"

    def __str__(self) -> str:
        return f"{self.pk} {self.changed_at:%Y-%m-%d %H:%M:%S}"
