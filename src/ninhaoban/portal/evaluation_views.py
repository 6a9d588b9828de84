"""好差评 on the website: rating a closed case (from "my cases"), the SMS link's page, and
评价公开 (the city's and counties' figures and every 差评 with its rectification, masked)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ninhaoban.cases import selectors as cases
from ninhaoban.cases.models import Case, Status
from ninhaoban.core.errors import DomainError
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import BAD_LEVELS, REASONS, Channel, Level
from ninhaoban.evaluation.services import Rating
from ninhaoban.portal.cases_views import _applicant, _login


def form_context(case: Case | None) -> dict[str, Any]:
    """What every rating form shows: the five levels and the reasons (the words of praise
    and of complaint are both offered; the level decides which list a reason counts in)."""
    return {
        "case": case,
        "levels": Level.choices,
        "reasons": list(REASONS),
        "bad_levels": [int(v) for v in BAD_LEVELS],
    }


def rating_of(request: HttpRequest) -> Rating:
    return Rating.of(
        request.POST.get("level", ""),
        request.POST.getlist("reasons"),
        request.POST.get("comment", ""),
    )


@require_http_methods(["GET", "POST"])
def rate_case(request: HttpRequest, case_no: str) -> HttpResponse:
    """一事一评 after 办结, by the applicant signed in; then 追评 once on the same page."""
    actor = _applicant(request)
    if actor is None:
        return _login(request)
    case = cases.case_for_applicant(actor.own, case_no)
    done = selectors.rating_of_case(case, actor.own)
    context = form_context(case) | {"done": done, "closed": case.status == Status.CLOSED}
    if request.method == "POST":
        try:
            if done is None:
                services.rate_case(case, actor.own, rating_of(request), channel=Channel.WEBSITE)
            else:
                services.add_follow_up_comment(done, actor.own, request.POST.get("text", ""))
        except DomainError as exc:
            context |= {"error": exc, "typed": request.POST}
            return render(request, "portal/evaluation/rate.html", context, status=exc.status)
        return redirect("my-case-rate", case_no=case_no)
    return render(request, "portal/evaluation/rate.html", context)


@require_http_methods(["GET", "POST"])
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The SMS link: the token is the key, no sign-in; used once."""
    context: dict[str, Any] = form_context(None) | {"token": token}
    try:
        context["case"] = selectors.invitation_case(token)
    except DomainError as exc:
        context["error"], context["void"] = exc, True
        return render(request, "portal/evaluation/link.html", context, status=exc.status)
    if request.method == "POST":
        try:
            services.rate_by_token(token, rating_of(request))
        except DomainError as exc:
            context |= {"error": exc, "typed": request.POST}
            return render(request, "portal/evaluation/link.html", context, status=exc.status)
        return render(request, "portal/evaluation/link.html", context | {"thanks": True})
    return render(request, "portal/evaluation/link.html", context)


def public(request: HttpRequest) -> HttpResponse:
    """评价公开: this month's (or a chosen month's) figures and every 差评, masked."""
    month = selectors.month_of(request.GET.get("month"))
    city = selectors.city_code()
    context = {
        "month": month,
        "months": selectors.months_with_ratings(),
        "regions": selectors.by_region(city, month),
        "total": selectors.by_region(city)[0],
        "bad": selectors.public_bad_ratings(limit=100),
    }
    return render(request, "portal/evaluation/public.html", context)
