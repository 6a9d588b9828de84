"""窗口注册: a clerk registers the person at the counter after reading their ID card (or
raises a known person's account to 窗口现场核验), so they can use the website and kiosks."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.services import register_at_window
from ninhaoban.cases import permissions
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request.user)
    if not actor.is_staff or not permissions.may_take_applications(request.user):
        raise Forbidden("只有窗口人员可以办理窗口注册", "only a clerk registers at the window")
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("card_read") != "yes":
                raise InvalidInput(
                    "请先读取并核对本人居民身份证",
                    "read and check the person's ID card first",
                    field="card_read",
                )
            context["person"] = register_at_window(
                id_number=request.POST.get("id_number", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                actor=actor.ledger,
            )
        except DomainError as exc:
            context["error"], status = exc, exc.status
    return render(request, "console/register.html", context, status=status)
