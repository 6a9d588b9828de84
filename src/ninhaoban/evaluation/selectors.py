"""Reads of 好差评: the figures (from the tallies only), the monthly ranking, what staff of a
scope may see, and the public 评价公开 page's masked list.

`satisfaction(...)` is the contract supervision reads (docs/contracts.md): rates are
fractions between 0 and 1, `None` when there is nothing to divide by (never a zero that
would look like a figure).
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet, Sum

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import roles_of, scoped
from ninhaoban.accounts.selectors import staff_by_ids
from ninhaoban.cases import clock
from ninhaoban.cases.models import Case
from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import InvalidInput, NotFound
from ninhaoban.evaluation.models import (
    BAD_LEVELS,
    COUNT_FIELDS,
    Appeal,
    AppealDecision,
    DailyTally,
    Dimension,
    Evaluation,
    MonthlyTally,
    RatingInvitation,
    Rectification,
    WindowDuty,
    WindowPad,
)
from ninhaoban.regions import selectors as regions
from ninhaoban.regions.models import Level, Window, code_prefix

# who sees which ratings and rectifications: supervisors their region, the department its own
READERS = (Role.SUPERVISOR, Role.CHIEF, Role.APPROVER, Role.CLERK)
DEPARTMENT_READERS = (Role.SUPERVISOR, Role.CHIEF, Role.APPROVER)
# the ranking flags those at the bottom this many places, both this month and the last
BOTTOM_PLACES = 3


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Satisfaction:
    ratings: int = 0
    good: int = 0
    bad: int = 0
    bad_rectified: int = 0
    followed_up: int = 0
    real_bad: int = 0
    real_bad_followed_up: int = 0
    level_sum: int = 0

    @property
    def good_rate(self) -> float | None:
        """好评率: 非常满意、满意、基本满意 over all counted ratings."""
        return _rate(self.good, self.ratings)

    @property
    def bad_rate(self) -> float | None:
        return _rate(self.bad, self.ratings)

    @property
    def rectification_rate(self) -> float | None:
        """差评整改率: 差评 whose 整改 is done over all counted 差评."""
        return _rate(self.bad_rectified, self.bad)

    @property
    def follow_up_rate(self) -> float | None:
        return _rate(self.followed_up, self.bad)

    @property
    def real_name_follow_up_rate(self) -> float | None:
        """实名差评回访率: the 差评 of known raters that were followed up."""
        return _rate(self.real_bad_followed_up, self.real_bad)

    def as_dict(self) -> dict[str, int | float | None]:
        rates = {
            "good_rate": self.good_rate,
            "bad_rate": self.bad_rate,
            "rectification_rate": self.rectification_rate,
            "follow_up_rate": self.follow_up_rate,
            "real_name_follow_up_rate": self.real_name_follow_up_rate,
        }
        return {f.name: getattr(self, f.name) for f in fields(self)} | rates


SUMS = {f: Sum(f) for f in COUNT_FIELDS}


def _of(row: dict) -> Satisfaction:
    return Satisfaction(**{f: row.get(f) or 0 for f in COUNT_FIELDS})


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise InvalidInput("开始日期不能晚于结束日期", "the start is after the end", field="start")


def satisfaction(
    *, region_code: str, department_id: int | None = None, start: dt.date, end: dt.date
) -> Satisfaction:
    """The figures of a region subtree (optionally one department) over days, inclusive."""
    _check_range(start, end)
    rows = DailyTally.objects.filter(
        regions.subtree_q("region", region_code), day__gte=start, day__lte=end
    )
    if department_id is not None:
        rows = rows.filter(department_key=department_id)
    return _of(rows.aggregate(**SUMS))


def month_of(text: str | None) -> dt.date:
    """`2026-11` (or nothing: this month) as the first day of that month."""
    if not text:
        return clock.today().replace(day=1)
    try:
        return dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise InvalidInput("月份格式应为YYYY-MM", "the month is YYYY-MM", field="month") from None


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Row:
    """One window, staff member, hall, department, item or region and its figures."""

    key: str
    name: str
    figures: Satisfaction
    position: int = 0
    flagged: bool = False


def _names(dimension: str, keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    ids = [int(k) for k in keys if k.isdigit()]
    if dimension == Dimension.WINDOW:
        return {str(pk): name for pk, name in regions.window_names(ids).items()}
    if dimension == Dimension.DEPARTMENT:
        return {str(pk): d.name for pk, d in regions.departments_by_id(ids).items()}
    if dimension == Dimension.STAFF:
        return {str(pk): s.name for pk, s in staff_by_ids(ids).items()}
    if dimension == Dimension.HALL:
        return {str(h.pk): h.name for h in regions.halls().filter(pk__in=ids)}
    if dimension == Dimension.ITEM:
        found = {}
        for code in keys:
            try:
                found[code] = catalog.get_item(code).base.name
            except NotFound:
                continue
        return found
    return {}


def _sums(rows: QuerySet, field: str) -> dict[Any, Satisfaction]:
    """The tallies summed per value of `field` (one GROUP BY over the few rows)."""
    grouped: list[dict[str, Any]] = list(
        rows.values(field).annotate(**{f"s_{f}": Sum(f) for f in COUNT_FIELDS}).order_by()
    )
    return {r[field]: Satisfaction(**{f: r[f"s_{f}"] or 0 for f in COUNT_FIELDS}) for r in grouped}


def _grouped(region_code: str, month: dt.date, dimension: str) -> dict[str, Satisfaction]:
    rows = MonthlyTally.objects.filter(
        regions.subtree_q("region", region_code), month=month, dimension=dimension
    )
    return _sums(rows, "key")


def _order(figures: dict[str, Satisfaction]) -> list[str]:
    """Best first: the higher 好评率, then the lower 差评率, then more ratings."""

    def rank(key: str) -> tuple:
        s = figures[key]
        return (-(s.good_rate or 0), s.bad_rate or 0, -s.ratings, key)

    return sorted((k for k, s in figures.items() if s.ratings), key=rank)


def _bottom(order: list[str]) -> set[str]:
    places = min(BOTTOM_PLACES, len(order) // 2)
    return set(order[len(order) - places :]) if places else set()


def ranking(*, region_code: str, month: dt.date, dimension: str) -> list[Row]:
    """The month's ranking of windows or departments (or any dimension) in a region subtree;
    those in the bottom places this month and the month before are flagged."""
    if dimension not in Dimension.values or dimension == Dimension.REGION:
        raise InvalidInput("排名维度不正确", "unknown ranking dimension", field="dimension")
    now = _grouped(region_code, month, dimension)
    before = _grouped(region_code, previous_month(month), dimension)
    order = _order(now)
    flagged = _bottom(order) & _bottom(_order(before))
    names = _names(dimension, order)
    return [
        Row(key, names.get(key, key), now[key], position, key in flagged)
        for position, key in enumerate(order, start=1)
    ]


def by_region(region_code: str, month: dt.date | None = None) -> list[Row]:
    """The region itself and each region one level below it (the city and its counties)."""
    filters: dict = {"dimension": Dimension.REGION}
    if month is not None:
        filters["month"] = month
    sums = _sums(
        MonthlyTally.objects.filter(regions.subtree_q("region", region_code), **filters),
        "region_id",
    )
    top = regions.get_region(region_code)
    children = [top, *top.children.order_by("code")]
    result = []
    for region in children:
        prefix = code_prefix(region.code)
        total = {f: 0 for f in COUNT_FIELDS}
        for code, counts in sums.items():
            if code.startswith(prefix):
                for f in COUNT_FIELDS:
                    total[f] += getattr(counts, f)
        result.append(Row(region.code, region.name, Satisfaction(**total)))
    return result


def by_department(region_code: str, month: dt.date | None = None) -> list[Row]:
    rows = DailyTally.objects.filter(regions.subtree_q("region", region_code)).exclude(
        department_key=0
    )
    if month is not None:
        rows = rows.filter(day__gte=month, day__lt=(month + dt.timedelta(days=32)).replace(day=1))
    grouped = {str(k): v for k, v in _sums(rows, "department_key").items()}
    names = _names(Dimension.DEPARTMENT, grouped)
    return [Row(k, names.get(k, k), grouped[k]) for k in sorted(grouped, key=int)]


def figures_by(region_code: str, month: dt.date, dimension: str) -> list[Row]:
    """The month's figures per window, staff member, hall, department or item."""
    grouped = _grouped(region_code, month, dimension)
    names = _names(dimension, grouped)
    return [Row(k, names.get(k, k), grouped[k]) for k in sorted(grouped)]


