"""Turns a DomainError raised anywhere under a page into a 4xx page in Chinese and English,
and sets the Content-Security-Policy of every response."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, {request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        return render(
            request, "errors/domain.html", {"error": exc, "back": back}, status=exc.status
        )


class ContentSecurityPolicyMiddleware:
    """Every asset is served from this deployment and no page has an inline script, style or
    event handler, so the policy allows only this origin: an injected script cannot run and a
    page cannot be framed by another site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/pdf"):
            # Chromium shows a PDF through its viewer plugin, which object-src 'none' (and
            # default-src) would refuse; a PDF runs no script of ours, so only framing is barred.
            response.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        else:
            response.setdefault("Content-Security-Policy", settings.NHB_CONTENT_SECURITY_POLICY)
        return response
