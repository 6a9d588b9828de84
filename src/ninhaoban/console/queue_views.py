"""叫号 for window clerks: the windows they may call at, and each window's panel (the number
at the window and what to do with it, the line in calling order, 叫下一个号 or a given
number). Only clerks whose scope covers the window's hall and department; the hall screen
itself is a terminal page (kiosk)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ninhaoban.accounts.scoping import staff_of
from ninhaoban.appointments import selectors, services
from ninhaoban.console.cases_views import WINDOW_KEY
from ninhaoban.core.errors import DomainError, InvalidInput, NotFound
from ninhaoban.regions.models import Window

REFRESH_SECONDS = 10


@login_required
def windows(request: HttpRequest) -> HttpResponse:
    staff_of(request.user)
    rows = selectors.windows_for(request.user)
    return render(request, "console/queue/windows.html", {"rows": rows})


def _panel(request: HttpRequest, window_id: int) -> dict[str, Any]:
    at, group = selectors.window_for_clerk(request.user, window_id)
    now = selectors.now()
    return {
        "window": at,
        "line": group,
        "panel": selectors.panel(at, group, selectors.local_day(now), now),
        "refresh": REFRESH_SECONDS,
    }


@login_required
def window_page(request: HttpRequest, window_id: int) -> HttpResponse:
    staff_of(request.user)
    context = _panel(request, window_id)
    request.session[WINDOW_KEY] = window_id
    return render(request, "console/queue/window.html", context)


@login_required
def waiting(request: HttpRequest, window_id: int) -> HttpResponse:
    """The line alone, which the panel asks for again every few seconds (htmx)."""
    staff_of(request.user)
    return render(request, "console/queue/_waiting.html", _panel(request, window_id))


def _ticket_id(request: HttpRequest) -> int:
    value = request.POST.get("ticket", "").strip()
    if not value.isdigit() or len(value) > 12:
        raise InvalidInput("请选择一个号", "choose a number", field="ticket")
    return int(value)


ACTIONS = {
    "call": services.call,
    "recall": services.recall,
    "start": services.start_service,
    "finish": services.finish_service,
    "no_show": services.no_show,
}


def _act(request: HttpRequest, at: Window, action: str) -> None:
    if action == "next":
        services.call_next(at, user=request.user)
        return
    do = ACTIONS.get(action)
    if do is None:
        raise NotFound("没有该操作", "no such action", field="action")
    do(at, _ticket_id(request), user=request.user)


@login_required
@require_POST
def act(request: HttpRequest, window_id: int, action: str) -> HttpResponse:
    staff_of(request.user)
    at, _ = selectors.window_for_clerk(request.user, window_id)
    try:
        _act(request, at, action)
    except DomainError as exc:
        context = _panel(request, window_id) | {"error": exc}
        return render(request, "console/queue/window.html", context, status=exc.status)
    return redirect("console:queue-window", window_id=window_id)
