"""一件事: a parent case with a child case per item.

The applicant hands in one set of materials (kept on the parent), the bundle is accepted,
corrected, withdrawn and delivered as one, and the children are worked in parallel by
their own departments. The parent's status between acceptance and delivery is derived from
its children, never set by hand.
"""

from collections import Counter

from ninhaoban.cases import clock, notes
from ninhaoban.cases.models import Case, Status
from ninhaoban.cases.services.base import SYSTEM_ACTOR, log_event

S = Status
MIXED = "部分事项准予许可、部分不予许可，详见各子办件"


def for_whole_bundle(case: Case) -> list[Case]:
    """The case and, for a bundle's parent, its children (locked): whom a one-window
    transition applies to."""
    if not case.is_bundle:
        return [case]
    children = list(
        Case.objects.select_for_update().select_related("applicant").filter(parent=case)
    )
    return [case, *children]


def derived_status(statuses: list[str]) -> str:
    """The parent's status from its children's, once they are worked separately."""
    live = [s for s in statuses if s not in (S.WITHDRAWN, S.REFUSED)]
    if not live:
        return Counter(statuses).most_common(1)[0][0]
    for common in (S.CLOSED, S.DELIVERING, S.DECIDED):
        done = (S.CLOSED, S.DELIVERING, S.DECIDED)
        ranked = done[: done.index(common) + 1]
        if all(s in ranked for s in live):
            return common
    if S.CORRECTION in live:
        return S.CORRECTION
    undecided = [s for s in live if s not in (S.DECIDED, S.DELIVERING, S.CLOSED)]
    if all(s == S.SUSPENDED for s in undecided):
        return S.SUSPENDED
    if S.IN_REVIEW in live or S.DECIDED in live or S.SUSPENDED in live:
        return S.IN_REVIEW
    return S.ACCEPTED


def sync_parent(parent_id: int) -> Case:
    """Recompute the parent's status (and its clock: stopped while every open child stands
    still, delivery clock once all are decided) after a child moved."""
    parent = Case.objects.select_for_update().select_related("applicant").get(pk=parent_id)
    children = list(Case.objects.filter(parent_id=parent_id).values_list("status", "outcome"))
    new = derived_status([s for s, _ in children])
    if new == parent.status:
        return parent
    before = parent.status
    today = clock.today()
    stopped = (S.SUSPENDED, S.CORRECTION)
    if new in stopped and before not in stopped and parent.due_date:
        parent.days_left = clock.remaining_days(today, parent.due_date)
        parent.due_date = None
    elif new not in stopped and before in stopped and parent.days_left is not None:
        parent.due_date = clock.resumed_due(today, parent.days_left)
        parent.days_left = None
    if new == S.DECIDED:
        outcomes = {o for s, o in children if s not in (S.WITHDRAWN, S.REFUSED)}
        parent.outcome = next(iter(outcomes)) if len(outcomes) == 1 else ""
        parent.reason = "" if len(outcomes) == 1 else MIXED
        parent.decided_on = today
        parent.due_date = clock.delivery_due(today)
    parent.status = new
    parent.save()
    log_event(parent, "derived", SYSTEM_ACTOR, from_status=before, note=notes.DERIVED)
    return parent
