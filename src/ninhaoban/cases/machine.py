"""The state machine of a case, as a table: which transition, from which statuses, by whom.

Every service function that changes a case's status looks its transition up here first, so
"from the wrong status" (409) and "by the wrong role" (403) are answered the same way
everywhere and the tests can walk the whole table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from ninhaoban.accounts.models import Role
from ninhaoban.cases.models import Status
from ninhaoban.core.errors import Conflict
from ninhaoban.i18n import english

APPLICANT = "applicant"
SYSTEM = "system"

S = Status


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    # None: the service chooses (back to before the correction, or the status it had)
    target: str | None
    roles: frozenset[str]
    label: str
    # the applicant is told (by the notifier) when this happens
    visible: bool = True


def _t(
    name: str,
    sources: tuple[str, ...],
    target: str | None,
    roles: tuple[str, ...],
    label: str,
    visible: bool = True,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles), label, visible)


PRE_ACCEPTANCE = (S.SUBMITTED, S.CORRECTION)
RUNNING = (S.ACCEPTED, S.IN_REVIEW)
WITHDRAWABLE = (S.SUBMITTED, S.CORRECTION, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", (), S.SUBMITTED, (APPLICANT, Role.CLERK), _("申报")),
        _t(
            "request_correction",
            (S.SUBMITTED, *RUNNING),
            S.CORRECTION,
            (Role.CLERK, Role.APPROVER, Role.CHIEF),
            _("一次性告知补正"),
        ),
        _t("supply_correction", (S.CORRECTION,), None, (APPLICANT, Role.CLERK), _("补正材料")),
        _t("accept", (S.SUBMITTED,), S.ACCEPTED, (Role.CLERK, SYSTEM), _("受理")),
        _t("refuse", PRE_ACCEPTANCE, S.REFUSED, (Role.CLERK,), _("不予受理")),
        _t("start_review", (S.ACCEPTED,), S.IN_REVIEW, (Role.APPROVER, Role.CHIEF), _("开始审查")),
        _t("suspend", RUNNING, S.SUSPENDED, (Role.APPROVER, Role.CHIEF), _("特别程序")),
        _t("resume", (S.SUSPENDED,), S.IN_REVIEW, (Role.APPROVER, Role.CHIEF), _("特别程序结束")),
        _t("extend", RUNNING, None, (Role.CHIEF,), _("延期")),
        _t(
            "complete_step",
            RUNNING,
            S.IN_REVIEW,
            (Role.CLERK, Role.APPROVER, Role.CHIEF),
            _("完成办理环节"),
            visible=False,
        ),
        _t("decide", (S.IN_REVIEW,), S.DECIDED, (Role.APPROVER, Role.CHIEF), _("作出决定")),
        _t("deliver", (S.DECIDED,), S.DELIVERING, (Role.CLERK, SYSTEM), _("送达")),
        _t("close", (S.DELIVERING,), S.CLOSED, (Role.CLERK, SYSTEM), _("办结")),
        _t("withdraw", WITHDRAWABLE, S.WITHDRAWN, (APPLICANT,), _("撤回申请")),
        _t("reopen", (S.REFUSED, S.WITHDRAWN), S.SUBMITTED, (Role.ADMIN,), _("重新办理")),
    )
}


class WrongStatus(Conflict):
    code = "wrong_status"

    def __init__(self, transition: Transition, status: str) -> None:
        allowed = "、".join(Status(s).label for s in sorted(transition.sources)) or "—"
        allowed_en = ", ".join(english(Status(s).label) for s in sorted(transition.sources)) or "-"
        super().__init__(
            f"办件当前状态为“{Status(status).label}”，不能{transition.label}（仅限：{allowed}）",
            f"a case that is '{english(Status(status).label)}' cannot be "
            f"'{english(transition.label)}' (only when: {allowed_en})",
            field="status",
        )


def transition(name: str, status: str) -> Transition:
    """The transition if it may leave `status`; WrongStatus (409) otherwise."""
    found = TRANSITIONS[name]
    if status not in found.sources:
        raise WrongStatus(found, status)
    return found
