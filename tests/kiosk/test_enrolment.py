"""A terminal's pages answer only its enrolled browser: one made so with a one-time code an
administrator issued, which keeps a device key. Any other browser (at home, on a phone, a
replaced terminal) is told it is not the terminal and sees nothing else."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ninhaoban.core.errors import InvalidInput
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.kiosk.views import DEVICE_COOKIE
from tests.conftest import NewEntries
from tests.kiosk.conftest import BASE, KIOSK, terminal

pytestmark = pytest.mark.django_db
PAGES = ["", "identify/", "progress/", "cases/", "proofs/", "apply/"]


def _kiosk() -> Kiosk:
    return Kiosk.objects.get(code=KIOSK)


def _enrol_page(client: Client, code: str):
    return client.post(f"{BASE}enrol/", {"code": code})


def test_a_browser_that_is_not_the_terminal_sees_no_kiosk_page():
    stranger = Client()
    for path in PAGES:
        response = stranger.get(f"{BASE}{path}")
        page = response.content.decode()
        assert response.status_code == 403, path
        assert "本设备不是该自助终端" in page and 'name="id_number"' not in page, path
    assert stranger.post(f"{BASE}identify/", {"action": "begin"}).status_code == 403
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "not-the-key"
    assert forged.get(BASE).status_code == 403
    assert terminal().get(BASE).status_code == 200


def test_the_code_enrols_one_browser_once_and_replaces_the_one_before():
    before = terminal()
    one_time, expires = services.issue_enrolment_code(_kiosk(), actor="admin:test")
    assert expires > timezone.now() and one_time not in _kiosk().enrolment_hash
    fresh = Client()
    added = NewEntries()
    assert fresh.get(f"{BASE}enrol/").status_code == 200
    response = _enrol_page(fresh, one_time)
    assert response.status_code == 302 and response["Location"] == BASE
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["path"] == BASE and cookie["samesite"] == "Strict"
    assert cookie.value not in _kiosk().device_hash  # only its hash is kept
    assert fresh.get(BASE).status_code == 200
    assert before.get(BASE).status_code == 403  # the old terminal is no longer it
    again = _enrol_page(Client(), one_time)
    assert again.status_code == 422 and "安装码不正确或已失效" in again.content.decode()
    assert added.kinds.count("kiosk.enrolled") == 1


def test_five_wrong_codes_void_the_code():
    added = NewEntries()
    one_time, _ = services.issue_enrolment_code(_kiosk(), actor="admin:test")
    wrong = f"{(int(one_time) + 1) % 10**8:08d}"
    for _ in range(services.ENROLMENT_TRIES):
        assert _enrol_page(Client(), wrong).status_code == 422
    assert _enrol_page(Client(), one_time).status_code == 422
    assert _kiosk().enrolment_hash == "" and terminal().get(BASE).status_code == 200
    assert added.kinds.count("kiosk.enrolment_voided") == 1


def test_an_expired_code_is_refused():
    kiosk = _kiosk()
    one_time, _ = services.issue_enrolment_code(kiosk, actor="admin:test")
    Kiosk.objects.filter(pk=kiosk.pk).update(
        enrolment_expires=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(InvalidInput):
        services.enrol(kiosk, one_time)


def test_a_switched_off_terminal_cannot_be_enrolled():
    assert Client().get("/kiosk/CY-ZWZX-02/enrol/").status_code == 404


def test_the_command_issues_a_code_that_works(capsys):
    call_command("kiosk", "enrol", KIOSK, "--minutes", "10")
    out = capsys.readouterr().out
    one_time = out.split("输入安装码 ")[1][:8]
    assert one_time.isdigit() and f"/kiosk/{KIOSK}/enrol/" in out
    assert _enrol_page(Client(), one_time).status_code == 302
    call_command("kiosk", "list")
    assert f"{KIOSK}" in capsys.readouterr().out