# --- what staff see ----------------------------------------------------------------------------


def ratings_for(
    user: User | AnonymousUser, *, bad_only: bool = False, channel: str = ""
) -> QuerySet[Evaluation]:
    rows = scoped(
        Evaluation.objects.select_related(
            "case", "department", "window", "hall", "staff", "region", "appeal", "rectification"
        ),
        user,
        READERS,
        region_field="region_id",
        department_field="department_id",
    )
    if bad_only:
        rows = rows.filter(level__in=BAD_LEVELS)
    if channel:
        rows = rows.filter(channel=channel)
    return rows.order_by("-pk")


def rating_for(user: User | AnonymousUser, pk: int) -> Evaluation:
    found = ratings_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"评价{pk}不存在", f"no rating {pk}")
    return found


def rectifications_for(user: User | AnonymousUser, *, state: str = "") -> QuerySet[Rectification]:
    rows = scoped(
        Rectification.objects.select_related(
            "evaluation", "evaluation__case", "evaluation__appeal", "department", "region"
        ),
        user,
        DEPARTMENT_READERS,
        region_field="region_id",
        department_field="department_id",
    )
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("due_date", "pk")


def rectification_for(user: User | AnonymousUser, pk: int) -> Rectification:
    found = rectifications_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"差评整改{pk}不存在", f"no rectification {pk}")
    return found


