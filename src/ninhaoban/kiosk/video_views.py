"""视窗服务 at the terminal: the call page, and the JSON endpoints its script polls.

The endpoints answer only the terminal's own browser (like every kiosk page) and only about
this terminal's calls; no person need be identified to ask for help. Errors are JSON with
the message in both languages, for the script to show.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import DomainError, InvalidInput, NotFound
from ninhaoban.core.text import parse_int
from ninhaoban.kiosk import selectors, services
from ninhaoban.kiosk.models import Kiosk, KioskSession, Side, SignalKind, VideoCall
from ninhaoban.kiosk.views import _render, kiosk_page

JsonView = Callable[..., dict[str, Any]]


def json_errors(view: JsonView) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return JsonResponse(view(*args, **kwargs))
        except DomainError as exc:
            return JsonResponse({"error": exc.as_dict()}, status=exc.status)

    return wrapper


def read_json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RawPostDataException):  # a form, not JSON
        data = None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为JSON对象", "the request body is a JSON object")
    return data


def signals_json(signals: list, call: VideoCall) -> dict[str, Any]:
    return {
        "state": call.state,
        "signals": [{"id": s.pk, "kind": s.kind, "body": s.body} for s in signals],
    }


def _urls(kiosk: Kiosk, call: VideoCall) -> dict[str, str]:
    args = [kiosk.code, call.call_id]
    return {
        "call": call.call_id,
        "signal": reverse("kiosk-video-signal", args=args),
        "signals": reverse("kiosk-video-signals", args=args),
        "pushed": reverse("kiosk-video-pushed", args=[*args, 0]),
    }


@kiosk_page
def call_page(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    return _render(request, kiosk, session, "kiosk/video/call.html")


@kiosk_page
@require_POST
@json_errors
def start(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> dict[str, Any]:
    return _urls(kiosk, services.start_call(kiosk))


@kiosk_page
@require_POST
@json_errors
def signal(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession | None, call_id: str
) -> dict[str, Any]:
    call = selectors.call_of_kiosk(kiosk, call_id)
    data = read_json(request)
    sent = services.send_signal(call, Side.TERMINAL, str(data.get("kind", "")), data.get("body"))
    return {"id": sent.pk}


@kiosk_page
@require_GET
@json_errors
def signals(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession | None, call_id: str
) -> dict[str, Any]:
    call = selectors.call_of_kiosk(kiosk, call_id)
    after = parse_int(request.GET.get("after") or "0", field="after")
    return signals_json(selectors.signals_for(call, Side.TERMINAL, after), call)


@kiosk_page
@require_GET
def pushed(
    request: HttpRequest,
    kiosk: Kiosk,
    session: KioskSession | None,
    call_id: str,
    signal_id: int,
) -> HttpResponse:
    """What the clerk pushed, as a piece of the call page: the item's guide (materials,
    time limit, where it is decided), and for a form the button to the application."""
    call = selectors.call_of_kiosk(kiosk, call_id)
    push = next(
        (
            s
            for s in selectors.signals_for(call, Side.TERMINAL, 0)
            if s.kind == SignalKind.PUSH and s.pk == signal_id
        ),
        None,
    )
    version = (
        catalog.current_versions().filter(item__code=push.body["item"]).first() if push else None
    )
    if push is None or version is None:
        raise NotFound("没有该推送内容", "nothing was pushed under that number")
    context = {
        "version": version,
        "materials": catalog.materials_of(version),
        "what": push.body["what"],
    }
    return _render(request, kiosk, session, "kiosk/video/pushed.html", context)
