"""The indicators of 一张网考评, read from the rollups (and the catalog, and the evaluation and
appointments apps through their selectors once they exist), always within a scope the
reader holds: a region subtree, optionally one department, and a date range."""

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet, Sum

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope, roles_of
from ninhaoban.cases import clock
from ninhaoban.cases import selectors as cases
from ninhaoban.cases.models import TIMED_STATUSES, Case, Channel, Status
from ninhaoban.catalog import audit
from ninhaoban.catalog.stats import catalog_stats
from ninhaoban.core.errors import InvalidInput, NotFound
from ninhaoban.core.text import parse_int
from ninhaoban.licences.selectors import SHARED_KINDS
from ninhaoban.regions.models import Level, Region, code_prefix
from ninhaoban.regions.selectors import (
    departments_by_id,
    get_region,
    hall_names,
    regions_at,
    subtree,
    subtree_bounds,
    subtree_q,
    window_names,
)
from ninhaoban.supervision.facts import ENDED
from ninhaoban.supervision.models import DAY, MEASURES, MONTH, CaseFact, Rollup

# who reads the dashboards: supervisors, and department heads (首席代表) for their department
READERS = (Role.SUPERVISOR, Role.CHIEF)
MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30
PLATFORM_CHANNELS = (Channel.ONLINE, Channel.WINDOW, Channel.KIOSK)
CATALOG_SECONDS = 60


@dataclass(frozen=True)
class Scope:
    region: Region
    department_id: int | None
    department_name: str
    start: dt.date
    end: dt.date

    @property
    def prefix(self) -> str:
        return code_prefix(self.region.code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region.code,
            "region_name": self.region.name,
            "department": self.department_id,
            "department_name": self.department_name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
        }


def _date(value: str, field: str) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidInput(
            f"日期“{text[:20]}”无效，应为 YYYY-MM-DD",
            f"date '{text[:20]}' is invalid: YYYY-MM-DD expected",
            field=field,
        ) from None


def _default_region(user: User | AnonymousUser) -> str:
    """The region of the reader's widest grant ("" for none)."""
    grants = roles_of(user, READERS)
    if not grants:
        return ""
    return min(
        grants, key=lambda g: (len(code_prefix(g.region_id)), g.department_id or 0)
    ).region_id


def scope_of(
    region: str = "",
    department: str | int | None = "",
    start: str = "",
    end: str = "",
    *,
    default_region: str = "",
) -> Scope:
    """A checked scope: a known region (404), a known department (404), dates in order and
    at most three years apart (422). Without dates: the last 30 days to today."""
    code = (region or "").strip() or default_region
    found = get_region(code) if code else city()
    dept_id: int | None = None
    if department not in ("", None):
        dept_id = parse_int(str(department), field="department")
    name = ""
    if dept_id is not None:
        dept = departments_by_id([dept_id]).get(dept_id)
        if dept is None:
            raise NotFound(f"部门{dept_id}不存在", f"no department {dept_id}", field="department")
        name = dept.name
    to = _date(end, "to") or clock.today()
    since = _date(start, "from") or to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if since > to:
        raise InvalidInput(
            "起始日期晚于截止日期", "the start date is after the end date", field="from"
        )
    if (to - since).days >= MAX_DAYS:
        raise InvalidInput(
            "统计期间不能超过三年", "the period may not be longer than three years", field="from"
        )
    return Scope(found, dept_id, name, since, to)


def city() -> Region:
    """The top of the tree: a scope without a region, for a reader of the whole city."""
    root = regions_at([Level.CITY]).first()
    if root is None:
        raise NotFound("没有市级区划", "no city region", field="region")
    return root


