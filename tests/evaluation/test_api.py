"""The 好差评 API: the applicant's rating and 追评, the SMS link (public: the token is the
key), staff entry, the 差评 workflow and appeals, and the public figures."""

import base64

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.evaluation.models import Evaluation, Rectification
from tests.evaluation.conftest import closed_case

pytestmark = pytest.mark.django_db
CHONGYANG = "421223000000"


def applicant_client(applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(applicant))
    return client


def staff(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_applicant_rates_and_adds_one_follow_up_comment(today):
    case = closed_case()
    client = applicant_client(case.applicant)
    url = f"/api/v1/evaluation/cases/{case.case_no}/rating"
    bad = client.post(url, {"level": 7}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["message"] and bad.json()["message_en"]
    made = client.post(
        url,
        {"level": 1, "reasons": ["attitude"], "comment": "<script>x</script>"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["rectification"] is not None and body["comment"] == "<script>x</script>"
    again = client.post(url, {"level": 5}, content_type="application/json")
    assert again.status_code == 409
    comment = f"/api/v1/evaluation/ratings/{body['id']}/comment"
    assert (
        client.post(comment, {"text": "补充"}, content_type="application/json").status_code == 201
    )
    assert (
        client.post(comment, {"text": "再补充"}, content_type="application/json").status_code == 409
    )


def test_the_sms_link_rates_once_without_signing_in(today, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case()
    token = next(m.secret for m in sms if case.case_no in m.text and m.secret)
    url = f"/api/v1/evaluation/invitations/{token}/rating"
    first = Client().post(url, {"level": 4}, content_type="application/json")
    assert first.status_code == 201 and first.json()["channel"] == "sms"
    reused = Client().post(url, {"level": 4}, content_type="application/json")
    assert reused.status_code == 409 and "已使用" in reused.json()["message"]
    forged = Client().post(
        "/api/v1/evaluation/invitations/abc/rating", {"level": 4}, content_type="application/json"
    )
    assert forged.status_code == 409


def test_the_department_works_a_rectification_and_the_supervisor_decides_an_appeal(today):
    case = closed_case()
    applicant = applicant_client(case.applicant)
    applicant.post(
        f"/api/v1/evaluation/cases/{case.case_no}/rating",
        {"level": 2},
        content_type="application/json",
    )
    ev = Evaluation.objects.get(case=case)
    rect = Rectification.objects.get(evaluation=ev)
    approver = staff("approver.chongyang.market")
    listed = approver.get("/api/v1/evaluation/rectifications").json()
    assert rect.pk in [r["id"] for r in listed]
    assert rect.pk not in [
        r["id"]
        for r in staff("approver.xianan.market").get("/api/v1/evaluation/rectifications").json()
    ]
    url = f"/api/v1/evaluation/rectifications/{rect.pk}"
    assert (
        approver.post(f"{url}/rectify", {"note": "x"}, content_type="application/json").status_code
        == 409
    )
    done = approver.post(f"{url}/verify", {"note": "属实"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "verified"
    other = staff("approver.xianan.market").post(
        f"{url}/rectify", {"note": "x"}, content_type="application/json"
    )
    assert other.status_code == 404
    chief = staff("chief.chongyang.market")
    filed = chief.post(
        f"/api/v1/evaluation/ratings/{ev.pk}/appeal",
        {"reason": "误评"},
        content_type="application/json",
    )
    assert filed.status_code == 201
    decided = staff("supervisor.chongyang").post(
        f"/api/v1/evaluation/appeals/{filed.json()['appeal']}/decision",
        {"upheld": False, "note": "评价属实"},
        content_type="application/json",
    )
    assert decided.json()["decision"] == "rejected"
    figures = staff("supervisor.chongyang").get(
        f"/api/v1/evaluation/satisfaction?region={CHONGYANG}&start=2026-01-01&end=2026-12-31"
    )
    assert figures.status_code == 200 and figures.json()["bad"] >= 1


def test_a_survey_upload_that_is_not_a_workbook_is_refused():
    supervisor = staff("supervisor.chongyang")
    data = {"content_base64": base64.b64encode(b"PK\x03\x04 junk").decode()}
    answer = supervisor.post("/api/v1/evaluation/surveys", data, content_type="application/json")
    assert answer.status_code == 422
    answer = supervisor.post(
        "/api/v1/evaluation/surveys", {"content_base64": "%%%"}, content_type="application/json"
    )
    assert answer.status_code == 422


def test_the_public_figures_need_no_sign_in(today):
    case = closed_case()
    applicant_client(case.applicant).post(
        f"/api/v1/evaluation/cases/{case.case_no}/rating",
        {"level": 5},
        content_type="application/json",
    )
    rows = Client().get("/api/v1/evaluation/public").json()
    assert rows[0]["region"] == "421200000000" and rows[0]["ratings"] >= 1
    assert {r["region"] for r in rows} >= {CHONGYANG}
    assert Client().get("/api/v1/evaluation/public?month=2026-13").status_code == 422
