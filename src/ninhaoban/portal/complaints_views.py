"""招标投标投诉 on the website: a bidder, through its 法定代表人 or a 经办人 acting for it
("正在代表", see portal.acting), picks an announcement of a project it bid for, states its
grounds, hands in its evidence, and follows its complaints' states and deadlines. Thin:
parse, call the inspections service, render."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from ninhaoban.cases import clock
from ninhaoban.cases.uploads import FileIn
from ninhaoban.core.errors import DomainError, InvalidInput
from ninhaoban.inspections import selectors, services
from ninhaoban.labels import one_language
from ninhaoban.portal.acting import actor_of


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput(
            "请填写知道或应当知道之日（年-月-日）",
            "enter the day you knew or should have known (YYYY-MM-DD)",
            field="known_on",
        ) from None


def _file(request: HttpRequest) -> str:
    actor = actor_of(request)
    org, _ = services.complainant_of(actor, clock.today())
    code, _, about = request.POST.get("announcement", "").partition("|")
    complaint = services.file_complaint_online(
        actor,
        selectors.bid_project(org, code),
        about=about,
        known_on=_day(request.POST.get("known_on", "")),
        grounds=request.POST.get("grounds", ""),
        evidence=[FileIn(f.name or "", f) for f in request.FILES.getlist("evidence")],
        today=clock.today(),
    )
    return complaint.number


@require_http_methods(["GET", "POST"])
def my_complaints(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/login/")
    error, status = "", 200
    if request.method == "POST":
        try:
            number = _file(request)
            messages.info(
                request,
                gettext("投诉已提交，编号%(number)s。监督部门将在3个工作日内决定是否受理。")
                % {"number": number},
            )
            return redirect("my-complaints")
        except DomainError as exc:
            error, status = one_language(exc), exc.status
    actor = actor_of(request)
    context: dict[str, Any] = {
        "error": error,
        "form": request.POST,
        "today": clock.today().isoformat(),
    }
    org = actor.applicant if actor.agent is not None else None
    if org is not None:
        context |= {
            "company": org,
            "complainable": selectors.complainable_for(org),
            "complaints": [
                (c, selectors.alert_key(c.due_date, not c.is_open, clock.today()))
                for c in selectors.complaints_of(org)
            ],
        }
    return render(request, "portal/complaints.html", context, status=status)
