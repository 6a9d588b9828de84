"""Staff open the files of a case they may see (each read traced); the correction reason
stands apart from the file name; applicants see yellow and red on their cases too."""

import datetime as dt

import pytest
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import CaseMaterial
from ninhaoban.exchange.models import DataQuery
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import PDF, person, staff, window_case

pytestmark = pytest.mark.django_db


def _uploaded(case) -> CaseMaterial:
    return case.materials.filter(upload__isnull=False).order_by("pk").first()


def test_staff_who_see_the_case_open_its_files_and_leave_a_trace(
    today, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # files are stored on commit
        case = window_case()
    material = _uploaded(case)
    url = f"/console/cases/{case.case_no}/materials/{material.pk}/"
    page = staff_client("approver.chongyang.market").get(f"/console/cases/{case.case_no}/")
    assert url in page.content.decode()
    before = DataQuery.objects.count()
    response = staff_client("approver.chongyang.market").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    trace = DataQuery.objects.latest("pk")
    assert DataQuery.objects.count() == before + 1
    assert trace.case_ref == case.case_no and trace.applicant_id == case.applicant_id
    assert trace.role == "approver" and trace.purpose == "查阅申请材料"
    entry = LedgerEntry.objects.filter(kind="exchange.query").latest("pk")
    # the entry names the case and the applicant's keyed digest; its payload only as a digest
    assert f"case:{case.case_no}" in entry.body and case.applicant.subject in entry.body
    assert person().identifier not in entry.body


def test_a_file_is_scoped_like_its_case(today, staff_client):
    case = window_case()
    other = window_case()
    material = _uploaded(case)
    outsider = staff_client("approver.tongshan.market")
    url = f"/console/cases/{case.case_no}/materials/{material.pk}/"
    assert outsider.get(url).status_code == 404
    wrong_case = f"/console/cases/{other.case_no}/materials/{material.pk}/"
    assert staff_client("approver.chongyang.market").get(wrong_case).status_code == 404
    applicant = Client()
    applicant.force_login(ensure_applicant_user(case.applicant))
    assert applicant.get(url).status_code in (302, 403)
    assert not DataQuery.objects.filter(purpose="查阅申请材料").exists()


def test_the_correction_reason_stands_apart_from_the_file_name(today, staff_client):
    case = window_case()
    material = _uploaded(case)
    services.request_correction(
        case, staff("clerk.chongyang"), problems=[{"material": material.name, "problem": "不清晰"}]
    )
    page = staff_client("clerk.chongyang").get(f"/console/cases/{case.case_no}/").content.decode()
    assert f"{material.file_name}不清晰" not in page
    assert f">{material.file_name}</a>" in page and "<td>不清晰</td>" in page


def test_my_cases_mark_yellow_and_red(today):
    case = window_case()
    client = Client()
    client.force_login(ensure_applicant_user(case.applicant))
    assert "已超期" not in client.get("/cases/").content.decode()
    today(case.due_date - dt.timedelta(days=1))
    assert "即将到期" in client.get("/cases/").content.decode()
    today(case.due_date + dt.timedelta(days=1))
    assert "已超期" in client.get("/cases/").content.decode()
    assert "已超期" in client.get(f"/cases/{case.case_no}/").content.decode()


def test_a_file_missing_from_storage_is_a_404_not_a_500(today, staff_client):
    case = window_case()  # its files are stored on commit, which never comes in this test
    material = _uploaded(case)
    material.upload.file.storage.delete(material.upload.file.name)
    url = f"/console/cases/{case.case_no}/materials/{material.pk}/"
    assert staff_client("approver.chongyang.market").get(url).status_code == 404
