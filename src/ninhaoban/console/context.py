"""What every page's navigation may offer the signed-in staff member, asked of the rules
the views enforce (so no link leads to a 403)."""

from functools import partial

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import roles_of
from ninhaoban.cases.permissions import may_take_applications
from ninhaoban.catalog.permissions import REPORT_ROLES
from ninhaoban.inspections.services import READER_ROLES as INSPECTION_READERS
from ninhaoban.payments.selectors import ORDER_READERS, RECONCILERS


def _sections(user: User | AnonymousUser) -> dict[str, bool]:
    """The console's sections this staff member may open, for the one console navigation."""
    if user.is_authenticated and user.is_superuser:
        return {
            "clerk": True,
            "catalog": True,
            "reports": True,
            "admin": True,
            "inspections": True,
            "supervision": True,
            "evaluation": True,
            "supervisor": True,
            "payments": True,
            "reconcile": True,
        }
    return {
        "clerk": may_take_applications(user),
        "catalog": bool(roles_of(user, [Role.CATALOG_ADMIN])),
        "reports": bool(roles_of(user, REPORT_ROLES)),
        "admin": bool(roles_of(user, [Role.ADMIN])),
        "inspections": bool(roles_of(user, INSPECTION_READERS)),
        "supervision": bool(roles_of(user, [Role.SUPERVISOR, Role.CHIEF])),
        # 好差评: the department's rectifications, the supervisor's figures and appeals
        "evaluation": bool(roles_of(user, [Role.CHIEF, Role.APPROVER, Role.SUPERVISOR])),
        "supervisor": bool(roles_of(user, [Role.SUPERVISOR])),
        "payments": bool(roles_of(user, ORDER_READERS)),
        # 对账 needs a grant over the whole city (the view asks require_whole_scope)
        "reconcile": any(
            g.region.parent_id is None and not g.department_id for g in roles_of(user, RECONCILERS)
        ),
    }


def console(request: HttpRequest) -> dict[str, object]:
    # callables: templates ask them only where a console navigation is drawn
    return {
        "may_take_applications": partial(may_take_applications, request.user),
        "console_roles": partial(_sections, request.user),
    }
