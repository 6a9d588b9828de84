import io

import pytest
from django.test import Client
from pypdf import PdfReader

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, Notice, Status
from tests.cases.conftest import (
    CHONGYANG,
    EXE,
    GETIHU,
    PDF,
    files_for,
    item,
    person,
    staff,
    window_case,
)

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _applicant_client(index: int = 0) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(person(index)))
    return client


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_window_intake_shows_coverage_and_takes_a_complete_application(today, staff_client):
    clerk = staff_client("clerk.chongyang")
    code = item(GETIHU, CHONGYANG).code
    found = {"id_number": person().identifier, "item": code, "step": "find"}
    page = clerk.post("/console/cases/new/", found)
    text = page.content.decode()
    assert page.status_code == 200
    assert "申请人居民身份证" in text and "需提交" in text
    assert person().masked_identifier in text
    assert 'name="form-legal_representative"' in text  # the 营业执照's face fields, asked once
    data = {"id_number": person().identifier, "item": code, "accept": "1", "step": "submit"}
    data["form-legal_representative"] = "李四"
    for key, f in files_for(GETIHU, CHONGYANG).items():
        data[f"file-{key}"] = _upload(f.name, f.data)
    response = clerk.post("/console/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.latest("pk")
    assert case.status == Status.ACCEPTED and response["Location"].endswith(f"/{case.case_no}/")
    assert case.form["legal_representative"] == "李四"
    receipt = clerk.get(f"/console/cases/{case.case_no}/receipt/", {"format": "pdf"})
    assert receipt["Content-Type"] == "application/pdf"
    text = _pdf_text(receipt.content)
    assert "受理回执" in text and case.case_no in text


def test_window_intake_of_an_incomplete_application_prints_one_notice(today, staff_client):
    clerk = staff_client("clerk.chongyang")
    code = item(GETIHU, CHONGYANG).code
    response = clerk.post(
        "/console/cases/new/",
        {"id_number": person().identifier, "item": code, "step": "submit"},
    )
    assert response.status_code == 302
    case = Case.objects.latest("pk")
    notice = Notice.objects.get(case=case)
    page = clerk.get(f"/console/cases/{case.case_no}/").content.decode()
    assert "一次性告知书" in page
    pdf = clerk.get(f"/console/cases/{case.case_no}/notices/{notice.pk}.pdf")
    text = _pdf_text(pdf.content)
    for problem in notice.problems:
        assert problem["material"] in text


def test_window_intake_says_what_is_wrong(today, staff_client):
    clerk = staff_client("clerk.chongyang")
    number = person().identifier
    bad = clerk.post("/console/cases/new/", {"id_number": number[:17] + "Y", "step": "find"})
    assert bad.status_code == 422 and "身份证号码无效" in bad.content.decode()
    code = item(GETIHU, CHONGYANG).code
    data = {"id_number": number, "item": code, "step": "submit"}
    key = next(iter(files_for(GETIHU, CHONGYANG)))
    data[f"file-{key}"] = _upload("setup.pdf", EXE)
    before = Case.objects.count()
    refused = clerk.post("/console/cases/new/", data)
    assert refused.status_code == 422 and "不是PDF" in refused.content.decode()
    assert Case.objects.count() == before
    assert staff_client("approver.chongyang.market").get("/console/cases/new/").status_code == 403


def test_approver_works_the_case_from_the_queue(today, staff_client):
    case = window_case()
    services.accept(case, staff("clerk.chongyang"))
    approver = staff_client("approver.chongyang.market")
    queue = approver.get("/console/cases/").content.decode()
    assert case.case_no in queue
    assert (
        case.case_no
        not in staff_client("approver.tongshan.market").get("/console/cases/").content.decode()
    )
    assert (
        staff_client("approver.tongshan.market").get(f"/console/cases/{case.case_no}/").status_code
        == 404
    )
    step = case.steps.get(state="active")
    approver.post(f"/console/cases/{case.case_no}/complete_step/", {"step": step.pk})
    not_theirs = approver.post(f"/console/cases/{case.case_no}/decide/", {"outcome": "approved"})
    assert not_theirs.status_code == 403 and "首席代表" in not_theirs.content.decode()
    chief = staff_client("chief.chongyang.market")
    chief.post(f"/console/cases/{case.case_no}/decide/", {"outcome": "approved"})
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED
    wrong = chief.post(f"/console/cases/{case.case_no}/decide/", {"outcome": "approved"})
    assert wrong.status_code == 409
    timeline = approver.get(f"/console/cases/{case.case_no}/").content.decode()
    assert "作出决定 → 已决定" in timeline and "开始审查" in timeline and "decide" not in timeline


def test_applicant_follows_corrects_and_withdraws(today):
    case = window_case()
    services.request_correction(
        case,
        staff("clerk.chongyang"),
        problems=[{"material": "经营场所使用证明", "problem": "租赁合同缺少签字"}],
    )
    client = _applicant_client()
    assert case.case_no in client.get("/cases/").content.decode()
    page = client.get(f"/cases/{case.case_no}/").content.decode()
    assert "待补正" in page and "租赁合同缺少签字" in page and 'hx-get="' in page
    key = case.materials.get(name="经营场所使用证明").key
    response = client.post(
        f"/cases/{case.case_no}/supply/", {f"file-{key}": _upload("contract.pdf", PDF)}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    assert "已申报" in client.get(f"/cases/{case.case_no}/progress/").content.decode()
    client.post(f"/cases/{case.case_no}/withdraw/", {"reason": "不办了"})
    assert Case.objects.get(pk=case.pk).status == Status.WITHDRAWN
    assert _applicant_client(1).get(f"/cases/{case.case_no}/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
