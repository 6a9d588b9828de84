"""The self-service terminal: its identity check and session, the progress query's privacy,
proofs printed with their traces, intake on the kiosk channel, and no way to staff pages."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, ApplicantKind, LoginCode
from ninhaoban.accounts.notify import LogProvider
from ninhaoban.cases import services as cases
from ninhaoban.cases.models import Case, Channel, MaterialState, Status
from ninhaoban.core.canonical import digest
from ninhaoban.exchange.models import Consent, DataQuery, Outcome
from ninhaoban.exchange.sandbox import records
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.ledger.models import LedgerEntry, LedgerSubject
from ninhaoban.licences.models import Proof, ProofKind
from tests.cases.conftest import CHONGYANG, EXE, GETIHU, PDF, item, staff, window_case
from tests.kiosk.conftest import (
    BASE,
    KIOSK,
    age_login_code_requests,
    enrolled,
    sent_code,
    terminal,
)

pytestmark = pytest.mark.django_db


def _person(record=None) -> Applicant:
    """A demo person with a phone (and, if asked, a record in the sandbox)."""
    people = Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="").order_by("pk")
    for person in people:
        if record is None or record(person.identifier, person.name):
            return person
    raise AssertionError("no such demo person")


def _session(client: Client) -> KioskSession:
    return KioskSession.objects.filter(ended_at__isnull=True).latest("pk")


def _page(response) -> str:
    return response.content.decode()


# -- the terminal itself ------------------------------------------------------------------


def test_unknown_and_switched_off_terminals_are_404():
    for code in ("NO-SUCH-KIOSK", "CY-ZWZX-02"):
        for path in ("", "identify/", "proofs/", "progress/"):
            response = terminal().get(f"/kiosk/{code}/{path}")
            assert response.status_code == 404, (code, path)
            assert "/console/" not in _page(response)


def test_home_before_the_check_shows_no_person_and_no_way_to_staff_pages():
    response = terminal().get(BASE)
    page = _page(response)
    assert response.status_code == 200
    assert "退出" in page and "办理进度查询" in page and "开具证明" in page
    assert 'id="kiosk-person"' not in page
    assert "/console/" not in page and "/admin/" not in page and "/login/" not in page
    assert "no-store" in response["Cache-Control"]
    assert "kiosk/kiosk.css" in page and "http" not in page.split("<body")[0].replace(
        "http-equiv", ""
    )


def test_pages_for_a_person_ask_for_the_check_first():
    for path in ("cases/", "proofs/", f"apply/{item(GETIHU, CHONGYANG).code}/"):
        response = terminal().get(f"{BASE}{path}")
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{BASE}identify/?next={BASE}{path}")


# -- identity check and session -----------------------------------------------------------


def test_wrong_code_is_refused_and_the_right_one_opens_a_session(identified):
    person = _person()
    client = terminal()
    client.post(f"{BASE}identify/", {"action": "begin", "id_number": person.identifier})
    code = sent_code(person.phone)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(f"{BASE}identify/", {"action": "finish", "code": wrong})
    assert response.status_code == 403
    assert not KioskSession.objects.filter(applicant=person, ended_at__isnull=True).exists()
    response = client.post(f"{BASE}identify/", {"action": "finish", "code": code})
    assert response.status_code == 302 and response["Location"] == BASE
    session = KioskSession.objects.get(applicant=person, ended_at__isnull=True)
    assert session.kiosk.code == KIOSK and session.method == "sms"
    page = _page(client.get(BASE))
    assert person.display_name in page
    assert person.identifier not in page and person.phone not in page
    entry = LedgerEntry.objects.filter(kind="kiosk.session_started").latest("pk")
    assert session.session_id in entry.body and person.identifier not in entry.body


def test_too_many_wrong_codes_burn_the_code():
    person = _person()
    client = terminal()
    client.post(f"{BASE}identify/", {"action": "begin", "id_number": person.identifier})
    code = sent_code(person.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (
            client.post(f"{BASE}identify/", {"action": "finish", "code": wrong}).status_code == 403
        )
    assert client.post(f"{BASE}identify/", {"action": "finish", "code": code}).status_code == 403


def test_an_unregistered_number_gets_the_same_answer_and_never_a_session():
    registered = _person()
    unknown = "11010519491231002X"
    assert not Applicant.objects.filter(identifier=unknown).exists()
    LogProvider.sent.clear()  # it keeps the last 200: a long session fills it
    answers = []
    for number in (registered.identifier, unknown):
        response = terminal().post(f"{BASE}identify/", {"action": "begin", "id_number": number})
        answers.append((response.status_code, "验证码已发送" in _page(response)))
    assert answers[0] == answers[1] == (200, True)
    assert len(LogProvider.sent) == 1
    age_login_code_requests()
    client = terminal()
    client.post(f"{BASE}identify/", {"action": "begin", "id_number": unknown})
    assert (
        client.post(f"{BASE}identify/", {"action": "finish", "code": "123456"}).status_code == 403
    )


def test_a_malformed_id_number_is_422():
    response = terminal().post(f"{BASE}identify/", {"action": "begin", "id_number": "123"})
    assert response.status_code == 422


def test_a_code_begun_at_one_terminal_cannot_finish_at_another():
    person = _person()
    client = terminal()
    client.post(f"{BASE}identify/", {"action": "begin", "id_number": person.identifier})
    pending = client.cookies["nhb_kiosk_pending"].value
    other = terminal("XN-SMZJ-01")
    other.cookies["nhb_kiosk_pending"] = pending
    response = other.post(
        "/kiosk/XN-SMZJ-01/identify/", {"action": "finish", "code": sent_code(person.phone)}
    )
    assert response.status_code == 422


def test_the_session_ends_after_idle_minutes(identified):
    person = _person()
    client = identified(person)
    assert client.get(f"{BASE}cases/").status_code == 200
    session = _session(client)
    KioskSession.objects.filter(pk=session.pk).update(
        last_seen=timezone.now() - dt.timedelta(minutes=3, seconds=5)
    )
    response = client.get(f"{BASE}cases/")
    assert response.status_code == 302 and "identify" in response["Location"]
    session.refresh_from_db()
    assert session.ended_at is not None
    entry = LedgerEntry.objects.filter(kind="kiosk.session_ended").latest("pk")
    assert f"kiosk_session:{session.session_id}" in entry.body
    reason = {"session": session.session_id, "reason": "idle"}
    assert json.loads(entry.body)["payload_digest"] == digest(reason)
    assert person.display_name not in _page(client.get(BASE))


def test_exit_and_the_next_person_end_the_session(identified):
    first, second, third = Applicant.objects.exclude(phone="").filter(kind="person")[:3]
    client = identified(first)
    session = _session(client)
    response = client.post(f"{BASE}exit/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.ended_at is not None
    assert client.get(f"{BASE}cases/").status_code == 302
    client = identified(second)
    session = _session(client)
    client.post(f"{BASE}identify/", {"action": "begin", "id_number": third.identifier})
    session.refresh_from_db()
    assert session.ended_at is not None
    assert client.get(f"{BASE}cases/").status_code == 302


def test_the_kiosk_session_is_not_a_website_sign_in(identified):
    client = identified(_person())
    assert client.get("/cases/").status_code == 302
    assert client.get("/my/proofs/").status_code == 302
    response = client.get("/console/")
    assert response.status_code in (302, 403)
    assert "/console/login/" in response.get("Location", "/console/login/")


# -- progress query -----------------------------------------------------------------------


def test_progress_query_shows_status_and_nothing_personal(today):
    case = window_case()
    applicant = case.applicant
    tail = applicant.identifier[-4:]
    wrong_tail = "0000" if tail != "0000" else "1111"
    miss = terminal().post(f"{BASE}progress/", {"case_no": case.case_no, "tail": wrong_tail})
    assert miss.status_code == 404 and case.title not in _page(miss)
    unknown = terminal().post(f"{BASE}progress/", {"case_no": "4212230000002099", "tail": tail})
    assert unknown.status_code == 404 and _page(unknown).count("未查到") == _page(miss).count(
        "未查到"
    )
    hit = terminal().post(f"{BASE}progress/", {"case_no": case.case_no, "tail": tail.lower()})
    page = _page(hit)
    assert hit.status_code == 200
    assert case.title in page and case.get_status_display() in page
    assert applicant.display_name in page
    for secret in (applicant.identifier, applicant.name, applicant.phone, applicant.masked_phone):
        assert secret not in page
    for material in case.materials.all():
        assert material.name not in page


def test_progress_query_is_throttled_per_case_number(today):
    case = window_case()
    tail = case.applicant.identifier[-4:]
    wrong_tail = "0000" if tail != "0000" else "1111"
    for _ in range(5):
        terminal().post(f"{BASE}progress/", {"case_no": case.case_no, "tail": wrong_tail})
    response = terminal().post(f"{BASE}progress/", {"case_no": case.case_no, "tail": tail})
    assert response.status_code == 429 and case.title not in _page(response)


# -- my cases and the receipt -------------------------------------------------------------


def test_my_cases_with_progress_and_receipt(today, identified):
    case = window_case()
    cases.accept(case, staff("clerk.chongyang"))
    client = identified(case.applicant)
    listing = _page(client.get(f"{BASE}cases/"))
    assert case.case_no in listing
    page = _page(client.get(f"{BASE}cases/{case.case_no}/"))
    assert "打印回执" in page and "已受理" in page
    receipt = client.get(f"{BASE}cases/{case.case_no}/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_someone_elses_case_is_404(today, identified):
    case = window_case()
    other = Applicant.objects.filter(kind="person").exclude(phone="").exclude(pk=case.applicant_id)
    client = identified(other.first())
    assert client.get(f"{BASE}cases/{case.case_no}/").status_code == 404
    assert client.get(f"{BASE}cases/{case.case_no}/receipt.pdf").status_code == 404


# -- proofs -------------------------------------------------------------------------------


def test_proof_print_leaves_its_trace_and_ledger_entry(sources, identified):
    person = _person(records.insurance_record)
    client = identified(person)
    session = _session(client)
    kinds = _page(client.get(f"{BASE}proofs/"))
    assert ProofKind.SOCIAL_INSURANCE.label in kinds
    assert ProofKind.BUSINESS_REGISTRATION.label not in kinds
    response = client.post(f"{BASE}proofs/", {"kind": ProofKind.SOCIAL_INSURANCE, "consent": "yes"})
    assert response.status_code == 302, _page(response)[:2000]
    proof = Proof.objects.get(holder=person)
    assert response["Location"] == f"{BASE}proofs/{proof.number}/"
    query = DataQuery.objects.get(pk=proof.data_query_id)
    assert query.outcome == Outcome.OK and query.kiosk_session == session.session_id
    assert query.consent.channel == Channel.KIOSK
    assert LedgerSubject.objects.filter(subject=f"proof:{proof.number}").exists()
    assert f"{BASE}proofs/{proof.number}.pdf" in _page(client.get(response["Location"]))
    pdf = client.get(f"{BASE}proofs/{proof.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    read = DataQuery.objects.filter(applicant=person, data_key="proof:social_insurance")
    assert read.filter(purpose="自助终端打印").exists()


def test_a_proof_needs_consent_and_stays_with_its_session(sources, identified):
    person = _person(records.insurance_record)
    client = identified(person)
    refused = client.post(f"{BASE}proofs/", {"kind": ProofKind.SOCIAL_INSURANCE})
    assert refused.status_code == 422 and not Proof.objects.filter(holder=person).exists()
    assert not Consent.objects.filter(applicant=person, channel=Channel.KIOSK).exists()
    client.post(f"{BASE}proofs/", {"kind": ProofKind.SOCIAL_INSURANCE, "consent": "yes"})
    proof = Proof.objects.get(holder=person)
    client.post(f"{BASE}exit/")
    # the same person again, a minute later (a code is sent at most once a minute)
    LoginCode.objects.filter(phone=person.phone).update(
        created_at=timezone.now() - dt.timedelta(minutes=1, seconds=1)
    )
    later = identified(person)
    assert later.get(f"{BASE}proofs/{proof.number}.pdf").status_code == 404


# -- intake on the kiosk channel ----------------------------------------------------------


def test_items_are_the_kiosk_enabled_ones_found_by_pinyin():
    page = _page(terminal().get(f"{BASE}apply/?q=gt"))
    assert GETIHU in page and "企业设立登记" not in page
    everything = _page(terminal().get(f"{BASE}apply/"))
    assert "企业设立登记" in everything and "食品经营许可" not in everything


def test_an_item_not_offered_here_is_404(identified):
    client = identified(_person())
    food = item("食品经营许可", CHONGYANG).code
    assert client.get(f"{BASE}apply/{food}/").status_code == 404
    city_item = item(GETIHU, "421200000000").code
    assert client.get(f"{BASE}apply/{city_item}/").status_code == 404


def test_kiosk_intake_goes_through_the_one_intake_service(today, identified):
    person = _person()
    client = identified(person)
    code = item(GETIHU, CHONGYANG).code
    before = Case.objects.count()
    incomplete = client.post(f"{BASE}apply/{code}/", {"consent": "1"})
    assert incomplete.status_code == 422 and "一次性告知" in _page(incomplete)
    assert Case.objects.count() == before
    needs = cases.preview(
        person, cases.plan_for(item_code=code), actor=cases.Actor.of_applicant(person)
    )
    files = {
        f"file-{n.key}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
        for n, state in needs
        if state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
    }
    response = client.post(
        f"{BASE}apply/{code}/",
        {"consent": "1", "delivery_method": "electronic", "form-scope": "日用百货", **files},
    )
    assert response.status_code == 302, _page(response)[:3000]
    case = Case.objects.get(applicant=person, item__code=code)
    assert response["Location"] == f"{BASE}cases/{case.case_no}/"
    assert case.channel == Channel.KIOSK and case.status == Status.SUBMITTED
    assert case.intake_region_id == Kiosk.objects.get(code=KIOSK).hall.region_id
    assert case.form["scope"] == "日用百货"  # the 营业执照's 经营范围, asked once
    assert client.get(response["Location"]).status_code == 200


def test_a_bad_scan_is_refused_on_the_form(today, identified):
    person = _person()
    client = identified(person)
    code = item(GETIHU, CHONGYANG).code
    plan = cases.plan_for(item_code=code)
    key = next(n.key for n in plan.needs if n.source == "applicant")
    fake = SimpleUploadedFile("scan.pdf", EXE, "application/pdf")
    response = client.post(f"{BASE}apply/{code}/", {"consent": "1", f"file-{key}": fake})
    assert response.status_code == 422 and 'name="consent"' in _page(response)
    assert not Case.objects.filter(applicant=person).exists()


# -- the terminal's upkeep and language ---------------------------------------------------


def test_a_terminal_code_must_be_reachable():
    from ninhaoban.core.errors import InvalidInput
    from ninhaoban.kiosk.services import register_kiosk
    from ninhaoban.regions.models import ServiceHall

    hall = ServiceHall.objects.get(region_id=CHONGYANG, name="崇阳县政务服务中心")
    for code in ("search", "a/b", "", "x" * 33, "终端"):
        with pytest.raises(InvalidInput):
            register_kiosk(code=code, hall=hall, name="3号自助终端")
    kiosk = register_kiosk(code="CY-ZWZX-03", hall=hall, name="3号自助终端")
    assert enrolled(kiosk.code).get(f"/kiosk/{kiosk.code}/").status_code == 200
    assert LedgerSubject.objects.filter(subject="kiosk:CY-ZWZX-03").exists()


def test_the_terminal_speaks_english_after_the_switch():
    client = terminal()
    client.cookies["django_language"] = "en"
    page = _page(client.get(BASE))
    assert "Check case progress" in page and "Exit" in page
