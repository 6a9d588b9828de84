"""Turns a DomainError raised anywhere under a page into a 4xx page in Chinese and English."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ninhaoban.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DomainError):
            return None
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(exc.as_dict(), status=exc.status)
        return render(request, "errors/domain.html", {"error": exc}, status=exc.status)
