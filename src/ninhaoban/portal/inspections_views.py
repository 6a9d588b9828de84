"""双随机一公开 for everyone: published plans, their draws and results, the complaint
decisions, and a page that recomputes a draw from the public data and says whether it
matches. No sign-in, no personal data beyond an inspector's name and 执法证号."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.inspections import selectors
from ninhaoban.inspections.models import PlanStatus


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/inspections/index.html",
        {
            "plans": selectors.public_plans()[:100],
            "decisions": selectors.public_decisions()[:50],
        },
    )


def plan_page(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.public_plan(code)
    return render(
        request,
        "portal/inspections/plan.html",
        {
            "plan": plan,
            "items": plan.items.all(),
            "rows": selectors.rows_with_inspectors(plan),
            "drawn": plan.status == PlanStatus.DRAWN,
        },
    )


def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.public_plan(code)
    result = selectors.verify_plan(plan) if plan.status == PlanStatus.DRAWN else None
    return render(request, "portal/inspections/verify.html", {"plan": plan, "result": result})
