"""The search pages: the portal's and the kiosk's, sharing one results fragment that htmx
swaps in while the person types."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.core.errors import DomainError
from ninhaoban.guidance import selectors
from ninhaoban.guidance.engine import MAX_QUERY_CHARS
from ninhaoban.regions.selectors import get_region

EXAMPLES = ["开饭店", "生孩子要办什么", "取公积金", "社保证明", "身份证过期了", "gjj"]


def _region_code(request: HttpRequest) -> str:
    """The region asked for, or else the signed-in applicant's own region."""
    code = request.GET.get("region", "").strip()
    if code:
        return code
    applicant = getattr(request.user, "applicant", None)
    return applicant.region_id if applicant is not None else ""


def search_context(request: HttpRequest) -> tuple[dict, int]:
    """The query, its results and the region, for the portal's and the kiosk's pages."""
    q = request.GET.get("q", "")
    context: dict = {"q": q, "examples": EXAMPLES, "max_chars": MAX_QUERY_CHARS}
    try:
        code = _region_code(request)
        context["region"] = get_region(code) if code else None
        context["results"] = selectors.search(q, region=code)
    except DomainError as exc:
        context["error"] = exc
        return context, exc.status
    return context, 200


def search_page(request: HttpRequest) -> HttpResponse:
    context, status = search_context(request)
    return render(request, "guidance/search.html", context, status=status)


def kiosk_page(request: HttpRequest) -> HttpResponse:
    context, status = search_context(request)
    return render(request, "guidance/kiosk.html", context, status=status)


def results(request: HttpRequest) -> HttpResponse:
    context, status = search_context(request)
    return render(request, "guidance/_results.html", context, status=status)
