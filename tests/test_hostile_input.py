"""Hostile input gets a 4xx in Chinese and English, never a 500 and never a half-write:
control characters, over-long values, huge integers, duplicates, wrong types and uploads
that are too many, too large or badly named (issue 18, "Why" 3 and 4). NUL bytes and length
limits only fail on PostgreSQL, so CI runs this file there too."""

import ast
import io
from base64 import b64encode
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import uploads
from ninhaoban.cases.models import Case, Upload
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import ServiceItem
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.idnumbers import id_check_char
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    BUSINESS_LICENCE_FORM,
    CHONGYANG,
    GETIHU,
    PDF,
    files_for,
    item,
    licence_types,
    person,
    today,
    window_case,
)

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "ninhaoban"


def _id_number(serial: int, check: str | None = None) -> str:
    """A valid ID number of 崇阳 born 1990-01-01 that no demo person holds (with the given
    check character, if asked: the first serial from `serial` on that has it)."""
    while True:
        first17 = f"42122319900101{serial:03d}"
        if check is None or id_check_char(first17) == check:
            return first17 + id_check_char(first17)
        serial += 1


VALID_ID = _id_number(901)


def _client(username: str | None = None) -> Client:
    from django.contrib.auth.models import User

    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _refused(response, status: int = 422) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:400])
    return response.json() if response["Content-Type"].startswith("application/json") else {}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalog/items?q=%00",
        "/api/v1/guidance/search?q=a%00b",
        "/ledger/?q=%00",
        "/verify/proofs/%00/",
        "/verify/licences/x%01y/",
        "/search/?q=%1b",
    ],
)
def test_control_characters_in_a_query_or_path_are_refused_with_422(path):
    response = _client().get(path, HTTP_ACCEPT="application/json")
    body = _refused(response)
    assert body["code"] == "invalid_input" and body["message"] and body["message_en"]


def test_a_nul_in_a_form_field_is_refused_before_the_view():
    response = _client().post("/login/", {"identifier": "42\x00", "password": "x"})
    assert response.status_code == 422
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_a_nul_or_a_lone_surrogate_in_a_json_body_is_refused(bad):
    client = _client("clerk.chongyang")
    data = {"id_number": VALID_ID, "name": f"张{bad}三", "region": CHONGYANG}
    body = _refused(client.post("/api/v1/applicants/persons", data, "application/json"))
    assert body["field"] == "name"
    assert not Applicant.objects.filter(identifier=VALID_ID).exists()


def test_tab_and_newline_pass_in_multi_line_text():
    response = _client().post(
        "/login/", {"identifier": "第一行\r\n第二行\t", "password": "x"}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 401


def test_an_over_long_query_value_is_refused():
    _refused(_client().get("/api/v1/catalog/items", {"q": "事" * 5000}))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalog/items?offset=99999999999999999999999",
        "/api/v1/catalog/items?limit=-99999999999999999999999",
        "/api/v1/applicants/99999999999999999999999",
        "/api/v1/ledger/entries/99999999999999999999999",
        "/api/v1/ledger/proofs/consistency?first=99999999999999999999999",
        "/api/v1/regions/workdays/add?date=2026-10-01&n=99999999999999999999999",
    ],
)
def test_huge_integers_are_422_not_500(path):
    _refused(_client("admin").get(path))


def test_a_151_character_staff_username_is_refused_with_4xx():
    response = _client().post("/console/login/", {"username": "u" * 151, "password": "x"})
    assert 400 <= response.status_code < 500


def test_a_duplicate_person_through_the_api_is_409_naming_the_field():
    client = _client("clerk.chongyang")
    data = {"id_number": person(3).identifier, "name": "张三", "region": CHONGYANG}
    body = _refused(client.post("/api/v1/applicants/persons", data, "application/json"), 409)
    assert body["field"] == "id_number"


