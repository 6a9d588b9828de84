import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ninhaoban.accounts.models import (
    Applicant,
    ApplicantKind,
    Mandate,
    MandateKind,
    Role,
    Staff,
    StaffRole,
)
from ninhaoban.accounts.scoping import scoped
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.core.idnumbers import normalized

APPLICANT_READERS = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)


def applicants_for(user: User | AnonymousUser, q: str = "") -> QuerySet[Applicant]:
    rows = scoped(Applicant.objects.all(), user, APPLICANT_READERS, region_field="region_id")
    q = (q or "").strip()
    if q:
        rows = rows.filter(Q(identifier=q.upper()) | Q(name__startswith=q))
    return rows.order_by("pk")


def applicant_for(user: User | AnonymousUser, applicant_id: int) -> Applicant:
    """One applicant, only if inside the user's scope; outside it looks like it is not there."""
    found = applicants_for(user).filter(pk=applicant_id).first()
    if found is None:
        raise NotFound(f"申请人{applicant_id}不存在", f"no applicant {applicant_id}")
    return found


def applicant_of_user(user: User) -> Applicant | None:
    """The applicant who signs in with this account, if it is an applicant's."""
    return Applicant.objects.filter(user=user).first()


def grants_in_departments(departments: Iterable[int], roles: Iterable[str]) -> QuerySet[StaffRole]:
    """The grants of these roles bound to these departments, with their staff member."""
    return StaffRole.objects.filter(
        role__in=list(roles), department_id__in=list(departments)
    ).select_related("staff", "staff__user")


def person_by_number(number: str) -> Applicant | None:
    """The person with this (already normalized) 居民身份证号码."""
    return Applicant.objects.filter(kind=ApplicantKind.PERSON, identifier=number).first()


def applicant_by_pk(pk: int) -> Applicant | None:
    return Applicant.objects.filter(pk=pk).first()


def applicant_by_identifier(identifier: str) -> Applicant | None:
    return Applicant.objects.filter(identifier=normalized(identifier)).first()


def staff_by_ids(ids: Iterable[int]) -> dict[int, Staff]:
    """Staff members by id: the names a ranking or a 评价器 shows."""
    return Staff.objects.in_bulk(list(ids))


def _live(day: dt.date) -> Q:
    return Q(revoked_at__isnull=True, valid_from__lte=day) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def mandates_held(person: Applicant, day: dt.date) -> QuerySet[Mandate]:
    """The organizations this person may act for today (as 法定代表人 or 经办人)."""
    return (
        Mandate.objects.filter(_live(day), person=person)
        .select_related("organization")
        .order_by("organization__name", "kind")
    )


def represented_by(person: Applicant) -> QuerySet[Mandate]:
    """The organizations whose 法定代表人 this person is (linked and not revoked)."""
    return Mandate.objects.filter(
        person=person, kind=MandateKind.REPRESENTATIVE, revoked_at__isnull=True
    ).select_related("organization")


def agents_of(organization: Applicant) -> QuerySet[Mandate]:
    """Every 经办人 the organization has named, revoked and ended ones too (its record)."""
    return (
        Mandate.objects.filter(organization=organization, kind=MandateKind.AGENT)
        .select_related("person")
        .order_by("revoked_at", "-valid_until", "pk")
    )


def mandate_by_pk(pk: int) -> Mandate | None:
    return Mandate.objects.filter(pk=pk).select_related("organization", "person").first()


def check_mandate(
    person: Applicant, organization: Applicant, item_codes: Iterable[str], day: dt.date
) -> Mandate:
    """The mandate under which `person` acts for `organization` on `day` for these items,
    or the 403 saying why they may not: none, revoked, not begun, ended, or an item beyond
    its scope. The 法定代表人's own mandate covers every item."""
    rows = list(
        Mandate.objects.filter(person=person, organization=organization).order_by(
            "revoked_at", "kind", "-valid_until"
        )
    )
    live = [m for m in rows if m.revoked_at is None]
    name = organization.name
    if not live:
        if rows:
            raise Forbidden(
                f"您代表{name}办事的授权已撤销", f"your authorization for {name} was revoked"
            )
        raise Forbidden(
            f"您不是{name}的法定代表人或经办人",
            f"you are neither the legal representative nor an agent of {name}",
        )
    mandate = live[0]
    if mandate.valid_from > day:
        raise Forbidden(
            f"您代表{name}办事的授权自{mandate.valid_from:%Y年%m月%d日}起生效",
            f"your authorization for {name} begins on {mandate.valid_from.isoformat()}",
        )
    if mandate.valid_until is not None and mandate.valid_until < day:
        raise Forbidden(
            f"您代表{name}办事的授权已于{mandate.valid_until:%Y年%m月%d日}到期",
            f"your authorization for {name} ended on {mandate.valid_until.isoformat()}",
        )
    beyond = sorted(set(item_codes) - set(mandate.items)) if mandate.items else []
    if beyond:
        raise Forbidden(
            f"事项{'、'.join(beyond)}超出您代表{name}办事的授权范围",
            f"item {', '.join(beyond)} is beyond your authorization for {name}",
            field="item",
        )
    return mandate
