"""The store, the sequencer, checkpoints and the auditor, against the pure Merkle code."""

import itertools

import pytest
from django.db import connection, transaction

from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger import keys, merkle, note, selectors, services
from ninhaoban.ledger.audit import audit
from ninhaoban.ledger.models import (
    FIRST_STORED_LEVEL,
    Checkpoint,
    LedgerEntry,
    LedgerLeaf,
    LedgerPending,
    TreeNode,
    TreeState,
    node_id,
)
from ninhaoban.ledger.tasks import sequence_task

pytestmark = pytest.mark.django_db


def fill(n: int, prefix: str = "case:T") -> list[LedgerEntry]:
    return [services.record("test.step", f"{prefix}{i}", "staff:1", {"i": i}) for i in range(n)]


def leaf_hashes() -> list[bytes]:
    rows = LedgerLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    return [bytes(h) for h in rows]


def test_record_writes_nothing_when_the_business_transaction_rolls_back():
    before = LedgerEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record("test.step", "case:R1", "staff:1", {"a": 1})
        raise RuntimeError("the business change failed")
    assert LedgerEntry.objects.count() == before


def test_record_keeps_only_a_digest_of_the_payload():
    entry = services.record("test.step", ["case:P1", "person:abc"], "staff:1", {"name": "张三"})
    assert "张三" not in entry.body and "payload_digest" in entry.body
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(entry.body.encode("utf-8"))
    assert [e.pk for e in selectors.entries_about("person:abc")] == [entry.pk]


def test_record_many_writes_entries_in_order_with_their_own_subjects():
    entries = services.record_many(
        [
            ("test.first", "case:M1", "staff:1", {"n": 1}),
            ("test.second", ["case:M1", "person:m"], "staff:1", {"n": 2}),
            ("test.same", "case:M2", "staff:1", {"n": 3}),
            ("test.same", "case:M2", "staff:1", {"n": 3}),
        ]
    )
    ids = [e.pk for e in entries]
    assert ids == sorted(ids) and len(set(ids)) == 4
    stored = {e.pk: e for e in LedgerEntry.objects.filter(pk__in=ids)}
    assert [stored[i].kind for i in ids] == ["test.first", "test.second", "test.same", "test.same"]
    assert [e.pk for e in selectors.entries_about("case:M1")] == ids[:2]
    assert [e.pk for e in selectors.entries_about("person:m")] == [ids[1]]
    assert [e.pk for e in selectors.entries_about("case:M2")] == ids[2:]
    assert LedgerPending.objects.filter(entry_id__in=ids).count() == 4
    assert all(bytes(stored[e.pk].leaf_hash) == e.leaf_hash for e in entries)


def test_record_many_refuses_the_whole_batch_for_one_malformed_entry():
    before = LedgerEntry.objects.count()
    with pytest.raises(InvalidInput):
        services.record_many([("test.ok", "case:B1", "staff:1", {}), ("", "case:B2", "x", {})])
    assert LedgerEntry.objects.count() == before


@pytest.mark.parametrize(
    "kind,subject,actor", [("", "case:1", "x"), ("k", [], "x"), ("k", "c", "")]
)
def test_record_refuses_malformed_entries(kind, subject, actor):
    with pytest.raises(InvalidInput):
        services.record(kind, subject, actor, {})


