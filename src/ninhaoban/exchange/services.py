"""Asking department systems for an applicant's data: authorized, consented, traced.

The order of checks follows X-Road and the EU once-only technical system: the access right
of the (service item, role) pair first, then the applicant's consent, then the department.
Whatever the outcome, refused ones included, a `DataQuery` row and a ledger entry record it
in one transaction, written after the department has answered so that no database lock is
held while waiting on another system.
"""

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant, ApplicantKind, AssuranceLevel, subject_digest
from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.accounts.sources import Source
from ninhaoban.core.canonical import digest
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput, Unavailable
from ninhaoban.core.idnumbers import parse_id_number
from ninhaoban.exchange.adapters import HttpJsonAdapter, SourceTimeout, SourceUnavailable
from ninhaoban.exchange.breaker import CircuitBreaker
from ninhaoban.exchange.datasets import DATA_SETS, data_set_name
from ninhaoban.exchange.models import (
    PREFILL,
    SELF,
    Consent,
    ConsentBasis,
    DataAuthorization,
    DataQuery,
    DataSource,
    Outcome,
)
from ninhaoban.exchange.selectors import authorization_codes
from ninhaoban.ledger.services import record

BREAKER = CircuitBreaker(
    settings.NHB_EXCHANGE_BREAKER_FAILURES, settings.NHB_EXCHANGE_BREAKER_SECONDS
)
FALLBACK_ZH = "请上传材料或申请容缺受理"
FALLBACK_EN = "upload the document instead or ask for deferred submission (容缺受理)"


@dataclass(frozen=True)
class SharedDataResult:
    """What intake needs to decide: use the data (免提交) or fall back to an upload/容缺."""

    available: bool
    query_id: int
    outcome: str
    data: dict[str, Any] = field(default_factory=dict)
    message_zh: str = ""
    message_en: str = ""
    fallback: bool = False  # True: the applicant may upload or ask for 容缺 instead


def _check_data_key(data_key: str) -> None:
    if data_key not in DATA_SETS:
        raise InvalidInput(
            f"未知的共享数据：{data_key}", f"unknown shared data set: {data_key}", field="data_key"
        )


@transaction.atomic
def register_source(
    *,
    key: str,
    name: str,
    department_type: str,
    endpoint: str,
    offers: Iterable[str],
    timeout_ms: int | None = None,
    enabled: bool = True,
    actor: str = "system",
) -> DataSource:
    offers = sorted(set(offers))
    for data_key in offers:
        _check_data_key(data_key)
    try:
        HttpJsonAdapter(endpoint, 1)
    except ValueError:
        raise InvalidInput(
            f"接口地址应为http(s)网址：{endpoint}",
            f"the endpoint must be an http(s) URL: {endpoint}",
            field="endpoint",
        ) from None
    source, _ = DataSource.objects.update_or_create(
        key=key,
        defaults={
            "name": name,
            "department_type": department_type,
            "endpoint": endpoint,
            "offers": offers,
            "timeout_ms": timeout_ms or settings.NHB_EXCHANGE_TIMEOUT_MS,
            "enabled": enabled,
        },
    )
    record(
        "exchange.source_registered",
        f"source:{key}",
        actor,
        {"endpoint": endpoint, "offers": offers, "timeout_ms": source.timeout_ms},
    )
    return source


@transaction.atomic
def authorize(
    *, data_key: str, item_code: str, role: str, purpose: str = "", actor: str = "system"
) -> DataAuthorization:
    _check_data_key(data_key)
    row, _ = DataAuthorization.objects.update_or_create(
        data_key=data_key,
        item_code=item_code,
        role=role,
        defaults={"purpose": purpose, "active": True},
    )
    record(
        "exchange.authorized",
        f"data:{data_key}",
        actor,
        {"item_code": item_code, "role": role, "purpose": purpose},
    )
    return row


