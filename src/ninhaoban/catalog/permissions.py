"""Who may see catalog reports: one rule for the pages, the API and anything else."""

from django.contrib.auth.models import AnonymousUser, User

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import roles_of
from ninhaoban.catalog.audit import Finding
from ninhaoban.core.errors import Forbidden
from ninhaoban.regions.models import code_prefix

REPORT_ROLES = (Role.CATALOG_ADMIN, Role.SUPERVISOR)


def report_prefixes(user: User | AnonymousUser) -> list[str]:
    """The region prefixes whose findings the user may see; [""] means everything."""
    if user.is_authenticated and user.is_superuser:
        return [""]
    grants = roles_of(user, REPORT_ROLES)
    if not grants:
        raise Forbidden("您没有查看同事同标报告的权限", "you may not see the audit report")
    return [code_prefix(g.region_id) for g in grants]


def visible_findings(user: User | AnonymousUser, findings: list[Finding]) -> list[Finding]:
    prefixes = report_prefixes(user)
    return [f for f in findings if any(f.region_code.startswith(p) for p in prefixes)]
