"""The ninja API: one instance, every app's router mounted under /api/v1/."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from ninhaoban.api.docs import PlatformSwagger, document_errors
from ninhaoban.core.errors import DomainError, InvalidInput, NotFound, Unauthenticated


class PlatformAPI(NinjaAPI):
    """django-ninja's API whose OpenAPI schema also documents the error answers."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = PlatformAPI(
    title="您好办 API",
    version="1",
    description="政务服务平台接口 / Government services platform API",
    urls_namespace="api",
    docs=PlatformSwagger(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return domain_error(
        request,
        Unauthenticated(
            "请先登录，或在 Authorization 头中提供有效的接口令牌（Bearer）",
            "sign in, or send a valid API token as Authorization: Bearer",
        ),
    )


UNPARSABLE = InvalidInput(
    "请求内容无法解析，应为JSON", "the request body cannot be parsed: send JSON", field="body"
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals in the platform's error shape: a body it cannot parse is
    bad input (422) like any other."""
    if exc.status_code == 400:
        return domain_error(request, UNPARSABLE)
    refused = DomainError("请求未被接受", f"the request was refused: {exc}")
    refused.status = exc.status_code
    return domain_error(request, refused)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "invalid_input",
            "message": "请求参数不正确",
            "message_en": "the request's parameters are invalid",
            "errors": exc.errors,
        },
        status=422,
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 (the project's `handler404`): under /api/ the error body the schema
    documents, e.g. for a path whose integer argument is not a number, which no route
    matches; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        error = NotFound("没有这个接口或对象", "no such operation or object")
        return JsonResponse(error.as_dict(), status=error.status)
    return page_not_found(request, exception)


def _mount() -> None:
    from ninhaoban.accounts.api import router as accounts_router
    from ninhaoban.accounts.scoping import require_whole_scope
    from ninhaoban.accounts.tokens import API_AUTH
    from ninhaoban.appointments.api import public_router as appointments_public_router
    from ninhaoban.appointments.api import router as appointments_router
    from ninhaoban.cases.api import router as cases_router
    from ninhaoban.cases.selectors import require_case_in_scope
    from ninhaoban.catalog.api import router as catalog_router
    from ninhaoban.evaluation.api import public_router as evaluation_public_router
    from ninhaoban.evaluation.api import router as evaluation_router
    from ninhaoban.guidance.api import router as guidance_router
    from ninhaoban.inspections.api import router as inspections_router
    from ninhaoban.inspections.api import staff_router as inspections_staff_router
    from ninhaoban.ledger.api import router as ledger_router
    from ninhaoban.ledger.api import scope_subjects
    from ninhaoban.ledger.api import staff_router as ledger_staff_router
    from ninhaoban.licences.api import router as licences_router
    from ninhaoban.payments.api import router as payments_router
    from ninhaoban.regions.api import router as regions_router
    from ninhaoban.supervision.api import public_router as supervision_public_router
    from ninhaoban.supervision.api import router as supervision_router

    api.add_router("/regions", regions_router)
    api.add_router("/applicants", accounts_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/guidance", guidance_router)
    api.add_router("/ledger", ledger_router)
    api.add_router("/ledger", ledger_staff_router, auth=API_AUTH)
    scope_subjects("case", require_case_in_scope)
    for kind in ("person", "organization"):
        scope_subjects(kind, lambda user, _: require_whole_scope(user, ["supervisor"]))
    api.add_router("/licences", licences_router)
    api.add_router("/cases", cases_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/supervision", supervision_public_router)
    api.add_router("/payments", payments_router)
    api.add_router("/evaluation", evaluation_router)
    api.add_router("/evaluation", evaluation_public_router)
    api.add_router("/inspections", inspections_router)
    api.add_router("/inspections", inspections_staff_router)
    api.add_router("/appointments", appointments_router)
    api.add_router("/appointments", appointments_public_router)


_mount()
