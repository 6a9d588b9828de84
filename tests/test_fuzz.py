"""Hostile values into every API operation and every form, as each kind of user: NUL and
other control characters, huge and negative numbers, wrong types, scripts, lone surrogates
and odd Unicode. Whatever is refused must be refused with a 4xx; any 5xx (or exception)
fails. The operations come from the OpenAPI schema and the forms from the pages the URL
resolver lists, so a new endpoint or form is fuzzed without touching this file.

Deterministic (one seed) and bounded by count: one pass per user over what it finds.
"""

import json
import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases.models import CaseStep
from ninhaoban.catalog import selectors as catalog
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    licence_types,
    person,
    today,
    window_case,
)
from tests.payments.conftest import _pay_settings, pay_var, paysandbox  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SEED = 18
STRINGS = [
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f\x08",
    "字" * 30_000,
    "x" * 1_001,
    "-1",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1e309",
    "NaN",
    "abc",
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\u202eevil\u202c",
    "\ufeff\u200b",
    "🙂" * 50,
    "Ｘ４２１２２３",
    "\ud800",
    "2026-02-30",
    "421223199001011237",
]
INTEGERS = [0, -1, 2**31, -(2**63), 10**30, 7, 1]
USERS = [None, "applicant", "admin", "clerk.chongyang", "chief.chongyang.market"]
PAGE_USERS = [*USERS, "catalog.chongyang", "supervisor.chongyang"]
SKIPPED_PAGES = ("/logout/", "/i18n/setlang/")
CSRF = "csrfmiddlewaretoken"


def _client(username: str | None) -> Client:
    client = Client()
    if username == "applicant":
        client.force_login(ensure_applicant_user(person(2)))
    elif username:
        client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def samples(today) -> dict[str, str]:  # noqa: F811 (the fixture imported above)
    """Real ids for path arguments, so hostile values reach past the lookup too."""
    case = window_case()
    item = catalog.current_versions().filter(item__region_id="421223000000").first().item
    step = CaseStep.objects.filter(case=case).first()
    return {
        "case_no": case.case_no,
        "code": item.code,
        "region": "421223000000",
        "applicant_id": str(person(2).pk),
        "step_id": str(step.pk if step else 1),
        "version_id": str(catalog.current_version(item).pk),
        "identifier": "x",
        "number": "x",
        "notice_id": "1",
        "index": "0",
        "size": "1",
        "action": "refuse",
        "fmt": "json",
    }


def _hostile(rng: random.Random) -> Any:
    """A string (one in four with a NUL, the most common 500 of PostgreSQL) or a number."""
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(["\x00", "a\x00b", "%00"])
    return rng.choice(STRINGS) if roll < 0.8 else rng.choice(INTEGERS)


def _in_url(rng: random.Random) -> str:
    """A hostile value that can be sent in a URL or a form (UTF-8 has no lone surrogate:
    only JSON can carry one)."""
    return str(_hostile(rng)).replace("\ud800", "\ufffd")


