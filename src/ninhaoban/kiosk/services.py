"""The only writers of the kiosk tables: terminals and the sessions people open on them."""

import datetime as dt
import hashlib
import hmac
import io
import json
import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.selectors import check_mandate
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import Conflict, InvalidInput, TooLarge
from ninhaoban.kiosk.models import (
    CallState,
    IdentityDevices,
    Kiosk,
    KioskSession,
    KioskSignature,
    Side,
    SignalKind,
    VideoCall,
    VideoSignal,
)
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


# 视窗服务 signalling: an SDP with its host candidates is a few kilobytes; a call that needs
# more messages than this is not a call any more.
SIGNAL_MAX_BYTES = 32_000
SIGNALS_PER_CALL = 200
SENDS = {
    Side.TERMINAL: {SignalKind.OFFER, SignalKind.CANDIDATE, SignalKind.BYE},
    Side.CLERK: {SignalKind.ANSWER, SignalKind.CANDIDATE, SignalKind.BYE},
}
PUSHES = {"guide", "form"}


@transaction.atomic
def start_call(kiosk: Kiosk) -> VideoCall:
    """The terminal calls its hall's clerks; a call it left open is ended first (one call
    per terminal at a time)."""
    for open_call in VideoCall.objects.select_for_update().filter(
        kiosk=kiosk, state__in=[CallState.RINGING, CallState.ANSWERED]
    ):
        _end(open_call, f"kiosk:{kiosk.code}", "replaced")
    call = VideoCall.objects.create(kiosk=kiosk, call_id=uuid.uuid4().hex)
    record(
        "kiosk.video_call_started",
        [f"kiosk:{kiosk.code}", f"video_call:{call.call_id}"],
        f"kiosk:{kiosk.code}",
        {"call": call.call_id},
    )
    return call


@transaction.atomic
def answer_call(call: VideoCall, clerk: str) -> VideoCall:
    """A clerk takes the call; a second clerk, or a call already over, is told so."""
    row = VideoCall.objects.select_for_update().get(pk=call.pk)
    if row.state == CallState.ANSWERED and row.clerk == clerk:
        return row
    if row.state != CallState.RINGING:
        raise Conflict("该呼叫已被接听或已结束", "the call was taken by someone else or is over")
    row.state, row.clerk, row.answered_at = CallState.ANSWERED, clerk, timezone.now()
    row.save(update_fields=["state", "clerk", "answered_at"])
    record(
        "kiosk.video_call_answered",
        [f"kiosk:{row.kiosk.code}", f"video_call:{row.call_id}"],
        clerk,
        {"call": row.call_id},
    )
    return row


def _check_open(call: VideoCall, sender: str, clerk: str = "") -> None:
    if call.state == CallState.ENDED:
        raise Conflict("通话已结束", "the call is over")
    if sender == Side.CLERK and (call.state != CallState.ANSWERED or call.clerk != clerk):
        raise Conflict("请先接听该呼叫", "answer the call first")


@transaction.atomic
def send_signal(
    call: VideoCall, sender: str, kind: str, body: object, *, clerk: str = ""
) -> VideoSignal:
    """One signalling message from one side to the other (SDP offer or answer, an ICE
    candidate, or bye). Checked for shape and size; bye ends the call."""
    call = VideoCall.objects.select_for_update().select_related("kiosk").get(pk=call.pk)
    _check_open(call, sender, clerk)
    if kind not in SENDS[Side(sender)]:
        raise InvalidInput(
            f"不支持的信令类型：{kind[:16]}", f"unknown signal kind: {kind[:16]}", field="kind"
        )
    if not isinstance(body, dict):
        raise InvalidInput("信令内容应为对象", "a signal's body is an object", field="body")
    if len(json.dumps(body)) > SIGNAL_MAX_BYTES:
        raise TooLarge("信令内容过大", "the signal is too large")
    if kind in (SignalKind.OFFER, SignalKind.ANSWER) and not isinstance(body.get("sdp"), str):
        raise InvalidInput("缺少会话描述（SDP）", "the SDP is missing", field="sdp")
    if call.signals.count() >= SIGNALS_PER_CALL:
        raise Conflict("本次通话信令过多，请重新呼叫", "too many signals: call again")
    signal = VideoSignal.objects.create(call=call, sender=sender, kind=kind, body=body)
    if kind == SignalKind.BYE:
        _end(call, clerk or f"kiosk:{call.kiosk.code}", sender)
    return signal


