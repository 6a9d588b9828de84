"""The only writer of supervision's tables: the rollups follow every case event, in the
event's own transaction (NHB_ROLLUPS_INLINE) or through the outbox that `drain` folds every
few seconds, and `rebuild` recomputes them from the cases' history."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from django.db import connection, transaction

from ninhaoban.cases import selectors as cases
from ninhaoban.cases.models import Case, CaseEvent
from ninhaoban.ledger.services import record
from ninhaoban.supervision.facts import (
    FACT_FIELDS,
    MATERIAL_ACTIONS,
    CaseRow,
    EventRow,
    Fact,
    Key,
    contributions,
    delta,
    fold,
    measure_vector,
    tally,
)
from ninhaoban.supervision.models import MEASURES, CaseFact, PendingEvent, Rollup

KEY_COLUMNS = (
    "grain",
    "day",
    "region",
    "intake_region",
    "department",
    "item",
    "channel",
    "hall",
    "window",
)


def row_of(case: Case) -> CaseRow:
    return CaseRow(
        case_id=case.pk,
        parent_id=case.parent_id,
        region=case.region_id,
        intake_region=case.intake_region_id,
        hall=case.intake_hall_id or 0,
        window=case.intake_window_id or 0,
        department=case.department_id or 0,
        item=case.item_id or 0,
        channel=case.channel,
        status=case.status,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        decided_on=case.decided_on,
        closed_on=case.closed_on,
        due_date=case.due_date,
        joint=case.joint,
        bundle=case.bundle_id is not None,
        delivery_method=case.delivery_method,
        limit_days=case.limit_days,
    )


def _model_of(fact: Fact) -> CaseFact:
    return CaseFact(**asdict(fact))


def on_events(events: Sequence[CaseEvent]) -> None:
    """Fold the new history rows into their cases' facts and move the rollups by the
    difference: one read of the facts, at most one of materials (an event that may change
    them, unless intake holds them in hand), and one statement writing the facts and the
    rollups of both grains (two on SQLite, which has no INSERT in a WITH)."""
    by_case: dict[int, tuple[Case, list[EventRow]]] = {}
    for event in events:
        case = event.case
        entry = by_case.setdefault(case.pk, (case, []))
        entry[1].append(EventRow(event.action, event.actor, event.due_date))
    # a case's first row is its receipt: no fact of it is stored yet
    known = [pk for pk, (_, rows) in by_case.items() if rows[0].action != "submit"]
    stored = _stored_facts(known) if known else {}
    reread = [
        pk
        for pk, (case, rows) in by_case.items()
        if case.parent_id is None
        and case.accepted_on is not None
        and any(r.action in MATERIAL_ACTIONS for r in rows)
    ]
    materials = _materials({pk: by_case[pk][0] for pk in reread})
    changes: dict[Key, Counter[str]] = {}
    new_facts = []
    for pk, (case, rows) in by_case.items():
        old = stored.get(pk)
        found = tally(materials.get(pk, ())) if pk in reread else None
        new = fold(old, row_of(case), rows, found)
        if new != old:
            delta(old, new, changes)
            new_facts.append(new)
    statements = [_facts_upsert(new_facts)] if new_facts else []
    if changes:
        statements.append(_rollups_upsert(changes))
    _execute(statements)


def queue_events(events: Sequence[CaseEvent]) -> None:
    """The outbox: one small insert in the transition's transaction; `drain` folds them."""
    PendingEvent.objects.bulk_create([PendingEvent(event_id=e.pk) for e in events])


_CLAIM = (
    "DELETE FROM supervision_pendingevent WHERE event_id IN "
    "(SELECT event_id FROM supervision_pendingevent ORDER BY event_id LIMIT %s) "
    "RETURNING event_id"
)


def _one_at_a_time() -> None:
    """Hold, until the transaction ends, the lock that drains and rebuilds take."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('supervision.rollups'))")


def drain(batch: int = 500) -> int:
    """Fold the queued events into the facts and rollups, oldest first, a batch per
    transaction; how many were folded. One drain at a time (a lock on PostgreSQL; SQLite
    writes one transaction at a time anyway): two at once could fold a case's later event
    before its earlier one. A failure rolls the batch back into the queue."""
    total = 0
    while True:
        with transaction.atomic():
            _one_at_a_time()
            with connection.cursor() as cursor:
                cursor.execute(_CLAIM, [batch])
                ids = [row[0] for row in cursor.fetchall()]
            if ids:
                on_events(cases.events_by_ids(ids))
        total += len(ids)
        if len(ids) < batch:
            return total


def _stored_facts(case_ids: list[int]) -> dict[int, Fact]:
    """The facts as stored, read by a plain SELECT (composing it through the ORM costs more
    than the read, on every transition)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in FACT_FIELDS)
    marks = ", ".join("%s" for _ in case_ids)
    sql = f"SELECT {columns} FROM {quote(CaseFact._meta.db_table)} WHERE case_id IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, case_ids)
        return {row[0]: Fact(*row) for row in cursor.fetchall()}


