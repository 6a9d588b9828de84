"""The staff's licence lookup (证照查验) with its status changes."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.models import Role, Staff
from ninhaoban.accounts.scoping import require_scope
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.licences import schema, selectors, services
from ninhaoban.licences.payloads import verify_licence

STATUS_ROLES = (Role.APPROVER, Role.CHIEF)


def _staff(request: HttpRequest) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    return staff


@login_required
@require_http_methods(["GET", "POST"])
def staff_licence(request: HttpRequest) -> HttpResponse:
    """Look a licence up by its 证照标识 (scoped, traced with the stated purpose); approvers and
    chief representatives of the issuing department may suspend, restore, revoke or cancel."""
    staff = _staff(request)
    identifier = (request.POST.get("identifier") or request.GET.get("q") or "").strip()
    context: dict = {"q": identifier, "statuses": services.STAFF_STATUS_CHOICES}
    if identifier:
        licence = (
            selectors.licences_for(request.user)
            .filter(pk=selectors.licence_by_identifier(identifier).pk)
            .first()
        )
        if licence is None:
            raise NotFound(f"证照{identifier}不存在", f"no licence {identifier}")
        if request.method == "POST":
            require_scope(request.user, STATUS_ROLES, licence.issuer.region_id, licence.issuer_id)
            services.change_status(
                licence,
                request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                actor=staff.actor,
            )
            return redirect(f"{request.path}?q={licence.identifier}")
        purpose = (request.GET.get("purpose") or "工作人员查阅")[:128]
        services.trace_licence_read(licence, actor=staff.actor, role="staff", purpose=purpose)
        context.update(
            licence=licence,
            verdict=verify_licence(licence),
            fields=[(spec.label, value) for spec, value in schema.face(licence)],
        )
    return render(request, "licences/staff_licence.html", context)
