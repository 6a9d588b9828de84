from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ninhaoban.accounts.models import Role
from ninhaoban.core.errors import Forbidden
from ninhaoban.regions.selectors import calendar_warning


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    grants = staff.roles.select_related("region", "department")
    is_admin = request.user.is_superuser or any(g.role == Role.ADMIN for g in grants)
    warning = calendar_warning(timezone.localdate()) if is_admin else None
    context = {"staff": staff, "grants": grants, "is_admin": is_admin, "calendar_warning": warning}
    return render(request, "console/home.html", context)
