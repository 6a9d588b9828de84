"""好差评 at the terminals: the rating screen after a kiosk transaction (the service itself,
or a closed case of the person), and the window's 评价器 (a terminal enrolled like any
other, bound to a window), which shows the clerk on duty and the case just handled."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from ninhaoban.cases import selectors as cases
from ninhaoban.cases.models import Status
from ninhaoban.core.errors import DomainError, NotFound
from ninhaoban.evaluation import selectors, services
from ninhaoban.evaluation.models import Channel
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import _render, kiosk_page, person_page
from ninhaoban.portal.evaluation_views import form_context, rating_of

# the pad refreshes itself to show the next case the clerk puts forward
PAD_REFRESH_SECONDS = 15


@person_page
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, kiosk: Kiosk, session: KioskSession) -> HttpResponse:
    """After a transaction: rate this terminal's service once per session, or (with
    `case`) a closed case of the person."""
    case_no = (request.POST.get("case") or request.GET.get("case") or "").strip()[:32]
    case = cases.case_for_applicant(session.applicant, case_no) if case_no else None
    context = form_context(case) | {"case_no": case_no}
    if case is not None and case.status != Status.CLOSED:
        context["case"] = None
    if request.method == "POST":
        try:
            if case is not None:
                services.rate_case(
                    case, session.applicant, rating_of(request), channel=Channel.KIOSK
                )
            else:
                services.rate_service(
                    channel=Channel.KIOSK,
                    hall=kiosk.hall,
                    rater=session.applicant,
                    rating=rating_of(request),
                    actor=session.applicant.subject,
                    reference=f"kiosk_session:{session.session_id}",
                )
        except DomainError as exc:
            context |= {"error": exc, "typed": request.POST}
            return _render(request, kiosk, session, "kiosk/rate.html", context, exc.status)
        context["thanks"] = True
    return _render(request, kiosk, session, "kiosk/rate.html", context)


@kiosk_page
@require_http_methods(["GET", "POST"])
def pad(request: HttpRequest, kiosk: Kiosk, session: KioskSession | None) -> HttpResponse:
    """窗口评价器: nobody signs in; the clerk on duty and the case they put forward."""
    view = selectors.pad_of_terminal(kiosk.code)
    if view is None:
        raise NotFound("该终端不是窗口评价器", "this terminal is no window's rating pad")
    duty = view.duty
    context = form_context(duty.case if duty else None) | {
        "window": view.window,
        "duty": duty,
        "refresh": PAD_REFRESH_SECONDS,
        "unenrolled": True,  # a pad offers no way to the terminal's other pages
    }
    if request.method == "POST":
        try:
            services.rate_at_window(
                kiosk.code, rating_of(request), case_no=request.POST.get("case_no", "")
            )
        except DomainError as exc:
            context |= {"error": exc}
            return _render(request, kiosk, None, "kiosk/pad.html", context, exc.status)
        context |= {"thanks": True, "case": None}
    return _render(request, kiosk, None, "kiosk/pad.html", context)
