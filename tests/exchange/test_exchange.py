import json
import urllib.request

import pytest

from ninhaoban.accounts.models import Applicant
from ninhaoban.exchange import services
from ninhaoban.exchange.models import SELF, DataAuthorization, DataQuery, Outcome
from ninhaoban.exchange.sandbox import records
from ninhaoban.exchange.services import BREAKER
from ninhaoban.ledger.models import LedgerSubject

pytestmark = pytest.mark.django_db

INSURANCE = "hrss.insurance_record"


def _person() -> Applicant:
    """A demo person of working age whom the sandbox's 人社 system knows."""
    for person in Applicant.objects.filter(kind="person").order_by("pk"):
        if records.insurance_record(person.identifier, person.name):
            return person
    raise AssertionError("no insured demo person")


def _kiosk(person: Applicant, data_key: str = INSURANCE, session: str = "kiosk-1") -> str:
    services.grant_consent(
        applicant=person, data_keys=[data_key], channel="kiosk", kiosk_session=session
    )
    return session


def _fetch(person: Applicant, session: str | None = "kiosk-1", **extra):
    args = {
        "applicant": person,
        "data_key": INSURANCE,
        "purpose": "打印社保缴费证明",
        "actor": person.subject,
        "role": SELF,
        "kiosk_session": session,
        **extra,
    }
    return services.fetch_shared_data(**args)


