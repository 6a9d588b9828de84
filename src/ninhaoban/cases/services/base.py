"""What every transition shares: who acts, the scope check, the history row, the ledger
entry and the notice to the applicant, all in the caller's transaction."""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.db.models import prefetch_related_objects

from ninhaoban.accounts.models import Applicant, Mandate
from ninhaoban.accounts.notify import notify
from ninhaoban.accounts.selectors import applicant_of_user, check_commission, check_mandate
from ninhaoban.cases import clock, permissions
from ninhaoban.cases.machine import Transition
from ninhaoban.cases.models import Case, CaseEvent, Status
from ninhaoban.cases.signals import case_events_logged
from ninhaoban.core.errors import Forbidden
from ninhaoban.ledger.services import record_many

log = logging.getLogger("ninhaoban.cases")


@dataclass(frozen=True)
class Actor:
    """The one doing something: a staff user, an applicant, or the system's periodic jobs."""

    kind: str  # "staff", "applicant" or "system"
    ledger: str  # how the ledger names them: "staff:12", "person:<digest>", "system"
    name: str
    user: User | None = field(default=None, compare=False)
    applicant: Applicant | None = field(default=None, compare=False)
    # an 经办人 acting for `applicant` (a company) under an authorization: who acted
    agent: Applicant | None = field(default=None, compare=False)
    # a 帮办代办 helper (staff) acting for `applicant` (a resident) under this 委托书
    commission: Mandate | None = field(default=None, compare=False)

    @classmethod
    def of(cls, user: User | AnonymousUser) -> "Actor":
        if not user.is_authenticated:
            raise Forbidden("请先登录", "please sign in first")
        staff = getattr(user, "staff", None)
        if staff is not None:
            # the grants are read once per request, not once per scope check
            prefetch_related_objects([staff], "roles")
            return cls("staff", staff.actor, staff.name, user=user)
        applicant = applicant_of_user(user)
        if applicant is None:
            raise Forbidden(
                "该账号不是工作人员或申请人", "this account is neither staff nor an applicant"
            )
        return cls.of_applicant(applicant)

    @classmethod
    def of_applicant(cls, applicant: Applicant) -> "Actor":
        return cls("applicant", applicant.subject, applicant.display_name, applicant=applicant)

    @classmethod
    def acting_for(cls, person: Applicant, organization: Applicant, day: dt.date) -> "Actor":
        """经办人 (or 法定代表人) acting for a company under a mandate in force on `day`: the
        company is the applicant, the person is who acted. Each act checks the mandate
        again for its own day and items (`check_agent`)."""
        check_mandate(person, organization, [], day)
        name = f"{person.display_name}（代{organization.name}）"
        return cls("applicant", person.subject, name, applicant=organization, agent=person)

    def with_agent(self, person: Applicant, organization: Applicant) -> "Actor":
        """A clerk taking an application from the 经办人 standing at the counter."""
        name = f"{self.name}（经办人{person.display_name}代{organization.name}）"
        return Actor(
            self.kind, self.ledger, name, user=self.user, applicant=organization, agent=person
        )

    def helping(self, commission: Mandate) -> "Actor":
        """A village station's or town centre's helper applying for the resident who signed
        and confirmed `commission`: the history names them as 代办人 with their station.
        Each act checks the 委托书 again for its own day and items (`check_agent`)."""
        helper = commission.helper
        name = f"代办人：{helper.name if helper else self.name}（{commission.station_name}）"
        return Actor(
            self.kind,
            self.ledger,
            name[:64],
            user=self.user,
            applicant=commission.organization,
            commission=commission,
        )

    @property
    def on_behalf(self) -> dict[str, str]:
        """What every ledger entry of an agent's or helper's act adds: who acted for whom
        (digests), and under which 委托书."""
        if self.applicant is None:
            return {}
        if self.commission is not None:
            return {
                "helper": self.ledger,
                "for": self.applicant.subject,
                "commission": str(self.commission.pk),
            }
        if self.agent is None:
            return {}
        return {"agent": self.agent.subject, "for": self.applicant.subject}

    @property
    def for_whom(self) -> list[str]:
        """An agent's act is also an entry of the company's, whose digest names it."""
        return [self.applicant.subject] if self.on_behalf and self.applicant else []

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def own(self) -> Applicant:
        """The applicant acting for themself: what "my cases" and "my application" read."""
        if self.applicant is None:
            raise Forbidden("请以申请人身份登录", "sign in as an applicant")
        return self.applicant


SYSTEM_ACTOR = Actor("system", "system", "系统")


