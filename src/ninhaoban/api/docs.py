"""The API's documentation page, served with the Swagger UI copy in portal's static files.

django-ninja's own Swagger page loads Swagger UI from a CDN unless "ninja" is an installed
app; the platform promises that every asset comes from the deployment, and its content
security policy allows no inline script, so the page is a template of ours whose start-up
code is a static file.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase


class PlatformSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
            "validatorUrl": None,
        }
        return render(request, "portal/api_docs.html", {"api": api, "swagger": settings})


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "description": "每个错误都以中英文说明原因 / every error says why, in Chinese and English",
    "type": "object",
    "properties": {
        "code": {"type": "string", "title": "Code", "examples": ["invalid_input"]},
        "message": {"type": "string", "title": "Message"},
        "message_en": {"type": "string", "title": "Message En"},
        "field": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "title": "Field",
            "description": "出错的字段 / the field at fault, when there is one",
        },
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "title": "Errors",
            "description": "参数校验的明细 / what the parameter validation found",
        },
    },
    "required": ["code", "message", "message_en"],
}
ERRORS = {
    "401": "未登录或令牌无效 / not signed in, or the token is not valid",
    "403": "无权办理 / not allowed for this account's roles or scope",
    "404": "不存在或不在权限范围内 / not found, or outside this account's scope",
    "409": "当前状态不允许，或与已有记录冲突 / not allowed in the current state, or a duplicate",
    "422": "输入不正确 / invalid input",
    "429": "尝试过于频繁 / too many attempts: try again later",
}
TOO_LARGE = {"413": "请求或文件过大 / the request or a file is larger than allowed"}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the platform's error answers to every operation of `schema`, in place.

    Every operation can answer them (the middleware, the authentication and the domain
    errors apply to all of them), so they are documented here once instead of on each
    endpoint; an operation that documents one of these statuses itself keeps its own.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = {**ERRORS, **(TOO_LARGE if "requestBody" in operation else {})}
            # one key per status: ninja writes integers, JSON only strings (a status under
            # both would be written twice, and Swagger UI refuses a duplicated key)
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status, description in statuses.items():
                responses.setdefault(status, {"description": description, "content": error})
    return schema
