"""Schemathesis against the API's own OpenAPI schema, served live by the platform (not a copy
kept in the repository): for every operation it generates valid and invalid requests from
the schema and fails on any 5xx and on any answer the schema does not describe (a status it
does not list, another content type, a body of another shape). It runs once with no
credentials and once with a clerk's API token, each bounded by a number of examples per
operation, so the run stays short; tests/test_fuzz.py sends the hand-picked hostile values.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ninhaoban.accounts import tokens
from ninhaoban.accounts.models import Staff

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# Read from the application itself when the tests are collected: what the API serves now.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _one_connection():
    """Keep the test's database connection across the requests, as Django's test client does:
    the WSGI handler closes it at the end of each request, which on PostgreSQL ends the
    test's transaction (SQLite's in-memory database is never closed)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def clerk_token() -> str:
    staff = Staff.objects.get(user__username="clerk.chongyang")
    return tokens.issue_token(staff, name="schemathesis", days=1, actor="test")[1]


# The WSGI transport hands the body over as sent; GZipMiddleware would compress it.
PLAIN = {"Accept-Encoding": "identity"}


@schema.parametrize()
@EXAMPLES
def test_api_without_credentials_answers_as_documented(case) -> None:
    case.call_and_validate(checks=CHECKS, headers=PLAIN)


@schema.parametrize()
@EXAMPLES
def test_api_with_a_token_answers_as_documented(case, clerk_token) -> None:
    case.call_and_validate(
        checks=CHECKS, headers={**PLAIN, "Authorization": f"Bearer {clerk_token}"}
    )
