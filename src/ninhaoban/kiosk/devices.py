"""The device bridge of a terminal: 身份证阅读器, 人脸比对, 指纹仪, 银行卡读卡器 (and the 签名板,
which is the touch screen itself: see kiosk/static/kiosk/signature.js).

A certified 政务服务自助终端 drives its devices through a local bridge; the platform needs
from it what a GA 467 reader returns from the card's chip (the printed fields and the
photo), a face-match score against that photo, a fingerprint template, and the bank card in
the card reader (for 自助缴费, whatever the identity check). `DeviceBridge`
is that interface. This build has no hardware, so the one implementation is `Simulator`:
what lies on the reader, which bank card is in the card reader, and who stands at the camera
and the fingerprint window are set with `place_card`, `insert_bank_card` and `stand` (by a
test, or by the demo's operator), and kept in the cache for a few minutes per terminal. Its
"photo" is an image drawn from the number, its camera frame the same drawing of whoever
stands there under other light and noise, and its score the agreement of the two images'
perceptual hashes — a measure of two pictures, not a face
recognizer; a real bridge replaces it. A terminal uses the bridge only if its
administrator chose it (Kiosk.identity_devices); otherwise, and always as the fallback, the
SMS code of kiosk.identity."""

import datetime as dt
import hashlib
import io
import json
import random
from dataclasses import dataclass
from typing import Protocol

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache
from PIL import Image, ImageDraw

from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.idnumbers import parse_id_number
from ninhaoban.kiosk.identity import _fernet
from ninhaoban.regions.selectors import region_by_code

PHOTO_SIZE = (102, 126)  # the chip's photo, decoded: 102 × 126 pixels
SIM_SECONDS = 5 * 60
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class CardRead:
    """The fields a GA 467 居民身份证 reader returns, the photo decoded to PNG."""

    name: str
    sex: str
    nation: str
    birth: dt.date
    address: str
    id_number: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date | None  # None: 长期
    photo: bytes

    @property
    def digest(self) -> str:
        """Names the card read in pending state and the ledger without its number."""
        return hashlib.sha256(b"card:" + self.id_number.encode() + self.photo).hexdigest()


class DeviceBridge(Protocol):
    name: str

    def read_card(self, kiosk_code: str) -> CardRead | None:
        """The card on the reader, or None if there is none."""
        ...

    def face_score(self, kiosk_code: str, card: CardRead) -> float:
        """How well the face before the camera matches the card's photo, from 0 to 1."""
        ...

    def fingerprint(self, kiosk_code: str) -> bytes | None:
        """The template of the finger on the window, or None if there is none."""
        ...

    def read_bank_card(self, kiosk_code: str) -> str | None:
        """The card in the 银行卡读卡器 (with its PIN entered on the keypad), as the token the
        bank's card payment takes; None if there is none."""
        ...


def face_threshold() -> float:
    return float(settings.NHB_FACE_THRESHOLD)


