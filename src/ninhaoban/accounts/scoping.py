"""Scope before data: the one function every staff-facing query passes through.

A staff member holds roles, each bound to a region subtree and optionally a department. A
query for some roles sees the union of those roles' scopes; a superuser or an `admin` at the
top region sees everything the admin scope covers, nothing is ever widened implicitly.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from ninhaoban.accounts.models import Role, Staff, StaffRole
from ninhaoban.core.errors import Forbidden
from ninhaoban.regions.models import code_prefix
from ninhaoban.regions.selectors import subtree_q

ALL_ROLES = frozenset(Role.values)


def roles_of(user: User | AnonymousUser, roles: Iterable[str] = ALL_ROLES) -> list[StaffRole]:
    if not user.is_authenticated or not hasattr(user, "staff"):
        return []
    wanted = set(roles) | {Role.ADMIN}
    return [r for r in user.staff.roles.all() if r.role in wanted]


def staff_of(user: User | AnonymousUser) -> Staff:
    """The staff record of a signed-in staff user; anyone else (an applicant's account, a
    superuser made without one) is refused, not answered with a missing attribute."""
    staff = getattr(user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    return staff


def scope_q(
    user: User | AnonymousUser,
    roles: Iterable[str],
    *,
    region_field: str,
    department_field: str | None = None,
) -> Q | None:
    """The filter for rows this user may see in the given roles; None means no limit."""
    if user.is_authenticated and user.is_superuser:
        return None
    grants = roles_of(user, roles)
    if not grants:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for grant in grants:
        part = subtree_q(region_field, code_prefix(grant.region_id))
        if grant.department_id and department_field and grant.role != Role.ADMIN:
            part &= Q(**{department_field: grant.department_id})
        q |= part
    return q


def scoped(
    qs: QuerySet,
    user: User | AnonymousUser,
    roles: Iterable[str],
    *,
    region_field: str = "region",
    department_field: str | None = None,
) -> QuerySet:
    q = scope_q(user, roles, region_field=region_field, department_field=department_field)
    return qs if q is None else qs.filter(q)


def require_scope(
    user: User | AnonymousUser,
    roles: Iterable[str],
    region_code: str,
    department_id: int | None = None,
) -> None:
    """Raise Forbidden unless one of the user's grants in `roles` covers this region/department."""
    roles = set(roles)
    if user.is_authenticated and user.is_superuser:
        return
    for grant in roles_of(user, roles):
        if not region_code.startswith(code_prefix(grant.region_id)):
            continue
        if (
            grant.department_id
            and grant.role != Role.ADMIN
            and grant.department_id != department_id
        ):
            continue
        return
    names = "、".join(Role(r).label for r in sorted(roles))
    raise Forbidden(
        f"您没有在该区划或部门以{names}身份操作的权限",
        f"you hold no {'/'.join(sorted(roles))} role covering this region or department",
    )


def require_whole_scope(user: User | AnonymousUser, roles: Iterable[str]) -> None:
    """Forbidden unless one of the user's grants in `roles` covers the whole tree (a grant at
    the top region, no department): what reads about a person across counties need."""
    if user.is_authenticated and user.is_superuser:
        return
    if any(g.region.parent_id is None and not g.department_id for g in roles_of(user, roles)):
        return
    raise Forbidden(
        "按人查询须具有全市范围的权限", "looking up a person needs a scope over the whole city"
    )
