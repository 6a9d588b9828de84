"""The signed forms of licences and proofs, and their verification.

The payload is rebuilt from the stored row every time it is checked, never read back from a
stored copy: a changed field, holder, date or issuer in the database therefore breaks the
signature instead of being vouched for. The status is deliberately outside the payload, so
that revoking a licence does not need the signing key and is told by the verifier instead.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ninhaoban.ledger.signing import Signature, keyring
from ninhaoban.licences.models import Licence, LicenceStatus, Proof


def licence_payload(licence: Licence) -> dict[str, Any]:
    holder, issuer, kind = licence.holder, licence.issuer, licence.licence_type
    return {
        "doc": "licence",
        "v": 1,
        "id": licence.identifier,
        "type": kind.code,
        "type_name": kind.name,
        "holder_kind": holder.kind,
        "holder_id": holder.identifier,
        "holder_name": holder.name,
        "issuer": issuer.uscc,
        "issuer_name": issuer.name,
        "fields": licence.fields,
        "issued_on": licence.issued_on.isoformat(),
        "expires_on": licence.expires_on.isoformat() if licence.expires_on else None,
        "case_ref": licence.case_ref,
    }


def proof_payload(proof: Proof) -> dict[str, Any]:
    holder, issuer = proof.holder, proof.issuer
    return {
        "doc": "proof",
        "v": 1,
        "number": proof.number,
        "kind": proof.kind,
        "holder_kind": holder.kind,
        "holder_id": holder.identifier,
        "holder_name": holder.name,
        "issuer": issuer.uscc,
        "issuer_name": issuer.name,
        "data": proof.data,
        "issued_at": proof.issued_at.isoformat(timespec="seconds"),
        "valid_until": proof.valid_until.isoformat(),
        "query": proof.data_query_id,
    }


@dataclass(frozen=True)
class Verdict:
    """What a verifier tells: is the signature ours, and is the document still in force."""

    genuine: bool
    state: str  # valid, suspended, revoked, cancelled, expired, forged
    label_zh: str
    label_en: str

    @property
    def in_force(self) -> bool:
        return self.genuine and self.state == "valid"


STATES: dict[str, tuple[str, str, str]] = {
    LicenceStatus.VALID: ("valid", "有效", "Valid"),
    LicenceStatus.SUSPENDED: ("suspended", "暂扣", "Suspended"),
    LicenceStatus.REVOKED: ("revoked", "已撤销", "Revoked"),
    LicenceStatus.CANCELLED: ("cancelled", "已注销", "Cancelled"),
    LicenceStatus.EXPIRED: ("expired", "已失效", "Expired"),
}
FORGED = Verdict(False, "forged", "签名无效（内容被篡改或非本平台签发）", "Signature invalid")


def effective_status(licence: Licence, today: dt.date | None = None) -> str:
    """A valid licence past its expiry date is 失效 even before any job marks it."""
    today = today or dt.date.today()
    if licence.status == LicenceStatus.VALID and licence.expires_on and licence.expires_on < today:
        return LicenceStatus.EXPIRED
    return licence.status


def verify_licence(licence: Licence, today: dt.date | None = None) -> Verdict:
    signature = Signature(licence.key_id, licence.signature)
    if not keyring().verify(licence_payload(licence), signature):
        return FORGED
    return Verdict(True, *STATES[effective_status(licence, today)])


def verify_proof(proof: Proof, today: dt.date | None = None) -> Verdict:
    if not keyring().verify(proof_payload(proof), Signature(proof.key_id, proof.signature)):
        return FORGED
    if proof.revoked:
        return Verdict(True, "revoked", "已作废", "revoked")
    if proof.valid_until < (today or dt.date.today()):
        return Verdict(True, "expired", "已过有效期", "expired")
    return Verdict(True, "valid", "有效", "Valid")
