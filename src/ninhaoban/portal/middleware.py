"""The input layer in front of every page and the API, the one place an error a person
caused becomes a 4xx page (or JSON for the API) in Chinese and English, and the
Content-Security-Policy of every response."""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from ninhaoban.core.errors import DomainError, InvalidInput, TooLarge
from ninhaoban.core.text import (
    MAX_QUERY_VALUE,
    MAX_TEXT_VALUE,
    check_int,
    check_text,
    leaves,
)
from ninhaoban.portal.guard import database_error

MAX_PATH = 2_000
MAX_FILE_NAME = 255
# JSON strings that carry a whole file (base64); their size is bounded by the body's
UNBOUNDED_JSON = ("content_base64",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(exc.as_dict(), status=exc.status)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "errors/domain.html", {"error": exc, "back": back}, status=exc.status)


def _check_pairs(pairs: list[tuple[str, list[str]]], where: str, max_length: int) -> None:
    for key, values in pairs:
        check_text(key, field=where, max_length=MAX_QUERY_VALUE, multiline=False)
        for value in values:
            check_text(value, field=key, max_length=max_length)


def _check_json(request: HttpRequest) -> None:
    try:
        data = json.loads(request.body)
    except RequestDataTooBig:
        raise _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
    except ValueError:
        return  # not JSON: the API answers that itself
    for where, value in leaves(data):
        if isinstance(value, int):
            check_int(value, field=where)
        else:
            unbounded = where.endswith(UNBOUNDED_JSON)
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if unbounded else MAX_TEXT_VALUE
            check_text(value, field=where.rsplit(".", 1)[-1], max_length=limit)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"请求超过{limit // (1024 * 1024)}MB，未予处理",
        f"the request is larger than {limit} bytes and was not read",
    )


def check_request(request: HttpRequest) -> None:
    """Refuse (4xx) before any view runs: a body larger than every file allowed together
    (by its declared length, unread), control characters or over-long values in the path,
    the query, form fields, JSON bodies and upload file names, and integers out of range."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.NHB_REQUEST_MAX_BYTES:
        raise _too_large(settings.NHB_REQUEST_MAX_BYTES)
    check_text(request.path_info, field="path", max_length=MAX_PATH, multiline=False)
    _check_pairs(list(request.GET.lists()), "query", MAX_QUERY_VALUE)
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.content_type == "application/json":
        _check_json(request)
    elif request.content_type in FORM_TYPES:
        try:
            form = list(request.POST.lists())
        except MultiPartParserError:
            raise InvalidInput(
                "表单内容无法解析", "the form's body cannot be read", field="body"
            ) from None
        _check_pairs(form, "form", MAX_TEXT_VALUE)
        for key, files in request.FILES.lists():
            for f in files:
                check_text(f.name or "", field=key, max_length=MAX_FILE_NAME, multiline=False)


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except DomainError as exc:
            return error_response(request, exc)
        return self.get_response(request)


NOT_MULTIPART = InvalidInput(
    "此地址不接受 multipart/form-data 格式的请求",
    "this address does not take multipart/form-data",
    field="body",
)


class DomainErrorMiddleware:
    """Turns a DomainError raised anywhere under a view, and a database error caused by
    input (a duplicate, a value out of range), into a 4xx."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, RawPostDataException):
            # a view that reads the raw body (a payment notification, a terminal's signal)
            # sent a multipart form, whose body the input check above has already parsed
            exc = NOT_MULTIPART
        error = exc if isinstance(exc, DomainError) else database_error(exc)
        return None if error is None else error_response(request, error)


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
