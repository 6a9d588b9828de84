"""Intake outcomes and the clock's transitions: accept, refuse, corrections, special
procedures, extension, withdrawal, reopening and the 第32条 auto-acceptance.

A bundle (一件事) is accepted, refused, corrected and withdrawn as one application: those
transitions are made on the parent and carried to every child in the same transaction.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from ninhaoban.cases import clock, notes, permissions
from ninhaoban.cases.machine import TRANSITIONS
from ninhaoban.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    MaterialState,
    Notice,
    NoticeKind,
    Status,
)
from ninhaoban.cases.services.base import (
    SYSTEM_ACTOR,
    Actor,
    begin,
    event_of,
    locked,
    move,
)
from ninhaoban.cases.services.bundles import for_whole_bundle, sync_parent
from ninhaoban.cases.services.steps import open_steps
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import SpecialProcedure
from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, InvalidInput


def _reason(reason: str, what_zh: str, what_en: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(f"请填写{what_zh}", f"a {what_en} is required", field="reason")
    return text[:500]


def _running_due(case: Case) -> dt.date:
    """The due date of a case whose clock runs; the state machine only lets such cases stop
    or extend their clock, so a missing one is a conflict, never a TypeError."""
    if case.due_date is None:
        raise Conflict(f"办件{case.case_no}没有在计时", f"case {case.case_no} has no running clock")
    return case.due_date


class Incomplete(InvalidInput):
    """Required materials are missing: the answer names each of them."""

    code = "materials_missing"

    def __init__(self, problems: Sequence[dict[str, str]]) -> None:
        names = "；".join(f"{p['material']}（{p['problem']}）" for p in problems)
        names_en = "; ".join(p["material"] for p in problems)
        super().__init__(
            f"申请材料不齐全：{names}",
            f"materials missing or invalid: {names_en}",
            field="materials",
        )
        self.problems = list(problems)


def missing_materials(case: Case) -> list[dict[str, str]]:
    """Every required material not yet covered, in the wording of the correction notice."""
    holder = case.parent or case
    return _problems(CaseMaterial.objects.filter(case=holder).order_by("pk"))


def _problems(rows: Iterable[CaseMaterial]) -> list[dict[str, str]]:
    problems = []
    for m in rows:
        if m.covered or m.requirement != "required":
            continue
        if m.state == MaterialState.REJECTED:
            problem = m.note or "材料不符合要求，请重新提交"
        else:
            problem = "未提交" + (f"（{m.note}）" if m.note else "")
        problems.append({"material": m.name, "problem": problem})
    return problems


def _start_clock(case: Case, accepted_on: dt.date) -> None:
    case.accepted_on = accepted_on
    case.due_date = clock.decision_due(accepted_on, case.limit_days)
    case.days_left = None


def _accept_one(case: Case, actor: Actor, accepted_on: dt.date, note: str) -> None:
    _start_clock(case, accepted_on)
    move(
        case,
        TRANSITIONS["accept"],
        actor,
        Status.ACCEPTED,
        note=note,
        payload={"region": case.region_id, "department": case.department_id},
        fields=["accepted_on", "due_date", "days_left"],
        tell=case.parent_id is None,
    )
    if case.item_version_id:
        open_steps(case, actor)


@transaction.atomic
def accept(case: Case, actor: Actor, *, note: str = "") -> Case:
    """受理: the clock starts; the case goes to the competent department of the item's
    region wherever it was accepted (通办)."""
    case, _ = begin(case, "accept", actor)
    _accept_complete(case, for_whole_bundle(case), missing_materials(case), actor, note)
    return case


def accept_on_receipt(
    case: Case, children: Sequence[Case], rows: Sequence[CaseMaterial], actor: Actor
) -> list[tuple[CaseEvent, dict]]:
    """受理 at once of an application intake is about to store: the checks of accept, made
    on the rows in hand (the case, its children, its materials), which are then set to
    accepted before their first insert. Returns the history rows of the acceptance, which
    intake writes with those of the receipt."""
    t = permissions.check(case, "accept", actor)
    problems = _problems(rows)
    if problems:
        raise Incomplete(problems)
    on = clock.today()
    events = []
    for target in (case, *children):
        before = target.status
        _start_clock(target, on)
        target.status = Status.ACCEPTED
        event = event_of(target, t.name, actor, from_status=before, visible=t.visible)
        events.append((event, {"region": target.region_id, "department": target.department_id}))
    return events


def _accept_complete(
    case: Case, targets: Sequence[Case], problems: list[dict[str, str]], actor: Actor, note: str
) -> None:
    if problems:
        raise Incomplete(problems)
    on = clock.today()
    for target in targets:
        _accept_one(target, actor, on, note)


@transaction.atomic
def auto_accept(case: Case) -> Case | None:
    """第32条: not accepted, refused or told to correct within 5 working days of receipt, a
    case counts as accepted from the day of receipt; its clock runs from that day."""
    fresh = locked(case)
    if fresh.status != Status.SUBMITTED or clock.acceptance_due(fresh.received_on) >= clock.today():
        return None
    for target in for_whole_bundle(fresh):
        _accept_one(target, SYSTEM_ACTOR, fresh.received_on, notes.DEEMED_ACCEPTED)
    return fresh


@transaction.atomic
def refuse(case: Case, actor: Actor, *, reason: str) -> Case:
    """不予受理, with the reason the applicant is told (第32条)."""
    text = _reason(reason, "不予受理理由", "reason for refusal")
    case, t = begin(case, "refuse", actor)
    for target in for_whole_bundle(case):
        target.reason = text
        target.due_date = None
        target.closed_on = clock.today()
        move(
            target,
            t,
            actor,
            Status.REFUSED,
            note=text,
            fields=["reason", "due_date", "closed_on"],
            tell=target.parent_id is None,
        )
    return case


@transaction.atomic
def request_correction(
    case: Case, actor: Actor, *, problems: Sequence[dict[str, str]] = ()
) -> Notice:
    """一次性告知: every problem at once — the materials still missing and those the officer
    found wrong. Before acceptance a clerk issues it; after acceptance an approver does and
    the clock stops until the applicant answers."""
    case, t = begin(case, "request_correction", actor)
    holder = case.parent or case
    found = []
    for p in problems:
        material, problem = str(p.get("material", "")).strip(), str(p.get("problem", "")).strip()
        if not material or not problem:
            raise InvalidInput(
                "每一项补正内容都要写明材料和问题",
                "each correction needs a material and a problem",
                field="problems",
            )
        rows = CaseMaterial.objects.filter(case=holder, name=material)
        if not rows.exists():
            raise InvalidInput(
                f"本办件没有名为“{material}”的材料",
                f"no material named {material}",
                field="problems",
            )
        rows.update(state=MaterialState.REJECTED, note=problem[:256])
        found.append({"material": material, "problem": problem[:256]})
    listed = {p["material"] for p in found}
    everything = found + [p for p in missing_materials(case) if p["material"] not in listed]
    if not everything:
        raise InvalidInput(
            "材料齐全，无需补正", "nothing is missing: no correction to ask for", field="problems"
        )
    today = clock.today()
    notice = Notice.objects.create(
        case=case,
        kind=NoticeKind.CORRECTION,
        issued_on=today,
        issued_by=actor.ledger,
        problems=everything,
    )
    summary = "；".join(f"{p['material']}：{p['problem']}" for p in everything)
    targets = for_whole_bundle(case) if case.status == Status.SUBMITTED else [case]
    for target in targets:
        if target.status in (Status.ACCEPTED, Status.IN_REVIEW):
            target.days_left = clock.remaining_days(today, _running_due(target))
        target.due_date = None
        move(
            target,
            t,
            actor,
            Status.CORRECTION,
            note=summary,
            payload={"notice": notice.pk, "problems": len(everything)},
            fields=["days_left", "due_date"],
            tell=target.parent_id is None or target.accepted_on is not None,
        )
    if case.parent_id:
        sync_parent(case.parent_id)
    return notice


@transaction.atomic
def supply_correction(case: Case, actor: Actor, uploads: Mapping[str, FileIn]) -> Case:
    """The applicant (or a clerk for them) hands in what the notice asked for. Complete:
    back to 已申报 (a fresh 5-day acceptance window) or, after acceptance, the clock runs
    again with the days it had left. Still incomplete: 422 naming what is missing."""
    from ninhaoban.cases.services.intake import attach_uploads

    case, t = begin(case, "supply_correction", actor)
    attach_uploads(case.parent or case, uploads, actor)
    problems = missing_materials(case)
    if problems:
        raise Incomplete(problems)
    today = clock.today()
    Notice.objects.filter(case=case, kind=NoticeKind.CORRECTION, answered_on__isnull=True).update(
        answered_on=today
    )
    if case.accepted_on is not None:
        case.due_date = clock.resumed_due(today, case.days_left or 0)
        case.days_left = None
        move(case, t, actor, Status.IN_REVIEW, fields=["due_date", "days_left"])
        if case.parent_id:
            sync_parent(case.parent_id)
        return case
    for target in for_whole_bundle(case):
        target.received_on = today
        target.due_date = clock.acceptance_due(today)
        move(
            target,
            t,
            actor,
            Status.SUBMITTED,
            fields=["received_on", "due_date"],
            tell=target.parent_id is None,
        )
    return case


@transaction.atomic
def suspend(case: Case, actor: Actor, *, procedure: str, reason: str) -> Case:
    """第45条: a special procedure stops the clock; the applicant is told in writing (the
    特别程序告知书 is issued in the same transaction, so there is no suspension without it)."""
    if procedure not in SpecialProcedure.values:
        raise InvalidInput(
            f"未知的特别程序：{procedure}",
            f"unknown special procedure: {procedure}",
            field="procedure",
        )
    text = _reason(reason, "特别程序说明", "reason")
    case, t = begin(case, "suspend", actor)
    today = clock.today()
    due_before = case.due_date
    case.days_left = clock.remaining_days(today, _running_due(case))
    case.due_date = None
    case.stopped_for = procedure
    notice = Notice.objects.create(
        case=case,
        kind=NoticeKind.SPECIAL_PROCEDURE,
        issued_on=today,
        issued_by=actor.ledger,
        procedure=procedure,
        reason=text,
        due_before=due_before,
        days_left=case.days_left,
    )
    label = SpecialProcedure(procedure).label
    move(
        case,
        t,
        actor,
        Status.SUSPENDED,
        note=notes.write(notes.SUSPEND, procedure=label, reason=text),
        payload={"procedure": procedure, "notice": notice.pk},
        fields=["days_left", "due_date", "stopped_for"],
    )
    if case.parent_id:
        sync_parent(case.parent_id)
    return case


@transaction.atomic
def resume(case: Case, actor: Actor, *, note: str = "") -> Case:
    """The special procedure ended: the clock runs again with the days it had left, and the
    procedure's notice records the end and the due date that now applies."""
    case, t = begin(case, "resume", actor)
    today = clock.today()
    case.due_date = clock.resumed_due(today, case.days_left or 0)
    case.days_left = None
    case.stopped_for = ""
    notice = (
        Notice.objects.select_for_update()
        .filter(case=case, kind=NoticeKind.SPECIAL_PROCEDURE, ended_on__isnull=True)
        .order_by("-pk")
        .first()
    )
    payload = {}
    if notice is not None:
        notice.ended_on, notice.due_after = today, case.due_date
        notice.save(update_fields=["ended_on", "due_after"])
        payload["notice"] = notice.pk
    move(
        case,
        t,
        actor,
        Status.IN_REVIEW,
        note=note,
        payload=payload,
        fields=["due_date", "days_left", "stopped_for"],
    )
    if case.parent_id:
        sync_parent(case.parent_id)
    return case


