"""Identity devices at a terminal (the simulator behind the device bridge): card, face,
finger, signature, in order; a face under the threshold refused and logged; SMS fallback."""

import base64
import hashlib
import io

import pytest
from PIL import Image, ImageDraw

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.core.idnumbers import mask_id_number
from ninhaoban.kiosk import services
from ninhaoban.kiosk.devices import SIMULATOR
from ninhaoban.kiosk.models import Kiosk, KioskSession, KioskSignature
from tests.conftest import NewEntries
from tests.kiosk.conftest import BASE, KIOSK, terminal

pytestmark = pytest.mark.django_db

CARD = f"{BASE}identify/card/"


@pytest.fixture(autouse=True)
def _devices():
    services.set_identity_devices(Kiosk.objects.get(code=KIOSK), "simulator", actor="test")
    yield
    SIMULATOR.place_card(KIOSK, None)
    SIMULATOR.stand(KIOSK, None)


def _people() -> list[Applicant]:
    return list(Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk")[:2])


def _png(draw: bool = True) -> str:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    if draw:
        ImageDraw.Draw(image).line((10, 50, 290, 60), fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_the_sms_check_sends_a_terminal_with_devices_to_the_card_and_stays_the_fallback():
    client = terminal()
    response = client.get(f"{BASE}identify/?next={BASE}cases/")
    assert response.status_code == 302 and response["Location"].startswith(CARD)
    fallback = client.get(f"{BASE}identify/?via=sms")
    assert fallback.status_code == 200 and 'name="id_number"' in fallback.content.decode()
    other = terminal("XA-ZWZX-01")  # a terminal left on the SMS check
    assert other.get("/kiosk/XA-ZWZX-01/identify/card/").status_code == 302
    assert other.get("/kiosk/XA-ZWZX-01/identify/").status_code == 200


def test_card_face_finger_and_signature_open_a_session_with_the_signature_hashed():
    person, _ = _people()
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, person.identifier)
    client = terminal()
    new = NewEntries()
    read = client.post(CARD, {"action": "card"})
    page = read.content.decode()
    assert read.status_code == 200 and 'value="face"' in page
    assert mask_id_number(person.identifier) in page and person.identifier not in page
    assert "data:image/png;base64," in page
    assert 'value="finger"' in client.post(CARD, {"action": "face"}).content.decode()
    assert 'id="signature-pad"' in client.post(CARD, {"action": "finger"}).content.decode()
    signature = _png()
    done = client.post(CARD, {"action": "sign", "signature": signature, "next": f"{BASE}cases/"})
    assert done.status_code == 302 and done["Location"] == f"{BASE}cases/"
    session = KioskSession.objects.get(applicant=person, ended_at__isnull=True)
    assert session.method == "simulator"
    stored = KioskSignature.objects.get(session=session)
    image = base64.b64decode(signature.split(",", 1)[1])
    assert bytes(stored.image) == image and stored.sha256 == hashlib.sha256(image).hexdigest()
    assert new.kinds == ["kiosk.session_started", "kiosk.identified_by_devices"]
    assert f"signature:{stored.sha256}" in new.subjects("kiosk.identified_by_devices")
    bodies = "".join(new._entries.filter(pk__gt=new.after).values_list("body", flat=True))
    assert person.identifier not in bodies and person.name not in bodies
    assert client.get(f"{BASE}cases/").status_code == 200


def test_a_face_under_the_threshold_is_refused_with_the_score_and_logged():
    person, stranger = _people()
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, stranger.identifier)
    client = terminal()
    client.post(CARD, {"action": "card"})
    new = NewEntries()
    refused = client.post(CARD, {"action": "face"})
    page = refused.content.decode()
    assert refused.status_code == 403 and "人脸比对未通过" in page and "低于阈值0.85" in page
    assert 'value="face"' in page  # try again, or the SMS code
    assert new.kinds == ["kiosk.face_refused"]
    assert new.subjects("kiosk.face_refused") == [f"kiosk:{KIOSK}"]
    assert client.post(CARD, {"action": "finger"}).status_code == 422  # not past the face
    assert not KioskSession.objects.filter(applicant=person, ended_at__isnull=True).exists()


def test_steps_cannot_be_skipped_nor_a_blank_signature_given():
    person, _ = _people()
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, person.identifier)
    client = terminal()
    assert client.post(CARD, {"action": "sign", "signature": _png()}).status_code == 422
    client.post(CARD, {"action": "card"})
    assert client.post(CARD, {"action": "sign", "signature": _png()}).status_code == 422
    client.post(CARD, {"action": "face"})
    client.post(CARD, {"action": "finger"})
    for bad in (_png(draw=False), "data:image/png;base64,!!", "data:image/png;base64,AAAA", ""):
        response = client.post(CARD, {"action": "sign", "signature": bad})
        assert response.status_code == 422 and 'id="signature-pad"' in response.content.decode()
    assert not KioskSession.objects.filter(applicant=person, ended_at__isnull=True).exists()
    assert not KioskSignature.objects.exists()


def test_no_card_an_unregistered_card_and_a_swapped_card_are_refused():
    person, other = _people()
    client = terminal()
    assert client.post(CARD, {"action": "card"}).status_code == 422
    SIMULATOR.place_card(KIOSK, "11010519491231002X")  # valid, registered to nobody here
    assert "尚未在本平台登记" in client.post(CARD, {"action": "card"}).content.decode()
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, person.identifier)
    client.post(CARD, {"action": "card"})
    SIMULATOR.place_card(KIOSK, other.identifier)
    assert "身份证已更换" in client.post(CARD, {"action": "face"}).content.decode()


def test_another_terminal_cannot_finish_a_check_begun_here():
    person, _ = _people()
    SIMULATOR.place_card(KIOSK, person.identifier)
    SIMULATOR.stand(KIOSK, person.identifier)
    client = terminal()
    client.post(CARD, {"action": "card"})
    cookie = client.cookies["nhb_kiosk_devices"].value
    services.set_identity_devices(Kiosk.objects.get(code="XA-ZWZX-01"), "simulator", actor="t")
    SIMULATOR.place_card("XA-ZWZX-01", person.identifier)
    SIMULATOR.stand("XA-ZWZX-01", person.identifier)
    other = terminal("XA-ZWZX-01")
    other.cookies["nhb_kiosk_devices"] = cookie
    assert other.post("/kiosk/XA-ZWZX-01/identify/card/", {"action": "face"}).status_code == 422


def test_the_admin_chooses_the_devices_per_terminal(staff_client):
    admin = staff_client("admin")
    assert (
        admin.post(f"/console/kiosks/{KIOSK}/devices/", {"identity_devices": "sms"}).status_code
        == 302
    )
    assert Kiosk.objects.get(code=KIOSK).identity_devices == "sms"
    bad = admin.post(f"/console/kiosks/{KIOSK}/devices/", {"identity_devices": "magic"})
    assert bad.status_code == 422 and Kiosk.objects.get(code=KIOSK).identity_devices == "sms"
