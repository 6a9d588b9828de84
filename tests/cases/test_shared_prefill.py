"""一表申请 prefill from shared data: asked only after the applicant's own consent (用共享数据预填),
which belongs to the applicant (no case exists yet) with the purpose 预填; each query traced
with that purpose, each value marked with its source; withdrawn, nothing more is asked."""

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import Case
from ninhaoban.cases.services import oneform
from ninhaoban.catalog import oneform as catalog_oneform
from ninhaoban.core.errors import InvalidInput
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.models import PREFILL, Consent, DataQuery
from ninhaoban.exchange.sandbox import records
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.test_one_form import _clean_exchange_state, sandbox, sources, world

__all__ = ["_clean_exchange_state", "sandbox", "sources", "world"]

pytestmark = pytest.mark.django_db

BUNDLE = "tuixiu"


def insured() -> Applicant:
    for person in Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk"):
        if records.insurance_record(person.identifier, person.name):
            return person
    raise AssertionError("no demo person has an insurance record")


def fields() -> list[catalog_oneform.Field]:
    return catalog_oneform.fields_for(services.plan_for(bundle_code=BUNDLE).versions)


def client_of(person: Applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(person))
    return client


def test_without_consent_no_department_is_asked(world):
    person = insured()
    page = client_of(person).get(f"/apply/?bundle={BUNDLE}").content.decode()
    assert "用共享数据预填" in page
    known = oneform.known_values(person, fields(), actor=person.subject, role="system")
    assert "insured_unit" not in known and "applicant_name" in known
    assert not DataQuery.objects.filter(applicant=person, data_key="hrss.insurance_record").exists()


def test_consent_fills_the_form_from_shared_data_traced_as_prefill(world):
    person = insured()
    expected = records.insurance_record(person.identifier, person.name)
    client = client_of(person)
    response = client.post("/apply/prefill/", {"bundle": BUNDLE, "action": "consent"})
    assert response.status_code == 302 and response["Location"].startswith("/apply/?bundle=")
    consent = Consent.objects.get(applicant=person, purpose=PREFILL)
    assert (consent.case_ref, consent.kiosk_session) == ("", "")
    assert consent.data_keys == ["hrss.insurance_record"]
    assert LedgerEntry.objects.filter(kind="exchange.consent_granted").exists()
    page = client.get(response["Location"]).content.decode()
    assert f'value="{expected["insured_unit"]}"' in page
    assert f'value="{expected["months"]}"' in page
    assert "已预填：共享数据：社会保险个人参保缴费记录（经本人同意）" in page
    asked = DataQuery.objects.get(applicant=person, data_key="hrss.insurance_record")
    assert (asked.purpose, asked.case_ref, asked.consent_id) == (PREFILL, "", consent.pk)
    assert asked.outcome == "ok"


def test_a_shared_value_corrected_is_flagged_and_withdrawal_stops_the_queries(world):
    person = insured()
    client = client_of(person)
    client.post("/apply/prefill/", {"bundle": BUNDLE, "action": "consent"})
    known = oneform.known_values(person, fields(), actor=person.subject, role="system")
    typed = {k: v.value for k, v in known.items()}
    typed.update(insured_unit="咸宁市另一家公司", retire_date="2026-12-31", pension_bank="6222")
    data = {"bundle": BUNDLE, "consent": "1", **{f"form-{k}": v for k, v in typed.items()}}
    response = client.post("/apply/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(applicant=person, parent__isnull=True)
    assert case.form["corrected"] == ["insured_unit"]
    assert case.form["prefilled"]["insured_months"].startswith("共享数据")
    # withdrawn: the page offers consent again and asks no department
    assert (
        client.post("/apply/prefill/", {"bundle": BUNDLE, "action": "withdraw"}).status_code == 302
    )
    before = DataQuery.objects.filter(applicant=person, purpose=PREFILL).count()
    page = client.get(f"/apply/?bundle={BUNDLE}").content.decode()
    assert "用共享数据预填" in page
    assert DataQuery.objects.filter(applicant=person, purpose=PREFILL).count() == before


def test_bad_prefill_requests_are_refused_in_both_languages(world):
    person = insured()
    client = client_of(person)
    # nothing to withdraw
    response = client.post("/apply/prefill/", {"bundle": BUNDLE, "action": "withdraw"})
    assert response.status_code == 422
    # a form with no shared-data field
    response = client.post("/apply/prefill/", {"bundle": "qiye-kaiban", "action": "consent"})
    assert response.status_code == 422 and "没有可用共享数据预填" in response.content.decode()
    assert not Consent.objects.filter(applicant=person).exists()
    # a prefill consent never belongs to a case
    with pytest.raises(InvalidInput) as refused:
        exchange.grant_consent(
            applicant=person,
            data_keys=["hrss.insurance_record"],
            channel="online",
            case_ref="X1",
            purpose=PREFILL,
        )
    assert refused.value.message_en
    # without consent a prefill query is refused and traced as such
    result = exchange.fetch_shared_data(
        applicant=person,
        data_key="hrss.insurance_record",
        purpose=PREFILL,
        actor=person.subject,
        role="applicant",
    )
    assert not result.available and result.outcome == "no_consent"
