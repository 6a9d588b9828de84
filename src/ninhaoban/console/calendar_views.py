"""工作日历 under /console/calendar/: which years are official or provisional, the State
Council's notice pasted as published (previewed as a difference, then imported), a single
day edited with its reason, and what each change did to the due dates of open cases. Only
a system administrator whose scope is the whole city changes it: one calendar serves all."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope
from ninhaoban.cases import notes
from ninhaoban.cases.models import DueDateRecompute
from ninhaoban.cases.selectors import recent_recomputes
from ninhaoban.cases.services.recalendar import change_calendar, run_recompute
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.core.holiday_notice import parse_notice
from ninhaoban.regions import services
from ninhaoban.regions.models import Level
from ninhaoban.regions.selectors import (
    YEAR_STATE_LABELS,
    calendar_warning,
    regions_at,
    year_states,
)


def _admin(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    city = regions_at([Level.CITY]).values_list("code", flat=True).first()
    if staff is None or city is None:
        raise Forbidden(
            "仅限全市系统管理员维护工作日历", "only a city administrator edits the calendar"
        )
    require_scope(request.user, (Role.ADMIN,), city)
    return staff.actor


def _pick(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") else zh


def _say(error: DomainError) -> str:
    return _pick(error.message_zh, error.message_en)


def _done(request: HttpRequest, run: DueDateRecompute | None, zh: str, en: str) -> None:
    moved = len(run_recompute(run).moved) if run is not None else 0
    messages.success(
        request,
        _pick(f"{zh}；{moved}件办件的办理期限已重算", f"{en}; due dates of {moved} cases moved"),
    )


def _page(request: HttpRequest, **extra: object) -> HttpResponse:
    today = timezone.localdate()
    english = (get_language() or "").startswith("en")
    years = [
        (year, state, YEAR_STATE_LABELS[state][1 if english else 0])
        for year, state in year_states(range(today.year - 1, today.year + 4)).items()
    ]
    context = {
        "years": years,
        "warning": calendar_warning(today),
        "runs": recent_recomputes(10),
        "notice_text": "",
        **extra,
    }
    return render(request, "console/calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    """GET shows the page; POST previews a pasted notice (nothing is stored)."""
    _admin(request)
    if request.method == "GET":
        return _page(request)
    text = request.POST.get("notice", "")
    try:
        notice = parse_notice(text, _year(request))
        change = services.import_notice(
            notice, actor="preview", replace=bool(request.POST.get("replace")), dry_run=True
        )
    except DomainError as exc:
        return _page(request, error=_say(exc), notice_text=text)
    moving = [c for c in change.changes if c.moves_deadlines]
    return _page(request, preview=notice, moving=moving, notice_text=text)


def _year(request: HttpRequest) -> int | None:
    raw = request.POST.get("year", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) != 4:
        raise InvalidInput("年度应为四位数字", "the year is four digits", field="year")
    return int(raw)


@login_required
@require_POST
def import_notice(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    text = request.POST.get("notice", "")
    try:
        notice = parse_notice(text, _year(request))
        _, run = change_calendar(
            lambda: services.import_notice(
                notice, actor=actor, text=text, replace=bool(request.POST.get("replace"))
            ),
            reason=notes.write(notes.CALENDAR_NOTICE, year=notice.year),
            actor=actor,
        )
    except DomainError as exc:
        return _page(request, error=_say(exc), notice_text=text)
    _done(
        request,
        run,
        f"{notice.year}年节假日安排已导入",
        f"the {notice.year} holiday schedule is imported",
    )
    return redirect("console:calendar")


@login_required
@require_POST
def set_day(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return _page(request, error=_say(InvalidInput("请填写日期", "give a date")))
    working = request.POST.get("working") == "1"
    reason = request.POST.get("reason", "")
    try:
        _, run = change_calendar(
            lambda: services.set_day(day, working=working, reason=reason, actor=actor),
            reason=notes.write(
                notes.CALENDAR_WORKDAY if working else notes.CALENDAR_RESTDAY,
                day=day,
                reason=reason.strip(),
            ),
            actor=actor,
        )
    except DomainError as exc:
        return _page(request, error=_say(exc))
    _done(request, run, f"{day}已调整", f"{day} is changed")
    return redirect("console:calendar")