def test_x_and_space_variants_of_a_registered_id_number_are_the_same_person():
    from ninhaoban.accounts.services import register_person
    from ninhaoban.regions.models import Region

    holder = register_person(
        id_number=_id_number(950, "X"), name="王五", region=Region.objects.get(code=CHONGYANG)
    )
    client = _client("clerk.chongyang")
    number = holder.identifier
    for variant in (number.lower(), f" {number} ", f"{number[:6]} {number[6:14]} {number[14:]}"):
        data = {"id_number": variant, "name": "冒名", "region": CHONGYANG}
        body = _refused(client.post("/api/v1/applicants/persons", data, "application/json"), 409)
        assert body["field"] == "id_number", variant
    assert Applicant.objects.filter(identifier=number).count() == 1


def test_a_duplicate_organization_through_the_api_is_409_naming_the_field():
    org = Applicant.objects.filter(kind="organization").first()
    client = _client("clerk.chongyang")
    data = {"uscc": org.identifier.lower(), "name": "重复", "region": CHONGYANG}
    body = _refused(client.post("/api/v1/applicants/organizations", data, "application/json"), 409)
    assert body["field"] == "uscc"


def test_a_name_longer_than_its_column_is_422():
    client = _client("clerk.chongyang")
    data = {"id_number": VALID_ID, "name": "张" * 129, "region": CHONGYANG}
    body = _refused(client.post("/api/v1/applicants/persons", data, "application/json"))
    assert body["field"] == "name"
    assert not Applicant.objects.filter(identifier=VALID_ID).exists()


@pytest.mark.parametrize(("action", "field"), [("complete_step", "step"), ("extend", "days")])
@pytest.mark.usefixtures("today")
def test_a_non_number_on_a_console_case_form_is_4xx(action, field):
    case = window_case()
    client = _client("chief.chongyang.market")
    response = client.post(f"/console/cases/{case.case_no}/{action}/", {field: "abc"})
    assert 400 <= response.status_code < 500, response.content[:300]


def _positional_fields() -> list[str]:
    errors = {"DomainError", "InvalidInput", "NotFound", "Forbidden", "Conflict"}
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in errors and len(node.args) > 2:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_no_domain_error_is_raised_with_its_field_positional():
    """`field` is keyword-only: a third positional argument is a TypeError (a 500) at the
    moment the error should have been a 422."""
    assert _positional_fields() == []
    with pytest.raises(TypeError):
        InvalidInput("中", "en", "field")  # type: ignore[misc]


def _draft():
    it = ServiceItem.objects.filter(region_id=CHONGYANG).order_by("pk").first()
    client = _client("catalog.chongyang")
    client.post(f"/console/catalog/items/{it.code}/draft/")
    return client, catalog.draft_of(it)


