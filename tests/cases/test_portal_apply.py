"""网上申报 on the portal: the online channel of the one intake service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import results, services
from ninhaoban.cases.models import Case, Channel, MaterialState, Status
from ninhaoban.cases.services import Actor
from ninhaoban.catalog.models import MaterialSource
from tests.cases.conftest import CHONGYANG, GETIHU, PDF, item, person

pytestmark = pytest.mark.django_db


def _client_for(applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(applicant))
    return client


def _needs(applicant, code: str) -> list:
    actor = Actor.of(ensure_applicant_user(applicant))
    return services.preview(applicant, services.plan_for(item_code=code), actor=actor)


def test_anonymous_is_sent_to_login_and_staff_are_refused(staff_client):
    code = item(GETIHU, CHONGYANG).code
    response = Client().get(f"/apply/?item={code}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert staff_client("clerk.chongyang").get(f"/apply/?item={code}").status_code == 403


def test_unknown_item_is_404():
    assert _client_for(person()).get("/apply/?item=NOPE").status_code == 404


def test_the_page_lists_one_set_of_materials(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    page = _client_for(applicant).get(f"/apply/?item={code}").content.decode()
    for need, _ in _needs(applicant, code):
        assert need.name in page
    assert applicant.masked_identifier in page and applicant.identifier not in page


def test_incomplete_application_is_told_everything_at_once_and_not_stored(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    before = Case.objects.count()
    response = _client_for(applicant).post("/apply/", {"item": code, "consent": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    own = [
        n
        for n, _ in _needs(applicant, code)
        if n.source in (MaterialSource.APPLICANT, MaterialSource.GENERATED)
    ]
    required = [n for n in own if n.requirement == "required"]
    assert required and all(n.name in page for n in required)
    assert "一次性告知" in page
    assert Case.objects.count() == before


def test_complete_application_is_submitted_online(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    files = {
        f"file-{n.key}": SimpleUploadedFile("material.pdf", PDF, "application/pdf")
        for n, state in _needs(applicant, code)
        if state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
    }
    response = _client_for(applicant).post(
        "/apply/", {"item": code, "consent": "1", "delivery_method": "electronic", **files}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(case_no=response["Location"].rstrip("/").split("/")[-1])
    assert case.channel == Channel.ONLINE and case.applicant_id == applicant.pk
    assert case.status == Status.SUBMITTED


def test_the_licence_face_fields_are_asked_once_and_reach_the_approver(today):
    applicant = person()
    code = item(GETIHU, CHONGYANG).code
    page = _client_for(applicant).get(f"/apply/?item={code}").content.decode()
    assert 'name="form-legal_representative"' in page and "经营范围" in page
    files = {
        f"file-{n.key}": SimpleUploadedFile("material.pdf", PDF, "application/pdf")
        for n, state in _needs(applicant, code)
        if state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
    }
    response = _client_for(applicant).post(
        "/apply/",
        {
            "item": code,
            "consent": "1",
            "form-legal_representative": "张三",
            "form-scope": "  日用百货零售  ",
            "form-address": "",
            **files,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(case_no=response["Location"].rstrip("/").split("/")[-1])
    typed = {k: case.form[k] for k in ("note", "legal_representative", "scope")}
    assert typed == {"note": "", "legal_representative": "张三", "scope": "日用百货零售"}
    assert "address" not in case.form  # left blank, and the platform knows none
    assert case.form["applicant_name"] == applicant.name  # known: filled in, not typed
    assert case.form["prefilled"]["applicant_name"] and case.form["corrected"] == []
    shown = {key: value for key, _, value, _ in results.licence_form(case).fields}
    assert shown["legal_representative"] == "张三" and shown["scope"] == "日用百货零售"
    assert shown["address"] == ""
