"""What one case contributes to the indicators, folded from its history.

Both ways of keeping the rollups go through here: the receiver of
`cases.signals.case_events_logged` folds the new history rows into the case's stored fact,
`supervision rebuild` folds each case's whole history into an empty one. The fold reads
only the history rows, the few columns of the case that the history implies, and (where an
event can change them) the case's materials, so both ways reach the same fact.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace

from ninhaoban.cases.models import COVERED_STATES, TIMED_STATUSES, Channel, MaterialState, Status
from ninhaoban.catalog.models import DeliveryMethod, MaterialSource, Requirement
from ninhaoban.core import workdays
from ninhaoban.licences.selectors import ExemptionKind, kind_of_state
from ninhaoban.regions.models import code_prefix
from ninhaoban.supervision.models import DAY, MEASURES, MONTH

# an application made here in person: at a window, or at a kiosk in a hall
IN_PERSON_CHANNELS = frozenset({Channel.WINDOW, Channel.KIOSK})
# events after which the materials may differ from what the fact holds; a bundle's materials
# sit on its parent, which follows a correction of one of its children by a `derived` row
MATERIAL_ACTIONS = frozenset(
    {"submit", "accept", "request_correction", "supply_correction", "reopen", "derived"}
)
ENDED = frozenset({Status.CLOSED, Status.REFUSED, Status.WITHDRAWN})
LOOKUP_SOURCES = frozenset({MaterialSource.LICENCE, MaterialSource.SHARED_DATA})
COVERED = frozenset(COVERED_STATES)
# the measure each way of satisfying a material adds to (licences.selectors.ExemptionKind);
# generated forms and model texts count among the materials and in none of these
KIND_MEASURES = {
    ExemptionKind.LICENCE: "mat_licence",
    ExemptionKind.SHARED: "mat_shared",
    ExemptionKind.GOVERNMENT: "mat_government",
}
MATERIAL_FIELDS = (
    "mat_total",
    "mat_licence",
    "mat_shared",
    "mat_government",
    "mat_uploaded",
    "mat_deferred",
    "mat_lookup",
    "mat_fallback",
)
# grain, day, region, intake region, department, item, channel, hall, window
Key = tuple[str, dt.date, str, str, int, int, str, int, int]


@dataclass(frozen=True)
class CaseRow:
    """The columns of a case the fold reads (as they are now)."""

    case_id: int
    parent_id: int | None
    region: str
    intake_region: str
    hall: int
    window: int
    department: int
    item: int
    channel: str
    status: str
    received_on: dt.date
    accepted_on: dt.date | None
    decided_on: dt.date | None
    closed_on: dt.date | None
    due_date: dt.date | None
    joint: bool
    bundle: bool
    delivery_method: str
    limit_days: int


@dataclass(frozen=True)
class EventRow:
    action: str
    actor: str
    due_date: dt.date | None


@dataclass(frozen=True)
class Fact:
    case_id: int
    top: bool
    region: str
    intake_region: str
    department: int
    item: int
    channel: str
    status: str
    received_on: dt.date
    hall: int = 0
    window: int = 0
    accepted_on: dt.date | None = None
    decided_on: dt.date | None = None
    closed_on: dt.date | None = None
    due_date: dt.date | None = None
    decision_due: dt.date | None = None
    work_days: int | None = None
    limit_days: int = 0
    visits: int = 0
    collaborative: bool = False
    mat_total: int = 0
    mat_licence: int = 0
    mat_shared: int = 0
    mat_government: int = 0
    mat_uploaded: int = 0
    mat_deferred: int = 0
    mat_lookup: int = 0
    mat_fallback: int = 0

    @property
    def on_time(self) -> bool:
        return (
            self.decided_on is not None
            and self.decision_due is not None
            and self.decided_on <= self.decision_due
        )


FACT_FIELDS = tuple(f.name for f in fields(Fact))


def tally(materials: Iterable[tuple[str, str, str]]) -> dict[str, int]:
    """How the materials (source, requirement, state) of one application were satisfied."""
    out = dict.fromkeys(MATERIAL_FIELDS, 0)
    for source, requirement, state in materials:
        covered = state in COVERED
        if covered or requirement != Requirement.OPTIONAL:
            out["mat_total"] += 1
        measure = KIND_MEASURES.get(kind_of_state(state))
        if measure is not None:
            out[measure] += 1
        elif state == MaterialState.UPLOADED:
            out["mat_uploaded"] += 1
        elif not covered and requirement == Requirement.DEFERRABLE:
            out["mat_deferred"] += 1
        if source in LOOKUP_SOURCES:
            out["mat_lookup"] += 1
            if state == MaterialState.UPLOADED:
                out["mat_fallback"] += 1
    return out


def _visit(case: CaseRow, event: EventRow) -> int:
    """1 when the event is the applicant at a window in person: an application taken in at
    a hall, corrections handed to a clerk, the result picked up at a window."""
    if case.parent_id is not None:
        return 0
    if event.action == "submit":
        return int(case.channel in IN_PERSON_CHANNELS)
    if event.action == "supply_correction":
        return int(event.actor.startswith("staff:"))
    if event.action == "close":
        return int(case.delivery_method in ("", DeliveryMethod.WINDOW))
    return 0


def _collaborative(case: CaseRow, lookups: int) -> bool:
    """It needed another department or region: a bundle, joint steps, taken in outside the
    competent region (通办), or a licence or data query."""
    away = not case.intake_region.startswith(code_prefix(case.region))
    return case.bundle or case.joint or away or lookups > 0


def fold(
    old: Fact | None,
    case: CaseRow,
    events: Sequence[EventRow],
    materials: dict[str, int] | None,
) -> Fact:
    """The fact after `events` (in order). `materials` is the case's tally now, or None to
    keep the fact's (no event here could change the materials)."""
    fact = old or Fact(
        case_id=case.case_id,
        top=case.parent_id is None,
        region=case.region,
        intake_region=case.intake_region,
        department=case.department,
        item=case.item,
        channel=case.channel,
        status=case.status,
        received_on=case.received_on,
        hall=case.hall,
        window=case.window,
    )
    due, decision_due, work_days, visits = (
        fact.due_date,
        fact.decision_due,
        fact.work_days,
        fact.visits,
    )
    for event in events:
        if event.action == "decide":
            decision_due = due
        if event.action == "reopen":
            decision_due, work_days = None, None
        due = event.due_date
        visits += _visit(case, event)
    if case.decided_on is not None and case.accepted_on is not None and work_days is None:
        work_days = max(0, workdays.working_days_between(case.accepted_on, case.decided_on))
    mats = {k: getattr(fact, k) for k in MATERIAL_FIELDS}
    if materials is not None:
        mats = dict(materials)
    if case.accepted_on is None or case.parent_id is not None:
        mats = dict.fromkeys(MATERIAL_FIELDS, 0)
    return replace(
        fact,
        region=case.region,
        intake_region=case.intake_region,
        hall=case.hall,
        window=case.window,
        department=case.department,
        item=case.item,
        channel=case.channel,
        status=case.status,
        received_on=case.received_on,
        accepted_on=case.accepted_on,
        decided_on=case.decided_on,
        closed_on=case.closed_on,
        due_date=due,
        decision_due=decision_due,
        work_days=work_days,
        limit_days=case.limit_days,
        visits=visits,
        collaborative=_collaborative(case, mats["mat_lookup"]),
        **mats,
    )


