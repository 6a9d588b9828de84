"""The only writers of the kiosk tables: terminals and the sessions people open on them."""

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import Applicant
from ninhaoban.core.errors import InvalidInput
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import ServiceHall

# /kiosk/search/ is 智能导办's large-type page; a terminal with that code could not be reached.
RESERVED_CODES = {"search"}
ENROLMENT_MINUTES = 30
# wrong codes typed before the code is void: 5 guesses at 10^8 codes
ENROLMENT_TRIES = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def register_kiosk(
    *,
    code: str,
    hall: ServiceHall,
    name: str,
    active: bool = True,
    new: bool = False,
    actor: str = "system",
) -> Kiosk:
    """Set a terminal up (or change it): the code becomes part of its pages' addresses.
    `new`: refuse a code already in use, so adding a terminal never takes another over."""
    code = (code or "").strip()
    if (
        not code
        or len(code) > 32
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in code)
    ):
        raise InvalidInput(
            "终端编号应为1至32位字母、数字或连字符",
            "a terminal code has 1 to 32 letters, digits or hyphens",
            field="code",
        )
    if code.lower() in RESERVED_CODES:
        raise InvalidInput(
            f"终端编号{code}与其他页面地址冲突",
            f"{code} is the address of another page",
            field="code",
        )
    if not (name or "").strip():
        raise InvalidInput("终端名称不能为空", "the terminal needs a name", field="name")
    if new and Kiosk.objects.filter(code=code).exists():
        raise InvalidInput(
            f"终端编号{code}已被使用", f"terminal code {code} is taken", field="code"
        )
    kiosk, _ = Kiosk.objects.update_or_create(
        code=code, defaults={"hall": hall, "name": name.strip(), "active": active}
    )
    record(
        "kiosk.registered",
        f"kiosk:{code}",
        actor,
        {"hall": hall.pk, "name": kiosk.name, "active": active},
    )
    return kiosk


@transaction.atomic
def open_session(kiosk: Kiosk, applicant: Applicant, method: str) -> tuple[KioskSession, str]:
    """After the identity check: a new session and the secret the browser keeps for it."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    session = KioskSession.objects.create(
        kiosk=kiosk,
        session_id=f"kiosk-{kiosk.code}-{uuid.uuid4().hex[:16]}",
        token_hash=token_hash(token),
        applicant=applicant,
        method=method,
        last_seen=now,
    )
    record(
        "kiosk.session_started",
        [applicant.subject, f"kiosk:{kiosk.code}", f"kiosk_session:{session.session_id}"],
        applicant.subject,
        {"session": session.session_id, "method": method},
    )
    return session, token


def touch(session: KioskSession) -> None:
    """Move the idle deadline on. Not a ledger entry: like the website session's sliding
    expiry it changes no fact, only when the session will run out."""
    now = timezone.now()
    KioskSession.objects.filter(pk=session.pk).update(last_seen=now)
    session.last_seen = now


@transaction.atomic
def end_session(session: KioskSession, reason: str) -> None:
    """退出, or the next person starting: the session is over, whatever its idle time."""
    ended = KioskSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if ended:
        record(
            "kiosk.session_ended",
            [
                session.applicant.subject,
                f"kiosk:{session.kiosk.code}",
                f"kiosk_session:{session.session_id}",
            ],
            session.applicant.subject,
            {"session": session.session_id, "reason": reason},
        )


def _enrolment_hash(kiosk: Kiosk, code: str) -> str:
    return token_hash(f"{kiosk.code}:{code.strip()}")


@transaction.atomic
def issue_enrolment_code(
    kiosk: Kiosk, *, actor: str, minutes: int = ENROLMENT_MINUTES
) -> tuple[str, dt.datetime]:
    """A one-time code that makes the browser typing it at /kiosk/<code>/enrol/ this
    terminal (the browser enrolled before stops being it), and when it expires. Only its
    hash is kept; a new code voids the one before. A switched-off terminal gets none."""
    if not kiosk.active:
        raise InvalidInput("停用的终端不能安装，请先启用", "switch the terminal on first")
    code = f"{secrets.randbelow(10**8):08d}"
    kiosk.enrolment_hash = _enrolment_hash(kiosk, code)
    kiosk.enrolment_expires = timezone.now() + dt.timedelta(minutes=minutes)
    kiosk.enrolment_failures = 0
    kiosk.save(update_fields=["enrolment_hash", "enrolment_expires", "enrolment_failures"])
    record(
        "kiosk.enrolment_issued",
        f"kiosk:{kiosk.code}",
        actor,
        {"expires": kiosk.enrolment_expires.isoformat()},
    )
    return code, kiosk.enrolment_expires


def enrol(kiosk: Kiosk, code: str) -> str:
    """The device key the terminal's browser keeps from now on, for the live code; a wrong
    code is counted (and stays counted: the refusal comes after the commit), and the
    ENROLMENT_TRIES-th wrong one voids the code."""
    key = ""
    with transaction.atomic():
        row = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        expires = row.enrolment_expires
        live = bool(row.enrolment_hash) and expires is not None and expires > timezone.now()
        if live and hmac.compare_digest(row.enrolment_hash, _enrolment_hash(row, code or "")):
            key = secrets.token_urlsafe(32)
            row.device_hash = token_hash(key)
            row.enrolment_hash, row.enrolment_expires, row.enrolment_failures = "", None, 0
            record("kiosk.enrolled", f"kiosk:{row.code}", f"kiosk:{row.code}", {})
        elif live:
            row.enrolment_failures += 1
            if row.enrolment_failures >= ENROLMENT_TRIES:
                row.enrolment_hash, row.enrolment_expires = "", None
                record("kiosk.enrolment_voided", f"kiosk:{row.code}", "system", {})
        row.save(
            update_fields=[
                "device_hash",
                "enrolment_hash",
                "enrolment_expires",
                "enrolment_failures",
            ]
        )
    if not key:
        raise InvalidInput(
            "安装码不正确或已失效，请向管理员重新申领",
            "the enrolment code is wrong or no longer valid: ask an administrator for a new one",
            field="code",
        )
    return key
