"""Reads of cases: every staff-facing one goes through `scoping` first.

The queues are shaped for their indexes: an approver's queue is the partial index on
(department, due_date) over the statuses an approver works; "my cases" is (applicant,
created_at); the statistics are range scans on the partial index of open due dates.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from hashlib import sha256
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, prefetch_related_objects

from ninhaoban.accounts.models import Applicant, Role
from ninhaoban.accounts.scoping import scope_q
from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.cases import clock
from ninhaoban.cases.models import (
    QUEUE_STATUSES,
    TIMED_STATUSES,
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    DueDateRecompute,
    Notice,
    NoticeKind,
    Status,
)
from ninhaoban.core.errors import InvalidInput, NotFound, TooManyTries
from ninhaoban.core.idnumbers import parse_id_number, parse_uscc
from ninhaoban.regions.selectors import subtree_q

STAFF_READERS = (Role.CLERK, Role.APPROVER, Role.CHIEF, Role.SUPERVISOR)
INTAKE_STATUSES = (Status.SUBMITTED, Status.CORRECTION, Status.DECIDED, Status.DELIVERING)
PROGRESS_TRIES = 5
PROGRESS_WINDOW_SECONDS = 15 * 60


def visible_to(user: User | AnonymousUser, roles: Iterable[str] = STAFF_READERS) -> QuerySet[Case]:
    """Cases of the staff member's regions and departments, and for clerks also the cases
    received at their halls (通办)."""
    roles = tuple(roles)
    q = scope_q(user, roles, region_field="region_id", department_field="department_id")
    if q is None:
        return Case.objects.all()
    if Role.CLERK in roles:
        intake = scope_q(user, [Role.CLERK], region_field="intake_region_id")
        if intake is not None:
            q |= intake
    return Case.objects.filter(q)


def _missing(case_no: str) -> NotFound:
    return NotFound(f"办件{case_no}不存在", f"no case {case_no}", field="case_no")


HELPER_RELATED = ("commission__helper", "commission__station__parent")


def case_for_staff(user: User | AnonymousUser, case_no: str) -> Case:
    """A case in the user's scope; outside it, it looks like it is not there."""
    found = (
        visible_to(user)
        .select_related(
            "applicant", "region", "department", "intake_region", "parent", *HELPER_RELATED
        )
        .filter(case_no=case_no)
        .first()
    )
    if found is None:
        raise _missing(case_no)
    return found


def require_case_in_scope(user: User | AnonymousUser, case_no: str) -> None:
    """NotFound unless the case is in the user's scope (region and department); a scope
    without limits passes, whether or not such a case was ever stored."""
    if scope_q(user, STAFF_READERS, region_field="region_id") is not None:
        case_for_staff(user, case_no)


def case_for_applicant(applicant: Applicant, case_no: str) -> Case:
    found = (
        Case.objects.select_related("applicant", "region", "department", "parent", *HELPER_RELATED)
        .filter(applicant=applicant, case_no=case_no)
        .first()
    )
    if found is None:
        raise _missing(case_no)
    return found


# What a row of a list shows (the console queues, my cases, the API's CaseOut): a page of
# fifty is built from these columns and its department (and, in a queue, its applicant and
# parent) in one query.
ROW_FIELDS = (
    "case_no",
    "title",
    "status",
    "applicant",
    "region",
    "intake_region",
    "channel",
    "received_on",
    "accepted_on",
    "due_date",
    "days_left",
    "outcome",
    "reason",
    "licence_ref",
    "created_at",
    "parent",
    "department__name",
)
QUEUE_ROW_FIELDS = (
    *ROW_FIELDS,
    "parent__case_no",
    "applicant__kind",
    "applicant__name",
    "applicant__identifier",
)


def _rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("applicant", "department", "parent").only(*QUEUE_ROW_FIELDS)


def cases_of(applicant: Applicant, limit: int = 50) -> list[Case]:
    """我的办件: newest first, bundles as one row (so no parent to read), all the given
    applicant's (so they are not read again either)."""
    rows = Case.objects.filter(applicant=applicant, parent__isnull=True)
    rows = rows.select_related("department").only(*ROW_FIELDS, "commission")
    found = list(rows.order_by("-created_at")[:limit])
    prefetch_related_objects(found, *HELPER_RELATED)
    for case in found:
        case.applicant = applicant
    return found


