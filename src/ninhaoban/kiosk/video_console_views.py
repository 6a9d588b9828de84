"""视窗服务 on the console, under /console/video/: the calls ringing from the terminals of
the halls in a clerk's (or chief's) region, the call page that answers one, and what the
clerk pushes to the terminal's screen. The media goes browser to browser; these views carry
the signalling only."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import scoped, staff_of
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.text import parse_int
from ninhaoban.kiosk import selectors, services
from ninhaoban.kiosk.models import Side, VideoCall
from ninhaoban.kiosk.video_views import json_errors, read_json, signals_json

ROLES = (Role.CLERK, Role.CHIEF)


def _in_scope(request: HttpRequest, calls: QuerySet[VideoCall]) -> QuerySet[VideoCall]:
    """Calls from the halls of the staff member's regions, whatever their department: the
    one who asks for help at a terminal does not know which department they need."""
    return scoped(calls, request.user, ROLES, region_field="kiosk__hall__region_id")


def _call(request: HttpRequest, call_id: str) -> VideoCall:
    call = selectors.call_by_id(call_id)
    if not _in_scope(request, VideoCall.objects.filter(pk=call.pk)).exists():
        raise Forbidden("该终端不在您的管理范围内", "the terminal is not in your region")
    return call


def _actor(request: HttpRequest) -> str:
    return staff_of(request.user).actor


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The calls ringing in the clerk's scope; the page reloads them every few seconds."""
    staff_of(request.user)
    calls = _in_scope(request, selectors.waiting_calls())
    template = (
        "kiosk/video/queue_rows.html" if request.GET.get("rows") else "kiosk/video/queue.html"
    )
    response = render(request, template, {"calls": calls})
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def call_page(request: HttpRequest, call_id: str) -> HttpResponse:
    call = _call(request, call_id)
    context = {"call": call, "items": selectors.kiosk_items(call.kiosk)}
    response = render(request, "kiosk/video/console_call.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
@json_errors
def answer(request: HttpRequest, call_id: str) -> dict[str, Any]:
    call = services.answer_call(_call(request, call_id), _actor(request))
    return {"state": call.state}


@login_required
@require_POST
@json_errors
def signal(request: HttpRequest, call_id: str) -> dict[str, Any]:
    call = _call(request, call_id)
    data = read_json(request)
    sent = services.send_signal(
        call, Side.CLERK, str(data.get("kind", "")), data.get("body"), clerk=_actor(request)
    )
    return {"id": sent.pk}


@login_required
@require_GET
@json_errors
def signals(request: HttpRequest, call_id: str) -> dict[str, Any]:
    call = _call(request, call_id)
    after = parse_int(request.GET.get("after") or "0", field="after")
    return signals_json(selectors.signals_for(call, Side.CLERK, after), call)


@login_required
@require_POST
@json_errors
def push(request: HttpRequest, call_id: str) -> dict[str, Any]:
    """推送: an item the terminal offers, as its guide or its application form."""
    call = _call(request, call_id)
    data = read_json(request)
    code = str(data.get("item", ""))
    version = next((v for v in selectors.kiosk_items(call.kiosk) if v.item.code == code), None)
    if version is None:
        raise InvalidInput(
            "请选择该终端可办理的事项", "choose an item the terminal offers", field="item"
        )
    sent = services.push_to_terminal(call, _actor(request), str(data.get("what", "")), version)
    return {"id": sent.pk}
