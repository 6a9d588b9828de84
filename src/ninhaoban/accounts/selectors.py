from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ninhaoban.accounts.models import Applicant, ApplicantKind, Role, Staff, StaffRole
from ninhaoban.accounts.scoping import scoped
from ninhaoban.core.errors import NotFound
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
