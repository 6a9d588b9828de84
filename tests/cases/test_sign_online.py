"""在线签署: the 申请书 of an online application is signed by a code sent to the applicant's
phone (the accounts service's SMS codes and limits); the PDF then names the time, the masked
phone and the SHA-256 of what was signed, which the ledger entry holds as a subject."""

import pytest
from django.test import Client

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services, written
from ninhaoban.cases.models import Case, MaterialState
from ninhaoban.cases.services import Actor, signing
from ninhaoban.core.errors import Conflict
from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.ledger.models import LedgerEntry, LedgerSubject
from tests.cases.test_one_form import (
    BUNDLE,
    _clean_exchange_state,
    _post,
    _text,
    company_form,
    owner,
    sandbox,
    sources,
    world,
)

__all__ = ["_clean_exchange_state", "sandbox", "sources", "world"]

pytestmark = pytest.mark.django_db


def applied() -> tuple[Client, Case]:
    person = owner()
    plan = services.plan_for(bundle_code=BUNDLE)
    client, response = _post(
        person, company_form(person), template=[n.key for n in plan.needs if n.template]
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client, Case.objects.get(applicant=person, parent__isnull=True)


def code_sent(client: Client, case: Case) -> str:
    LogProvider.sent.clear()
    response = client.post(f"/cases/{case.case_no}/sign/code/")
    assert response.status_code == 302
    (message,) = LogProvider.sent
    assert message.phone == case.applicant.phone and "签署申请书" in message.subject
    return message.secret


def test_the_applicant_signs_every_written_document_with_one_code(world):
    client, case = applied()
    page = client.get(f"/cases/{case.case_no}/").content.decode()
    assert "待签署" in page and "获取签署验证码" in page
    row = case.materials.filter(state=MaterialState.GENERATED).first()
    before = _text(client.get(f"/cases/{case.case_no}/written/{row.pk}.pdf").content)
    assert "尚待以短信验证码确认签署" in before
    code = code_sent(client, case)
    response = client.post(f"/cases/{case.case_no}/sign/", {"code": code})
    assert response.status_code == 302
    rows = list(written.written_materials(case))
    assert rows and all(m.signed_at and m.signed_phone for m in rows)
    phone = mask_phone(case.applicant.phone)
    assert {m.signed_phone for m in rows} == {phone}
    for m in rows:
        assert m.signed_digest == written.content_digest(case, m)
    entry = LedgerEntry.objects.get(kind="case.written_signed")
    subjects = set(LedgerSubject.objects.filter(entry=entry).values_list("subject", flat=True))
    assert f"case:{case.case_no}" in subjects
    assert {f"sha256:{m.signed_digest}" for m in rows} <= subjects
    row.refresh_from_db()
    after = _text(client.get(f"/cases/{case.case_no}/written/{row.pk}.pdf").content)
    assert phone in after and "短信验证码在线确认" in after
    assert row.signed_digest[:16] in after.replace("\n", "")
    assert "已签署" in client.get(f"/cases/{case.case_no}/").content.decode()
    # signed once: nothing left, a second code is refused
    again = client.post(f"/cases/{case.case_no}/sign/code/")
    assert again.status_code == 409 and "没有待签署" in again.content.decode()


def test_a_wrong_or_malformed_code_signs_nothing(world):
    client, case = applied()
    code = code_sent(client, case)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(f"/cases/{case.case_no}/sign/", {"code": wrong})
    assert response.status_code == 403 and "验证码错误或已过期" in response.content.decode()
    response = client.post(f"/cases/{case.case_no}/sign/", {"code": "abc"})
    assert response.status_code == 422 and "6位短信验证码" in response.content.decode()
    assert not [m for m in written.written_materials(case) if m.signed_at]
    assert not LedgerEntry.objects.filter(kind="case.written_signed").exists()
    # a second code within a minute meets the SMS limits
    again = client.post(f"/cases/{case.case_no}/sign/code/")
    assert again.status_code == 429 and "一分钟" in again.content.decode()


def test_only_the_applicants_own_online_case_is_signed_by_sms(world):
    _, case = applied()
    Case.objects.filter(pk=case.pk).update(channel="window")
    case.refresh_from_db()
    assert signing.unsigned(case) == []
    with pytest.raises(Conflict) as refused:
        signing.send_code(case, Actor.of_applicant(case.applicant), source=None)  # type: ignore[arg-type]
    assert refused.value.message_en
    stranger = Client()
    other = next(
        p for p in type(case.applicant).objects.filter(kind="person") if p.pk != case.applicant.pk
    )
    stranger.force_login(ensure_applicant_user(other))
    assert stranger.post(f"/cases/{case.case_no}/sign/code/").status_code == 404