def scope_for(
    user: User | AnonymousUser,
    region: str = "",
    department: str | int | None = "",
    start: str = "",
    end: str = "",
) -> Scope:
    """The scope a staff member asked for, if they hold it (403 otherwise). Without a region,
    their widest grant's; without a department, the whole region if a grant covers it, else
    the department of the grant that does (a chief reads their own department)."""
    default_region = _default_region(user)
    superuser = user.is_authenticated and user.is_superuser
    if not default_region and not superuser:
        require_scope(user, READERS, "000000000000")
    scope = scope_of(region, department, start, end, default_region=default_region)
    if department in ("", None) and not superuser:
        covering = [
            g
            for g in roles_of(user, READERS)
            if scope.region.code.startswith(code_prefix(g.region_id))
        ]
        whole = any(not g.department_id or g.role == Role.ADMIN for g in covering)
        if covering and not whole:
            dept = covering[0].department_id
            scope = scope_of(region, dept, start, end, default_region=default_region)
    require_scope(user, READERS, scope.region.code, scope.department_id)
    return scope


def _rollups(scope: Scope) -> QuerySet[Rollup]:
    rows = Rollup.objects.filter(subtree_q("region", scope.region.code))
    if scope.department_id is not None:
        rows = rows.filter(department=scope.department_id)
    return rows


# the day before any case: the open cases due before today are summed from here
EPOCH = dt.date(1970, 1, 1)


