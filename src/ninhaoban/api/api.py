"""The ninja API: one instance, every app's router mounted under /api/v1/."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from ninhaoban.api.docs import PlatformSwagger
from ninhaoban.core.errors import DomainError, Unauthenticated

api = NinjaAPI(
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
