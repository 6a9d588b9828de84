"""自助终端管理 under /console/kiosks/: the terminals of the halls in a system
administrator's region, adding one, switching one on or off, and the one-time code that
enrols a terminal's browser (shown once, never stored). Each action checks the admin's
scope against the terminal's hall and calls one service."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.scoping import require_scope, roles_of, scoped
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.core.text import parse_int
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import IdentityDevices, Kiosk
from ninhaoban.regions.models import ServiceHall
from ninhaoban.regions.selectors import halls

ADMIN_ROLES = (Role.ADMIN,)


def _actor(request: HttpRequest) -> str:
    staff = getattr(request.user, "staff", None)
    if staff is None or not (request.user.is_superuser or roles_of(request.user, ADMIN_ROLES)):
        raise Forbidden(
            "仅限系统管理员管理自助终端", "only a system administrator manages terminals"
        )
    return staff.actor


def _halls(request: HttpRequest):
    return scoped(
        halls(),
        request.user,
        ADMIN_ROLES,
        region_field="region_id",
    ).order_by("region_id", "name")


def _terminal(request: HttpRequest, code: str) -> Kiosk:
    kiosk = Kiosk.objects.select_related("hall").filter(code=code).first()
    if kiosk is None:
        raise NotFound(f"自助终端{code}不存在", f"no terminal {code}")
    require_scope(request.user, ADMIN_ROLES, kiosk.hall.region_id)
    return kiosk


@login_required
def terminals(request: HttpRequest) -> HttpResponse:
    _actor(request)
    rows = scoped(
        Kiosk.objects.select_related("hall", "hall__region"),
        request.user,
        ADMIN_ROLES,
        region_field="hall__region_id",
    ).order_by("hall__region_id", "code")
    context = {
        "terminals": rows,
        "halls": _halls(request),
        "device_choices": IdentityDevices.choices,
    }
    return render(request, "kiosk/console/terminals.html", context)


@login_required
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    try:
        hall = _halls(request).get(pk=parse_int(request.POST.get("hall"), field="hall"))
    except (ServiceHall.DoesNotExist, ValueError):
        raise InvalidInput(
            "请选择您管理范围内的大厅", "choose a hall in your scope", field="hall"
        ) from None
    services.register_kiosk(
        code=request.POST.get("code", ""),
        hall=hall,
        name=request.POST.get("name", ""),
        new=True,
        actor=actor,
    )
    return redirect("kiosk-console:terminals")


@login_required
@require_POST
def switch(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    kiosk = _terminal(request, code)
    services.register_kiosk(
        code=kiosk.code, hall=kiosk.hall, name=kiosk.name, active=not kiosk.active, actor=actor
    )
    return redirect("kiosk-console:terminals")


@login_required
@require_POST
def devices(request: HttpRequest, code: str) -> HttpResponse:
    """The identity devices the terminal offers first; the SMS code stays the fallback."""
    actor = _actor(request)
    kiosk = _terminal(request, code)
    services.set_identity_devices(kiosk, request.POST.get("identity_devices", ""), actor=actor)
    return redirect("kiosk-console:terminals")


@login_required
@require_POST
def enrolment(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    kiosk = _terminal(request, code)
    one_time, expires = services.issue_enrolment_code(kiosk, actor=actor)
    response = render(
        request,
        "kiosk/console/enrolment.html",
        {"kiosk": kiosk, "code": one_time, "expires": expires},
    )
    add_never_cache_headers(response)
    return response
