"""Issuing, signing and revoking licences; issuing proofs from department data.

Every change is signed (when it changes what a document says) and recorded in the ledger in
the same transaction; a licence or proof that failed half-way never exists.
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.core.canonical import canonical_json
from ninhaoban.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.models import SELF, ConsentBasis, Outcome
from ninhaoban.i18n import english
from ninhaoban.ledger.services import record
from ninhaoban.ledger.signing import keyring
from ninhaoban.licences import schema
from ninhaoban.licences.identifiers import make_licence_id, parse_licence_id
from ninhaoban.licences.models import (
    Licence,
    LicenceSerial,
    LicenceStatus,
    LicenceType,
    Proof,
    ProofKind,
)
from ninhaoban.licences.payloads import licence_payload, proof_payload
from ninhaoban.licences.proofs import SPECS
from ninhaoban.regions.models import Department
from ninhaoban.regions.selectors import nearest_department

PROOF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread


class DataUnavailable(DomainError):
    """The department's data cannot be had right now: the applicant should try again later
    or use another way (an upload, 容缺)."""

    status = 503
    code = "data_unavailable"


def _expiry(issued_on: dt.date, years: int) -> dt.date | None:
    if not years:
        return None
    try:
        end = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        end = issued_on.replace(year=issued_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def _check_fields(kind: LicenceType, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields the type's schema names, in its order: a licence carries nothing else (an
    application's note, other form entries). Every required field must be filled."""
    if not isinstance(fields, dict):
        raise InvalidInput("照面信息应为键值对", "fields must be a mapping", field="fields")
    lacking = schema.missing(kind, fields)
    if lacking:
        raise InvalidInput(
            f"{kind.name}缺少照面项：{'、'.join(f.zh for f in lacking)}",
            f"the licence lacks: {', '.join(f.en or f.zh for f in lacking)}",
            field="fields",
        )
    kept = {
        f.key: fields[f.key]
        for f in schema.schema(kind)
        if f.key in fields and fields[f.key] not in ("", None)
    }
    try:
        canonical_json(kept)
    except TypeError as exc:
        raise InvalidInput(
            "照面信息含有无法签名的值（如小数）", f"fields cannot be signed: {exc}", field="fields"
        ) from None
    return kept


@transaction.atomic
def issue_licence(
    *,
    licence_type_code: str,
    holder: Applicant,
    fields: dict[str, Any],
    issuer_department: Department,
    case_ref: str | None = None,
    actor: str,
    issued_on: dt.date | None = None,
) -> Licence:
    kind = LicenceType.objects.filter(code=licence_type_code).first()
    if kind is None:
        raise NotFound(f"证照类型{licence_type_code}不存在", f"no licence type {licence_type_code}")
    if kind.holder_kind and holder.kind != kind.holder_kind:
        raise InvalidInput(
            f"{kind.name}的持证主体应为{kind.get_holder_kind_display()}",
            f"this licence is held by: {english(ApplicantKind(kind.holder_kind).label)}",
            field="holder",
        )
    if issuer_department.dept_type != kind.issuing_department_type:
        raise InvalidInput(
            f"{kind.name}应由{kind.get_issuing_department_type_display()}颁发",
            f"this licence is issued by: {english(kind.get_issuing_department_type_display())}",
            field="issuer_department",
        )
    fields = _check_fields(kind, fields)
    counter, _ = LicenceSerial.objects.get_or_create(licence_type=kind, issuer=issuer_department)
    counter = LicenceSerial.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    identifier = make_licence_id(kind.code, issuer_department.uscc, f"{counter.last:07d}", "001")
    issued_on = issued_on or timezone.localdate()
    licence = Licence(
        identifier=str(identifier),
        licence_type=kind,
        holder=holder,
        issuer=issuer_department,
        fields=fields,
        issued_on=issued_on,
        expires_on=_expiry(issued_on, kind.validity_years),
        case_ref=case_ref or "",
    )
    signature = keyring().sign(licence_payload(licence))
    licence.key_id, licence.signature = signature.key_id, signature.value
    licence.save()
    subjects = [f"licence:{licence.identifier}", holder.subject]
    if case_ref:
        subjects.append(f"case:{case_ref}")
    record(
        "licence.issued",
        subjects,
        actor,
        {"type": kind.code, "key_id": signature.key_id, "signature": signature.value},
    )
    return licence


