"""A CAPTCHA of five digits, drawn and spoken here by the `captcha` package (no outside
service): the image for most people, the same digits as speech for whoever cannot see it.

The answer lives in the server-side session and is good for one try: a wrong or a right
answer alike starts a new challenge.
"""

import hmac
import secrets

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

SESSION_KEY = "nhb_captcha"
DIGITS = 5


def _answer(request: HttpRequest) -> str:
    current = request.session.get(SESSION_KEY) or {}
    if not current.get("answer"):
        current = {"answer": "".join(secrets.choice("0123456789") for _ in range(DIGITS))}
        request.session[SESSION_KEY] = current
    return current["answer"]


def new_challenge(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def check_captcha(request: HttpRequest, given: str) -> bool:
    expected = (request.session.pop(SESSION_KEY, None) or {}).get("answer", "")
    given = "".join(ch for ch in (given or "") if not ch.isspace())
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode()[:16])


def _uncached(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    add_never_cache_headers(response)
    return response


def captcha_image(request: HttpRequest) -> HttpResponse:
    return _uncached(ImageCaptcha().generate(_answer(request)).getvalue(), "image/png")


def captcha_audio(request: HttpRequest) -> HttpResponse:
    return _uncached(bytes(AudioCaptcha().generate(_answer(request))), "audio/wav")
