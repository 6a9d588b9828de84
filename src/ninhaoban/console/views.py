from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.core.errors import Forbidden


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Forbidden("仅限工作人员使用", "for staff only")
    grants = staff.roles.select_related("region", "department")
    return render(request, "console/home.html", {"staff": staff, "grants": grants})