def approver_queue(user: User | AnonymousUser, limit: int = 50) -> list[Case]:
    """The cases an approver or chief works on, the most urgent first (stopped clocks last)."""
    rows = visible_to(user, (Role.APPROVER, Role.CHIEF)).filter(status__in=QUEUE_STATUSES)
    return list(_rows(rows).order_by(F("due_date").asc(nulls_last=True))[:limit])


def intake_queue(user: User | AnonymousUser, limit: int = 50) -> list[Case]:
    """What the window has to answer: new and corrected applications, results to hand out."""
    rows = visible_to(user, (Role.CLERK,)).filter(status__in=INTAKE_STATUSES, parent__isnull=True)
    return list(_rows(rows).order_by(F("due_date").asc(nulls_last=True))[:limit])


def history(case: Case, *, staff: bool) -> list[CaseEvent]:
    rows = CaseEvent.objects.filter(case=case).order_by("pk")
    return list(rows if staff else rows.filter(visible=True))


def notices(case: Case) -> list[Notice]:
    """一次性告知书 of the case that holds the materials (a bundle's parent)."""
    return list(Notice.objects.filter(case=case, kind=NoticeKind.CORRECTION).order_by("pk"))


def clock_notices(case: Case) -> list[Notice]:
    """特别程序告知书 and 延期告知书 of this case (each child of a bundle has its own clock)."""
    rows = Notice.objects.filter(case=case).exclude(kind=NoticeKind.CORRECTION)
    return list(rows.order_by("pk"))


def notice_of(case: Case, notice_id: int) -> Notice:
    """One notice the reader of `case` may see: a correction notice of its holder or a
    notice about its own clock; any other id is answered as not found."""
    holder_id = case.parent_id or case.pk
    notice = (
        Notice.objects.filter(pk=notice_id)
        .filter(
            Q(case_id=holder_id, kind=NoticeKind.CORRECTION)
            | Q(case_id=case.pk) & ~Q(kind=NoticeKind.CORRECTION)
        )
        .select_related("case", "case__applicant", "case__region", "case__department")
        .first()
    )
    if notice is None:
        raise NotFound(f"告知书{notice_id}不存在", f"no notice {notice_id}")
    return notice


class CaseStats(TypedDict):
    by_status: dict[str, int]
    warning: int
    overdue: int
    total: int


def stats() -> CaseStats:
    """The count per status and, of the cases whose clock runs, how many are yellow or red
    today (computed from due dates, so it is right even between two escalation scans)."""
    counts = dict(Case.objects.values_list("status").annotate(n=Count("pk")).order_by())
    today = clock.today()
    timed = Case.objects.filter(status__in=TIMED_STATUSES)
    return {
        "by_status": {s: counts.get(s, 0) for s in Status.values},
        "warning": timed.filter(
            due_date__gte=today, due_date__lt=clock.warning_before(today)
        ).count(),
        "overdue": timed.filter(due_date__lt=today).count(),
        "total": sum(counts.values()),
    }


class HelperCount(TypedDict):
    town: str
    town_name: str
    station: str
    station_name: str
    level: str
    cases: int


