import json

import pytest

from ninhaoban.accounts.models import Applicant
from ninhaoban.exchange.models import DataQuery
from ninhaoban.licences.models import Licence
from tests.licences.test_licences import _issue

pytestmark = pytest.mark.django_db


def _chongyang_licence() -> Licence:
    return _issue(
        Applicant.objects.filter(kind="organization", region__code__startswith="421223")[0]
    )


def test_public_verification_json(sources, client):
    licence = _chongyang_licence()
    answer = client.get(f"/api/v1/licences/verify/{licence.identifier}").json()
    assert answer["genuine"] and answer["state"] == "valid"
    assert answer["holder"] == licence.holder.display_name
    assert client.get("/api/v1/licences/verify/nonsense").status_code == 422


def test_staff_detail_is_scoped_and_traced(sources, staff_client):
    licence = _chongyang_licence()
    before = DataQuery.objects.count()
    inside = staff_client("clerk.chongyang").get(f"/api/v1/licences/{licence.identifier}")
    assert inside.status_code == 200 and inside.json()["fields"]["legal_representative"]
    trace = DataQuery.objects.order_by("-pk").first()
    assert DataQuery.objects.count() == before + 1 and trace.actor.startswith("staff:")
    outside = staff_client("clerk.tongshan").get(f"/api/v1/licences/{licence.identifier}")
    assert outside.status_code == 404
    assert DataQuery.objects.count() == before + 1


def test_status_change_needs_the_issuing_department(sources, staff_client):
    licence = _chongyang_licence()
    url = f"/api/v1/licences/{licence.identifier}/status"
    body = json.dumps({"status": "30", "reason": "以欺骗手段取得"})
    clerk = staff_client("clerk.chongyang").post(url, body, content_type="application/json")
    assert clerk.status_code == 403
    done = staff_client("chief.chongyang.market").post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "revoked"
    again = staff_client("chief.chongyang.market").post(url, body, content_type="application/json")
    assert again.status_code == 409


def test_console_licence_page_traces_and_changes_status(sources, staff_client):
    licence = _chongyang_licence()
    clerk = staff_client("clerk.chongyang")
    page = clerk.get("/console/licences/", {"q": licence.identifier, "purpose": "受理核验"})
    assert page.status_code == 200 and "张三丰" in page.content.decode()
    trace = DataQuery.objects.order_by("-pk").first()
    assert trace.purpose == "受理核验" and trace.actor.startswith("staff:")
    assert clerk.get("/console/licences/").status_code == 200
    form = {"identifier": licence.identifier, "status": "20", "reason": "责令整改"}
    assert clerk.post("/console/licences/", form).status_code == 403
    chief = staff_client("chief.chongyang.market")
    assert chief.post("/console/licences/", form).status_code == 302
    assert Licence.objects.get(pk=licence.pk).status == "20"
    outside = staff_client("clerk.tongshan").get("/console/licences/", {"q": licence.identifier})
    assert outside.status_code == 404


def test_a_departments_staff_read_only_their_departments_licences(sources, staff_client):
    licence = _chongyang_licence()  # issued by 崇阳县 市场监管局
    url = f"/api/v1/licences/{licence.identifier}"
    traces = DataQuery.objects.filter(applicant=licence.holder)
    before = traces.count()
    assert staff_client("approver.chongyang.hrss").get(url).status_code == 404
    assert traces.count() == before
    assert staff_client("approver.chongyang.market").get(url).status_code == 200
    assert traces.count() == before + 1
