"""The only writers of the kiosk tables: terminals and the sessions people open on them."""

import hashlib
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


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def register_kiosk(
    *, code: str, hall: ServiceHall, name: str, active: bool = True, actor: str = "system"
) -> Kiosk:
    """Set a terminal up (or change it): the code becomes part of its pages' addresses."""
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