@transaction.atomic
def grant_consent(
    *,
    applicant: Applicant,
    data_keys: Iterable[str],
    channel: str,
    case_ref: str = "",
    kiosk_session: str = "",
    minutes: int | None = None,
    basis: str = ConsentBasis.SESSION,
    attested_by: str = "",
    purpose: str = "",
) -> Consent:
    """The applicant agrees, for one application or one kiosk session, to named data sets:
    signed in themselves, identified at a kiosk, or (ATTESTED) in person at a window, where
    the clerk who confirmed it is named and is the ledger entry's actor. A consent with
    `purpose` PREFILL belongs to neither: the applicant, before any application exists, asks
    their own form to be filled from these data sets (queries traced with that purpose)."""
    keys = sorted(set(data_keys))
    for data_key in keys:
        _check_data_key(data_key)
    if purpose not in ("", PREFILL):
        raise InvalidInput(f"未知的同意用途：{purpose}", f"unknown consent purpose: {purpose}")
    if purpose == PREFILL and (case_ref or kiosk_session or not keys):
        raise InvalidInput(
            "预填同意只属于申请人本人，须列出数据",
            "a prefill consent belongs to the applicant alone and names its data sets",
            field="consent",
        )
    if not purpose and bool(case_ref) == bool(kiosk_session):
        raise InvalidInput(
            "同意须对应一个办件或一次终端会话",
            "a consent belongs to exactly one application or one kiosk session",
        )
    if basis not in ConsentBasis.values or (basis == ConsentBasis.ATTESTED) != bool(attested_by):
        raise InvalidInput(
            "同意须注明方式，窗口确认须注明确认人",
            "a consent names its basis, and a window attestation the clerk who made it",
            field="consent",
        )
    consent = Consent.objects.create(
        applicant=applicant,
        data_keys=keys,
        case_ref=case_ref,
        kiosk_session=kiosk_session,
        purpose=purpose,
        channel=channel,
        basis=basis,
        attested_by=attested_by,
        expires_at=timezone.now() + dt.timedelta(minutes=minutes or settings.NHB_CONSENT_MINUTES),
    )
    subjects = [applicant.subject] + ([f"case:{case_ref}"] if case_ref else [])
    record(
        "exchange.consent_granted",
        subjects,
        attested_by or applicant.subject,
        {
            "consent": consent.pk,
            "data_keys": keys,
            "channel": channel,
            "basis": basis,
            "purpose": purpose,
        },
    )
    return consent


@transaction.atomic
def revoke_consent(consent: Consent) -> None:
    Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(
        "exchange.consent_revoked",
        consent.applicant.subject,
        consent.applicant.subject,
        {"consent": consent.pk},
    )