def alert_of(rect: Rectification) -> int:
    """Yellow and red like a case's, from the due date and today (never stored stale)."""
    if not rect.is_open:
        return clock.Alert.NONE
    return clock.alert_for(clock.today(), rect.due_date)


def appeals_for(user: User | AnonymousUser, *, pending_only: bool = False) -> QuerySet[Appeal]:
    rows = scoped(
        Appeal.objects.select_related("evaluation", "department"),
        user,
        DEPARTMENT_READERS,
        region_field="region_id",
        department_field="department_id",
    )
    if pending_only:
        rows = rows.filter(decision=AppealDecision.PENDING)
    return rows.order_by("-pk")


def appeal_for(user: User | AnonymousUser, pk: int) -> Appeal:
    found = appeals_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"申诉{pk}不存在", f"no appeal {pk}")
    return found


# --- the applicant's own -----------------------------------------------------------------------


def rating_of_case(case: Case, applicant: Applicant) -> Evaluation | None:
    return (
        Evaluation.objects.select_related("follow_up_comment", "rectification")
        .filter(case=case, rater=applicant)
        .first()
    )


def own_rating(applicant: Applicant, pk: int) -> Evaluation:
    found = Evaluation.objects.filter(pk=pk, rater=applicant).first()
    if found is None:
        raise NotFound(f"评价{pk}不存在", f"no rating {pk} of yours")
    return found


def rated_cases(applicant: Applicant, case_ids: Iterable[int]) -> set[int]:
    """Which of these cases the applicant has rated (for "my cases")."""
    return set(
        Evaluation.objects.filter(rater=applicant, case_id__in=list(case_ids)).values_list(
            "case_id", flat=True
        )
    )


def invitation_case(token: str) -> Case:
    """The case an SMS link is for (checked in full: forged, used or expired is refused)."""
    from ninhaoban.evaluation.services import invitation_of

    return invitation_of(token).case


def invited(case: Case) -> bool:
    return RatingInvitation.objects.filter(case=case).exists()


# --- windows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PadView:
    window: Window
    duty: WindowDuty | None


def pad_of_terminal(terminal: str) -> PadView | None:
    """What a 评价器 shows: its window, the clerk on duty and the case put before it."""
    pad = (
        WindowPad.objects.select_related("window", "window__hall", "window__department")
        .filter(terminal=terminal)
        .first()
    )
    if pad is None:
        return None
    duty = WindowDuty.objects.select_related("staff", "case").filter(window=pad.window).first()
    return PadView(pad.window, duty)


def duties_of(user: User | AnonymousUser) -> list[WindowDuty]:
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    return list(
        WindowDuty.objects.select_related("window", "window__hall", "case").filter(staff=staff)
    )


def pads_in(region_code: str) -> list[WindowPad]:
    return list(
        WindowPad.objects.filter(regions.subtree_q("window__hall__region", region_code))
        .select_related("window", "window__hall")
        .order_by("terminal")
    )


# --- 评价公开 (public) -------------------------------------------------------------------

DIGITS = re.compile(r"\d{5,}")


def masked(text: str) -> str:
    """A rater's free text as the public sees it: runs of digits (a phone, an ID number, a
    case number) keep their first two and last two digits only."""
    return DIGITS.sub(lambda m: m.group()[:2] + "*" * (len(m.group()) - 4) + m.group()[-2:], text)


@dataclass(frozen=True)
class PublicBad:
    evaluation: Evaluation
    comment: str
    rectification: Rectification | None
    appeal: Appeal | None


def public_bad_ratings(region_code: str = "", limit: int = 100) -> list[PublicBad]:
    """Every 差评 with its rectification and any appeal, newest first, masked."""
    rows = Evaluation.objects.filter(level__in=BAD_LEVELS).select_related(
        "department", "region", "hall", "window"
    )
    if region_code:
        rows = rows.filter(regions.subtree_q("region", region_code))
    found = list(rows.order_by("-pk")[:limit])
    rects = {r.evaluation_id: r for r in Rectification.objects.filter(evaluation__in=found)}
    appeals = {a.evaluation_id: a for a in Appeal.objects.filter(evaluation__in=found)}
    return [PublicBad(ev, masked(ev.comment), rects.get(ev.pk), appeals.get(ev.pk)) for ev in found]


def city_code() -> str:
    city = regions.regions_at([Level.CITY]).first()
    if city is None:
        raise NotFound("尚未设置市级区划", "no city region is set up")
    return city.code


def months_with_ratings(limit: int = 12) -> list[dt.date]:
    return list(
        MonthlyTally.objects.filter(dimension=Dimension.REGION)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:limit]
    )


def supervised_region(user: User | AnonymousUser) -> str:
    """The widest region the user supervises (the city for a superuser)."""
    if user.is_authenticated and user.is_superuser:
        return city_code()
    grants = roles_of(user, [Role.SUPERVISOR])
    if not grants:
        return ""
    return min((g.region_id for g in grants), key=lambda code: len(code_prefix(code)))
