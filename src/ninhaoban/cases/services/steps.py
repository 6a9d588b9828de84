"""Back-office work: the item's steps (parallel groups for joint approval), the decision,
the licence it produces, and delivery."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import Role
from ninhaoban.cases import clock, notes, permissions, results
from ninhaoban.cases.machine import TRANSITIONS
from ninhaoban.cases.models import Case, CaseStep, Outcome, Status, StepState
from ninhaoban.cases.services.base import SYSTEM_ACTOR, Actor, begin, move
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import DeliveryMethod
from ninhaoban.core.errors import Conflict, InvalidInput, NotFound


def open_steps(case: Case, actor: Actor) -> list[CaseStep]:
    """Copy the pinned version's process. Steps that share a parallel group and follow each
    other form one stage, worked at the same time (联审); the leading 受理 steps of the
    window are done by the acceptance itself."""
    if case.item_version is None:  # a bundle's parent case: its children carry the steps
        return []
    rows, stage, group = [], 0, None
    for step in catalog.steps_of(case.item_version):
        if not step.parallel_group or step.parallel_group != group:
            stage += 1
        group = step.parallel_group or None
        rows.append(
            CaseStep(
                case=case,
                position=step.position,
                stage=stage,
                name=step.name,
                role=step.role,
                state=StepState.WAITING,
            )
        )
    now = timezone.now()
    for row in rows:
        if row.role != Role.CLERK:
            break
        row.state, row.done_by, row.done_at, row.opinion = StepState.DONE, actor.ledger, now, "受理"
    first_open = min((r.stage for r in rows if r.state != StepState.DONE), default=None)
    for row in rows:
        if row.stage == first_open:
            row.state = StepState.ACTIVE
    return CaseStep.objects.bulk_create(rows)


@transaction.atomic
def start_review(case: Case, actor: Actor) -> Case:
    case, t = begin(case, "start_review", actor)
    move(case, t, actor, Status.IN_REVIEW)
    if case.parent_id:
        from ninhaoban.cases.services.bundles import sync_parent

        sync_parent(case.parent_id)
    return case


@transaction.atomic
def complete_step(case: Case, step_id: int, actor: Actor, *, opinion: str = "") -> CaseStep:
    """One officer finishes one active step in the role the step names; when the whole
    stage is done the next stage opens."""
    case, t = begin(case, "complete_step", actor)
    step = CaseStep.objects.select_for_update().filter(case=case, pk=step_id).first()
    if step is None:
        raise NotFound(f"办理环节{step_id}不存在", f"no step {step_id} on this case")
    if step.state != StepState.ACTIVE:
        raise Conflict(
            f"环节“{step.name}”当前不可办理（{step.get_state_display()}）",
            f"step '{step.name}' is not active ({step.state})",
        )
    permissions.may_work_step(actor, case, step)
    if case.status == Status.ACCEPTED:
        move(case, TRANSITIONS["start_review"], actor, Status.IN_REVIEW)
        if case.parent_id:
            from ninhaoban.cases.services.bundles import sync_parent

            sync_parent(case.parent_id)
    step.state = StepState.DONE
    step.opinion = opinion.strip()[:500]
    step.done_by = actor.ledger
    step.done_at = timezone.now()
    step.save()
    stage = CaseStep.objects.filter(case=case, stage=step.stage)
    if not stage.exclude(state=StepState.DONE).exists():
        CaseStep.objects.filter(case=case, stage=step.stage + 1).update(state=StepState.ACTIVE)
    move(
        case,
        t,
        actor,
        Status.IN_REVIEW,
        note=notes.write(notes.LABELLED, label=step.name, text=step.opinion)
        if step.opinion
        else step.name,
        payload={"step": step.pk},
    )
    return step


@transaction.atomic
def decide(
    case: Case,
    actor: Actor,
    *,
    outcome: str,
    reason: str = "",
    licence_type: str = "",
    licence_fields: dict[str, Any] | None = None,
) -> Case:
    """准予 or 不予许可, which completes the process's final stage once the earlier ones are
    done; a denial always says why (第38条). An approval of an item whose catalog version
    names a licence type issues that licence (`licence_type` only where it names none) in
    the same transaction, so there is never a decision without its licence; when the
    applicant chose electronic delivery, the result reaches them at once."""
    if outcome not in Outcome.values:
        raise InvalidInput(
            f"决定应为准予或不予：{outcome}",
            f"the outcome is approved or denied, not {outcome}",
            field="outcome",
        )
    text = (reason or "").strip()
    if outcome == Outcome.DENIED and not text:
        raise InvalidInput("不予许可须说明理由", "a denial needs a reason", field="reason")
    case, t = begin(case, "decide", actor)
    issues = results.licence_type_of(case, licence_type) if outcome == Outcome.APPROVED else ""
    steps = list(CaseStep.objects.select_for_update().filter(case=case))
    pending = permissions.pending_before_final(steps)
    if pending:
        raise Conflict(
            f"尚有环节未完成：{'、'.join(pending)}", f"steps not finished: {', '.join(pending)}"
        )
    _check_stage_order(case)
    closing = permissions.closing_steps(steps)
    for st in closing:
        permissions.may_work_step(actor, case, st)
    now = timezone.now()
    for st in closing:
        st.state, st.done_by, st.done_at = StepState.DONE, actor.ledger, now
        st.opinion = Outcome(outcome).label
        st.save(update_fields=["state", "done_by", "done_at", "opinion"])
    today = clock.today()
    case.outcome = outcome
    case.reason = text[:500]
    case.decided_on = today
    case.due_date = clock.delivery_due(today)
    fields = ["outcome", "reason", "decided_on", "due_date"]
    if issues:
        case.licence_ref = results.issue(case, issues, licence_fields or {}, actor.ledger)
        fields.append("licence_ref")
    move(
        case,
        t,
        actor,
        Status.DECIDED,
        note=notes.write(notes.LABELLED, label=Outcome(outcome).label, text=text)
        if text
        else Outcome(outcome).label,
        payload={"outcome": outcome, "licence": case.licence_ref},
        fields=fields,
    )
    top = case
    if case.parent_id:
        from ninhaoban.cases.services.bundles import sync_parent

        top = sync_parent(case.parent_id)
    if top.status == Status.DECIDED and top.delivery_method == DeliveryMethod.ELECTRONIC:
        deliver(top, SYSTEM_ACTOR, method=DeliveryMethod.ELECTRONIC)
    return case


def _check_stage_order(case: Case) -> None:
    """Items of a later stage of a bundle are decided after those of earlier stages (公章
    after the licence), though all of them are examined in parallel."""
    if not case.parent_id:
        return
    earlier = Case.objects.filter(
        parent_id=case.parent_id, bundle_stage__lt=case.bundle_stage, decided_on__isnull=True
    ).exclude(status__in=(Status.WITHDRAWN, Status.REFUSED))
    waiting = list(earlier.values_list("title", flat=True))
    if waiting:
        raise Conflict(
            f"须先对前一阶段的事项作出决定：{'、'.join(waiting)}",
            f"decide the earlier stage first: {', '.join(waiting)}",
        )


def _delivery(
    case: Case, method: str, tracking_no: str, post_address: Mapping[str, str] | None
) -> tuple[str, str, dict[str, str]]:
    """The method, the tracking number and where the post goes: the address given now, else
    the one the applicant gave when applying (a clerk who switches to post at 送达 asks for
    one; the rule is intake's)."""
    from ninhaoban.cases.services.intake import POSTAL_FIELDS, postal_address

    method = method or case.delivery_method or DeliveryMethod.WINDOW
    if method not in DeliveryMethod.values:
        raise InvalidInput(
            f"未知的送达方式：{method}", f"unknown delivery method: {method}", field="method"
        )
    given = {f: str(v or "").strip() for f, v in (post_address or {}).items() if f in POSTAL_FIELDS}
    if not any(given.values()):
        given = {f: getattr(case, f) for f in POSTAL_FIELDS}
    tracking_no = (tracking_no or "").strip()
    if method == DeliveryMethod.POST and not tracking_no:
        raise InvalidInput(
            "邮寄送达须填写快递单号", "post needs a tracking number", field="tracking_no"
        )
    return method, tracking_no[:64], postal_address(method, given)


@transaction.atomic
def deliver(
    case: Case,
    actor: Actor,
    *,
    method: str = "",
    tracking_no: str = "",
    post_address: Mapping[str, str] | None = None,
) -> Case:
    """出件 within 10 working days of the decision (第44条): once for a whole bundle; an
    electronic delivery reaches the applicant at once and closes the case."""
    from ninhaoban.cases.services.bundles import for_whole_bundle

    case, t = begin(case, "deliver", actor)
    method, tracking_no, address = _delivery(case, method, tracking_no, post_address)
    for target in for_whole_bundle(case):
        if target.status != Status.DECIDED:
            continue
        target.delivery_method, target.tracking_no = method, tracking_no
        for name, value in address.items():
            setattr(target, name, value)
        label = DeliveryMethod(method).label
        if tracking_no:
            label = notes.write(notes.POSTED, method=label, tracking_no=tracking_no)
        move(
            target,
            t,
            actor,
            Status.DELIVERING,
            note=label,
            payload={"method": method},
            fields=["delivery_method", "tracking_no", *address],
            tell=target.parent_id is None,
        )
    if method == DeliveryMethod.ELECTRONIC:
        return _close(case, SYSTEM_ACTOR)
    return case


def _close(case: Case, actor: Actor) -> Case:
    from ninhaoban.cases.services.bundles import for_whole_bundle

    case, t = begin(case, "close", actor)
    for target in for_whole_bundle(case):
        if target.status != Status.DELIVERING:
            continue
        target.closed_on = clock.today()
        target.due_date = None
        move(
            target,
            t,
            actor,
            Status.CLOSED,
            fields=["closed_on", "due_date"],
            tell=target.parent_id is None,
        )
    return case


@transaction.atomic
def close(case: Case, actor: Actor) -> Case:
    """办结: the result was handed over at the window or the post confirmed delivery."""
    return _close(case, actor)
