import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from ninhaoban.core import workdays
from ninhaoban.core.text import BoundedInt
from ninhaoban.regions import selectors

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    full_name: str


class WorkdaysOut(Schema):
    date: dt.date
    n: int
    result: dt.date
    provisional: bool = False  # counted over a year whose holiday notice is not out yet


class BetweenOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int


def _region_out(region) -> RegionOut:
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        kind=region.kind,
        parent=region.parent_id,
        full_name=region.full_name,
    )


@router.get("/workdays/add", response=WorkdaysOut, summary="第n个工作日 / n-th working day after")
def add_working_days(request: HttpRequest, date: dt.date, n: BoundedInt) -> WorkdaysOut:
    result = workdays.add_working_days(date, n)
    return WorkdaysOut(date=date, n=n, result=result, provisional=workdays.is_provisional(result))


@router.get("/workdays/between", response=BetweenOut, summary="两日之间的工作日数")
def working_days_between(request: HttpRequest, start: dt.date, end: dt.date) -> BetweenOut:
    return BetweenOut(start=start, end=end, working_days=workdays.working_days_between(start, end))


@router.get("/{code}", response=RegionOut, summary="行政区划 / a region")
def region_detail(request: HttpRequest, code: str) -> RegionOut:
    return _region_out(selectors.get_region(code))


@router.get("/{code}/children", response=list[RegionOut], summary="下级区划 / child regions")
def region_children(request: HttpRequest, code: str) -> list[RegionOut]:
    region = selectors.get_region(code)
    return [_region_out(c) for c in region.children.select_related("parent")]