def helper_counts(
    user: User | AnonymousUser, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[HelperCount]:
    """帮办代办 per station: the cases (a bundle once) that a village station's or town
    centre's helper applied for under a resident's 委托书, received between `since` and
    `until` (inclusive), per station in the user's scope, town by town. A town's own centre
    is the row whose station is the town."""
    rows = Case.objects.filter(commission__isnull=False, parent__isnull=True)
    q = scope_q(user, STAFF_READERS, region_field="commission__station_id")
    if q is not None:
        rows = rows.filter(q)
    if since is not None:
        rows = rows.filter(received_on__gte=since)
    if until is not None:
        rows = rows.filter(received_on__lte=until)
    found = (
        rows.values(
            "commission__station_id",
            "commission__station__name",
            "commission__station__level",
            "commission__station__parent_id",
            "commission__station__parent__name",
        )
        .annotate(n=Count("pk"))
        .order_by("commission__station_id")
    )
    counts: list[HelperCount] = []
    for r in found:
        station, name = r["commission__station_id"], r["commission__station__name"]
        town: str | None = station
        town_name: str | None = name
        if r["commission__station__level"] == "village":
            town, town_name = (
                r["commission__station__parent_id"],
                r["commission__station__parent__name"],
            )
        counts.append(
            {
                "town": town or "",
                "town_name": town_name or "",
                "station": station,
                "station_name": name,
                "level": r["commission__station__level"],
                "cases": r["n"],
            }
        )
    return sorted(counts, key=lambda c: (c["town"], c["level"] != "town", c["station"]))


def alert_of(case: Case) -> int:
    """Today's colour of one case (the stored mark may be a scan behind)."""
    if case.status not in TIMED_STATUSES:
        return clock.Alert.NONE
    return clock.alert_for(clock.today(), case.due_date)


def recent_recomputes(limit: int) -> list[DueDateRecompute]:
    """The latest walks over due dates after calendar changes, newest first."""
    return list(DueDateRecompute.objects.all()[:limit])


def applicant_by_number(number: str) -> Applicant:
    """The applicant by 居民身份证号码 or 统一社会信用代码: a malformed number is a 422
    saying what is wrong with it, an unregistered one a 404."""
    text = (number or "").strip().upper()
    if not text:
        raise InvalidInput(
            "请填写申请人证件号码", "the applicant's ID number is required", field="applicant"
        )
    try:
        parsed = parse_id_number(text).number
    except InvalidInput as id_error:
        try:
            parsed = parse_uscc(text).code
        except InvalidInput:
            raise id_error from None
    found = applicant_by_identifier(parsed)
    if found is None:
        raise NotFound(
            "该证件号码尚未登记为申请人，请先登记",
            "no applicant with that number: register them first",
            field="applicant",
        )
    return found


def case_by_number_and_tail(case_no: str, tail: str) -> Case:
    """办理进度查询 without signing in (the portal's and the kiosk's): the case number and the
    last four characters of the applicant's ID number must both fit; a wrong pair and an
    unknown case look the same. A case number is tried at most a few times per quarter hour
    (counted in the cache), so the four characters cannot simply be run through."""
    case_no, tail = (case_no or "").strip()[:32], (tail or "").strip().upper()
    tries_key = f"progress:{sha256(case_no.encode()).hexdigest()}"
    cache.add(tries_key, 0, PROGRESS_WINDOW_SECONDS)
    if cache.incr(tries_key) > PROGRESS_TRIES:
        raise TooManyTries(
            "查询次数过多，请稍后再试或到窗口咨询", "too many tries: wait or ask at a window"
        )
    found = (
        Case.objects.select_related("applicant", "region", "department")
        .filter(case_no=case_no, parent__isnull=True)
        .first()
        if len(tail) == 4 and case_no
        else None
    )
    if found is None or found.applicant.identifier[-4:].upper() != tail:
        raise NotFound(
            "未查到该办件，请核对办件编号和证件号码后四位",
            "no such case: check the case number and the last four characters of the ID",
        )
    return found


def hot_items(applicant_kind: str, limit: int = 8) -> list[dict[str, object]]:
    """热门事项 for the portal home: the service items persons (or organizations) applied
    for most, counted from the cases themselves, so the list follows what people do."""
    rows = (
        Case.objects.filter(applicant__kind=applicant_kind, item__isnull=False)
        .values("item__code", "item__base__name", "item__region__name")
        .annotate(cases=Count("pk"))
        .order_by("-cases", "item__code")[:limit]
    )
    return [dict(row) for row in rows]


def events_of_applicant(applicant: Applicant, limit: int = 50) -> list[CaseEvent]:
    """站内消息: every change of the applicant's cases they may see, newest first — the
    same events the notifier texts them about, kept here for whoever missed the SMS."""
    rows = (
        CaseEvent.objects.filter(case__applicant=applicant, visible=True)
        .select_related("case")
        .order_by("-pk")
    )
    return list(rows[:limit])


# ---- what [Oversight] (supervision) reads: docs/contracts.md --------------------------------

ROLLUP_COLUMNS = {
    "case_id": "pk",
    "parent_id": "parent_id",
    "region": "region_id",
    "intake_region": "intake_region_id",
    "hall": "intake_hall_id",
    "window": "intake_window_id",
    "department": "department_id",
    "item": "item_id",
    "channel": "channel",
    "status": "status",
    "received_on": "received_on",
    "accepted_on": "accepted_on",
    "decided_on": "decided_on",
    "closed_on": "closed_on",
    "due_date": "due_date",
    "joint": "joint",
    "bundle": "bundle_id",
    "delivery_method": "delivery_method",
    "limit_days": "limit_days",
}
MaterialRow = tuple[str, str, str]  # source, requirement, state


def material_rows(case_ids: Iterable[int]) -> dict[int, list[MaterialRow]]:
    """Each case's materials as (source, requirement, state): how each was satisfied."""
    found: dict[int, list[MaterialRow]] = {}
    rows = CaseMaterial.objects.filter(case_id__in=list(case_ids)).order_by("case_id", "pk")
    for case_id, *row in rows.values_list("case_id", "source", "requirement", "state"):
        found.setdefault(case_id, []).append((row[0], row[1], row[2]))
    return found


def events_by_ids(ids: Iterable[int]) -> list[CaseEvent]:
    """These history rows with their cases, in the order they were written."""
    return list(CaseEvent.objects.filter(pk__in=list(ids)).select_related("case").order_by("pk"))


def history_for_rollups(
    chunk: int = 2000,
) -> Iterator[tuple[dict[str, Any], list[tuple[str, str, Any]], list[MaterialRow]]]:
    """Every case, in id order, with its history rows (action, actor, due date) in order and
    its materials: what `supervision rebuild` folds. Read a chunk of cases at a time, so a
    million cases never sit in memory at once."""
    after = 0
    names = list(ROLLUP_COLUMNS.values())
    while True:
        rows = list(Case.objects.filter(pk__gt=after).order_by("pk").values(*names)[:chunk])
        if not rows:
            return
        first, after = rows[0]["pk"], rows[-1]["pk"]
        events: dict[int, list[tuple[str, str, Any]]] = {}
        for case_id, action, actor, due in (
            CaseEvent.objects.filter(case_id__gte=first, case_id__lte=after)
            .order_by("case_id", "pk")
            .values_list("case_id", "action", "actor", "due_date")
        ):
            events.setdefault(case_id, []).append((action, actor, due))
        materials = material_rows(
            r["pk"] for r in rows if r["parent_id"] is None and r["accepted_on"] is not None
        )
        for row in rows:
            out = {name: row[column] for name, column in ROLLUP_COLUMNS.items()}
            out["department"] = out["department"] or 0
            out["item"] = out["item"] or 0
            out["hall"] = out["hall"] or 0
            out["window"] = out["window"] or 0
            out["bundle"] = out["bundle"] is not None
            yield out, events.get(row["pk"], []), materials.get(row["pk"], [])


CASE_ALERTS = ("warning", "overdue")


def cases_in_scope(
    user: User | AnonymousUser,
    *,
    region_code: str = "",
    department_id: int | None = None,
    status: str = "",
    alert: str = "",
    item_id: int | None = None,
    channel: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    ids: Iterable[int] | None = None,
    top_only: bool = False,
    hall_id: int | None = None,
    window_id: int | None = None,
) -> QuerySet[Case]:
    """The cases a supervisor (or chief) may read, filtered: by region subtree, department,
    status, warning or overdue today, item, channel, received between two dates (inclusive),
    the hall or window that took them in, or a list of case ids (a figure's drill-down).
    Newest first; the caller pages it."""
    rows = visible_to(user, (Role.SUPERVISOR, Role.CHIEF))
    if region_code:
        rows = rows.filter(subtree_q("region_id", region_code))
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if status:
        if status not in Status.values:
            raise InvalidInput(f"未知的状态：{status}", f"unknown status: {status}", field="status")
        rows = rows.filter(status=status)
    if alert:
        if alert not in CASE_ALERTS:
            raise InvalidInput(f"未知的预警类别：{alert}", f"unknown alert: {alert}", field="alert")
        today = clock.today()
        rows = rows.filter(status__in=TIMED_STATUSES)
        if alert == "overdue":
            rows = rows.filter(due_date__lt=today)
        else:
            rows = rows.filter(due_date__gte=today, due_date__lt=clock.warning_before(today))
    if item_id is not None:
        rows = rows.filter(item_id=item_id)
    if channel:
        if channel not in Channel.values:
            raise InvalidInput(
                f"未知的申报渠道：{channel}", f"unknown channel: {channel}", field="channel"
            )
        rows = rows.filter(channel=channel)
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if top_only:
        rows = rows.filter(parent__isnull=True)
    if hall_id is not None:
        rows = rows.filter(intake_hall_id=hall_id)
    if window_id is not None:
        rows = rows.filter(intake_window_id=window_id)
    return _rows(rows).select_related("region").order_by("-received_on", "-pk")
