"""我的代办委托: the 委托书 a resident signed for a village station's or town centre's helper,
with the cases applied for under each, and the button that revokes one (nothing more may be
done under it; what was done stays)."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts import selectors as accounts
from ninhaoban.accounts.services import revoke_commission
from ninhaoban.cases import clock
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import Forbidden, NotFound
from ninhaoban.core.text import parse_int


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/login/")
    actor = Actor.of(request.user)
    person = actor.applicant
    if person is None or not person.is_person or actor.agent is not None:
        raise Forbidden("请以个人身份登录", "sign in as a person")
    if request.method == "POST":
        mandate = accounts.mandate_by_pk(parse_int(request.POST.get("mandate"), field="mandate"))
        if mandate is None:
            raise NotFound("没有该代办委托", "no such authorization")
        revoke_commission(mandate, by=person)
        return redirect("my-commissions")
    return render(
        request,
        "portal/commissions.html",
        {"rows": list(accounts.commissions_of(person)), "today": clock.today()},
    )