@transaction.atomic
def amend_licence(
    licence: Licence,
    *,
    fields: dict[str, Any],
    actor: str,
    case_ref: str | None = None,
) -> Licence:
    """变更: the changed licence is a new version under the same 流水号, signed anew; the old
    version is 注销 so that exactly one version is in force. The validity does not restart."""
    current = (
        Licence.objects.select_for_update()
        .select_related("licence_type", "holder", "issuer")
        .get(pk=licence.pk)
    )
    if current.status != LicenceStatus.VALID:
        raise Conflict(
            f"证照当前为{current.get_status_display()}，不能变更",
            f"a licence that is {english(current.get_status_display())} cannot be amended",
        )
    old = parse_licence_id(current.identifier)
    version = f"{int(old.version) + 1:03d}"
    amended = Licence(
        identifier=str(make_licence_id(old.type_code, old.issuer_uscc, old.serial, version)),
        licence_type=current.licence_type,
        holder=current.holder,
        issuer=current.issuer,
        fields=_check_fields(current.licence_type, {**current.fields, **fields}),
        issued_on=timezone.localdate(),
        expires_on=current.expires_on,
        case_ref=case_ref or "",
    )
    signature = keyring().sign(licence_payload(amended))
    amended.key_id, amended.signature = signature.key_id, signature.value
    amended.save()
    change_status(
        current, LicenceStatus.CANCELLED, reason=f"变更换发{amended.identifier}", actor=actor
    )
    subjects = [f"licence:{amended.identifier}", f"licence:{current.identifier}"]
    record(
        "licence.amended",
        [*subjects, current.holder.subject, *([f"case:{case_ref}"] if case_ref else [])],
        actor,
        {"from": current.identifier, "key_id": signature.key_id, "signature": signature.value},
    )
    return amended


STAFF_STATUS_CHOICES = [
    (LicenceStatus.SUSPENDED, "暂扣"),
    (LicenceStatus.VALID, "恢复有效"),
    (LicenceStatus.REVOKED, "撤销"),
    (LicenceStatus.CANCELLED, "注销"),
]
TRANSITIONS: dict[str, set[str]] = {
    LicenceStatus.SUSPENDED: {LicenceStatus.VALID},
    LicenceStatus.VALID: {LicenceStatus.SUSPENDED},
    LicenceStatus.REVOKED: {LicenceStatus.VALID, LicenceStatus.SUSPENDED},
    LicenceStatus.CANCELLED: {LicenceStatus.VALID, LicenceStatus.SUSPENDED},
    LicenceStatus.EXPIRED: {LicenceStatus.VALID},
}


@transaction.atomic
def change_status(licence: Licence, status: str, *, reason: str, actor: str) -> Licence:
    """暂扣, 恢复, 撤销, 注销, 失效: a reason is always required and kept in the ledger."""
    if status not in TRANSITIONS:
        raise InvalidInput(f"未知的证照状态：{status}", f"unknown status {status}", field="status")
    if not (reason or "").strip():
        raise InvalidInput("须说明原因", "a reason is required", field="reason")
    current = Licence.objects.select_for_update().get(pk=licence.pk)
    if current.status not in TRANSITIONS[status]:
        raise Conflict(
            f"证照当前为{current.get_status_display()}，不能改为{LicenceStatus(status).label}",
            f"a licence in status {current.status} cannot become {status}",
        )
    previous = current.status
    current.status, current.status_reason = status, reason.strip()
    current.save(update_fields=["status", "status_reason"])
    record(
        "licence.status_changed",
        [f"licence:{current.identifier}", current.holder.subject],
        actor,
        {"from": previous, "to": status, "reason": current.status_reason},
    )
    licence.status, licence.status_reason = current.status, current.status_reason
    return licence


def revoke_licence(licence: Licence, *, reason: str, actor: str) -> Licence:
    return change_status(licence, LicenceStatus.REVOKED, reason=reason, actor=actor)


def trace_licence_read(licence: Licence, *, actor: str, role: str, purpose: str) -> None:
    """A licence was looked at (a staff view, a scan of its QR): whose, by whom, why."""
    exchange.trace_read(
        actor=actor,
        role=role,
        applicant=licence.holder,
        data_key=f"licence:{licence.licence_type.code}",
        purpose=purpose,
    )


def trace_proof_read(proof: Proof, *, actor: str, role: str, purpose: str) -> None:
    exchange.trace_read(
        actor=actor,
        role=role,
        applicant=proof.holder,
        data_key=f"proof:{proof.kind}",
        purpose=purpose,
    )


def issuing_department(applicant: Applicant, department_type: str) -> Department:
    """The department of that type nearest to the applicant's region (county, then city)."""
    found = nearest_department(applicant.region, department_type)
    if found is not None:
        return found
    raise NotFound(
        f"申请人所在区划没有{department_type}部门",
        f"no {department_type} department above the applicant's region",
    )