def test_catalog_console_errors_name_their_field_without_a_type_error():
    client, draft = _draft()
    publish = client.post(f"/console/catalog/versions/{draft.pk}/publish/", {"valid_from": "x"})
    assert publish.status_code == 422
    attach = client.post(f"/console/catalog/versions/{draft.pk}/file/", {"kind": "sample"})
    assert attach.status_code == 422
    wrong_kind = client.post(
        f"/console/catalog/versions/{draft.pk}/file/",
        {"kind": "other", "position": "1", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert wrong_kind.status_code == 422
    no_material = client.post(
        f"/console/catalog/versions/{draft.pk}/file/",
        {"kind": "sample", "position": "999", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert no_material.status_code == 422
    assert client.post("/console/catalog/transfer/", {}).status_code == 422


def test_catalog_services_errors_carry_their_field():
    from ninhaoban.catalog.services import bundles, items
    from ninhaoban.regions.models import Region

    region = Region.objects.get(code=CHONGYANG)
    with pytest.raises(InvalidInput) as caught:
        bundles.save_bundle(
            code="X1", name="x", region=region, members=[], promised_days=1, actor="t"
        )
    assert caught.value.field == "items"
    with pytest.raises(InvalidInput) as caught:
        items.create_base_item(
            code="ABCD1234", name="x", item_type="nonsense", legal_days=5, actor="t"
        )
    assert caught.value.field == "item_type"


def _applicant_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(ensure_applicant_user(person(5)))
    return client


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Files stored by this test only, in a directory of its own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def _media_files() -> set[str]:
    root = Path(default_storage.location)
    return {str(p) for p in root.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("today", "media")
def test_a_nul_in_an_upload_name_leaves_no_file_behind():
    files = {
        key: {"name": f"scan\x00{n}.pdf", "content_base64": b64encode(PDF + b"nul%d" % n).decode()}
        for n, key in enumerate(files_for(GETIHU, CHONGYANG))
    }
    body = {"item": item(GETIHU, CHONGYANG).code, "files": files, "form": BUSINESS_LICENCE_FORM}
    before, cases = _media_files(), Case.objects.count()
    response = _applicant_client().post("/api/v1/cases/", body, "application/json")
    assert response.status_code == 422 and response.json()["field"] == "name"
    assert _media_files() == before and Case.objects.count() == cases


@pytest.mark.usefixtures("today", "media")
def test_files_are_stored_only_when_the_case_is_committed(django_capture_on_commit_callbacks):
    code = item(GETIHU, CHONGYANG).code
    files = files_for(GETIHU, CHONGYANG)
    marker = b"on-commit-only"
    data = {"item": code, "step": "submit", "consent": "1"}
    data.update({f"form-{k}": v for k, v in BUSINESS_LICENCE_FORM.items()})
    for key in files:
        data[f"file-{key}"] = SimpleUploadedFile("scan.pdf", PDF + marker + key.encode())
    before = _media_files()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _applicant_client().post("/apply/", data)
    assert callbacks and _media_files() == before == set()
    api_files = {
        key: {
            "name": "scan.pdf",
            "content_base64": b64encode(PDF + marker + key[::-1].encode()).decode(),
        }
        for key in files
    }
    body = {"item": code, "files": api_files, "form": BUSINESS_LICENCE_FORM}
    with django_capture_on_commit_callbacks(execute=True):
        response = _applicant_client().post("/api/v1/cases/", body, "application/json")
    assert response.status_code == 201, response.content
    uploaded = Upload.objects.order_by("-pk")[: len(files)]
    assert {default_storage.path(u.file.name) for u in uploaded} == _media_files()
    assert len(_media_files()) == len(files)


class Unreadable(SimpleUploadedFile):
    """A file whose bytes must not be read: the checks have to refuse it by its size,
    key and number alone."""

    def read(self, *args, **kwargs):
        raise AssertionError("read before the checks")

    def chunks(self, *args, **kwargs):
        raise AssertionError("read before the checks")


def _unreadable(size: int) -> Unreadable:
    f = Unreadable("big.pdf", b"")
    f.size = size
    return f


def test_uploads_are_refused_by_size_key_and_count_before_reading(settings):
    limit = settings.NHB_UPLOAD_MAX_BYTES
    with pytest.raises(InvalidInput) as caught:
        uploads.posted_files({"file-a": _unreadable(limit + 1)}, ["a"])
    assert caught.value.field == "files"
    with pytest.raises(InvalidInput):
        uploads.posted_files({"file-zzz": _unreadable(10)}, ["a"])
    many = {f"file-k{n}": _unreadable(10) for n in range(settings.NHB_UPLOAD_MAX_FILES + 1)}
    with pytest.raises(InvalidInput):
        uploads.posted_files(many)


def test_a_request_larger_than_every_allowed_file_is_refused_unread(settings):
    """Three 300 MB files: refused by the declared length, before Django parses a byte."""
    from ninhaoban.portal.middleware import InputGuardMiddleware

    factory = RequestFactory()

    class Endless(io.RawIOBase):
        def readinto(self, buffer):
            raise AssertionError("the body was read")

    request = factory.post(
        "/apply/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        HTTP_ACCEPT="application/json",
    )
    request.META["CONTENT_LENGTH"] = str(3 * 300 * 1024 * 1024)
    request.META["wsgi.input"] = Endless()
    request._stream = Endless()
    response = InputGuardMiddleware(lambda r: pytest.fail("reached the view"))(request)
    assert response.status_code == 413