def _schema_value(rng: random.Random, schema: dict, components: dict, depth: int = 0) -> Any:
    """A value for `schema`: mostly of its type and hostile, sometimes of a wrong type."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        schema = rng.choice(schema["anyOf"])
    if rng.random() < 0.2 or depth > 3:
        return rng.choice([None, [], {}, True, 1.5, rng.choice(STRINGS), rng.choice(INTEGERS)])
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties") or {rng.choice(STRINGS)[:40]: {"type": "string"}}
        required = set(schema.get("required", []))
        return {
            name: _schema_value(rng, sub, components, depth + 1)
            for name, sub in properties.items()
            if name in required or rng.random() < 0.7
        }
    if kind == "array":
        return [_schema_value(rng, schema.get("items", {}), components, depth + 1)]
    if kind == "integer":
        return rng.choice(INTEGERS)
    if kind == "boolean":
        return rng.choice([True, False])
    return rng.choice(STRINGS)


def _fill_path(rng: random.Random, path: str, samples: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        if rng.random() < 0.5:
            if path.startswith("/api/v1/regions/") and name == "code":
                return samples["region"]
            return samples.get(name, "1")
        return quote(_in_url(rng), safe="")

    return re.sub(r"[{<]([^}>]+)[}>]", value, path)


def _operations(rng: random.Random, samples: dict[str, str]) -> Iterator[tuple]:
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in sorted(operations.items()):
            query = {
                p["name"]: _in_url(rng)
                for p in operation.get("parameters", [])
                if p["in"] == "query" and rng.random() < 0.8
            }
            body = None
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _schema_value(rng, content["application/json"]["schema"], components)
            yield method, _fill_path(rng, path, samples), query, body


def _send(client: Client, method: str, path: str, query: dict, body: Any) -> tuple[int, bytes]:
    try:
        if method == "get":
            response = client.get(path, query)
        else:
            target = path + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()))
            response = client.generic(
                method.upper(), target, json.dumps(body), content_type="application/json"
            )
    except Exception as exc:  # the test client re-raises a view's exception: that is a 500
        return 500, repr(exc).encode()
    return response.status_code, b"" if response.streaming else response.content


@pytest.mark.parametrize("username", USERS)
def test_no_api_operation_answers_hostile_values_with_a_5xx(username, samples):
    rng = random.Random(f"{SEED}-{username}")
    client = _client(username)
    failures, sent = [], 0
    for method, path, query, body in _operations(rng, samples):
        status, detail = _send(client, method, path, query, body)
        sent += 1
        if status >= 500:
            failures.append((method, path, query, repr(body)[:200], status, detail[:300]))
    assert sent >= 40
    assert failures == []


class Forms(HTMLParser):
    """The POST forms of a page: where each goes and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._current: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = (a.get("action") or "", [])
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current and a.get("name"):
            self._current[1].append(a["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _page_paths(rng: random.Random, samples: dict[str, str]) -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith(("admin/", "api/")):
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern) and "(" not in route:
                found.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    kiosk = {"code": "CY-ZWZX-01"}
    paths = []
    for path in sorted(set(found)):
        if path in SKIPPED_PAGES:
            continue
        values = {**samples, **kiosk} if path.startswith("/kiosk/") else samples
        paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m, v=values: v.get(m.group(1), "1"), path))
    return paths


def _hostile_form(rng: random.Random, names: list[str]) -> dict[str, str]:
    data = {n: _in_url(rng) for n in names if n != CSRF}
    data[str(rng.choice(STRINGS)).replace("\ud800", "")[:40] or "extra"] = "1"
    return data


@pytest.mark.parametrize("username", PAGE_USERS)
def test_no_form_answers_hostile_values_with_a_5xx(username, samples):
    """Every page a user can open is read for its POST forms; each form is posted once with
    hostile values in its own fields (and one field it does not have)."""
    rng = random.Random(f"{SEED}-{username}")
    client = _client(username)
    failures, posted = [], 0
    for path in _page_paths(rng, samples):
        status, page = _send(client, "get", path, {}, None)
        if status >= 500:
            failures.append(("GET", path, status, page[:300]))
        if status != 200:
            continue
        parser = Forms()
        try:
            parser.feed(page.decode())
        except UnicodeDecodeError:
            continue  # a PDF or a spreadsheet
        for action, names in parser.forms[:4]:
            target = urlsplit(action).path or path
            if target in SKIPPED_PAGES:
                continue
            try:
                response = client.post(target, _hostile_form(rng, names))
                status = response.status_code
                detail = b"" if response.streaming else response.content[:300]
            except Exception as exc:
                status, detail = 500, repr(exc)[:300]
            posted += 1
            if status >= 500:
                failures.append(("POST", target, names, status, detail))
    if username is not None:
        assert posted > 0
    assert failures == []