def _control(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/_control", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_sandbox_records_are_deterministic_and_fit_the_person():
    person = _person()
    first = records.insurance_record(person.identifier, person.name)
    assert first == records.insurance_record(person.identifier, person.name)
    assert first["name"] == person.name and first["months"] >= 12
    org = Applicant.objects.filter(kind="organization").first()
    assert records.insurance_record(org.identifier, org.name) is None
    assert records.business_registration(org.identifier, org.name)["uscc"] == org.identifier


def test_query_with_consent_returns_data_and_leaves_trace_and_ledger(sources):
    person = _person()
    result = _fetch(person, _kiosk(person))
    assert result.available and result.outcome == Outcome.OK
    assert result.data == records.insurance_record(person.identifier, person.name)
    trace = DataQuery.objects.get(pk=result.query_id)
    assert trace.applicant == person and trace.kiosk_session == "kiosk-1"
    assert trace.consent is not None and trace.source.key == "hrss"
    assert len(trace.request_digest) == 64 and len(trace.response_digest) == 64
    entry = LedgerSubject.objects.filter(subject=person.subject, entry__kind="exchange.query")
    assert entry.count() == 1
    assert person.identifier not in entry.get().entry.body


def test_query_not_allowed_for_the_item_is_refused_and_traced(sources):
    person = _person()
    services.grant_consent(
        applicant=person, data_keys=[INSURANCE], channel="online", case_ref="CASE-1"
    )
    services.authorize(data_key=INSURANCE, item_code="ITEM-OK", role="clerk")
    refused = _fetch(person, None, case_ref="CASE-1", item_code="ITEM-OTHER", role="clerk")
    assert not refused.available and refused.outcome == Outcome.REFUSED
    assert "未获授权" in refused.message_zh and not refused.fallback
    allowed = _fetch(person, None, case_ref="CASE-1", item_code="ITEM-OK", role="clerk")
    assert allowed.available
    wrong_role = _fetch(person, None, case_ref="CASE-1", item_code="ITEM-OK", role="approver")
    assert wrong_role.outcome == Outcome.REFUSED
    outcomes = list(
        DataQuery.objects.filter(applicant=person).order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.REFUSED, Outcome.OK, Outcome.REFUSED]
    assert (
        LedgerSubject.objects.filter(subject="case:CASE-1", entry__kind="exchange.query").count()
        == 3
    )


def test_inactive_authorization_refuses(sources):
    person = _person()
    DataAuthorization.objects.filter(data_key=INSURANCE, role=SELF).update(active=False)
    assert _fetch(person, _kiosk(person)).outcome == Outcome.REFUSED


def test_no_consent_no_query(sources):
    person = _person()
    assert _fetch(person, "kiosk-without-consent").outcome == Outcome.NO_CONSENT
    _kiosk(person, "housing_fund.deposit_record")
    assert _fetch(person).outcome == Outcome.NO_CONSENT  # consent for other data
    consent = services.grant_consent(
        applicant=person, data_keys=[INSURANCE], channel="kiosk", kiosk_session="k2"
    )
    services.revoke_consent(consent)
    assert _fetch(person, "k2").outcome == Outcome.NO_CONSENT
    assert DataQuery.objects.filter(applicant=person, outcome=Outcome.NO_CONSENT).count() == 3


def test_department_down_falls_back_and_opens_the_breaker(sources, settings):
    person = _person()
    session = _kiosk(person)
    _control(sources, {"down": ["hrss"]})
    for _ in range(BREAKER.threshold):
        result = _fetch(person, session)
        assert result.outcome == Outcome.DOWN and result.fallback
        assert "容缺" in result.message_zh
    assert BREAKER.is_open("hrss")
    _control(sources, {"up": ["hrss"]})
    result = _fetch(person, session)  # still open: answered without asking the department
    assert result.outcome == Outcome.DOWN and "circuit open" in result.message_en
    assert DataQuery.objects.filter(applicant=person).count() == BREAKER.threshold + 1


def test_breaker_lets_a_trial_through_after_the_cooldown(sources, monkeypatch):
    person = _person()
    session = _kiosk(person)
    monkeypatch.setattr(BREAKER, "cooldown_s", 0)
    _control(sources, {"down": ["hrss"]})
    for _ in range(BREAKER.threshold):
        _fetch(person, session)
    _control(sources, {"up": ["hrss"]})
    assert _fetch(person, session).available
    assert not BREAKER.is_open("hrss")


def test_slow_department_times_out_instead_of_waiting(sources):
    """The sandbox answers after 3 s; with a 150 ms timeout the query must give up first."""
    person = _person()
    session = _kiosk(person)
    services.register_source(
        key="hrss",
        name="人社局社会保险系统",
        department_type="hrss",
        endpoint=f"{sources}/hrss",
        offers=[INSURANCE],
        timeout_ms=150,
    )
    _control(sources, {"latency_ms": 3000})
    result = _fetch(person, session)
    assert result.outcome == Outcome.TIMEOUT and result.fallback
    assert "150毫秒" in result.message_zh


def test_unreachable_department_is_down(sources):
    person = _person()
    services.register_source(
        key="hrss",
        name="人社局社会保险系统",
        department_type="hrss",
        endpoint="http://127.0.0.1:9/hrss",
        offers=[INSURANCE],
    )
    assert _fetch(person, _kiosk(person)).outcome == Outcome.DOWN


def test_no_record_is_not_a_fallback(sources):
    org = Applicant.objects.filter(kind="organization").first()
    _kiosk(org)
    result = _fetch(org)
    assert result.outcome == Outcome.NO_RECORD and not result.fallback


def test_bad_input_is_refused_before_anything_is_written(sources):
    person = _person()
    before = DataQuery.objects.count()
    with pytest.raises(Exception) as caught:
        _fetch(person, data_key="nope.nothing")
    assert caught.value.status == 422
    with pytest.raises(Exception) as caught:
        _fetch(person, purpose=" ")
    assert caught.value.status == 422
    with pytest.raises(Exception) as caught:
        services.grant_consent(applicant=person, data_keys=[INSURANCE], channel="kiosk")
    assert caught.value.status == 422
    assert DataQuery.objects.count() == before


def test_sandbox_control_and_health(sandbox):
    with urllib.request.urlopen(f"{sandbox.url}/healthz", timeout=5) as response:
        assert "public_security" in json.loads(response.read())["departments"]
    assert _control(sandbox.url, {"down": ["market"], "latency_ms": 5}) == {
        "down": ["market"],
        "latency_ms": 5,
    }


def test_sandbox_command_serves_on_a_free_loopback_port():
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "ninhaoban", "sandbox", "--port", str(port), "--down", "hrss"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # a process that loads Django: seconds on a quiet machine, far more on a busy one
        for _ in range(600):
            try:
                state = _control(f"http://127.0.0.1:{port}", {})
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the sandbox did not start")
        assert state["down"] == ["hrss"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_malformed_endpoint_is_refused(sources):
    with pytest.raises(Exception) as caught:
        services.register_source(
            key="hrss",
            name="人社",
            department_type="hrss",
            endpoint="ftp://example/hrss",
            offers=[INSURANCE],
        )
    assert caught.value.status == 422
