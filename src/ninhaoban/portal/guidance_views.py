"""The portal's search page and the results fragment htmx swaps in while the person types
(the terminal's search page renders the same fragment)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ninhaoban.guidance.selectors import search_page


def _context(request: HttpRequest) -> tuple[dict, int]:
    """The region asked for, or else the signed-in applicant's own region."""
    code = request.GET.get("region", "").strip()
    if not code:
        applicant = getattr(request.user, "applicant", None)
        code = applicant.region_id if applicant is not None else ""
    return search_page(request.GET.get("q", ""), code)


def search(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "guidance/search.html", context, status=status)


def results(request: HttpRequest) -> HttpResponse:
    context, status = _context(request)
    return render(request, "guidance/_results.html", context, status=status)