@transaction.atomic
def extend(case: Case, actor: Actor, *, days: int, reason: str) -> Case:
    """第42条: once, by up to 10 working days (15 for joint handling), with a reason the
    applicant is told in writing (延期告知书, issued in the same transaction)."""
    text = _reason(reason, "延期理由", "reason for the extension")
    case, t = begin(case, "extend", actor)
    cap = clock.extension_cap(case.joint)
    if not 1 <= days <= cap:
        raise InvalidInput(
            f"延长期限应为1至{cap}个工作日",
            f"an extension is 1 to {cap} working days",
            field="days",
        )
    due_before = case.due_date
    case.due_date = workdays.add_working_days(_running_due(case), days)
    case.extended_days = days
    case.extension_reason = text
    notice = Notice.objects.create(
        case=case,
        kind=NoticeKind.EXTENSION,
        issued_on=clock.today(),
        issued_by=actor.ledger,
        reason=text,
        days=days,
        due_before=due_before,
        due_after=case.due_date,
    )
    move(
        case,
        t,
        actor,
        case.status,
        note=notes.write(notes.EXTEND, days=days, reason=text),
        payload={"days": days, "notice": notice.pk},
        fields=["due_date", "extended_days", "extension_reason"],
    )
    return case


@transaction.atomic
def withdraw(case: Case, actor: Actor, *, reason: str = "") -> Case:
    case, t = begin(case, "withdraw", actor)
    for target in for_whole_bundle(case):
        target.due_date = None
        target.days_left = None
        target.closed_on = clock.today()
        move(
            target,
            t,
            actor,
            Status.WITHDRAWN,
            note=reason.strip()[:500],
            fields=["due_date", "days_left", "closed_on"],
            tell=target.parent_id is None,
        )
    return case


@transaction.atomic
def reopen(case: Case, actor: Actor, *, reason: str) -> Case:
    """An administrator undoes a refusal or a withdrawal made in error: the case is received
    again today and gets a fresh 5-day acceptance window."""
    text = _reason(reason, "重新办理理由", "reason for reopening")
    case, t = begin(case, "reopen", actor)
    today = clock.today()
    for target in for_whole_bundle(case):
        CaseStep.objects.filter(case=target).delete()  # the process starts afresh
        target.received_on = today
        target.due_date = clock.acceptance_due(today)
        target.closed_on = None
        target.accepted_on = None
        move(
            target,
            t,
            actor,
            Status.SUBMITTED,
            note=text,
            fields=["received_on", "due_date", "closed_on", "accepted_on"],
            tell=target.parent_id is None,
        )
    return case