def contributions(fact: Fact | None) -> dict[Key, Counter[str]]:
    """What the fact adds to each rollup row: every measure on the day it belongs to, and
    the same again on that day's month."""
    out: dict[Key, Counter[str]] = {}
    if fact is None:
        return out
    where = (fact.region, fact.intake_region, fact.department, fact.item, fact.channel)
    place = (fact.hall, fact.window)

    def add(day: dt.date, **values: int) -> None:
        out.setdefault((DAY, day, *where, *place), Counter()).update(values)
        out.setdefault((MONTH, day.replace(day=1), *where, *place), Counter()).update(values)

    if fact.top:
        add(fact.received_on, received=1)
        if fact.accepted_on is not None:
            add(fact.accepted_on, accepted=1, **{k: getattr(fact, k) for k in MATERIAL_FIELDS})
        if fact.status == Status.CLOSED and fact.closed_on is not None:
            add(
                fact.closed_on,
                closed=1,
                visits=fact.visits,
                closed_one_visit=int(fact.visits <= 1),
                closed_zero_visits=int(fact.visits == 0),
            )
        if fact.collaborative and fact.status in ENDED and fact.closed_on is not None:
            ok = fact.status == Status.CLOSED and fact.mat_fallback == 0
            add(fact.closed_on, collab_ended=1, collab_ok=int(ok))
    if fact.item:
        if fact.decided_on is not None:
            add(
                fact.decided_on,
                decided=1,
                decided_on_time=int(fact.on_time),
                decided_in_promise=int((fact.work_days or 0) <= fact.limit_days),
                work_days=fact.work_days or 0,
                decided_same_day=int(fact.work_days == 0),
            )
        if fact.status in TIMED_STATUSES and fact.due_date is not None:
            add(fact.due_date, open_due=1)
    return out


def delta(old: Fact | None, new: Fact | None, into: dict[Key, Counter[str]]) -> None:
    """Add the change from `old` to `new` into `into` (keys whose change is nil drop out)."""
    touched = set()
    for key, values in contributions(new).items():
        into.setdefault(key, Counter()).update(values)
        touched.add(key)
    for key, values in contributions(old).items():
        into.setdefault(key, Counter()).subtract(values)
        touched.add(key)
    for key in touched:
        if not any(into[key].values()):
            del into[key]


def measure_vector(values: Counter[str]) -> list[int]:
    return [values.get(m, 0) for m in MEASURES]
