"""Who stands at the terminal: the device interface, and the one implementation here.

A certified 政务服务自助终端 reads the 居民身份证 chip and matches the face against the photo
on it. This build has no such devices, so the implementation is the honest substitute the
portal already offers: the person types their ID number and proves it is theirs with a
one-time code sent to the mobile number registered for it (the accounts service's login
code, not a second one). A card reader with face matching would implement the same two
steps: read the card and start the face match, then confirm the match.
"""

import base64
import hashlib
import json
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant
from ninhaoban.accounts.selectors import applicant_by_pk, person_by_number
from ninhaoban.accounts.sources import Source
from ninhaoban.core.idnumbers import parse_id_number

PENDING_SECONDS = 60 * accounts.LOGIN_CODE_MINUTES


class IdentityCheck(Protocol):
    """The device interface of a terminal's identity check, in two steps."""

    method: str

    def begin(self, id_number: str, source: Source) -> int | None:
        """Take the number presented and start the second factor. Returns a reference to
        the person if the number is registered, None otherwise; the screen must say the
        same either way, so that the terminal cannot be used to learn who is registered."""
        ...

    def finish(self, reference: int | None, answer: str, source: Source) -> Applicant:
        """The person, once the second factor is answered; Forbidden otherwise."""
        ...


class SmsCodeCheck:
    """Manual entry of the ID number plus the SMS login code of the accounts service."""

    method = "sms"

    def begin(self, id_number: str, source: Source) -> int | None:
        number = parse_id_number((id_number or "").strip().upper()).number
        applicant = person_by_number(number)
        known = applicant if applicant is not None and applicant.phone else None
        accounts.request_login_code(
            target=accounts.login_code_target(number),
            phone=known.phone if known else "",
            source=source,
        )
        return known.pk if known else None

    def finish(self, reference: int | None, answer: str, source: Source) -> Applicant:
        applicant = applicant_by_pk(reference) if reference else None
        accounts.check_login_code(
            applicant.phone if applicant else "",
            answer,
            source,
            target=accounts.login_code_target(applicant.identifier) if applicant else "-",
        )
        assert applicant is not None  # an empty phone never matches a code
        return applicant


IDENTITY_CHECK: IdentityCheck = SmsCodeCheck()


def _fernet() -> Fernet:
    material = f"ninhaoban.kiosk.pending:{settings.SECRET_KEY}".encode()
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material).digest()))


def pending_token(kiosk_code: str, reference: int | None) -> str:
    """What the browser carries between the two steps. Encrypted, not only signed: whether
    the reference is empty would tell whoever reads the cookie if the number is registered.
    Bound to the terminal, so a check begun at one terminal cannot be finished at another."""
    data = json.dumps({"k": kiosk_code, "r": reference or 0}).encode()
    return _fernet().encrypt(data).decode("ascii")


def read_pending(kiosk_code: str, token: str) -> tuple[bool, int | None]:
    """(whether a check was begun at this terminal and is still fresh, its reference)."""
    try:
        data = json.loads(_fernet().decrypt(token or "", ttl=PENDING_SECONDS))
    except (InvalidToken, ValueError):
        return False, None
    if not isinstance(data, dict) or data.get("k") != kiosk_code:
        return False, None
    return True, data.get("r") or None


def registration_token(kiosk_code: str, pending: dict[str, Any]) -> str:
    """实名注册 at the terminal keeps the checked details between its two steps in the
    browser, encrypted (they hold the ID number) and bound to this terminal."""
    data = json.dumps({"k": kiosk_code, "p": pending}).encode()
    return _fernet().encrypt(data).decode("ascii")


def read_registration(kiosk_code: str, token: str) -> dict[str, Any] | None:
    try:
        data = json.loads(_fernet().decrypt(token or "", ttl=PENDING_SECONDS))
    except (InvalidToken, ValueError):
        return None
    if not isinstance(data, dict) or data.get("k") != kiosk_code:
        return None
    found = data.get("p")
    return found if isinstance(found, dict) else None