def _materials(holders: dict[int, Case]) -> dict[int, list[cases.MaterialRow]]:
    """The materials of these cases: those intake holds in hand already, the rest read."""
    found: dict[int, list[cases.MaterialRow]] = {}
    missing = []
    for pk, case in holders.items():
        held = getattr(case, "_prefetched_objects_cache", {}).get("materials")
        if held is None:
            missing.append(pk)
        else:
            found[pk] = [(m.source, m.requirement, m.state) for m in held]
    if missing:
        found |= cases.material_rows(missing)
    return found


Statement = tuple[str, list[Any]]


def _upsert(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str],
    update: str,
) -> Statement:
    """INSERT … ON CONFLICT (conflict) DO UPDATE SET each other column by `update`, a
    format of the table, the column and the excluded row (SQLite and PostgreSQL both)."""
    quote = connection.ops.quote_name
    values: list[str] = []
    params: list[Any] = []
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for row in rows:
        values.append(row_sql)
        params.extend(row)
    updates = ", ".join(
        f"{quote(c)} = " + update.format(table=quote(table), column=quote(c))
        for c in columns
        if c not in conflict
    )
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES {', '.join(values)} "
        f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {updates}"
    )
    return sql, params


def _facts_upsert(facts: Iterable[Fact]) -> Statement:
    return _upsert(
        CaseFact._meta.db_table,
        FACT_FIELDS,
        ([getattr(f, n) for n in FACT_FIELDS] for f in facts),
        conflict=["case_id"],
        update="excluded.{column}",
    )


def _rollups_upsert(changes: dict[Key, Counter[str]]) -> Statement:
    """Each key's changes added to its row: two transactions adding to the same new row
    never collide."""
    return _upsert(
        Rollup._meta.db_table,
        [*KEY_COLUMNS, *MEASURES],
        ([*key, *measure_vector(measures)] for key, measures in sorted(changes.items())),
        conflict=KEY_COLUMNS,
        update="{table}.{column} + excluded.{column}",
    )


def _execute(statements: list[Statement]) -> None:
    """The statements in one round trip where the database can (PostgreSQL: the first
    ones as data-modifying WITH clauses of the last), else one after the other."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, (last, params) = statements
            clauses = ", ".join(f"w{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(first))
            head = [p for _, ps in first for p in ps]
            cursor.execute(f"WITH {clauses} {last}", [*head, *params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)


def facts_from_history(chunk: int = 2000) -> Iterable[Fact]:
    """Every case's fact folded from its whole history, as the receiver would have kept it."""
    for row, events, materials in cases.history_for_rollups(chunk):
        case = CaseRow(**row)
        found = tally(materials) if case.parent_id is None and case.accepted_on else None
        yield fold(None, case, [EventRow(*e) for e in events], found)


@transaction.atomic
def rebuild(*, actor: str = "system", chunk: int = 2000) -> dict[str, int]:
    """Throw the facts and rollups away and compute them again from the cases' history."""
    _one_at_a_time()
    PendingEvent.objects.all().delete()  # the history read below holds them already
    CaseFact.objects.all().delete()
    Rollup.objects.all().delete()
    sums: dict[Key, Counter[str]] = defaultdict(Counter)
    batch: list[Fact] = []
    count = 0
    for fact in facts_from_history(chunk):
        for key, values in contributions(fact).items():
            sums[key].update(values)
        batch.append(fact)
        count += 1
        if len(batch) >= chunk:
            CaseFact.objects.bulk_create([_model_of(f) for f in batch])
            batch = []
    if batch:
        CaseFact.objects.bulk_create([_model_of(f) for f in batch])
    rows = [
        Rollup(**dict(zip(KEY_COLUMNS, key, strict=True)), **dict(values))
        for key, values in sums.items()
    ]
    Rollup.objects.bulk_create(rows, batch_size=chunk)
    summary = {"cases": count, "rollup_rows": len(rows)}
    record("supervision.rebuilt", "supervision:rollups", actor, summary)
    return summary
