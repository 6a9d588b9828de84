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