def _consent_for(
    applicant: Applicant, data_key: str, case_ref: str, kiosk_session: str, purpose: str
) -> Consent | None:
    """The live consent that covers this query: the case's, the kiosk session's, or, for a
    query whose purpose is PREFILL and that has neither, the applicant's prefill consent."""
    rows = Consent.objects.filter(
        applicant=applicant, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    if case_ref:
        rows = rows.filter(case_ref=case_ref)
    elif kiosk_session:
        rows = rows.filter(kiosk_session=kiosk_session)
    elif purpose == PREFILL:
        rows = rows.filter(purpose=PREFILL, case_ref="", kiosk_session="")
    else:
        return None
    return next((c for c in rows.order_by("-pk") if data_key in c.data_keys), None)


@transaction.atomic
def _trace(
    *,
    actor: str,
    role: str,
    applicant: Applicant | None,
    data_key: str,
    purpose: str,
    outcome: str,
    request_digest: str,
    source: DataSource | None = None,
    item_code: str = "",
    case_ref: str = "",
    kiosk_session: str = "",
    consent: Consent | None = None,
    response_digest: str = "",
    duration_ms: int = 0,
    subject: str = "",
) -> DataQuery:
    query = DataQuery.objects.create(
        actor=actor,
        role=role,
        applicant=applicant,
        data_key=data_key,
        source=source,
        item_code=item_code,
        case_ref=case_ref,
        kiosk_session=kiosk_session,
        purpose=purpose,
        consent=consent,
        outcome=outcome,
        request_digest=request_digest,
        response_digest=response_digest,
        duration_ms=duration_ms,
    )
    who = applicant.subject if applicant is not None else subject
    subjects = [who] + ([f"case:{case_ref}"] if case_ref else [])
    record(
        "exchange.query",
        subjects,
        actor,
        {
            "query": query.pk,
            "data_key": data_key,
            "outcome": outcome,
            "item_code": item_code,
            "kiosk_session": kiosk_session,
            "request_digest": request_digest,
            "response_digest": response_digest,
        },
    )
    return query


def trace_read(
    *,
    actor: str,
    role: str,
    applicant: Applicant,
    data_key: str,
    purpose: str,
    case_ref: str = "",
    kiosk_session: str = "",
) -> DataQuery:
    """Record a read of data the platform already holds (a licence viewed, a QR scanned)."""
    request = {"data_key": data_key, "subject": applicant.subject, "purpose": purpose}
    return _trace(
        actor=actor,
        role=role,
        applicant=applicant,
        data_key=data_key,
        purpose=purpose,
        outcome=Outcome.READ,
        request_digest=digest(request),
        case_ref=case_ref,
        kiosk_session=kiosk_session,
    )


def fetch_shared_data(
    *,
    applicant: Applicant,
    data_key: str,
    purpose: str,
    actor: str,
    role: str,
    item_code: str | None = None,
    case_ref: str | None = None,
    kiosk_session: str | None = None,
) -> SharedDataResult:
    _check_data_key(data_key)
    if not (purpose or "").strip():
        raise InvalidInput("查询须说明用途", "a query must state its purpose", field="purpose")
    item_code, case_ref, kiosk_session = item_code or "", case_ref or "", kiosk_session or ""
    name = data_set_name(data_key)
    request = {
        "request_id": uuid.uuid4().hex,
        "data_key": data_key,
        "identifier": applicant.identifier,
        "name": applicant.name,
    }
    common: dict[str, Any] = {
        "actor": actor,
        "role": role,
        "applicant": applicant,
        "data_key": data_key,
        "purpose": purpose,
        "item_code": item_code,
        "case_ref": case_ref,
        "kiosk_session": kiosk_session,
        "request_digest": digest(request),
    }

    def refuse(outcome: str, zh: str, en: str, **extra: Any) -> SharedDataResult:
        query = _trace(outcome=outcome, **common, **extra)
        fallback = outcome in (Outcome.DOWN, Outcome.TIMEOUT, Outcome.NO_SOURCE)
        if fallback:
            zh, en = f"{zh}，{FALLBACK_ZH}", f"{en}; {FALLBACK_EN}"
        return SharedDataResult(False, query.pk, outcome, {}, zh, en, fallback)

    allowed = DataAuthorization.objects.filter(
        data_key=data_key, item_code__in=authorization_codes(item_code), role=role, active=True
    ).exists()
    if not allowed:
        where = f"事项{item_code}" if item_code else "自助查询"
        where_en = f"item {item_code}" if item_code else "self-service"
        return refuse(
            Outcome.REFUSED,
            f"{where}未获授权以该角色查询{name}",
            f"{where_en} is not authorized to ask for {data_key} in role {role}",
        )
    consent = _consent_for(applicant, data_key, case_ref, kiosk_session, purpose)
    if consent is None:
        return refuse(
            Outcome.NO_CONSENT,
            f"申请人尚未同意查询其{name}",
            f"the applicant has not consented to a query of {data_key}",
        )
    source = next(
        (s for s in DataSource.objects.filter(enabled=True) if data_key in s.offers), None
    )
    if source is None:
        return refuse(
            Outcome.NO_SOURCE,
            f"暂无提供{name}的部门系统",
            f"no department system offers {data_key}",
            consent=consent,
        )
    common.update(consent=consent, source=source)
    if not BREAKER.allow(source.key):
        return refuse(
            Outcome.DOWN,
            f"{source.name}暂时无法连接",
            f"{source.name} is unavailable (circuit open)",
        )
    started = time.monotonic()
    try:
        answer = HttpJsonAdapter(source.endpoint, source.timeout_ms).query(request)
    except SourceTimeout:
        BREAKER.failed(source.key)
        return refuse(
            Outcome.TIMEOUT,
            f"{source.name}在{source.timeout_ms}毫秒内未响应",
            f"{source.name} did not answer within {source.timeout_ms} ms",
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    except SourceUnavailable:
        BREAKER.failed(source.key)
        return refuse(
            Outcome.DOWN,
            f"{source.name}暂时无法连接",
            f"{source.name} is unavailable",
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    BREAKER.succeeded(source.key)
    elapsed = int((time.monotonic() - started) * 1000)
    response_digest = hashlib.sha256(answer.raw).hexdigest()
    if not answer.found:
        return refuse(
            Outcome.NO_RECORD,
            f"{source.name}没有该申请人的{name}",
            f"{source.name} holds no {data_key} for this applicant",
            response_digest=response_digest,
            duration_ms=elapsed,
        )
    query = _trace(
        outcome=Outcome.OK, response_digest=response_digest, duration_ms=elapsed, **common
    )
    return SharedDataResult(True, query.pk, Outcome.OK, answer.record)


@transaction.atomic
def withdraw_authorization(row: DataAuthorization, *, actor: str) -> None:
    DataAuthorization.objects.filter(pk=row.pk).update(active=False)
    record(
        "exchange.authorization_withdrawn",
        f"data:{row.data_key}",
        actor,
        {"item_code": row.item_code, "role": row.role},
    )


IDENTITY_KEY = "public_security.identity"
IDENTITY_PURPOSE = "实名注册身份核验"


@dataclass(frozen=True)
class IdentityCheck:
    matched: bool
    query_id: int


def verify_identity(*, id_number: str, name: str, actor: str, role: str) -> IdentityCheck:
    """身份核验 before an account exists: the 公安 population register says whether the name
    and the number belong together. The person is not an applicant yet, so the trace names
    them only by the ledger's digest of the number; the consent is the box they ticked on
    the registration form, checked by the caller. A department that does not answer is an
    `Unavailable`, never a guess."""
    number = parse_id_number(id_number).number
    matched, query_id, _ = ask_register(
        IDENTITY_KEY,
        {"identifier": number, "name": name},
        subject=f"{ApplicantKind.PERSON}:{subject_digest(number)}",
        actor=actor,
        role=role,
        purpose=IDENTITY_PURPOSE,
        unavailable=Unavailable(
            "公安身份核验暂时无法连接，请稍后再试或持身份证到窗口办理",
            "the identity check of the public security register is unavailable: "
            "try again later or bring your ID card to a window",
        ),
    )
    return IdentityCheck(matched, query_id)


def ask_register(
    data_key: str,
    asked: dict[str, str],
    *,
    subject: str,
    actor: str,
    role: str,
    purpose: str,
    unavailable: Unavailable,
) -> tuple[bool, int, dict[str, Any]]:
    """A register's yes-or-no check (and the record that comes with a yes), traced like any
    query under the digest `subject`, allowed only to a role authorized for `data_key`."""
    request = {"request_id": uuid.uuid4().hex, "data_key": data_key, **asked}
    common: dict[str, Any] = {
        "actor": actor,
        "role": role,
        "applicant": None,
        "subject": subject,
        "data_key": data_key,
        "purpose": purpose,
        "request_digest": digest(request),
    }
    allowed = DataAuthorization.objects.filter(
        data_key=data_key, item_code="", role=role, active=True
    ).exists()
    if not allowed:
        _trace(outcome=Outcome.REFUSED, **common)
        raise Forbidden(
            f"未获授权进行{data_set_name(data_key)}", f"role {role} may not ask {data_key}"
        )
    source = next(
        (s for s in DataSource.objects.filter(enabled=True) if data_key in s.offers), None
    )
    if source is None or not BREAKER.allow(source.key):
        _trace(outcome=Outcome.NO_SOURCE if source is None else Outcome.DOWN, **common)
        raise unavailable
    common["source"] = source
    started = time.monotonic()
    try:
        answer = HttpJsonAdapter(source.endpoint, source.timeout_ms).query(request)
    except SourceUnavailable as exc:
        BREAKER.failed(source.key)
        outcome = Outcome.TIMEOUT if isinstance(exc, SourceTimeout) else Outcome.DOWN
        _trace(outcome=outcome, duration_ms=int((time.monotonic() - started) * 1000), **common)
        raise unavailable from None
    BREAKER.succeeded(source.key)
    matched = answer.found and answer.record.get("match") is True
    query = _trace(
        outcome=Outcome.OK if matched else Outcome.NO_RECORD,
        response_digest=hashlib.sha256(answer.raw).hexdigest(),
        duration_ms=int((time.monotonic() - started) * 1000),
        **common,
    )
    return matched, query.pk, dict(answer.record) if matched else {}


@dataclass(frozen=True)
class PendingRegistration:
    """A registration whose identity the register confirmed and whose phone has been sent a
    code: kept in the session between the two steps, never in a table."""

    id_number: str
    name: str
    phone: str
    query_id: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "phone": self.phone,
            "query_id": self.query_id,
        }

    @classmethod
    def from_dict(cls, data: Any) -> "PendingRegistration | None":
        try:
            return cls(
                str(data["id_number"]), str(data["name"]), str(data["phone"]), int(data["query_id"])
            )
        except (TypeError, KeyError, ValueError):
            return None


def begin_registration(
    *, id_number: str, name: str, phone: str, consent: bool, source: Source
) -> PendingRegistration:
    """实名注册, step one (portal and kiosk): a well-formed, new number; the box that allows
    the check ticked; the 公安 register confirms that name and number belong together; then
    a code goes to the phone. A mismatch or a known number writes no account."""
    number = parse_id_number(id_number).number
    name = (name or "").strip()
    if not name or len(name) > 32:
        raise InvalidInput("请填写身份证上的姓名", "enter the name on the ID card", field="name")
    phone = accounts.check_phone(phone)
    if not phone:
        raise InvalidInput("请填写手机号码", "enter a mobile number", field="phone")
    if not consent:
        raise InvalidInput(
            "须同意向公安部门核验您的身份信息才能注册",
            "registration needs your consent to check your identity with the public "
            "security register",
            field="consent",
        )
    if person_by_number(number) is not None:
        raise Conflict(
            "该身份证号码已注册，请直接登录；如非本人注册，请持身份证到窗口处理",
            "this ID number is already registered: sign in, or bring your ID card to a "
            "window if you did not register it",
            field="id_number",
        )
    actor = f"{ApplicantKind.PERSON}:{subject_digest(number)}"
    check = verify_identity(id_number=number, name=name, actor=actor, role=SELF)
    if not check.matched:
        raise InvalidInput(
            "姓名与身份证号码不一致，请核对后重新填写",
            "the name and the ID number do not match the register: check both",
            field="name",
        )
    accounts.send_registration_code(number, phone, source)
    return PendingRegistration(number, name, phone, check.query_id)


def complete_registration(pending: PendingRegistration, *, code: str, source: Source) -> Applicant:
    """Step two: the code proves the phone; the person is registered at 基本实名 (number and
    name checked by the register), in the county their number names or else the city."""
    return accounts.register_with_code(
        id_number=pending.id_number,
        name=pending.name,
        phone=pending.phone,
        code=code,
        source=source,
        assurance=AssuranceLevel.BASIC,
        evidence={"identity_query": pending.query_id},
    )
