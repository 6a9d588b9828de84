"""身份核验 with the terminal's devices: read the ID card, match the face against its photo,
take a fingerprint, sign on the pad; then the session opens as after the SMS check. Each
step's result travels encrypted in a cookie bound to the terminal, so a step cannot be
skipped or replayed at another terminal. A face under the threshold is refused, with the
score and the threshold on the screen, and logged. The SMS check is one touch away."""

import base64
import binascii
import hashlib
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ninhaoban.accounts.selectors import applicant_by_pk, person_by_number
from ninhaoban.core.errors import DomainError, Forbidden, InvalidInput
from ninhaoban.core.idnumbers import mask_id_number, mask_name
from ninhaoban.kiosk import devices, services
from ninhaoban.kiosk.devices import CardRead, DeviceBridge
from ninhaoban.kiosk.models import Kiosk, KioskSession
from ninhaoban.kiosk.views import (
    PENDING_COOKIE,
    SESSION_COOKIE,
    _base,
    _next_url,
    _render,
    kiosk_page,
)

DEVICE_COOKIE = "nhb_kiosk_devices"
TEMPLATE = "kiosk/identify_devices.html"


def _card(bridge: DeviceBridge, kiosk: Kiosk) -> CardRead:
    card = bridge.read_card(kiosk.code)
    if card is None:
        raise InvalidInput(
            "未检测到身份证，请将身份证放在读卡区", "no ID card: put it on the reader"
        )
    return card


def _card_context(card: CardRead) -> dict[str, Any]:
    return {
        "photo": base64.b64encode(card.photo).decode("ascii"),
        "masked_name": mask_name(card.name),
        "masked_number": mask_id_number(card.id_number),
        "issuer": card.issuer,
        "valid_from": card.valid_from,
        "valid_to": card.valid_to,
    }


def signature_of(request: HttpRequest) -> bytes:
    value = request.POST.get("signature", "")
    prefix = "data:image/png;base64,"
    try:
        return base64.b64decode(value.removeprefix(prefix), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "请在签名板上签名", "please sign on the pad", field="signature"
        ) from None


def _advance(
    kiosk: Kiosk, bridge: DeviceBridge, action: str, state: dict[str, Any]
) -> dict[str, Any]:
    """The state after one more step (card, face or finger) passed; raises if it fails."""
    card = _card(bridge, kiosk)
    if action == "card":
        applicant = person_by_number(card.id_number)
        if applicant is None:
            raise InvalidInput(
                "该证件尚未在本平台登记，请到窗口办理",
                "this ID card is not registered here: please go to a window",
            )
        return {"step": "face", "r": applicant.pk, "c": card.digest}
    if card.digest != state["c"]:
        raise InvalidInput("身份证已更换，请重新开始", "another card is on the reader: start again")
    if action == "face":
        score, threshold = bridge.face_score(kiosk.code, card), devices.face_threshold()
        if score < threshold:
            services.refuse_face(kiosk, card.digest, score, threshold)
            raise Forbidden(
                f"人脸比对未通过：相似度{score:.2f}，低于阈值{threshold:.2f}。"
                "请摘下帽子、正对摄像头后重试，或改用短信验证码核验",
                f"the face does not match the card: score {score:.2f} is under the threshold "
                f"{threshold:.2f}. Face the camera and try again, or use the SMS code",
            )
        return {**state, "step": "finger", "s": score}
    template = bridge.fingerprint(kiosk.code)
    if template is None:
        raise InvalidInput(
            "未检测到手指，请将手指放在指纹仪上", "no finger: put a finger on the reader"
        )
    return {**state, "step": "sign", "f": hashlib.sha256(template).hexdigest()}


def _page(
    request: HttpRequest,
    kiosk: Kiosk,
    bridge: DeviceBridge,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    if context["step"] == "face":
        card = bridge.read_card(kiosk.code)
        if card is None:
            context["step"] = "card"
        else:
            context.update(_card_context(card))
    return _render(request, kiosk, None, TEMPLATE, context, status)


def _pending(response: HttpResponse, kiosk: Kiosk, state: dict[str, Any] | None) -> HttpResponse:
    if state:
        response.set_cookie(
            DEVICE_COOKIE,
            devices.device_pending(kiosk.code, state),
            path=_base(kiosk),
            httponly=True,
            samesite="Strict",
        )
    else:
        response.delete_cookie(DEVICE_COOKIE, path=_base(kiosk))
    return response


@kiosk_page
@require_http_methods(["GET", "POST"])
def identify_by_devices(
    request: HttpRequest, kiosk: Kiosk, session: KioskSession | None
) -> HttpResponse:
    bridge = devices.bridge_for(kiosk.identity_devices)
    next_url = _next_url(request, kiosk)
    if bridge is None:
        return redirect(f"{reverse('kiosk-identify', args=[kiosk.code])}?next={quote(next_url)}")
    context: dict[str, Any] = {"next": next_url, "step": "card"}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action not in ("card", "face", "finger", "sign"):
        return _pending(_page(request, kiosk, bridge, context), kiosk, None)
    if session is not None:  # the next person
        services.end_session(session, "next_person")
    state: dict[str, Any] = {}
    try:
        if action != "card":
            state = devices.read_device_pending(kiosk.code, request.COOKIES.get(DEVICE_COOKIE, ""))
            if state["step"] != action:
                raise InvalidInput("请按顺序完成核验", "do the steps in order")
        if action == "sign":
            applicant = applicant_by_pk(state["r"])
            if applicant is None:
                raise InvalidInput("核验已超时，请重新读取身份证", "timed out: read the card again")
            _, token = services.open_session_by_devices(
                kiosk,
                applicant,
                card_digest=state["c"],
                face_score=state["s"],
                fingerprint_sha256=state["f"],
                signature=signature_of(request),
            )
        else:
            state = _advance(kiosk, bridge, action, state)
    except DomainError as exc:
        context.update(error=exc, step=state.get("step", "card"))
        response = _page(request, kiosk, bridge, context, exc.status)
        return _pending(response, kiosk, state if context["step"] != "card" else None)
    if action == "sign":
        response = redirect(next_url)
        response.set_cookie(
            SESSION_COOKIE, token, path=_base(kiosk), httponly=True, samesite="Strict"
        )
        response.delete_cookie(PENDING_COOKIE, path=_base(kiosk))
        return _pending(response, kiosk, None)
    context["step"] = state["step"]
    response = _page(request, kiosk, bridge, context)
    response.delete_cookie(SESSION_COOKIE, path=_base(kiosk))
    return _pending(response, kiosk, state)