def _rng(*parts: str) -> random.Random:
    seed = hashlib.sha256(":".join(parts).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _portrait(id_number: str, light: int = 0, noise_seed: str = "") -> Image.Image:
    """A drawing standing for a face: shapes and shades chosen by the number."""
    rng = _rng("face", id_number)
    image = Image.new("L", PHOTO_SIZE, 230)
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(0, PHOTO_SIZE[0] - 20), rng.randrange(0, PHOTO_SIZE[1] - 20)
        w, h = rng.randrange(12, 50), rng.randrange(12, 50)
        draw.ellipse((x, y, x + w, y + h), fill=rng.randrange(0, 200))
    if light or noise_seed:
        jitter = _rng("noise", noise_seed)
        image = image.point(lambda v: max(0, min(255, v + light + jitter.randrange(-6, 7))))
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _average_hash(image: Image.Image) -> int:
    small = image.convert("L").resize((16, 16))
    pixels = list(small.tobytes())
    mean = sum(pixels) / len(pixels)
    return sum(1 << i for i, p in enumerate(pixels) if p > mean)


def image_similarity(a: bytes, b: bytes) -> float:
    """1 − the share of differing bits of the two images' 256-bit average hashes."""
    ha, hb = (_average_hash(Image.open(io.BytesIO(x))) for x in (a, b))
    return round(1 - bin(ha ^ hb).count("1") / 256, 3)


class Simulator:
    """The devices of a terminal without hardware (see the module's docstring)."""

    name = "simulator"

    @staticmethod
    def _key(kiosk_code: str, what: str) -> str:
        return f"kiosk:sim:{kiosk_code}:{what}"

    def place_card(self, kiosk_code: str, id_number: str | None) -> None:
        """A card on the reader (None: taken away)."""
        cache.set(self._key(kiosk_code, "card"), id_number, SIM_SECONDS)

    def insert_bank_card(self, kiosk_code: str, card_no: str | None) -> None:
        """A bank card in the reader, its PIN entered (None: taken out)."""
        if card_no is not None and not (card_no.isascii() and card_no.isdigit()):
            raise InvalidInput("银行卡号应为数字", "a card number is digits", field="card")
        if card_no is not None and len(card_no) not in range(16, 20):
            raise InvalidInput(
                "银行卡号应为16至19位", "a card number has 16 to 19 digits", field="card"
            )
        cache.set(self._key(kiosk_code, "bank_card"), card_no, SIM_SECONDS)

    def read_bank_card(self, kiosk_code: str) -> str | None:
        """Read once: the reader hands the card back after the payment."""
        key = self._key(kiosk_code, "bank_card")
        number: str | None = cache.get(key)
        cache.delete(key)
        return number or None

    def stand(self, kiosk_code: str, id_number: str | None) -> None:
        """Whose face is before the camera and whose finger on the window (None: nobody)."""
        cache.set(self._key(kiosk_code, "person"), id_number, SIM_SECONDS)

    def read_card(self, kiosk_code: str) -> CardRead | None:
        number = cache.get(self._key(kiosk_code, "card"))
        if not number:
            return None
        parsed = parse_id_number(number)
        holder = person_by_number(parsed.number)
        place = region_by_code(parsed.region_code.ljust(12, "0"))
        county = place.name if place else ""
        issued = dt.date(max(parsed.birth_date.year + 16, 2016), 1, 1)
        return CardRead(
            name=holder.name if holder else "",
            sex="男" if parsed.sex == "M" else "女",
            nation="汉",
            birth=parsed.birth_date,
            address=place.full_name if place else "",
            id_number=parsed.number,
            issuer=f"{county}公安局",
            valid_from=issued,
            valid_to=None
            if parsed.birth_date.year < 1980
            else issued.replace(year=issued.year + 20),
            photo=_png(_portrait(parsed.number)),
        )

    def face_score(self, kiosk_code: str, card: CardRead) -> float:
        person = cache.get(self._key(kiosk_code, "person"))
        if not person:
            return 0.0
        frame = _png(_portrait(person, light=18, noise_seed=f"{kiosk_code}:{person}"))
        return image_similarity(card.photo, frame)

    def fingerprint(self, kiosk_code: str) -> bytes | None:
        person = cache.get(self._key(kiosk_code, "person"))
        if not person:
            return None
        return b"".join(hashlib.sha256(f"fp:{person}:{i}".encode()).digest() for i in range(16))


SIMULATOR = Simulator()
BRIDGES: dict[str, DeviceBridge] = {"simulator": SIMULATOR}


def bridge_for(devices: str) -> DeviceBridge | None:
    return BRIDGES.get(devices)


def card_reader() -> DeviceBridge:
    """The bridge that drives a terminal's 银行卡读卡器. Every terminal has one, whatever its
    identity check; with no hardware in this build it is the simulator."""
    return SIMULATOR


# -- what the browser carries between the steps ----------------------------------------


def device_pending(kiosk_code: str, state: dict[str, object]) -> str:
    """The steps passed so far, encrypted and bound to the terminal like the SMS check's."""
    return _fernet().encrypt(json.dumps({**state, "k": kiosk_code}).encode()).decode("ascii")


def read_device_pending(kiosk_code: str, token: str) -> dict[str, object]:
    try:
        data = json.loads(_fernet().decrypt(token or "", ttl=PENDING_SECONDS))
    except (InvalidToken, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("k") != kiosk_code or "step" not in data:
        raise InvalidInput(
            "核验已超时，请重新读取身份证", "the check timed out: read the ID card again"
        )
    return data
