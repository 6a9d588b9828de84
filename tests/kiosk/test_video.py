"""视窗服务 signalling: a terminal calls, a clerk of its region answers, offer and answer
pass through the platform, the clerk pushes a guide; everyone else is refused."""

import json

import pytest

from ninhaoban.kiosk.models import CallState, VideoCall, VideoSignal
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import CHONGYANG, GETIHU, item
from tests.kiosk.conftest import BASE, terminal

pytestmark = pytest.mark.django_db

SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"


def _post(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def _call(client) -> dict:
    response = client.post(f"{BASE}video/start/")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_call_is_answered_signalled_pushed_and_hung_up(staff_client):
    kiosk = terminal()
    urls = _call(kiosk)
    clerk = staff_client("clerk.chongyang")
    assert urls["call"] in clerk.get("/console/video/?rows=1").content.decode()
    console = f"/console/video/{urls['call']}/"
    assert clerk.get(console).status_code == 200
    assert _post(kiosk, urls["signal"], {"kind": "offer", "body": {"sdp": SDP}}).status_code == 200
    assert clerk.post(f"{console}answer/").json() == {"state": CallState.ANSWERED}
    offer = clerk.get(f"{console}signals/?after=0").json()["signals"]
    assert [s["kind"] for s in offer] == ["offer"] and offer[0]["body"]["sdp"] == SDP
    assert (
        _post(clerk, f"{console}signal/", {"kind": "answer", "body": {"sdp": SDP}}).status_code
        == 200
    )
    guide = item(GETIHU, CHONGYANG).code
    assert _post(clerk, f"{console}push/", {"what": "guide", "item": guide}).status_code == 200
    got = kiosk.get(f"{urls['signals']}?after=0").json()["signals"]
    assert [s["kind"] for s in got] == ["answer", "push"]
    shown = kiosk.get(urls["pushed"].replace("/0/", f"/{got[1]['id']}/"))
    assert shown.status_code == 200 and GETIHU in shown.content.decode()
    assert kiosk.get(f"{urls['signals']}?after={got[1]['id']}").json()["signals"] == []
    assert _post(kiosk, urls["signal"], {"kind": "bye", "body": {}}).status_code == 200
    call = VideoCall.objects.get(call_id=urls["call"])
    assert call.state == CallState.ENDED and call.clerk
    kinds = set(
        LedgerEntry.objects.filter(subjects__subject=f"video_call:{call.call_id}").values_list(
            "kind", flat=True
        )
    )
    assert kinds == {
        "kiosk.video_call_started",
        "kiosk.video_call_answered",
        "kiosk.video_pushed",
        "kiosk.video_call_ended",
    }
    assert _post(kiosk, urls["signal"], {"kind": "offer", "body": {"sdp": SDP}}).status_code == 409


def test_a_clerk_of_another_county_neither_sees_nor_answers(staff_client):
    urls = _call(terminal())
    other = staff_client("clerk.xianan")
    assert urls["call"] not in other.get("/console/video/?rows=1").content.decode()
    assert other.get(f"/console/video/{urls['call']}/").status_code == 403
    assert other.post(f"/console/video/{urls['call']}/answer/").status_code == 403
    assert VideoCall.objects.get(call_id=urls["call"]).state == CallState.RINGING


def test_a_second_clerk_cannot_take_an_answered_call(staff_client):
    urls = _call(terminal())
    first = staff_client("clerk.chongyang")
    assert first.post(f"/console/video/{urls['call']}/answer/").status_code == 200
    chief = staff_client("chief.chongyang.market")
    assert chief.post(f"/console/video/{urls['call']}/answer/").status_code == 409
    assert (
        _post(
            chief,
            f"/console/video/{urls['call']}/signal/",
            {"kind": "answer", "body": {"sdp": SDP}},
        ).status_code
        == 409
    )


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "answer", "body": {"sdp": SDP}},  # the terminal does not answer
        {"kind": "push", "body": {}},  # nor push
        {"kind": "offer", "body": "text"},
        {"kind": "offer", "body": {}},
        {"kind": "x" * 500, "body": {}},
    ],
)
def test_bad_signals_are_refused_and_nothing_is_stored(data):
    kiosk = terminal()
    urls = _call(kiosk)
    assert _post(kiosk, urls["signal"], data).status_code == 422
    assert (
        kiosk.post(urls["signal"], b"not json", content_type="application/json").status_code == 422
    )
    assert not VideoSignal.objects.filter(call__call_id=urls["call"]).exists()


def test_an_oversized_signal_and_a_foreign_push_are_refused(staff_client):
    kiosk = terminal()
    urls = _call(kiosk)
    big = {"kind": "offer", "body": {"sdp": "a" * 19_000, "x": "b" * 19_000}}
    assert _post(kiosk, urls["signal"], big).status_code == 413
    clerk = staff_client("clerk.chongyang")
    clerk.post(f"/console/video/{urls['call']}/answer/")
    elsewhere = item("食品经营许可", CHONGYANG).code  # not offered at the terminal
    for data in (
        {"what": "guide", "item": elsewhere},
        {"what": "video", "item": item(GETIHU, CHONGYANG).code},
    ):
        assert _post(clerk, f"/console/video/{urls['call']}/push/", data).status_code == 422
    assert not VideoSignal.objects.filter(call__call_id=urls["call"]).exists()


def test_another_terminal_cannot_read_or_write_the_call():
    urls = _call(terminal())
    other = terminal("XA-ZWZX-01")
    foreign = urls["signals"].replace("CY-ZWZX-01", "XA-ZWZX-01")
    assert other.get(f"{foreign}?after=0").status_code == 404
    assert terminal().get(f"{BASE}video/").status_code == 200
