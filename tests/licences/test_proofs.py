import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.core.errors import Conflict, Forbidden
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.models import SELF, DataQuery, Outcome
from ninhaoban.exchange.sandbox import records
from ninhaoban.ledger.models import LedgerSubject
from ninhaoban.licences import services
from ninhaoban.licences.documents import proof_pdf, proof_verify_url
from ninhaoban.licences.models import Proof, ProofKind
from ninhaoban.licences.payloads import verify_proof
from ninhaoban.licences.proofs import SPECS
from tests.exchange.test_exchange import _control
from tests.licences.test_licences import _pdf_qr, _pdf_text

pytestmark = pytest.mark.django_db


def _person(record, want=True) -> Applicant:
    for person in Applicant.objects.filter(kind="person").order_by("pk"):
        if bool(record(person.identifier, person.name)) == want:
            return person
    raise AssertionError("no such demo person")


def _kiosk_proof(applicant: Applicant, kind: str, session: str = "kiosk-7") -> Proof:
    exchange.grant_consent(
        applicant=applicant,
        data_keys=[SPECS[kind].data_key],
        channel="kiosk",
        kiosk_session=session,
    )
    return services.issue_proof(
        applicant=applicant,
        kind=kind,
        purpose="自助打印",
        actor=applicant.subject,
        role=SELF,
        kiosk_session=session,
    )


def test_kiosk_social_insurance_proof(sources, tmp_path):
    person = _person(records.insurance_record)
    proof = _kiosk_proof(person, ProofKind.SOCIAL_INSURANCE)
    assert verify_proof(proof).in_force
    assert proof.issuer.dept_type == "hrss"
    assert proof.issuer.region.code[:6] == person.region_id[:6]
    assert DataQuery.objects.get(pk=proof.data_query_id).outcome == Outcome.OK
    assert LedgerSubject.objects.filter(subject=f"proof:{proof.number}").exists()
    pdf = proof_pdf(proof)
    text = _pdf_text(pdf, tmp_path)
    assert "社会保险个人参保缴费证明" in text and person.name in text
    assert f"累计缴费{proof.data['months']}个月" in text.replace(" ", "").replace("\n", "")
    assert _pdf_qr(pdf, tmp_path) == [proof_verify_url(proof)]


@pytest.mark.parametrize(
    ("kind", "record", "phrase"),
    [
        (ProofKind.HOUSING_FUND, records.deposit_record, "住房公积金缴存证明"),
        (ProofKind.HOUSEHOLD, records.household, "户籍证明"),
        (ProofKind.PROPERTY_RECORD, records.property_record, "不动产登记查询结果"),
    ],
)
def test_person_proofs(sources, tmp_path, kind, record, phrase):
    person = _person(record)
    proof = _kiosk_proof(person, kind)
    assert phrase in _pdf_text(proof_pdf(proof), tmp_path)


def test_no_property_proof_only_without_property(sources):
    def owns(identifier, name):
        return records.no_property(identifier, name)["has_property"]

    with_house = _person(owns)
    with pytest.raises(Conflict):
        _kiosk_proof(with_house, ProofKind.NO_PROPERTY)
    without = _person(owns, want=False)
    assert _kiosk_proof(without, ProofKind.NO_PROPERTY).data["has_property"] is False


def test_business_registration_proof(sources, tmp_path):
    org = Applicant.objects.filter(kind="organization").first()
    proof = _kiosk_proof(org, ProofKind.BUSINESS_REGISTRATION)
    assert org.identifier in _pdf_text(proof_pdf(proof), tmp_path)


def test_tampered_or_revoked_proof(sources, client):
    person = _person(records.household)
    proof = _kiosk_proof(person, ProofKind.HOUSEHOLD)
    page = client.get(f"/verify/proofs/{proof.number}/").content.decode()
    assert "有效" in page and person.display_name in page and person.identifier not in page
    Proof.objects.filter(pk=proof.pk).update(
        data={**proof.data, "address": proof.data["address"] + "1"}
    )
    assert verify_proof(Proof.objects.get(pk=proof.pk)).state == "forged"
    services.revoke_proof(proof, reason="打印错误", actor="staff:1")
    Proof.objects.filter(pk=proof.pk).update(data=proof.data)
    assert verify_proof(Proof.objects.get(pk=proof.pk)).state == "revoked"


def test_proof_without_consent_is_refused(sources):
    person = _person(records.household)
    with pytest.raises(Forbidden):
        services.issue_proof(
            applicant=person,
            kind=ProofKind.HOUSEHOLD,
            purpose="自助打印",
            actor=person.subject,
            role=SELF,
            kiosk_session="no-consent",
        )
    assert not Proof.objects.exists()


def test_department_down_means_no_proof_and_says_so(sources):
    person = _person(records.household)
    _control(sources, {"down": ["public_security"]})
    with pytest.raises(services.DataUnavailable) as caught:
        _kiosk_proof(person, ProofKind.HOUSEHOLD)
    assert caught.value.status == 503 and "暂时无法连接" in caught.value.message_zh
    assert not Proof.objects.exists()


def test_my_proofs_page_issues_a_pdf(sources):
    person = _person(records.household)
    client = Client()
    client.force_login(ensure_applicant_user(person))
    page = client.get("/my/proofs/").content.decode()
    assert "户籍证明" in page and "营业执照信息" not in page
    refused = client.post("/my/proofs/", {"kind": "household", "purpose": "落户"})
    assert refused.status_code == 422 and not Proof.objects.exists()
    made = client.post("/my/proofs/", {"kind": "household", "purpose": "落户", "consent": "yes"})
    assert made.status_code == 302
    pdf = client.get(made["Location"])
    assert pdf.content.startswith(b"%PDF")
    proof = Proof.objects.get()
    assert proof.purpose == "落户" and proof.holder == person
    printed = DataQuery.objects.filter(applicant=person, data_key="proof:household")
    assert printed.get().purpose == "打印证明"
