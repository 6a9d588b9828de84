"""Data queries at intake only with recorded consent, only once the case exists, and a failed
lookup that says nothing about what a department holds on the person."""

import base64
import json

import pytest

from ninhaoban.cases import services
from ninhaoban.cases.models import Case, Channel, MaterialState, Notice, Status
from ninhaoban.cases.services import Actor, Incomplete
from ninhaoban.demo import licences as demo_licences
from ninhaoban.exchange.models import Consent, ConsentBasis, DataQuery
from ninhaoban.exchange.sandbox.records import RECORDS
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import CHONGYANG, files_for, item, person, staff, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
MARRY, HOUSEHOLD = "结婚登记", "居民户口簿"


@pytest.fixture
def rights(sources: str) -> None:
    demo_licences.seed_catalog_rights()


def _uploads() -> dict:
    """Every document but the household register, which the department is asked for."""
    return {k: v for k, v in files_for(MARRY, CHONGYANG).items() if not k.startswith("data:")}


def _api_submit(staff_client, applicant, **extra) -> dict:
    body = {
        "item": item(MARRY, CHONGYANG).code,
        "applicant": applicant.identifier,
        "files": {
            key: {"name": f.name, "content_base64": base64.b64encode(f.data).decode()}
            for key, f in _uploads().items()
        },
        **extra,
    }
    response = staff_client("clerk.chongyang").post(
        "/api/v1/cases/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _household(case_no: str):
    return Case.objects.get(case_no=case_no).materials.get(name=HOUSEHOLD)


def test_the_api_asks_no_department_without_consent(rights, staff_client):
    applicant = person(4)
    queries = DataQuery.objects.filter(applicant=applicant).count()
    answer = _api_submit(staff_client, applicant)
    assert DataQuery.objects.filter(applicant=applicant).count() == queries
    assert not Consent.objects.filter(case_ref=answer["case_no"]).exists()
    row = _household(answer["case_no"])
    assert row.state == MaterialState.MISSING and "同意" in row.note
    assert answer["status"] == Status.CORRECTION


def test_a_clerks_attestation_is_the_recorded_consent(rights, staff_client):
    applicant = person(5)
    answer = _api_submit(staff_client, applicant, consent=True)
    case_no = answer["case_no"]
    consent = Consent.objects.get(case_ref=case_no)
    clerk = staff("clerk.chongyang")
    assert consent.applicant == applicant and consent.basis == ConsentBasis.ATTESTED
    assert consent.attested_by == clerk.ledger
    granted = LedgerEntry.objects.get(
        kind="exchange.consent_granted", subjects__subject=f"case:{case_no}"
    )
    assert json.loads(granted.body)["actor"] == clerk.ledger
    assert _household(case_no).state == MaterialState.SHARED
    traces = DataQuery.objects.filter(case_ref=case_no)
    assert traces.exists() and all(t.consent_id == consent.pk for t in traces)


def test_a_refused_application_leaves_no_consent_and_no_query(rights):
    applicant = person(6)
    consents, queries = (
        Consent.objects.filter(applicant=applicant).count(),
        DataQuery.objects.filter(applicant=applicant).count(),
    )
    with pytest.raises(Incomplete):
        services.submit(
            actor=Actor.of_applicant(applicant),
            applicant=applicant,
            channel=Channel.ONLINE,
            item_code=item(MARRY, CHONGYANG).code,
            consent=True,
        )
    assert Consent.objects.filter(applicant=applicant).count() == consents
    assert DataQuery.objects.filter(applicant=applicant).count() == queries
    orphans = Consent.objects.exclude(case_ref="").exclude(
        case_ref__in=Case.objects.values("case_no")
    )
    assert not orphans.exists()
    assert (
        not DataQuery.objects.exclude(case_ref="")
        .exclude(case_ref__in=Case.objects.values("case_no"))
        .exists()
    )


def test_a_failed_lookup_does_not_tell_what_the_department_holds(rights, sandbox, monkeypatch):
    def apply(applicant):
        return services.submit(
            actor=staff("clerk.chongyang"),
            applicant=applicant,
            channel=Channel.WINDOW,
            item_code=item(MARRY, CHONGYANG).code,
            files=_uploads(),
            consent=True,
        )

    monkeypatch.setitem(RECORDS, "public_security.household", lambda identifier, name: None)
    no_record = apply(person(7))
    monkeypatch.undo()
    with sandbox.state.lock:
        sandbox.state.down.add("public_security")
    down = apply(person(8))
    notes = [_household(c.case_no).note for c in (no_record, down)]
    assert notes[0] == notes[1] and "没有" not in notes[0]
    problems = [Notice.objects.get(case__case_no=c.case_no).problems for c in (no_record, down)]
    assert problems[0] == problems[1]