def test_sequencer_integrates_in_order_and_proofs_match_the_pure_code():
    services.sequence()
    start = selectors.integrated_size()
    fill(23)
    assert services.sequence(batch_size=5) == 23
    hashes = leaf_hashes()
    size = len(hashes)
    assert size == start + 23
    assert TreeState.objects.get(pk=1).size == size
    assert not LedgerPending.objects.exists()
    for n in range(1, size + 1):
        assert selectors.root_at(n) == merkle.root_hash(hashes[:n])
        for i in range(n - 1, -1, -max(1, n // 7)):
            assert selectors.inclusion_proof(i, n) == merkle.inclusion_proof(i, hashes[:n])
        for m in range(0, n + 1, max(1, n // 5)):
            assert selectors.consistency_proof(m, n) == merkle.consistency_proof(m, hashes[:n])


def test_each_batch_signs_a_checkpoint_that_verifies_and_extends_the_last():
    services.sequence()
    start = selectors.integrated_size()
    fill(12)
    services.sequence(batch_size=4)
    verifier = keys.log_verifier()
    checkpoints = list(Checkpoint.objects.filter(size__gte=start).order_by("size"))
    bodies = [note.open_checkpoint(c.note, verifier, keys.origin()) for c in checkpoints]
    assert [b.size for b in bodies][-3:] == [start + 4, start + 8, start + 12]
    for old, new in itertools.pairwise(bodies):
        proof = selectors.consistency_proof(old.size, new.size)
        assert merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
    assert services.sequence() == 0
    assert Checkpoint.objects.order_by("-size").first().size == bodies[-1].size


def test_huey_task_runs_the_sequencer():
    fill(3)
    sequence_task()
    assert not LedgerPending.objects.exists()


def test_audit_is_clean_after_sequencing():
    fill(40)
    services.sequence(batch_size=7)
    assert audit() == []


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_audit_names_a_changed_entry():
    fill(20)
    services.sequence()
    _tamper(
        "UPDATE ledger_entry SET body = REPLACE(body, %s, %s) "
        'WHERE id = (SELECT entry_id FROM ledger_leaf WHERE "index" = %s)',
        ['"kind":"', '"kind":"forged.', 9],
    )
    problems = audit()
    assert problems and problems[0].startswith("entry 9:")


def test_audit_names_a_changed_leaf_hash_and_a_changed_node():
    fill(20)
    services.sequence()
    _tamper('UPDATE ledger_leaf SET leaf_hash = %s WHERE "index" = %s', [b"\x00" * 32, 4])
    _tamper("UPDATE ledger_node SET hash = %s WHERE id = %s", [b"\x01" * 32, node_id(4, 1)])
    problems = audit()
    assert problems[0] == "entry 4: the body does not match its stored leaf hash"
    assert any(p.startswith("node level 4 index 1: differs") for p in problems)


def test_audit_names_a_missing_row():
    fill(20)
    services.sequence()
    size = selectors.integrated_size()
    LedgerLeaf.objects.filter(index=size - 6).delete()
    assert any(p.startswith(f"entry {size - 6}: missing") for p in audit())


def test_audit_names_a_missing_node():
    fill(20)
    services.sequence()
    TreeNode.objects.filter(id=node_id(4, 2)).delete()
    assert "node level 4 index 2: missing (entries 32–47)" in audit()


def test_sequencer_refuses_to_sign_on_top_of_a_corrupted_store():
    fill(9)
    services.sequence()
    state = TreeState.objects.get(pk=1)
    frontier = merkle.perfect_cover(0, state.size)
    level, index = next(node for node in frontier if node[0] >= FIRST_STORED_LEVEL)
    TreeNode.objects.filter(id=node_id(level, index)).update(hash=b"\x02" * 32)
    fill(2)
    count = Checkpoint.objects.count()
    with pytest.raises(selectors.LedgerCorrupted):
        services.sequence()
    assert Checkpoint.objects.count() == count
    assert TreeState.objects.get(pk=1).size == state.size


def test_the_minute_task_schedules_the_sequencer_every_few_seconds(settings):
    from huey.contrib.djhuey import HUEY

    from ninhaoban.ledger.tasks import sequence_every_few_seconds

    settings.NHB_LEDGER_INTERVAL = 5
    fill(2)
    before = HUEY.scheduled_count()
    sequence_every_few_seconds.call_local()
    try:
        # The run at offset 0 is due at once (Huey runs it inline in immediate mode); the
        # eleven at 5, 10, ... 55 seconds wait in the schedule.
        assert not LedgerPending.objects.exists()
        assert HUEY.scheduled_count() - before == 11
    finally:
        HUEY.flush()


def _origin_of(checkpoint: Checkpoint) -> str:
    return note.parse_checkpoint(note.split_note(checkpoint.note)[0]).origin


def test_the_origin_is_fixed_at_first_run_not_by_the_base_url(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.NHB_LEDGER_ORIGIN = ""
    settings.NHB_BASE_URL = "http://first.example"
    fill(2, "case:O")
    services.sequence()
    first = _origin_of(selectors.latest_checkpoint())
    assert (tmp_path / "ledger_origin").read_text().strip() == first
    settings.NHB_BASE_URL = "http://another.example:9000"  # a worker started elsewhere
    fill(2, "case:P")
    services.sequence()
    assert _origin_of(selectors.latest_checkpoint()) == first == keys.origin()
    assert audit() == []


def test_an_explicit_origin_cannot_change_the_stored_one(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.VAR_DIR = tmp_path
    settings.NHB_LEDGER_ORIGIN = ""
    stored = keys.origin()
    settings.NHB_LEDGER_ORIGIN = stored
    assert keys.origin() == stored
    settings.NHB_LEDGER_ORIGIN = "renamed.example/ledger"
    with pytest.raises(ImproperlyConfigured, match=r"renamed\.example/ledger"):
        keys.origin()
    fill(1, "case:Q")
    with pytest.raises(ImproperlyConfigured):
        services.sequence()
    assert (tmp_path / "ledger_origin").read_text().strip() == stored
