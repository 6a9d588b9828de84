"""长辈模式 (适老化): larger type, stronger contrast and fewer choices on the website and at
the terminal, switched by one button in the header of both and remembered in a cookie (it
carries a preference, nothing personal). The sizes and contrasts follow GB/T 37668-2019 at
its higher level (text contrast at least 7:1) and the MIIT 适老化 design rules (type of at
least 18 pt on screens, touch targets of at least 60 px)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

CARE_COOKIE = "nhb_care"
CARE_SECONDS = 365 * 24 * 3600


def is_care(request: HttpRequest) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def care_mode(request: HttpRequest) -> dict[str, bool]:
    """Template context: whether the page is drawn in 长辈模式."""
    return {"care": is_care(request)}


@require_POST
def set_care(request: HttpRequest) -> HttpResponse:
    """The switch: care=1 on, anything else off; back to the page it was pressed on."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("care") == "1":
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=CARE_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(CARE_COOKIE)
    return response