def _month_after(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


Span = tuple[str, dt.date, dt.date]  # grain, first day, the day after the last


def _spans(start: dt.date, end: dt.date) -> list[Span]:
    """The rollup rows that add up to [start, end] once each: the month rows of the months
    wholly inside it and the day rows of the days around them (a year: twelve month rows
    per key, and none of its 365 day rows)."""
    first = start if start.day == 1 else _month_after(start)
    after = (end + dt.timedelta(days=1)).replace(day=1)
    stop = end + dt.timedelta(days=1)
    if first >= after:
        return [(DAY, start, stop)]
    return [(MONTH, first, after), (DAY, start, first), (DAY, after, stop)]


def covering(start: dt.date, end: dt.date) -> Q:
    q = Q(pk__in=[])
    for grain, lo, hi in _spans(start, end):
        q |= Q(grain=grain, day__gte=lo, day__lt=hi)
    return q


def _covering_sql(spans: list[Span]) -> tuple[str, list[Any]]:
    sql = " OR ".join("(grain = %s AND day >= %s AND day < %s)" for _ in spans)
    return f"({sql})", [value for span in spans for value in span]


def totals(scope: Scope) -> dict[str, int]:
    """Every measure summed over the period, plus the open cases due before and soon after
    today (超期 and 预警 now, whatever the period), in one scan of the rows that cover the
    three ranges, each sum filtered to its own. Written as SQL: the ORM spends longer
    composing thirty filtered sums than the database spends adding them."""
    today = clock.today()
    ranges = {
        "p": _covering_sql(_spans(scope.start, scope.end)),
        "o": _covering_sql(_spans(EPOCH, today - dt.timedelta(days=1))),
        "s": _covering_sql([(DAY, today, clock.warning_before(today))]),
    }
    quote = connection.ops.quote_name
    sums = [f"SUM({quote(m)}) FILTER (WHERE p)" for m in MEASURES]
    platform = ", ".join("%s" for _ in PLATFORM_CHANNELS)
    sums += [
        f"SUM(received) FILTER (WHERE p AND channel IN ({platform}))",
        "SUM(received) FILTER (WHERE p AND channel = %s)",
        "SUM(open_due) FILTER (WHERE o)",
        "SUM(open_due) FILTER (WHERE s)",
    ]
    low, high = subtree_bounds(scope.region.code)
    where = "region >= %s AND region <= %s"
    params: list[Any] = [*PLATFORM_CHANNELS, Channel.ONLINE]
    params += [p for _, ps in ranges.values() for p in ps]
    params += [low, high]
    if scope.department_id is not None:
        where += " AND department = %s"
        params.append(scope.department_id)
    # the ranges again in the WHERE, so that the key's index (grain, day) picks the rows
    any_range = " OR ".join(sql for sql, _ in ranges.values())
    params += [p for _, ps in ranges.values() for p in ps]
    flags = ", ".join(f"{sql} AS {name}" for name, (sql, _) in ranges.items())
    columns = ", ".join(quote(m) for m in MEASURES)
    sql = (
        f"SELECT {', '.join(sums)} FROM (SELECT {flags}, channel, {columns} "
        f"FROM {quote(Rollup._meta.db_table)} WHERE {where} AND ({any_range})) AS rows"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    names = [*MEASURES, "received_platform", "received_online", "overdue_now", "warning_now"]
    return {name: value or 0 for name, value in zip(names, row, strict=True)}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None  # None: 暂无数据 (nothing to divide by, or the source not there yet)
    unit: str  # "%", "件", "工作日", "分钟"
    formula: str
    numerator: float | None = None
    denominator: float | None = None
    promised: float | None = None  # the catalog's share, beside the actual one
    drill: str = ""  # the drill-down of the cases behind it

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "formula": self.formula,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "promised": self.promised,
            "drill": self.drill,
        }


def _rate(n: float, d: float) -> float | None:
    return round(100 * n / d, 1) if d else None


def _percent(share: float | None) -> float | None:
    """A share of 1 (as evaluation gives its rates) in per cent, like every rate here."""
    return None if share is None else round(100 * share, 1)


def _catalog(scope: Scope) -> dict[str, Any]:
    """Items in force in the region and their promised shares, and how many deviate from the
    city baseline (同事同标): the catalog changes rarely, so kept a minute."""
    key = f"supervision:catalog:{scope.region.code}:{clock.today().isoformat()}"
    found = cache.get(key)
    if found is None:
        stats = catalog_stats(region=scope.prefix)["total"]
        deviating = {f.item_code for f in audit.run_audit(region=scope.region.code)}
        found = {**stats, "deviating": len(deviating)}
        cache.set(key, found, CATALOG_SECONDS)
    return found


def _other(module: str, name: str) -> Callable[..., Any] | None:
    """A selector of an app being built beside this one ([Evaluation], [Appointments]):
    None until it exists, so its figures show 暂无数据 (docs/contracts.md)."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return None
    function = getattr(found, name, None)
    return function if callable(function) else None


def satisfaction(scope: Scope) -> Any:
    function = _other("ninhaoban.evaluation.selectors", "satisfaction")
    if function is None:
        return None
    return function(
        region_code=scope.region.code,
        department_id=scope.department_id,
        start=scope.start,
        end=scope.end,
    )


def waiting(scope: Scope) -> Any:
    function = _other("ninhaoban.appointments.selectors", "waiting")
    if function is None:
        return None
    return function(region_code=scope.region.code, start=scope.start, end=scope.end)


def _shared(t: dict[str, Any]) -> int:
    """资源共享率's numerator: materials covered by what the government holds, by the one
    rule of the 免提交 report (licences.selectors.SHARED_KINDS)."""
    return sum(t[f"mat_{kind}"] for kind in SHARED_KINDS)


def figures(scope: Scope) -> list[Figure]:
    """The indicators of the scope and period, each with its formula (docs/supervision.md)."""
    t = totals(scope)
    c = _catalog(scope)
    items = c["items"]
    shared = _shared(t)
    found = t["mat_licence"] + t["mat_shared"]
    rating = satisfaction(scope)
    queue = waiting(scope)
    return [
        Figure(
            "inclusion_items",
            "服务纳入率（事项）",
            _rate(c["online"], items),
            "%",
            "可在平台申报的现行事项（网办深度三级及以上）÷ 本区划实施清单现行事项",
            c["online"],
            items,
        ),
        Figure(
            "inclusion_cases",
            "服务纳入率（办件）",
            _rate(t["received_platform"], t["received"]),
            "%",
            "经平台（网上、窗口、自助终端）收件的申请 ÷ 全部申请（含部门系统接口事后登记）",
            t["received_platform"],
            t["received"],
            drill="received",
        ),
        Figure(
            "sharing",
            "资源共享率",
            _rate(shared, t["mat_total"]),
            "%",
            "以电子证照、共享数据或本部门核发材料免提交的材料 ÷ 期间受理申请所需的全部材料"
            "（与免提交报告同一规则）",
            shared,
            t["mat_total"],
            drill="accepted",
        ),
        Figure(
            "collaboration",
            "业务协同率",
            _rate(t["collab_ok"], t["collab_ended"]),
            "%",
            "需跨部门或跨区划（一件事、并联审批、通办、数据查询）且在平台内办结、未改交纸质材料的申请"
            " ÷ 期间结束的全部此类申请",
            t["collab_ok"],
            t["collab_ended"],
            drill="collaborative",
        ),
        Figure(
            "standard_items",
            "标准规范率（事项）",
            _rate(items - c["deviating"], items),
            "%",
            "与全市基准一致（无同事同标偏差）的现行事项 ÷ 现行事项",
            items - c["deviating"],
            items,
        ),
        Figure(
            "standard_cases",
            "标准规范率（办件）",
            _rate(t["decided_in_promise"], t["decided"]),
            "%",
            "在承诺时限（工作日）内作出决定的办件 ÷ 期间作出决定的办件",
            t["decided_in_promise"],
            t["decided"],
            drill="decided",
        ),
        Figure(
            "on_time",
            "按时办结率",
            _rate(t["decided_on_time"], t["decided"]),
            "%",
            "在办理期限（含延期、特别程序）届满前作出决定的办件 ÷ 期间作出决定的办件",
            t["decided_on_time"],
            t["decided"],
            drill="decided",
        ),
        Figure(
            "overdue_now",
            "超期件数（当前）",
            t["overdue_now"],
            "件",
            "计时中、办理期限早于今天的办件",
            drill="overdue",
        ),
        Figure(
            "warning_now",
            "预警件数（当前）",
            t["warning_now"],
            "件",
            "计时中、剩余工作日不多于预警天数的办件",
            drill="warning",
        ),
        Figure(
            "overdue_period",
            "超期件数（期间）",
            t["decided"] - t["decided_on_time"],
            "件",
            "期间作出决定、但晚于办理期限的办件",
            drill="late",
        ),
        Figure(
            "mean_days",
            "平均办理时长",
            round(t["work_days"] / t["decided"], 1) if t["decided"] else None,
            "工作日",
            "期间作出决定的办件自受理至决定的工作日之和 ÷ 决定件数",
            t["work_days"],
            t["decided"],
            drill="decided",
        ),
        Figure(
            "immediate",
            "即办件占比（实际）",
            _rate(t["decided_same_day"], t["decided"]),
            "%",
            "受理当日作出决定的办件 ÷ 期间作出决定的办件（旁为事项目录承诺的即办件占比）",
            t["decided_same_day"],
            t["decided"],
            promised=c["immediate_share"],
            drill="decided",
        ),
        Figure(
            "online",
            "网办占比（实际）",
            _rate(t["received_online"], t["received"]),
            "%",
            "经网上办事大厅申报的申请 ÷ 全部申请（旁为可网办事项占比）",
            t["received_online"],
            t["received"],
            promised=c["online_share"],
            drill="online",
        ),
        Figure(
            "one_visit",
            "最多跑一次（实际）",
            _rate(t["closed_one_visit"], t["closed"]),
            "%",
            "办结时申请人到窗口不超过一次的申请 ÷ 期间办结的申请（到窗口：窗口或自助终端申报、"
            "到窗口补正、窗口领取结果各计一次）",
            t["closed_one_visit"],
            t["closed"],
            promised=c["at_most_one_visit_share"],
            drill="closed",
        ),
        Figure(
            "zero_visits",
            "一次不用跑（实际）",
            _rate(t["closed_zero_visits"], t["closed"]),
            "%",
            "办结时申请人一次也未到窗口的申请 ÷ 期间办结的申请",
            t["closed_zero_visits"],
            t["closed"],
            promised=c["zero_visits_share"],
            drill="closed",
        ),
        Figure(
            "queries",
            "数据查询成功率",
            _rate(found, t["mat_lookup"]),
            "%",
            "电子证照或共享数据查询得到的材料 ÷ 可由查询取得的材料",
            found,
            t["mat_lookup"],
            drill="accepted",
        ),
        Figure(
            "fallback",
            "查询回退件数",
            t["mat_fallback"],
            "件",
            "可由查询取得、但查询未果改由申请人提交的材料",
            drill="accepted",
        ),
        Figure(
            "good_rate",
            "好评率",
            _percent(getattr(rating, "good_rate", None)),
            "%",
            "好评 ÷ 全部评价（来自好差评）",
            getattr(rating, "good", None),
            getattr(rating, "ratings", None),
        ),
        Figure(
            "rectification_rate",
            "差评整改率",
            _percent(getattr(rating, "rectification_rate", None)),
            "%",
            "已整改的差评 ÷ 差评（来自好差评）",
            getattr(rating, "bad_rectified", None),
            getattr(rating, "bad", None),
        ),
        Figure(
            "mean_wait",
            "平均等候时长",
            getattr(queue, "mean_wait_minutes", None),
            "分钟",
            "取号至叫号的平均分钟数（来自预约取号，有取号记录的大厅）",
            None,
            getattr(queue, "served", None),
        ),
    ]


def _bucket(day: dt.date, by: str) -> str:
    return day.strftime("%Y-%m") if by == "month" else day.isoformat()


TREND_MEASURES = ("received", "accepted", "decided", "decided_on_time", "closed")


def trend(scope: Scope, by: str = "day") -> list[dict[str, Any]]:
    """The main counts per day or month of the period (for the charts)."""
    if by not in ("day", "month"):
        raise InvalidInput("趋势按日或按月", "a trend is by day or by month", field="by")
    days = (
        covering(scope.start, scope.end)
        if by == "month"
        else Q(grain=DAY, day__gte=scope.start, day__lte=scope.end)
    )
    rows = (
        _rollups(scope)
        .filter(days)
        .values("day")
        .annotate(**{m: Sum(m) for m in TREND_MEASURES})
        .order_by("day")
    )
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        found: dict[str, Any] = dict(row)
        key = _bucket(found["day"], by)
        entry = out.setdefault(key, {"period": key, **dict.fromkeys(TREND_MEASURES, 0)})
        for m in TREND_MEASURES:
            entry[m] += found[m] or 0
    for entry in out.values():
        entry["on_time_rate"] = _rate(entry["decided_on_time"], entry["decided"])
    return list(out.values())


RANKINGS = ("region", "department", "intake", "hall", "window")
RANK_TITLES = {
    "region": "区划排名",
    "department": "部门排名",
    "intake": "收件地排名",
    "hall": "大厅排名",
    "window": "窗口排名",
}
RANK_COLUMNS = {
    "region": "region",
    "department": "department",
    "intake": "intake_region",
    "hall": "hall",
    "window": "window",
}
RANK_MEASURES = (
    "received",
    "decided",
    "decided_on_time",
    "closed",
    "work_days",
    "closed_one_visit",
)
# the halls and windows that took applications in: those of the scope's own region only
# (a county's cases taken in at another county's hall, 通办, rank under neither county)
PLACES = ("hall", "window")


def ranking(scope: Scope, by: str = "region") -> list[dict[str, Any]]:
    """Counties (or the towns of a county), departments, the regions where applications
    were taken in, halls or windows ranked by 按时办结率, then by the cases decided. Each
    row names the drill-down filter (`drill`) that lists its cases."""
    if by not in RANKINGS:
        raise InvalidInput(f"未知的排名维度：{by}", f"unknown ranking: {by}", field="by")
    column = RANK_COLUMNS[by]
    rows = _rollups(scope).filter(covering(scope.start, scope.end))
    if by in PLACES:
        rows = rows.filter(subtree_q("intake_region", scope.region.code), **{f"{column}__gt": 0})
    rows = rows.values(column).annotate(**{f"sum_{m}": Sum(m) for m in RANK_MEASURES}).order_by()
    names = _names(scope, by, [r[column] for r in rows])
    grouped: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = _group_key(scope, by, row[column])
        if key is None:
            continue
        entry = grouped.setdefault(
            key,
            {
                "key": key,
                "name": names.get(key, str(key)),
                "drill": _rank_drill(by, key),
                **dict.fromkeys(RANK_MEASURES, 0),
            },
        )
        for m in RANK_MEASURES:
            entry[m] += row[f"sum_{m}"] or 0
    out = list(grouped.values())
    for entry in out:
        entry["on_time_rate"] = _rate(entry["decided_on_time"], entry["decided"])
        entry["mean_days"] = (
            round(entry["work_days"] / entry["decided"], 1) if entry["decided"] else None
        )
        entry["one_visit_rate"] = _rate(entry["closed_one_visit"], entry["closed"])
    out.sort(key=lambda e: (-(e["on_time_rate"] or -1), -e["decided"], str(e["key"])))
    for rank, entry in enumerate(out, start=1):
        entry["rank"] = rank
    return out


def _rank_drill(by: str, key: Any) -> str:
    """The query that narrows a drill-down to one ranking row's cases ("" for none: a
    bundle's parent has no department)."""
    if by == "region":
        return f"region={key}"
    if by == "department":
        return f"department={key}" if key else ""
    if by in PLACES:
        return f"{by}={key}"
    return ""


def _child_regions(scope: Scope) -> list[Region]:
    return list(subtree(scope.region).filter(parent_id=scope.region.code))


def _group_key(scope: Scope, by: str, value: Any) -> Any:
    """A region code ranks under the scope's child region holding it (the scope's own
    region's cases under the scope itself)."""
    if by != "region":
        return value
    for child in _child_regions_cached(scope):
        if str(value).startswith(code_prefix(child.code)):
            return child.code
    return scope.region.code


def _child_regions_cached(scope: Scope) -> list[Region]:
    key = f"supervision:children:{scope.region.code}"
    found = cache.get(key)
    if found is None:
        found = [(r.code, r.name) for r in _child_regions(scope)]
        cache.set(key, found, CATALOG_SECONDS)
    return [Region(code=code, name=name) for code, name in found]


def _names(scope: Scope, by: str, values: Iterable[Any]) -> dict[Any, str]:
    if by == "region":
        return {r.code: r.name for r in [scope.region, *_child_regions_cached(scope)]}
    if by == "department":
        ids = [v for v in values if v]
        return {pk: d.name for pk, d in departments_by_id(ids).items()} | {0: "一件事"}
    if by == "hall":
        return hall_names(values)
    if by == "window":
        return window_names(values)
    return {code: get_region(code).name for code in set(values)}


# ---- drill-down: from a figure to the cases behind it -----------------------------------

DRILLS: dict[str, str] = {
    "received": "期间收件的申请",
    "accepted": "期间受理的申请",
    "online": "期间网上申报的申请",
    "decided": "期间作出决定的办件",
    "late": "期间超期作出决定的办件",
    "closed": "期间办结的申请",
    "collaborative": "期间结束的跨部门、跨区划申请",
    "overdue": "当前超期的办件",
    "warning": "当前预警的办件",
}


def _drill_q(scope: Scope, drill: str) -> Q:
    period = {"gte": scope.start, "lte": scope.end}
    between = lambda field: Q(**{f"{field}__{k}": v for k, v in period.items()})  # noqa: E731
    today = clock.today()
    timed = Q(item__gt=0, status__in=TIMED_STATUSES)
    return {
        "received": Q(top=True) & between("received_on"),
        "accepted": Q(top=True) & between("accepted_on"),
        "online": Q(top=True, channel=Channel.ONLINE) & between("received_on"),
        "decided": Q(item__gt=0) & between("decided_on"),
        "late": Q(item__gt=0, decided_on__gt=F("decision_due")) & between("decided_on"),
        "closed": Q(top=True, status=Status.CLOSED) & between("closed_on"),
        "collaborative": Q(top=True, collaborative=True, status__in=ENDED) & between("closed_on"),
        "overdue": timed & Q(due_date__lt=today),
        "warning": timed & Q(due_date__gte=today, due_date__lt=clock.warning_before(today)),
    }[drill]


@dataclass(frozen=True)
class Place:
    """A drill-down narrowed to the cases one hall or one window took in."""

    hall_id: int | None = None
    window_id: int | None = None


def place_of(hall: str = "", window: str = "") -> Place:
    """The hall or window of a query (a 422 for a value that is not a number)."""
    return Place(
        parse_int(hall, field="hall") if hall else None,
        parse_int(window, field="window") if window else None,
    )


# Cases per page of a drill-down or of the case list.
PAGE = 200


@dataclass(frozen=True)
class CasePage:
    """One page of cases, newest first; `after` is the cursor of the next page, empty on the
    last. Pages are keyset pages (the cursor is the last row's sort key), so the hundredth
    page of a county's million cases costs what the first does."""

    cases: list[Case]
    after: str


def drill_page(
    user: User | AnonymousUser,
    scope: Scope,
    drill: str,
    place: Place = Place(),
    after: str = "",
    limit: int | None = None,
) -> CasePage:
    """The cases behind a figure, newest first, each read through the cases scope again;
    for a hall or window, only those it took in within the scope's region (as ranked)."""
    if drill not in DRILLS:
        raise InvalidInput(f"未知的明细：{drill}", f"unknown drill-down: {drill}", field="drill")
    limit = limit or PAGE
    facts = CaseFact.objects.filter(subtree_q("region", scope.region.code), _drill_q(scope, drill))
    if scope.department_id is not None:
        facts = facts.filter(department=scope.department_id)
    if place.hall_id is not None or place.window_id is not None:
        facts = facts.filter(subtree_q("intake_region", scope.region.code))
    if place.hall_id is not None:
        facts = facts.filter(hall=place.hall_id)
    if place.window_id is not None:
        facts = facts.filter(window=place.window_id)
    if after:
        facts = facts.filter(case_id__lt=parse_int(after, field="after"))
    ids = list(facts.order_by("-case_id").values_list("case_id", flat=True)[: limit + 1])
    more, ids = len(ids) > limit, ids[:limit]
    found = cases.cases_in_scope(user, ids=ids, hall_id=place.hall_id, window_id=place.window_id)
    return CasePage(list(found), str(ids[-1]) if more else "")


def drill_all(
    user: User | AnonymousUser, scope: Scope, drill: str, place: Place = Place()
) -> Iterator[Case]:
    """Every case of a drill-down, a keyset page at a time: an export that stopped at the
    first page would tell a department head its backlog is smaller than it is."""
    after = ""
    while True:
        page = drill_page(user, scope, drill, place, after)
        yield from page.cases
        if not page.after:
            return
        after = page.after


def _list_cursor(after: str) -> Q:
    day, _, pk = after.partition("_")
    try:
        received = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise InvalidInput("翻页参数无效", "the page cursor is invalid", field="after") from exc
    key = parse_int(pk, field="after")
    return Q(received_on__lt=received) | Q(received_on=received, pk__lt=key)


def case_list(
    user: User | AnonymousUser,
    scope: Scope,
    filters: dict[str, str],
    after: str = "",
    limit: int | None = None,
) -> CasePage:
    """监察人员的办件列表: every case of the scope, read-only, filtered, a page at a time."""
    limit = limit or PAGE
    item = filters.get("item", "")
    place = place_of(filters.get("hall", ""), filters.get("window", ""))
    rows = cases.cases_in_scope(
        user,
        region_code=scope.region.code,
        department_id=scope.department_id,
        status=filters.get("status", ""),
        alert=filters.get("alert", ""),
        item_id=parse_int(item, field="item") if item else None,
        channel=filters.get("channel", ""),
        start=scope.start if filters.get("dated") else None,
        end=scope.end if filters.get("dated") else None,
        hall_id=place.hall_id,
        window_id=place.window_id,
    )
    if after:
        rows = rows.filter(_list_cursor(after))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return CasePage(found, "")
    last = found[limit - 1]
    return CasePage(found[:limit], f"{last.received_on.isoformat()}_{last.pk}")


def public_figures(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """政务服务数据公开: the city's and each county's main figures, counts and rates only."""
    top = city()
    rows = []
    for region in [top, *subtree(top).filter(parent_id=top.code)]:
        scope = Scope(region, None, "", start, end)
        t = totals(scope)
        rows.append(
            {
                "region": region.code,
                "name": region.name,
                "received": t["received"],
                "decided": t["decided"],
                "on_time_rate": _rate(t["decided_on_time"], t["decided"]),
                "sharing_rate": _rate(_shared(t), t["mat_total"]),
                "one_visit_rate": _rate(t["closed_one_visit"], t["closed"]),
                "online_rate": _rate(t["received_online"], t["received"]),
                "overdue_now": t["overdue_now"],
            }
        )
    return rows
