"""Who may do what to a case now: the one rule the services enforce and the pages ask.

A transition is allowed when the case's status is one it leaves (409 otherwise), the case is
the right part of a bundle for it (409), and the actor holds one of its roles over the case
(403). `allowed_actions` asks the very checks `services.base.begin` makes, so a page never
offers a button whose form would be answered with 403 or 409.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope, roles_of
from ninhaoban.accounts.selectors import check_mandate
from ninhaoban.cases import clock
from ninhaoban.cases.machine import APPLICANT, SYSTEM, TRANSITIONS, Transition, transition
from ninhaoban.cases.models import Case, CaseStep, Status, StepState
from ninhaoban.core.errors import Conflict, DomainError, Forbidden, NotFound
from ninhaoban.i18n import english

if TYPE_CHECKING:
    from ninhaoban.cases.services.base import Actor

# made on a bundle's parent for all its children at once
BUNDLE_WIDE = frozenset({"accept", "refuse", "withdraw", "reopen", "deliver", "close"})
# made on each child by its own department
CHILD_WORK = frozenset({"start_review", "suspend", "resume", "extend", "complete_step", "decide"})
CORRECTIONS = frozenset({"request_correction", "supply_correction"})
# a chief (首席代表) may also do an approver's step; nobody does a chief's step but a chief
STEP_ROLES: dict[str, tuple[str, ...]] = {Role.APPROVER: (Role.APPROVER, Role.CHIEF)}


def authorize(
    case: Case, t: Transition, actor: "Actor", roles: Iterable[str] | None = None
) -> None:
    """Forbidden (403) unless the actor may make this transition on this case.

    Staff act within the competent region and department; a clerk may also act on a case
    submitted at a hall inside their scope (通办: accepted anywhere, decided where competent).
    """
    allowed = set(t.roles if roles is None else roles)
    if actor.kind == "system":
        if SYSTEM not in allowed:
            raise _wrong_role(t)
        return
    if actor.kind == "applicant":
        if APPLICANT not in allowed:
            raise _wrong_role(t)
        if actor.applicant is None or actor.applicant.pk != case.applicant_id:
            raise NotFound(f"办件{case.case_no}不存在", f"no case {case.case_no}")
        if actor.agent is not None:
            check_mandate(actor.agent, actor.applicant, item_codes(case), clock.today())
        return
    staff_roles = [r for r in allowed if r in Role.values]
    if not staff_roles or actor.user is None:
        raise _wrong_role(t)
    try:
        require_scope(actor.user, staff_roles, case.region_id, case.department_id)
    except Forbidden:
        if Role.CLERK not in staff_roles or case.intake_region_id == case.region_id:
            raise
        require_scope(actor.user, [Role.CLERK], case.intake_region_id)


def item_codes(case: Case) -> list[str]:
    """The items a case is for (a bundle's, of its children): what an agent's scope covers."""
    if case.item is not None:
        return [case.item.code]
    return list(
        Case.objects.filter(parent=case).values_list("item__code", flat=True).order_by("pk")
    )


def _wrong_role(t: Transition) -> Forbidden:
    labels = {APPLICANT: "申请人", SYSTEM: "系统"} | {r.value: r.label for r in Role}
    allowed = "、".join(labels[r] for r in sorted(t.roles))
    return Forbidden(
        f"“{t.label}”只能由{allowed}办理",
        f"'{english(t.label)}' may only be done by: "
        f"{', '.join(english(labels[r]) for r in sorted(t.roles))}",
        field="role",
    )


def check_bundle(case: Case, name: str) -> None:
    accepted = case.accepted_on is not None
    if case.parent_id and (name in BUNDLE_WIDE or (name in CORRECTIONS and not accepted)):
        raise Conflict(
            "一件事的子办件由一件事办件统一受理、补正、撤回和送达",
            "a bundle's child case is accepted, corrected, withdrawn and delivered with its parent",
        )
    if case.is_bundle and (name in CHILD_WORK or (name in CORRECTIONS and accepted)):
        raise Conflict(
            "一件事受理后由各部门在子办件上分别办理",
            "after acceptance a bundle is worked on its child cases",
        )


def roles_for(case: Case, name: str) -> frozenset[str] | None:
    """Roles that differ from the transition table's by the case's stage: before acceptance
    the window issues the 一次性告知书 (or the platform, when the lookups made once an
    application is stored leave documents missing), after it the approver (the table names
    both)."""
    if name == "request_correction":
        if case.status == Status.SUBMITTED:
            return frozenset({Role.CLERK, SYSTEM})
        return frozenset({Role.APPROVER, Role.CHIEF})
    return None


def _check_state(case: Case, name: str) -> None:
    if name == "extend" and case.extended_days:
        raise Conflict("本办件已经延期一次，不能再次延期", "this case was already extended once")


def check(case: Case, name: str, actor: "Actor") -> Transition:
    """The transition `name` if `actor` may make it on `case` as it stands; the 409 or 403
    saying why not otherwise."""
    t = transition(name, case.status)
    check_bundle(case, name)
    _check_state(case, name)
    authorize(case, t, actor, roles_for(case, name))
    return t


def may_work_step(actor: "Actor", case: Case, step: CaseStep) -> None:
    """Forbidden unless the actor holds the step's own role over the case's department:
    the one check for completing a step and for the decision that closes the final one."""
    if actor.user is None:
        raise Conflict("办理环节须由工作人员完成", "steps are worked by staff")
    roles = STEP_ROLES.get(step.role, (step.role,))
    if not roles_of(actor.user, roles) and not actor.user.is_superuser:
        label = Role(step.role).label if step.role in Role.values else step.role
        raise Forbidden(
            f"环节“{step.name}”须由{label}办理",
            f"step '{step.name}' is for role {step.role}",
            field="role",
        )
    require_scope(actor.user, roles, case.region_id, case.department_id)


def closing_steps(steps: Sequence[CaseStep]) -> list[CaseStep]:
    """The final stage's steps not done yet: the decision does them."""
    final = max((st.stage for st in steps), default=0)
    return [st for st in steps if st.stage == final and st.state != StepState.DONE]


def may_decide(actor: "Actor", case: Case, steps: Sequence[CaseStep]) -> bool:
    """The earlier stages are done and the actor may work every step the decision closes."""
    if pending_before_final(steps):
        return False
    try:
        for step in closing_steps(steps):
            may_work_step(actor, case, step)
    except DomainError:
        return False
    return True


def pending_before_final(steps: Sequence[CaseStep]) -> list[str]:
    """The steps before the final stage not done yet: a decision waits for them."""
    final = max((st.stage for st in steps), default=0)
    return [st.name for st in steps if st.stage < final and st.state != StepState.DONE]


def workable_steps(actor: "Actor", case: Case) -> list[CaseStep]:
    """The active steps of `case` this actor may complete now."""
    try:
        check(case, "complete_step", actor)
    except DomainError:
        return []
    found = []
    for step in case.steps.filter(state=StepState.ACTIVE).order_by("position"):
        try:
            may_work_step(actor, case, step)
        except DomainError:
            continue
        found.append(step)
    return found


def allowed_actions(actor: "Actor", case: Case) -> frozenset[str]:
    """The transitions `actor` may make on `case` now (never `submit`, which makes a case)."""
    allowed = set()
    for name in TRANSITIONS:
        if name in ("submit", "complete_step"):
            continue
        try:
            check(case, name, actor)
        except DomainError:
            continue
        allowed.add(name)
    if "decide" in allowed and not may_decide(actor, case, list(case.steps.all())):
        allowed.discard("decide")
    if workable_steps(actor, case):
        allowed.add("complete_step")
    return frozenset(allowed)


def may_take_applications(user: User | AnonymousUser) -> bool:
    """窗口受理 (and taking an application for someone) is a clerk's work."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(g.role in (Role.CLERK, Role.ADMIN) for g in roles_of(user, [Role.CLERK]))
