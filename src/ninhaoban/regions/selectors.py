"""Reads of the region tree that other apps need."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from ninhaoban.core import workdays
from ninhaoban.core.errors import NotFound
from ninhaoban.regions.models import (
    Department,
    Level,
    Region,
    ServiceHall,
    Window,
    code_prefix,
    normalize_region_code,
)


def get_region(code: str) -> Region:
    normalized = normalize_region_code(code)
    try:
        return Region.objects.select_related("parent").get(code=normalized)
    except Region.DoesNotExist:
        raise NotFound(
            f"行政区划代码{code}不存在", f"no region with code {code}", field="region"
        ) from None


def subtree_bounds(code_or_prefix: str) -> tuple[str, str]:
    """The lowest and highest 12-digit code in the subtree of a region."""
    prefix = code_prefix(code_or_prefix) if len(code_or_prefix) == 12 else code_or_prefix
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def subtree_q(field: str, code_or_prefix: str) -> Q:
    """Rows whose region code (in `field`) lies in the subtree of a region.

    A range on the 12-digit code, not LIKE 'prefix%', so that SQLite and PostgreSQL both
    answer it from the plain index on that column.
    """
    low, high = subtree_bounds(code_or_prefix)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def subtree(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(subtree_q("code", region.code))


def ancestors(region: Region) -> list[Region]:
    """The region and every region above it, nearest first."""
    chain: list[Region] = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


class YearState:
    OFFICIAL = "official"
    PROVISIONAL = "provisional"
    MISSING = "missing"


YEAR_STATE_LABELS = {
    YearState.OFFICIAL: ("正式（已导入国务院通知）", "official (notice imported)"),
    YearState.PROVISIONAL: (
        "预计（通知未公布，仅含周末和法定节日）",
        "provisional (no notice yet)",
    ),
    YearState.MISSING: ("未覆盖", "not covered"),
}


def year_states(years: range) -> dict[int, str]:
    """Whether each year's working days are official, provisional or not covered at all
    (from the cached calendar: cheap enough for every console page)."""
    cal = workdays.current_calendar()
    first = cal.provisional_from

    def state(year: int) -> str:
        if not cal.first.year <= year <= cal.last.year:
            return YearState.MISSING
        if first is not None and year >= first.year:
            return YearState.PROVISIONAL
        return YearState.OFFICIAL

    return {year: state(year) for year in years}


def calendar_warning(today: dt.date) -> int | None:
    """The year an administrator must enter the notice for: this year while it is still
    provisional, next year from 1 October on."""
    states = year_states(range(today.year, today.year + 2))
    if states[today.year] != YearState.OFFICIAL:
        return today.year
    if today >= dt.date(today.year, 10, 1) and states[today.year + 1] != YearState.OFFICIAL:
        return today.year + 1
    return None


def nearest_department(region: Region, dept_type: str) -> Department | None:
    """The department of that type at the region or the nearest region above it (a county's
    own 市场监管局, else the city's)."""
    chain = [r.code for r in ancestors(region)]
    found = {
        d.region_id: d for d in Department.objects.filter(region_id__in=chain, dept_type=dept_type)
    }
    return next((found[code] for code in chain if code in found), None)


def departments_by_id(ids: Iterable[int]) -> dict[int, Department]:
    return Department.objects.in_bulk(list(ids))


def department_ids_by_uscc(usccs: Iterable[str]) -> dict[str, int]:
    return dict(Department.objects.filter(uscc__in=set(usccs)).values_list("uscc", "pk"))


def regions_at(levels: Iterable[str]) -> QuerySet[Region]:
    return Region.objects.filter(level__in=list(levels)).order_by("code")


def region_counts() -> dict[str, int]:
    """How many regions each level has (every level named, zero included)."""
    found = dict(Region.objects.values_list("level").annotate(n=Count("pk")).order_by())
    return {level: found.get(level, 0) for level in Level.values}


def halls() -> QuerySet[ServiceHall]:
    return ServiceHall.objects.select_related("region")


def hall_by_id(hall_id: int) -> ServiceHall:
    hall = ServiceHall.objects.select_related("region").filter(pk=hall_id).first()
    if hall is None:
        raise NotFound(f"大厅{hall_id}不存在", f"no hall {hall_id}", field="hall")
    return hall


def halls_in(region_code: str) -> QuerySet[ServiceHall]:
    """The halls of a region's subtree, with their region."""
    return (
        ServiceHall.objects.filter(subtree_q("region", region_code))
        .select_related("region")
        .order_by("region_id", "name")
    )


def lock_hall(hall_id: int) -> ServiceHall:
    """The hall, locked for the caller's transaction: one change of its register at a time."""
    return ServiceHall.objects.select_for_update().get(pk=hall_id)


def departments_above(region: Region) -> QuerySet[Department]:
    """The departments of the region and of the regions above it: those a hall there may
    station."""
    codes = [r.code for r in ancestors(region)]
    return Department.objects.filter(region_id__in=codes).order_by("-region_id", "dept_type")


def halls_with_windows(region: Region) -> QuerySet[ServiceHall]:
    return ServiceHall.objects.filter(region=region).prefetch_related("windows")


def windows_by_id(ids: Iterable[int]) -> dict[int, Window]:
    """Windows with their hall and the hall's region (what a 评价器 or a ranking names)."""
    return Window.objects.select_related("hall", "hall__region", "department").in_bulk(list(ids))


def window_names(ids: Iterable[int]) -> dict[int, str]:
    """Each window's name as `str(window)` gives it, in one query and no model objects (a
    ranking names hundreds of windows)."""
    rows = Window.objects.filter(pk__in=list(ids)).values_list("pk", "hall__name", "number", "name")
    return {pk: f"{hall} {number}号窗口 {name}" for pk, hall, number, name in rows}


def hall_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(ServiceHall.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def windows_in(region_code: str) -> QuerySet[Window]:
    """The windows of the halls in a region's subtree."""
    return (
        Window.objects.filter(subtree_q("hall__region", region_code))
        .select_related("hall", "department")
        .order_by("hall__region_id", "hall__name", "number")
    )


def departments_in(region_code: str) -> QuerySet[Department]:
    return Department.objects.filter(subtree_q("region", region_code)).order_by("region_id", "pk")


def region_by_code(code: str) -> Region | None:
    """The region with exactly this 12-digit code, or None (no error: callers fall back)."""
    return Region.objects.filter(code=code).first()


def city_region() -> Region:
    """The city at the top of the tree (一级开发: one city runs the platform)."""
    city = Region.objects.filter(level=Level.CITY).order_by("code").first()
    if city is None:
        raise NotFound("尚未设置行政区划", "no regions have been set up")
    return city