def _proof_number() -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    return f"ZM{day}" + "".join(secrets.choice(PROOF_ALPHABET) for _ in range(10))


UNAVAILABLE: dict[str, type[DomainError]] = {
    Outcome.REFUSED: Forbidden,
    Outcome.NO_CONSENT: Forbidden,
    Outcome.NO_RECORD: NotFound,
}


def issue_proof(
    *,
    applicant: Applicant,
    kind: str,
    purpose: str,
    actor: str,
    role: str,
    kiosk_session: str | None = None,
    case_ref: str | None = None,
    item_code: str | None = None,
) -> Proof:
    """Query the department (with consent and trace), then sign and keep the proof."""
    spec = SPECS.get(kind)
    if spec is None:
        raise InvalidInput(f"未知的证明类别：{kind}", f"unknown proof kind {kind}", field="kind")
    if applicant.kind != spec.holder_kind:
        raise InvalidInput(
            f"{ProofKind(kind).label}只为{ApplicantKind(spec.holder_kind).label}出具",
            f"a {kind} proof is for a {spec.holder_kind}",
            field="kind",
        )
    result = exchange.fetch_shared_data(
        applicant=applicant,
        data_key=spec.data_key,
        purpose=purpose,
        actor=actor,
        role=role,
        item_code=item_code,
        case_ref=case_ref,
        kiosk_session=kiosk_session,
    )
    if not result.available:
        error = UNAVAILABLE.get(result.outcome, DataUnavailable)
        raise error(result.message_zh, result.message_en)
    refusal = spec.refusal(result.data)
    if refusal:
        raise Conflict(
            refusal,
            f"the department's record does not allow a proof: {english(ProofKind(kind).label)}",
        )
    return _sign_proof(applicant, kind, result.data, result.query_id, purpose, actor)


def self_service_proof(
    *, applicant: Applicant, kind: str, purpose: str, session: str, channel: str
) -> Proof:
    """A proof the applicant asks for about themselves, at a kiosk (after the ID card and face
    check) or on the website: their request is the consent, for this one query and session."""
    spec = SPECS.get(kind)
    if spec is None:
        raise InvalidInput(f"未知的证明类别：{kind}", f"unknown proof kind {kind}", field="kind")
    exchange.grant_consent(
        applicant=applicant,
        data_keys=[spec.data_key],
        channel=channel,
        kiosk_session=session,
        basis=ConsentBasis.KIOSK if channel == "kiosk" else ConsentBasis.SESSION,
    )
    return issue_proof(
        applicant=applicant,
        kind=kind,
        purpose=purpose,
        actor=applicant.subject,
        role=SELF,
        kiosk_session=session,
    )


@transaction.atomic
def _sign_proof(
    applicant: Applicant, kind: str, data: dict[str, Any], query_id: int, purpose: str, actor: str
) -> Proof:
    now = timezone.now().replace(microsecond=0)
    proof = Proof(
        number=_proof_number(),
        kind=kind,
        holder=applicant,
        issuer=issuing_department(applicant, SPECS[kind].department_type),
        data=data,
        data_query_id=query_id,
        issued_at=now,
        valid_until=timezone.localdate(now) + dt.timedelta(days=settings.NHB_PROOF_VALID_DAYS),
        purpose=purpose,
    )
    signature = keyring().sign(proof_payload(proof))
    proof.key_id, proof.signature = signature.key_id, signature.value
    proof.save()
    record(
        "proof.issued",
        [f"proof:{proof.number}", applicant.subject],
        actor,
        {"kind": kind, "query": query_id, "key_id": signature.key_id, "signature": signature.value},
    )
    return proof


@transaction.atomic
def revoke_proof(proof: Proof, *, reason: str, actor: str) -> Proof:
    if not (reason or "").strip():
        raise InvalidInput("须说明原因", "a reason is required", field="reason")
    Proof.objects.filter(pk=proof.pk).update(revoked=True)
    proof.revoked = True
    record(
        "proof.revoked",
        [f"proof:{proof.number}", proof.holder.subject],
        actor,
        {"reason": reason.strip()},
    )
    return proof


def expire_due_licences(today: dt.date | None = None) -> int:
    """Mark 有效 licences past their expiry date as 失效, so that lists and counts agree with
    what the verifier already says; each one gets its own ledger entry."""
    today = today or timezone.localdate()
    due = Licence.objects.filter(status=LicenceStatus.VALID, expires_on__lt=today)
    count = 0
    for licence in due.select_related("holder").iterator():
        change_status(licence, LicenceStatus.EXPIRED, reason="有效期届满", actor="system")
        count += 1
    return count
