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
from ninhaoban.regions.models import Level, Region

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


def staff_by_username(username: str) -> Staff | None:
    """The staff member who signs in with this user name (a register names them by it)."""
    return Staff.objects.filter(user__username=username).select_related("user").first()


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
    return _in_force(
        live[0],
        day,
        item_codes,
        (f"您代表{organization.name}办事的授权", f"your authorization for {organization.name}"),
    )


def _in_force(
    mandate: Mandate, day: dt.date, item_codes: Iterable[str], whose: tuple[str, str]
) -> Mandate:
    """The checks every kind of mandate shares, once it is found and not revoked: begun,
    not ended (the end date is the last day it allows), and the items within its scope."""
    zh, en = whose
    if mandate.valid_from > day:
        raise Forbidden(
            f"{zh}自{mandate.valid_from:%Y年%m月%d日}起生效",
            f"{en} begins on {mandate.valid_from.isoformat()}",
        )
    if mandate.valid_until is not None and mandate.valid_until < day:
        raise Forbidden(
            f"{zh}已于{mandate.valid_until:%Y年%m月%d日}到期",
            f"{en} ended on {mandate.valid_until.isoformat()}",
        )
    beyond = sorted(set(item_codes) - set(mandate.items)) if mandate.items else []
    if beyond:
        raise Forbidden(
            f"事项{'、'.join(beyond)}超出{zh}范围",
            f"item {', '.join(beyond)} is beyond {en}",
            field="item",
        )
    return mandate


HELPER_LEVELS = (Level.TOWN, Level.VILLAGE)


def helper_station(staff: Staff, resident: Applicant) -> Region:
    """The village station or town centre from which `staff` may act for `resident`: the
    nearest of their clerk grants at village or town level whose area holds the resident's
    registered region. A county window is not a 帮办代办 station."""
    grants = sorted(
        (
            g
            for g in staff.roles.select_related("region", "region__parent")
            if g.role == Role.CLERK and g.region.level in HELPER_LEVELS
        ),
        key=lambda g: -len(g.region.prefix),
    )
    if not grants:
        raise Forbidden(
            "只有乡镇便民服务中心和村（社区）便民服务站的工作人员可以帮办代办",
            "only staff of a town centre or a village station act for residents",
        )
    for grant in grants:
        if resident.region_id.startswith(grant.region.prefix):
            return grant.region
    raise Forbidden(
        f"{resident.display_name}不在您所在便民服务站（中心）的服务范围内",
        f"{resident.display_name} lives outside the area of your station",
        field="id_number",
    )


def commission_for_helper(staff: Staff, pk: int) -> Mandate:
    """One 委托书 this helper drew up; another's is not there (404)."""
    found = (
        Mandate.objects.filter(pk=pk, kind=MandateKind.HELPER, helper=staff)
        .select_related("organization", "helper", "station", "station__parent")
        .first()
    )
    if found is None:
        raise NotFound("没有该代办委托", "no such authorization")
    return found


def commissions_by(staff: Staff) -> QuerySet[Mandate]:
    """The 委托书 a helper drew up, newest first."""
    return (
        Mandate.objects.filter(kind=MandateKind.HELPER, helper=staff)
        .select_related("organization", "station", "station__parent")
        .order_by("-created_at", "-pk")
    )


def commissions_of(resident: Applicant) -> QuerySet[Mandate]:
    """Every 委托书 a resident signed, ended and revoked ones too (their record)."""
    return (
        Mandate.objects.filter(kind=MandateKind.HELPER, organization=resident)
        .select_related("helper", "station", "station__parent")
        .order_by("-created_at", "-pk")
    )


def check_commission(
    mandate: Mandate, staff: Staff, item_codes: Iterable[str], day: dt.date
) -> Mandate:
    """The 委托书 under which `staff` acts for its resident on `day` for these items, or the
    403 saying why not: another helper's, revoked, not confirmed by the resident's SMS code,
    not begun or ended, an item beyond it, or the helper no longer at a station whose area
    holds the resident."""
    name = mandate.organization.display_name
    if mandate.kind != MandateKind.HELPER or mandate.helper_id != staff.pk:
        raise NotFound("没有该代办委托", "no such authorization")
    whose = (f"{name}的代办委托", f"the authorization of {name}")
    if mandate.revoked_at is not None:
        raise Forbidden(f"{whose[0]}已被撤销", f"{whose[1]} was revoked")
    if mandate.confirmed_at is None:
        raise Forbidden(
            f"{whose[0]}尚未经本人短信验证码确认", f"{whose[1]} is not yet confirmed by SMS code"
        )
    helper_station(staff, mandate.organization)
    return _in_force(mandate, day, item_codes, whose)
