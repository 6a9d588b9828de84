"""The API's error answers: documented once for every operation in the OpenAPI schema, and
given in that shape (bilingual, a 4xx) for what schemathesis found answered otherwise: a
body that is not JSON, a multipart body to an address that reads the raw body, a path whose
integer argument is not a number."""

import json

import pytest
from django.test import Client

from ninhaoban.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

ERRORS = {"401", "403", "404", "409", "422", "429"}


def _bilingual(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] and body["message_en"] and body["code"]
    return body


def test_every_operation_documents_the_error_answers_and_their_body():
    schema = Client().get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "message_en"}
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert len(operations) > 80
    for operation in operations:
        responses = operation["responses"]
        assert set(responses) >= ERRORS, operation["operationId"]
        for status in ERRORS:
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        assert ("413" in responses) == ("requestBody" in operation), operation["operationId"]


def test_the_schema_as_served_has_no_key_twice():
    """Swagger UI reads the schema with a YAML parser, which refuses a duplicated key (a
    status under both ninja's integer and a string once did: the docs page was blank)."""
    twice: list[str] = []

    def unique(pairs: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in pairs]
        twice.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=unique)
    assert twice == []


def test_the_ledgers_plain_text_answers_are_documented_as_such():
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/ledger/key", "/api/v1/ledger/checkpoint"):
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/plain"]
    assert Client().get("/api/v1/ledger/key")["Content-Type"].startswith("text/plain")


def test_a_body_that_is_not_json_is_a_bilingual_422(staff_client):
    client = staff_client("clerk.chongyang")
    response = client.post("/api/v1/inspections/plans", b"\xff{", content_type="application/json")
    assert _bilingual(response, 422)["field"] == "body"


def test_a_multipart_body_where_the_raw_body_is_read_is_a_422_and_changes_nothing():
    entries = LedgerEntry.objects.count()
    path = "/api/v1/payments/notify/wechat"
    form = Client().post(path, {"resource": "x"})  # the test client sends it as multipart
    no_boundary = Client().generic("POST", path, b"--x\r\n", content_type="multipart/form-data")
    for response in (form, no_boundary):
        assert _bilingual(response, 422)["field"] == "body"
    assert LedgerEntry.objects.count() == entries


def test_a_path_no_route_matches_is_a_json_404_under_the_api_and_a_page_elsewhere():
    _bilingual(Client().get("/api/v1/cases/X/steps/abc/complete"), 404)
    _bilingual(Client().get("/api/v1/no-such-thing"), 404)
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
