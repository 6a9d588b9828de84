"""The 好差评 pages: rating from "my cases" and by the SMS link, 评价公开 (masked, escaped),
the department's rectification pages and the supervisor's in their scope, staff entry,
the survey upload, window duty, and the kiosk's rating screen and window 评价器."""

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import Workbook

from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases.models import Status
from ninhaoban.evaluation import services
from ninhaoban.evaluation.models import Channel, Evaluation, Rectification
from ninhaoban.evaluation.services import Rating
from ninhaoban.kiosk.services import register_kiosk
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions.models import ServiceHall, Window
from tests.cases.test_transitions import case_in
from tests.evaluation.conftest import closed_case
from tests.kiosk.conftest import KIOSK, _enrolled_terminals, enrolled, identified  # noqa: F401

pytestmark = pytest.mark.django_db
CHONGYANG = "421223000000"


def signed_in(applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(applicant))
    return client


def staff(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_applicant_rates_from_my_cases_then_adds_one_follow_up(today):
    case = closed_case()
    client = signed_in(case.applicant)
    listing = client.get("/cases/").content.decode()
    assert f"/cases/{case.case_no}/rate/" in listing
    assert (
        f'id="rate-case" href="/cases/{case.case_no}/rate/"'
        in client.get(f"/cases/{case.case_no}/").content.decode()
    )
    bad = client.post(f"/cases/{case.case_no}/rate/", {"level": "9"})
    assert bad.status_code == 422 and "评价等级" in bad.content.decode()
    assert not Evaluation.objects.filter(case=case).exists()
    made = client.post(
        f"/cases/{case.case_no}/rate/",
        {"level": "2", "reasons": ["efficiency"], "comment": "<b>慢</b>"},
    )
    assert made.status_code == 302
    page = client.get(f"/cases/{case.case_no}/rate/").content.decode()
    assert "&lt;b&gt;慢&lt;/b&gt;" in page and "<b>慢</b>" not in page
    assert "已评价" in client.get("/cases/").content.decode()
    client.post(f"/cases/{case.case_no}/rate/", {"text": "补充说明"})
    again = client.post(f"/cases/{case.case_no}/rate/", {"text": "再补充"})
    assert "追评：补充说明" in client.get(f"/cases/{case.case_no}/rate/").content.decode()
    assert again.status_code == 409  # one 追评 only
    assert Evaluation.objects.get(case=case).follow_up_comment.text == "补充说明"


def test_someone_elses_case_cannot_be_rated(today):
    case = closed_case()
    other = case_in(Status.CLOSED)
    stranger = signed_in(other.applicant) if other.applicant_id != case.applicant_id else None
    if stranger is not None:
        assert stranger.post(f"/cases/{case.case_no}/rate/", {"level": "5"}).status_code == 404
    assert Client().get(f"/cases/{case.case_no}/rate/").status_code == 302  # sign in first


def test_the_sms_link_page_rates_once(today, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case()
    token = next(m.secret for m in sms if case.case_no in m.text and m.secret)
    assert case.title in Client().get(f"/rate/{token}/").content.decode()
    done = Client().post(f"/rate/{token}/", {"level": "5", "reasons": ["attitude"]})
    assert done.status_code == 200 and 'id="rating-done"' in done.content.decode()
    used = Client().get(f"/rate/{token}/")
    assert used.status_code == 409 and "已使用" in used.content.decode()
    assert Client().get("/rate/forged/").status_code == 409


def test_the_public_page_shows_every_bad_rating_masked(today):
    case = closed_case()
    services.rate_case(
        case,
        case.applicant,
        Rating.of(1, ["attitude"], f"我的电话{case.applicant.phone}<script>"),
        channel=Channel.WEBSITE,
    )
    page = Client().get("/evaluation/").content.decode()
    assert case.applicant.phone not in page and "&lt;script&gt;" in page
    assert case.applicant.name not in page and "服务态度差" in page and "待核实" in page
    english = Client(headers={"cookie": "django_language=en"})
    english.post("/i18n/setlang/", {"language": "en"})
    assert "Very dissatisfied" in english.get("/evaluation/").content.decode()
    assert Client().get("/evaluation/?month=2026-99").status_code == 422


def test_the_department_works_its_rectification_on_its_pages_and_others_cannot(today):
    case = closed_case()
    ev = services.rate_case(case, case.applicant, Rating.of(2), channel=Channel.WEBSITE)
    rect = Rectification.objects.get(evaluation=ev)
    url = f"/console/evaluation/rectifications/{rect.pk}/"
    approver = staff("approver.chongyang.market")
    assert str(rect.pk) in approver.get("/console/evaluation/rectifications/").content.decode()
    assert staff("approver.xianan.market").get(url).status_code == 404
    assert (
        staff("approver.xianan.market")
        .post(f"{url}step/", {"step": "verify", "note": "x"})
        .status_code
        == 404
    )
    wrong = approver.post(f"{url}step/", {"step": "rectify", "note": "x"})
    assert wrong.status_code == 409
    for step, note in (("verify", "属实"), ("rectify", "已整改")):
        assert approver.post(f"{url}step/", {"step": step, "note": note}).status_code == 302
    before = LedgerEntry.objects.filter(kind="applicant.viewed").count()
    page = approver.get(url).content.decode()
    assert case.applicant.phone in page  # 反馈 calls the rater: the read is traced
    assert LedgerEntry.objects.filter(kind="applicant.viewed").count() == before + 1
    chief = staff("chief.chongyang.market")
    assert chief.post(f"{url}step/", {"step": "answer", "note": "已告知"}).status_code == 302
    follow = {"step": "follow_up", "note": "满意", "answer": "satisfied"}
    assert chief.post(f"{url}step/", follow).status_code == 302
    assert Rectification.objects.get(pk=rect.pk).state == "followed_up"


def test_appeal_and_decision_pages(today):
    case = closed_case()
    ev = services.rate_case(case, case.applicant, Rating.of(1), channel=Channel.WEBSITE)
    rect = Rectification.objects.get(evaluation=ev)
    chief = staff("chief.chongyang.market")
    answer = chief.post(f"/console/evaluation/rectifications/{rect.pk}/appeal/", {"reason": " "})
    assert answer.status_code == 422
    chief.post(f"/console/evaluation/rectifications/{rect.pk}/appeal/", {"reason": "误评"})
    appeal = ev.__class__.objects.get(pk=ev.pk).appeal
    supervisor = staff("supervisor.chongyang")
    assert "误评" in supervisor.get("/console/evaluation/appeals/").content.decode()
    assert (
        chief.post(
            f"/console/evaluation/appeals/{appeal.pk}/decide/", {"decision": "upheld", "note": "x"}
        ).status_code
        == 403
    )
    done = supervisor.post(
        f"/console/evaluation/appeals/{appeal.pk}/decide/",
        {"decision": "upheld", "note": "录像证明系误评"},
    )
    assert done.status_code == 302
    assert "申诉成立" in Client().get("/evaluation/").content.decode()


def test_the_supervisor_sees_the_figures_of_their_region_only(today):
    case = closed_case()
    services.rate_case(case, case.applicant, Rating.of(5), channel=Channel.WEBSITE)
    supervisor = staff("supervisor.chongyang")
    page = supervisor.get("/console/evaluation/")
    assert page.status_code == 200 and "崇阳县" in page.content.decode()
    assert supervisor.get("/console/evaluation/?region=421202000000").status_code == 403
    city = staff("supervisor").get("/console/evaluation/?by=by_department")
    assert city.status_code == 200 and 'id="department-ranking"' in city.content.decode()
    assert supervisor.get("/console/evaluation/?by=nope").status_code == 422


def test_staff_entry_and_the_survey_upload_pages(today):
    clerk = staff("clerk.chongyang")
    made = clerk.post(
        "/console/evaluation/entry/",
        {"channel": "mailbox", "region": CHONGYANG, "level": "4", "comment": "大厅整洁"},
    )
    assert made.status_code == 302
    assert Evaluation.objects.filter(channel=Channel.MAILBOX, comment="大厅整洁").exists()
    refused = clerk.post("/console/evaluation/entry/", {"channel": "hotline", "level": "4"})
    assert refused.status_code == 422  # neither a case nor a region
    assert clerk.get("/console/evaluation/survey/").status_code == 403
    book = Workbook()
    book.active.append(services.SURVEY_HEADER)
    book.active.append(["2026-09-01", CHONGYANG, "", "非常满意", "", ""])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "survey.xlsx"
    supervisor = staff("supervisor.chongyang")
    assert supervisor.post("/console/evaluation/survey/", {"file": data}).status_code == 302
    junk = io.BytesIO(b"junk")
    junk.name = "x.xlsx"
    assert supervisor.post("/console/evaluation/survey/", {"file": junk}).status_code == 422


def test_the_kiosk_rating_screen_after_a_proof_or_a_closed_case(today, identified):  # noqa: F811
    case = closed_case()
    client = identified(case.applicant)
    page = client.get(f"/kiosk/{KIOSK}/cases/{case.case_no}/").content.decode()
    assert f"/kiosk/{KIOSK}/rate/?case={case.case_no}" in page
    done = client.post(f"/kiosk/{KIOSK}/rate/", {"case": case.case_no, "level": "5"})
    assert 'id="rating-done"' in done.content.decode()
    assert Evaluation.objects.get(case=case).channel == Channel.KIOSK
    service = client.post(f"/kiosk/{KIOSK}/rate/", {"level": "4"})
    assert service.status_code == 200
    again = client.post(f"/kiosk/{KIOSK}/rate/", {"level": "4"})
    assert again.status_code == 409
    assert Client().get(f"/kiosk/{KIOSK}/rate/").status_code == 403  # not the terminal


def test_the_window_pad_is_enrolled_like_a_kiosk_and_shows_the_clerk_on_duty(today):
    hall = ServiceHall.objects.filter(region_id=CHONGYANG, kiosks__code=KIOSK).first()
    window = Window.objects.filter(hall=hall).first()
    register_kiosk(code="CY-PJQ-09", hall=hall, name="1号窗口评价器")
    pad = enrolled("CY-PJQ-09")
    assert pad.get("/kiosk/CY-PJQ-09/pad/").status_code == 404  # not bound to a window yet
    admin = staff("admin")
    admin.post(
        f"/console/evaluation/windows/{window.pk}/", {"action": "pad", "terminal": "CY-PJQ-09"}
    )
    assert pad.get("/kiosk/CY-PJQ-09/").url == "/kiosk/CY-PJQ-09/pad/"
    assert "暂停服务" in pad.get("/kiosk/CY-PJQ-09/pad/").content.decode()
    clerk = staff("clerk.chongyang")
    clerk.post(f"/console/evaluation/windows/{window.pk}/", {"action": "take"})
    case = case_in(Status.ACCEPTED)
    clerk.post(
        f"/console/evaluation/windows/{window.pk}/", {"action": "present", "case_no": case.case_no}
    )
    shown = pad.get("/kiosk/CY-PJQ-09/pad/").content.decode()
    assert "崇阳县综合窗口" in shown and case.title in shown
    rated = pad.post("/kiosk/CY-PJQ-09/pad/", {"level": "5", "case_no": case.case_no})
    assert 'id="rating-done"' in rated.content.decode()
    ev = Evaluation.objects.get(case=case)
    assert ev.channel == Channel.WINDOW_PAD and ev.window_id == window.pk
    assert Client().get("/kiosk/CY-PJQ-09/pad/").status_code == 403  # another browser