def check_agent(actor: Actor, item_codes: Iterable[str]) -> None:
    """An agent's or helper's act, today, for these items: the mandate or 委托书 must still
    allow it (4xx why)."""
    if actor.agent is not None and actor.applicant is not None:
        check_mandate(actor.agent, actor.applicant, item_codes, clock.today())
    if actor.commission is not None:
        staff = getattr(actor.user, "staff", None)
        if staff is None:
            raise Forbidden("只有工作人员可以帮办代办", "only staff act for residents")
        check_commission(actor.commission, staff, item_codes, clock.today())


def locked(case: Case) -> Case:
    """The case row, locked for this transaction and read afresh (its status may have moved)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("applicant", "item_version")
        .get(pk=case.pk)
    )


def begin(case: Case, name: str, actor: Actor) -> tuple[Case, Transition]:
    """Lock, then ask the one rule of `permissions` (409 for the status, 403 for the role):
    the start of every transition."""
    fresh = locked(case)
    return fresh, permissions.check(fresh, name, actor)


def log_event(
    case: Case,
    action: str,
    actor: Actor,
    *,
    from_status: str,
    note: str = "",
    payload: dict | None = None,
    visible: bool = True,
    tell: bool = True,
) -> CaseEvent:
    """Append the history row and the ledger entry; tell the applicant after commit."""
    (event,) = log_events(
        [
            (
                event_of(case, action, actor, from_status=from_status, note=note, visible=visible),
                payload or {},
            )
        ],
        actor,
    )
    if visible and tell:
        tell_after_commit(case, action, note)
    return event


def event_of(
    case: Case, action: str, actor: Actor, *, from_status: str, note: str = "", visible: bool = True
) -> CaseEvent:
    """The history row of `case` as it stands now (its status and due date), not yet saved."""
    return CaseEvent(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        actor=actor.ledger,
        actor_name=actor.name,
        note=note[:512],
        visible=visible,
        due_date=case.due_date,
    )


def log_events(events: Sequence[tuple[CaseEvent, dict]], actor: Actor) -> list[CaseEvent]:
    """History rows (with what each ledger entry adds) and their ledger entries, two
    statements for any number: a case received and accepted at once writes both steps."""
    saved = CaseEvent.objects.bulk_create([event for event, _ in events])
    record_many(
        [
            (
                f"case.{event.action}",
                [event.case.subject, *actor.for_whom],
                actor.ledger,
                {
                    "event": event.pk,
                    "from": event.from_status,
                    "to": event.to_status,
                    "due": event.due_date.isoformat() if event.due_date else None,
                    **payload,
                    **actor.on_behalf,
                },
            )
            for event, (_, payload) in zip(saved, events, strict=True)
        ]
    )
    case_events_logged.send(sender=CaseEvent, events=saved)
    return saved


def holding(case: Case, **related: Sequence[models.Model]) -> Case:
    """`case` with related rows already in hand, left as `prefetch_related` leaves them, so
    whoever shows it next reads them from memory (what intake has just written, say) while
    any further filtering still asks the database."""
    cache = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        rows_in_hand = getattr(case, name).get_queryset()
        rows_in_hand._result_cache = list(rows)
        rows_in_hand._prefetch_done = True
        cache[name] = rows_in_hand
    return case


def tell_after_commit(case: Case, action: str, note: str) -> None:
    applicant = case.applicant
    status = Status(case.status).label
    due = f"，办理期限至{case.due_date:%Y年%m月%d日}" if case.due_date else ""
    text = f"【您好办】您的办件{case.case_no}（{case.title}）状态：{status}{due}。"
    if note and action in (
        "request_correction",
        "refuse",
        "decide",
        "suspend",
        "extend",
        "recalendar",
    ):
        text += f"说明：{note}"
    phone, email = applicant.phone, applicant.email
    transaction.on_commit(
        lambda: notify(phone=phone, email=email, subject=f"办件{status}", text=text)
    )


def move(
    case: Case,
    t: Transition,
    actor: Actor,
    to: str,
    *,
    note: str = "",
    payload: dict | None = None,
    fields: Iterable[str] = (),
    visible: bool | None = None,
    tell: bool = True,
) -> CaseEvent:
    """Set the status (and the given fields already changed on `case`), then write the
    history, the ledger entry and the notice."""
    before = case.status
    case.status = to
    case.save(update_fields=["status", "updated_at", *fields])
    return log_event(
        case,
        t.name,
        actor,
        from_status=before,
        note=note,
        payload=payload,
        visible=t.visible if visible is None else visible,
        tell=tell,
    )
