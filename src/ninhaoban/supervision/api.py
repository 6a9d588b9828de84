"""一张网考评 API (/api/v1/supervision): the dashboard's figures, trend, rankings and the
cases behind a figure, for supervisors and chiefs within their scope; the public figures
(政务服务数据公开) for anyone."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from ninhaoban.accounts.tokens import API_AUTH
from ninhaoban.supervision import selectors

router = Router(tags=["supervision"], auth=API_AUTH)
public_router = Router(tags=["supervision"])
FROM = Query("", alias="from", description="YYYY-MM-DD (default: 30 days before `to`)")
TO = Query("", alias="to", description="YYYY-MM-DD (default: today)")


class CaseRowOut(Schema):
    case_no: str
    title: str
    status: str
    department: str
    received_on: str
    due_date: str | None


def _scope(request: HttpRequest, region: str, department: str, start: str, end: str):
    return selectors.scope_for(request.user, region, department, start, end)


@router.get("/figures", summary="考评指标（含公式）")
def figures(
    request: HttpRequest, region: str = "", department: str = "", start: str = FROM, end: str = TO
) -> dict[str, Any]:
    scope = _scope(request, region, department, start, end)
    return {"scope": scope.as_dict(), "figures": [f.as_dict() for f in selectors.figures(scope)]}


@router.get("/trend", summary="按日或按月的趋势")
def trend(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    start: str = FROM,
    end: str = TO,
    by: str = "day",
) -> list[dict[str, Any]]:
    return selectors.trend(_scope(request, region, department, start, end), by)


@router.get("/ranking", summary="区划、部门、收件地、大厅或窗口排名")
def ranking(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    start: str = FROM,
    end: str = TO,
    by: str = Query("region", description="region, department, intake, hall or window"),
) -> list[dict[str, Any]]:
    return selectors.ranking(_scope(request, region, department, start, end), by)


@router.get("/cases", response=list[CaseRowOut], summary="指标对应的办件明细")
def drill(
    request: HttpRequest,
    response: HttpResponse,
    drill: str,
    region: str = "",
    department: str = "",
    start: str = FROM,
    end: str = TO,
    hall: str = Query("", description="only the cases this hall took in (a hall ranking's row)"),
    window: str = Query("", description="only the cases this window took in"),
    after: str = Query("", description="the next page: the X-Next-After header of the page before"),
) -> list[dict[str, Any]]:
    """A page of 200 cases, newest first; while more follow, the answer's X-Next-After
    header is the `after` of the next page."""
    scope = _scope(request, region, department, start, end)
    place = selectors.place_of(hall, window)
    page = selectors.drill_page(request.user, scope, drill, place=place, after=after)
    if page.after:
        response["X-Next-After"] = page.after
    return [
        {
            "case_no": c.case_no,
            "title": c.title,
            "status": c.status,
            "department": c.department.name if c.department else "",
            "received_on": c.received_on.isoformat(),
            "due_date": c.due_date.isoformat() if c.due_date else None,
        }
        for c in page.cases
    ]


@public_router.get("/public", auth=None, summary="政务服务数据公开（全市及各县市区）")
def public(request: HttpRequest, start: str = FROM, end: str = TO) -> dict[str, Any]:
    scope = selectors.scope_of("", "", start, end)
    return {
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "regions": selectors.public_figures(scope.start, scope.end),
    }
