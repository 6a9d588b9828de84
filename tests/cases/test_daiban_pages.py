"""帮办代办 through the pages: the helper's console (委托书, PDF, signature, code, apply), the
resident's 我的办件 and 我的代办委托 (revoke), the counts page; a refusal is a 4xx page in
one language that writes nothing. And an 经办人 at the window's intake page."""

import base64
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ninhaoban.accounts import services as accounts_services
from ninhaoban.accounts.models import Mandate
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseEvent
from ninhaoban.core.idnumbers import id_check_char, uscc_check_char
from ninhaoban.regions.models import Region
from tests.cases.conftest import CHONGYANG, FORMS, GETIHU, PDF, item
from tests.cases.test_daiban import DIBAO, resident, signature_png
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.django_db


def _files(key_names: list[str]) -> dict[str, SimpleUploadedFile]:
    return {f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF, "application/pdf") for k in key_names}


def _own_materials(code: str) -> list[str]:
    plan = services.plan_for(item_code=code)
    return [n.key for n in plan.needs if n.source != "government"]


def _person_client(person) -> Client:
    client = Client()
    client.force_login(accounts_services.ensure_applicant_user(person))
    return client


def test_a_helper_applies_for_a_resident_who_sees_it_and_revokes(staff_client, today):
    person = resident()
    helper = staff_client("clerk.shuanggang")
    code = item(DIBAO, CHONGYANG).code
    drafted = helper.post(
        "/console/daiban/", {"id_number": person.identifier, "items": [code], "until": "2026-10-30"}
    )
    assert drafted.status_code == 302
    mandate = Mandate.objects.get(organization=person)
    page = f"/console/daiban/{mandate.pk}/"
    assert drafted.url == page
    pdf = helper.get(f"{page}document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    drawn = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    assert helper.post(f"{page}sign/", {"signature": drawn}).status_code == 302
    wrong = helper.post(
        f"{page}confirm/", {"code": "000000" if sent_code(person.phone) != "000000" else "111111"}
    )
    assert wrong.status_code == 403 and "验证码错误" in wrong.content.decode()
    confirmed = helper.post(f"{page}confirm/", {"code": sent_code(person.phone)})
    assert confirmed.status_code == 302 and confirmed.url.endswith(f"?commission={mandate.pk}")
    intake = helper.get(confirmed.url)
    assert intake.status_code == 200 and "帮办代办：依委托书为" in intake.content.decode()
    body = {
        "step": "submit",
        "commission": mandate.pk,
        "item": code,
        "accept": "1",
        **_files(_own_materials(code)),
    }
    taken = helper.post("/console/cases/new/", body)
    assert taken.status_code == 302, taken.content.decode()[:2000]
    case = Case.objects.get(applicant=person)
    assert case.commission_id == mandate.pk
    shown = helper.get(f"/console/cases/{case.case_no}/").content.decode()
    assert "天城镇双港村便民服务站（天城镇双港村便民服务站）" in shown and "代办人" in shown

    mine = _person_client(person)
    listed = mine.get("/cases/").content.decode()
    assert case.case_no in listed and "代办人：天城镇双港村便民服务站" in listed
    assert "WT" in mine.get("/commissions/").content.decode()
    assert mine.post("/commissions/", {"mandate": mandate.pk}).status_code == 302
    refused = helper.post("/console/cases/new/", body)
    assert refused.status_code == 422 and "已被撤销" in refused.content.decode()
    assert Case.objects.filter(applicant=person).count() == 1

    counts = staff_client("supervisor.chongyang").get("/console/daiban/counts/").content.decode()
    assert 'id="daiban-total">1<' in counts and "天城镇" in counts and "双港村" in counts


def test_bad_input_on_the_helpers_page_is_a_4xx_that_writes_nothing(staff_client, today):
    helper = staff_client("clerk.shuanggang")
    before = Mandate.objects.count()
    body = "42122319600101998"
    unknown = helper.post(
        "/console/daiban/",
        {
            "id_number": body + id_check_char(body),
            "items": [item(DIBAO, CHONGYANG).code],
            "until": "2026-10-30",
        },
    )
    assert unknown.status_code == 404 and "未找到该居民" in unknown.content.decode()
    english = helper.post(
        "/console/daiban/",
        {"id_number": resident().identifier, "items": [], "until": "2026-10-30"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 422
    assert Mandate.objects.count() == before
    assert staff_client("clerk.chongyang").get("/console/daiban/").status_code == 200
    outsider = staff_client("clerk.tiancheng").get(f"/console/daiban/{before + 10**6}/")
    assert outsider.status_code == 404


def test_the_window_takes_an_application_from_a_companys_agent(staff_client, today):
    day = dt.date(2026, 9, 28)
    body = "91421223MA4" + "K00001"
    uscc = body + uscc_check_char(body)
    organization = accounts_services.register_organization(
        uscc=uscc, name="崇阳县示例商行", region=Region.objects.get(code=CHONGYANG)
    )
    boss, agent = resident(CHONGYANG, 11), resident(CHONGYANG, 12)
    accounts_services.record_representative(
        organization=organization, person=boss, day=day, evidence={}
    )
    code = item(GETIHU, CHONGYANG).code
    accounts_services.name_agent(
        organization=organization,
        representative=boss,
        agent=agent,
        items=[code],
        until=day,
        day=day,
    )
    clerk = staff_client("clerk.chongyang")
    form = {f"field-{k}": v for k, v in FORMS[GETIHU].items()}
    post = {
        "step": "submit",
        "id_number": uscc,
        "agent": agent.identifier,
        "item": code,
        **form,
        **_files(_own_materials(code)),
    }
    taken = clerk.post("/console/cases/new/", post)
    assert taken.status_code == 302, taken.content.decode()[:2000]
    event = CaseEvent.objects.get(case__applicant=organization, action="submit")
    assert "经办人" in event.actor_name and organization.name in event.actor_name
    today(day + dt.timedelta(days=1))
    late = clerk.post("/console/cases/new/", {**post, **_files(_own_materials(code))})
    assert late.status_code == 422 and Case.objects.filter(applicant=organization).count() == 1
