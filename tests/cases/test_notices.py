"""特别程序告知书 (第45条) and 延期告知书 (第42条): issued with the transition, printed as a
PDF with the law's text, reachable by the applicant and by staff in scope, and nobody else."""

import datetime as dt

import pytest
from django.test import Client

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.documents import ARTICLE_42, ARTICLE_45
from ninhaoban.cases.models import Case, Notice, NoticeKind
from tests.cases.conftest import CHONGYANG, person, staff, window_case
from tests.catalog.test_guides import pdf_text

pytestmark = pytest.mark.django_db
D = dt.date
DRUGSTORE = "药品零售企业许可"  # 15 working days: room for a procedure and an extension
APPROVER, CHIEF = "approver.chongyang.market", "chief.chongyang.market"
ELSEWHERE = "approver.tongshan.market"


def _applicant(index: int = 0) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(person(index)))
    return client


def _accepted(today) -> Case:
    today(D(2026, 9, 28))
    case = window_case(DRUGSTORE, CHONGYANG)
    services.accept(case, staff("clerk.chongyang"))
    return Case.objects.get(pk=case.pk)


def _flat(text: str) -> str:
    return "".join(text.split())


def _reachable_only_in_scope(case: Case, notice: Notice, staff_client) -> str:
    """The notice's PDF text as the applicant gets it, after checking who else gets it."""
    url = f"/cases/{case.case_no}/notices/{notice.pk}.pdf"
    mine = _applicant().get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert _applicant(1).get(url).status_code == 404
    console = f"/console/cases/{case.case_no}/notices/{notice.pk}.pdf"
    assert staff_client(APPROVER).get(console).status_code == 200
    assert staff_client(ELSEWHERE).get(console).status_code == 404
    assert staff_client(ELSEWHERE).get(f"/console/cases/{case.case_no}/").status_code == 404
    return pdf_text(mine.content)


def test_a_special_procedure_is_told_in_writing_and_its_end_shown(today, staff_client):
    case = _accepted(today)
    today(D(2026, 9, 30))
    services.suspend(case, staff(APPROVER), procedure="expert_review", reason="组织专家评审会")
    notice = Notice.objects.get(case=case, kind=NoticeKind.SPECIAL_PROCEDURE)
    assert (notice.procedure, notice.reason, notice.issued_on) == (
        "expert_review",
        "组织专家评审会",
        D(2026, 9, 30),
    )
    assert (notice.due_before, notice.days_left, notice.ended_on) == (D(2026, 10, 23), 13, None)

    text = _reachable_only_in_scope(case, notice, staff_client)
    for expected in (
        "特别程序告知书",
        case.case_no,
        DRUGSTORE,
        case.applicant.masked_identifier,
        "专家评审",
        "组织专家评审会",
        "2026年09月30日",  # began
        "2026年10月23日",  # the due date before the clock stopped
        "13个工作日",
        _flat(ARTICLE_45),
        "崇阳县市场监督管理局（印章）",
    ):
        assert _flat(expected) in text, expected
    assert case.applicant.identifier not in text
    assert "恢复计时后的办结期限" not in text

    page = _applicant().get(f"/cases/{case.case_no}/").content.decode()
    assert "特别程序告知书" in page and f"/notices/{notice.pk}.pdf" in page
    console = staff_client(APPROVER).get(f"/console/cases/{case.case_no}/").content.decode()
    assert "特别程序告知书" in console and f"/notices/{notice.pk}.pdf" in console

    today(D(2026, 10, 12))
    services.resume(case, staff(APPROVER), note="专家评审结束")
    notice.refresh_from_db()
    assert (notice.ended_on, notice.due_after) == (D(2026, 10, 12), D(2026, 10, 29))
    after = pdf_text(_applicant().get(f"/cases/{case.case_no}/notices/{notice.pk}.pdf").content)
    assert "恢复计时后的办结期限2026年10月29日" in after
    assert "2026年10月29日" in _flat(_applicant().get(f"/cases/{case.case_no}/").content.decode())


def test_an_extension_is_told_in_writing(today, staff_client):
    case = _accepted(today)
    today(D(2026, 10, 13))
    services.extend(case, staff(CHIEF), days=10, reason="需要现场核查经营场所")
    notice = Notice.objects.get(case=case, kind=NoticeKind.EXTENSION)
    assert (notice.days, notice.due_before, notice.due_after) == (
        10,
        D(2026, 10, 23),
        D(2026, 11, 6),
    )
    text = _reachable_only_in_scope(case, notice, staff_client)
    for expected in (
        "延期告知书",
        case.case_no,
        "10个工作日",
        "需要现场核查经营场所",
        "原办结期限2026年10月23日",
        "延期后的办结期限2026年11月06日",
        _flat(ARTICLE_42),
        "崇阳县市场监督管理局（印章）",
    ):
        assert _flat(expected) in text, expected


def test_a_notice_is_only_found_through_its_own_case(today, staff_client):
    case = _accepted(today)
    services.suspend(case, staff(APPROVER), procedure="testing", reason="送检")
    notice = Notice.objects.get(case=case)
    other = _accepted(today)
    wrong = f"/console/cases/{other.case_no}/notices/{notice.pk}.pdf"
    assert staff_client(APPROVER).get(wrong).status_code == 404
    assert _applicant().get(f"/cases/{other.case_no}/notices/{notice.pk}.pdf").status_code == 404