@transaction.atomic
def push_to_terminal(
    call: VideoCall, clerk: str, what: str, version: ServiceItemVersion
) -> VideoSignal:
    """The clerk puts an item's guide, or its application form, on the terminal's screen.
    The caller has checked that the terminal offers the item."""
    call = VideoCall.objects.select_for_update().select_related("kiosk").get(pk=call.pk)
    _check_open(call, Side.CLERK, clerk)
    if what not in PUSHES:
        raise InvalidInput("请选择推送办事指南或申请表", "push a guide or a form", field="what")
    signal = VideoSignal.objects.create(
        call=call,
        sender=Side.CLERK,
        kind=SignalKind.PUSH,
        body={"what": what, "item": version.item.code, "name": version.name},
    )
    record(
        "kiosk.video_pushed",
        [f"kiosk:{call.kiosk.code}", f"video_call:{call.call_id}"],
        clerk,
        {"call": call.call_id, "what": what, "item": version.item.code},
    )
    return signal


def _end(call: VideoCall, actor: str, reason: str) -> None:
    ended = VideoCall.objects.filter(pk=call.pk).exclude(state=CallState.ENDED)
    if ended.update(state=CallState.ENDED, ended_at=timezone.now()):
        call.state = CallState.ENDED
        record(
            "kiosk.video_call_ended",
            [f"kiosk:{call.kiosk.code}", f"video_call:{call.call_id}"],
            actor,
            {"call": call.call_id, "by": reason},
        )


@transaction.atomic
def end_call(call: VideoCall, actor: str, by: str) -> None:
    """挂断 by either side, or the terminal's page left."""
    _end(call, actor, by)


# -- identity devices ----------------------------------------------------------------------

SIGNATURE_MAX_BYTES = 200_000


@transaction.atomic
def set_identity_devices(kiosk: Kiosk, devices: str, *, actor: str) -> Kiosk:
    """Which identity check the terminal offers first (the SMS code stays the fallback)."""
    if devices not in IdentityDevices.values:
        raise InvalidInput(
            "请选择身份核验设备", "choose the identity devices", field="identity_devices"
        )
    kiosk.identity_devices = devices
    kiosk.save(update_fields=["identity_devices"])
    record("kiosk.devices_set", f"kiosk:{kiosk.code}", actor, {"devices": devices})
    return kiosk


def refuse_face(kiosk: Kiosk, card_digest: str, score: float, threshold: float) -> None:
    """A face that does not match the card: logged (by the card read's digest, never the
    number), committed before the terminal shows the refusal."""
    with transaction.atomic():
        record(
            "kiosk.face_refused",
            f"kiosk:{kiosk.code}",
            f"kiosk:{kiosk.code}",
            {"card": card_digest, "score": f"{score:.3f}", "threshold": f"{threshold:.3f}"},
        )


def _signature_png(data: bytes) -> bytes:
    """A PNG the pad drew, with something drawn on it."""
    bad = InvalidInput("请在签名板上签名", "please sign on the pad", field="signature")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise bad
    if len(data) > SIGNATURE_MAX_BYTES:
        raise TooLarge("签名图像过大", "the signature image is too large")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise bad from None
    if image.width > 2000 or image.height > 2000:
        raise TooLarge("签名图像过大", "the signature image is too large")
    if image.convert("RGBA").getchannel("A").getbbox() is None:
        raise bad
    return data


@transaction.atomic
def open_session_by_devices(
    kiosk: Kiosk,
    applicant: Applicant,
    *,
    card_digest: str,
    face_score: float,
    fingerprint_sha256: str,
    signature: bytes,
) -> tuple[KioskSession, str]:
    """After the card, the face and the finger: the session, with the person's signature
    kept and its SHA-256 a subject of the ledger entry (whoever holds the image finds the
    entry by it); the fingerprint template itself is kept nowhere, its hash in the entry's
    payload."""
    image = _signature_png(signature)
    session, token = open_session(kiosk, applicant, IdentityDevices.SIMULATOR)
    sha = hashlib.sha256(image).hexdigest()
    KioskSignature.objects.create(session=session, image=image, sha256=sha)
    record(
        "kiosk.identified_by_devices",
        [
            applicant.subject,
            f"kiosk:{kiosk.code}",
            f"kiosk_session:{session.session_id}",
            f"signature:{sha}",
        ],
        applicant.subject,
        {
            "session": session.session_id,
            "card": card_digest,
            "face_score": f"{face_score:.3f}",
            "fingerprint_sha256": fingerprint_sha256,
            "signature_sha256": sha,
        },
    )
    return session, token


@transaction.atomic
def act_for(session: KioskSession, organization: Applicant | None, day: dt.date) -> KioskSession:
    """正在代表 at the terminal: the identified person acts for a company under a mandate in
    force today (403 why not), or for themself again (None). Applying and 我的办件 are then
    the company's, every act recorded as the person's for it."""
    if organization is not None:
        check_mandate(session.applicant, organization, [], day)
    session.acting_for = organization
    session.save(update_fields=["acting_for"])
    record(
        "kiosk.acting_for",
        [session.applicant.subject, *([organization.subject] if organization else [])],
        session.applicant.subject,
        {"session": session.session_id, "for": organization.subject if organization else ""},
    )
    return session
