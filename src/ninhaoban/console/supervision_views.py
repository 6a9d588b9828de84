"""一张网考评 pages for supervisors and department heads: the dashboard of a scope (figures
with their formulas, trends, rankings), drill-down to the cases, the warning and overdue
board, the read-only case list, an XLSX export and the hall screen (大屏). Thin: parse the
scope, ask supervision's selectors, render."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.cases.models import Channel, Status
from ninhaoban.console.cases_views import _rows
from ninhaoban.supervision import export, selectors
from ninhaoban.supervision.selectors import Scope

REFRESH_SECONDS = 10


def _scope(request: HttpRequest) -> Scope:
    get = request.GET
    return selectors.scope_for(
        request.user,
        get.get("region", ""),
        get.get("department", ""),
        get.get("from", ""),
        get.get("to", ""),
    )


def _query(scope: Scope) -> str:
    parts = [f"region={scope.region.code}", f"from={scope.start}", f"to={scope.end}"]
    if scope.department_id is not None:
        parts.append(f"department={scope.department_id}")
    return "&".join(parts)


def _dashboard(scope: Scope) -> dict[str, Any]:
    trend = selectors.trend(scope, by="month" if (scope.end - scope.start).days > 92 else "day")
    return {
        "scope": scope,
        "query": _query(scope),
        "figures": selectors.figures(scope),
        "trend": trend,
        "chart": {
            "periods": [row["period"] for row in trend],
            "received": [row["received"] for row in trend],
            "decided": [row["decided"] for row in trend],
            "on_time_rate": [row["on_time_rate"] for row in trend],
        },
        "rankings": [
            (title, selectors.ranking(scope, by)) for by, title in selectors.RANK_TITLES.items()
        ],
        "refresh": REFRESH_SECONDS,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "console/supervision/dashboard.html", _dashboard(_scope(request)))


@login_required
def live(request: HttpRequest) -> HttpResponse:
    """The figures alone, which the dashboard and the screen ask for again every few
    seconds (htmx), so they follow every case transition without a reload."""
    context = _dashboard(_scope(request))
    context["screen"] = request.GET.get("screen") == "1"
    return render(request, "console/supervision/_live.html", context)


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    context = _dashboard(_scope(request))
    context["screen"] = True
    return render(request, "console/supervision/screen.html", context)


def _paging(request: HttpRequest, page: selectors.CasePage) -> dict[str, Any]:
    """The rows of a page and the links to the next and the first page (the same query with
    another cursor)."""
    query = request.GET.copy()
    query.pop("after", None)
    first = query.urlencode()
    query["after"] = page.after
    return {
        "rows": _rows(page.cases),
        "next_query": query.urlencode() if page.after else "",
        "first_query": first if request.GET.get("after") else None,
    }


@login_required
def drill(request: HttpRequest, drill: str) -> HttpResponse:
    scope = _scope(request)
    place = selectors.place_of(request.GET.get("hall", ""), request.GET.get("window", ""))
    page = selectors.drill_page(
        request.user, scope, drill, place=place, after=request.GET.get("after", "")
    )
    context = {
        "scope": scope,
        "query": _query(scope),
        "title": selectors.DRILLS[drill],
        **_paging(request, page),
    }
    return render(request, "console/supervision/cases.html", context)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The newest overdue and warned cases; past a page, a link to the whole drill-down."""
    scope = _scope(request)
    context: dict[str, Any] = {"scope": scope, "query": _query(scope)}
    for drill in ("overdue", "warning"):
        page = selectors.drill_page(request.user, scope, drill)
        context[drill] = _rows(page.cases)
        context[f"{drill}_more"] = bool(page.after)
    return render(request, "console/supervision/board.html", context)


FILTERS = ("status", "alert", "item", "channel", "dated", "hall", "window")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """监察人员的办件列表: every case of the scope, read-only, with filters."""
    scope = _scope(request)
    filters = {k: request.GET.get(k, "") for k in FILTERS}
    context = {
        "scope": scope,
        "query": _query(scope),
        "title": "",
        "filters": filters,
        "statuses": Status.values,
        "channels": Channel.values,
        **_paging(
            request,
            selectors.case_list(request.user, scope, filters, request.GET.get("after", "")),
        ),
    }
    return render(request, "console/supervision/cases.html", context)


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    body = export.workbook(request.user, scope)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"supervision-{scope.region.code}-{scope.start}-{scope.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
