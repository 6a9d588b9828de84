"""SMS login codes: limited per phone, per address, per browser and per day, a CAPTCHA (image
or audio) once a source has failed a few times, and one answer whether or not the number is
registered, on the website and at the kiosk."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts.models import Applicant, LoginCodeEvent
from ninhaoban.accounts.notify import LogProvider
from ninhaoban.core.idnumbers import id_check_char
from tests.kiosk.conftest import BASE, _enrolled_terminals, sent_code, terminal

pytestmark = pytest.mark.django_db

UNREGISTERED_PHONE = "13312345678"
__all__ = ["_enrolled_terminals"]


def _registered() -> Applicant:
    return Applicant.objects.filter(kind="person").exclude(phone="").order_by("pk").first()


def _send(client: Client, phone: str, **extra):
    return client.post("/login/", {"action": "send_code", "phone": phone, **extra})


def _answer(response) -> tuple[int, str]:
    """What a person sees: the status and the page's messages, without the form's echo."""
    page = response.content.decode()
    found = re.findall(r'<div class="(?:info|error)"[^>]*>(.*?)</div>', page, re.S)
    return response.status_code, " ".join(found)


def _age_events(seconds: int) -> None:
    LoginCodeEvent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=seconds))


@pytest.fixture(autouse=True)
def _no_events():
    LoginCodeEvent.objects.all().delete()


def test_the_website_answers_alike_for_registered_and_unregistered_numbers():
    assert not Applicant.objects.filter(phone=UNREGISTERED_PHONE).exists()
    person = _registered()
    for _ in range(3):
        known = _answer(_send(Client(REMOTE_ADDR="203.0.113.1"), person.phone))
        unknown = _answer(_send(Client(REMOTE_ADDR="203.0.113.2"), UNREGISTERED_PHONE))
        assert known == unknown


def test_a_phone_gets_a_few_codes_a_day(settings):
    settings.NHB_SMS_PER_PHONE_DAY = 3
    for phone in (_registered().phone, UNREGISTERED_PHONE):
        answers = []
        for i in range(4):
            _age_events(61)
            answers.append(_send(Client(REMOTE_ADDR=f"198.51.100.{i}"), phone).status_code)
        assert answers == [200, 200, 200, 429]


def test_an_address_gets_a_few_codes_a_day(settings):
    settings.NHB_SMS_PER_IP_DAY = 2
    phones = [f"1391234000{i}" for i in range(3)]
    answers = [_send(Client(REMOTE_ADDR="203.0.113.7"), p).status_code for p in phones]
    assert answers == [200, 200, 429]
    assert _send(Client(REMOTE_ADDR="203.0.113.8"), phones[2]).status_code == 200


def test_a_browser_gets_a_few_codes_a_day(settings):
    settings.NHB_SMS_PER_DEVICE_DAY = 2
    browser = Client()
    browser.get("/login/")
    assert browser.cookies["nhb_device"]["httponly"]
    answers = []
    for i in range(3):
        browser.defaults["REMOTE_ADDR"] = f"192.0.2.{i}"
        answers.append(_send(browser, f"1381234000{i}").status_code)
    assert answers == [200, 200, 429]


def test_a_captcha_after_a_few_wrong_codes(settings):
    settings.NHB_CAPTCHA_AFTER = 2
    person = _registered()
    browser = Client(REMOTE_ADDR="203.0.113.50")
    assert 'id="captcha"' not in browser.get("/login/").content.decode()
    _send(browser, person.phone)
    code = sent_code(person.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        browser.post("/login/", {"action": "code", "phone": person.phone, "code": wrong})
    page = browser.get("/login/").content.decode()
    assert 'id="captcha"' in page
    assert 'src="/login/captcha.png' in page and 'href="/login/captcha.wav' in page
    image = browser.get("/login/captcha.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert "no-store" in image["Cache-Control"]
    audio = browser.get("/login/captcha.wav")
    assert audio.status_code == 200 and audio.content.startswith(b"RIFF")

    refused = browser.post("/login/", {"action": "code", "phone": person.phone, "code": code})
    assert refused.status_code == 422 and "验证码图片中的5位数字" in refused.content.decode()
    browser.get("/login/captcha.png")
    answer = browser.session["nhb_captcha"]["answer"]
    ok = browser.post(
        "/login/", {"action": "code", "phone": person.phone, "code": code, "captcha": answer}
    )
    assert ok.status_code == 302
    # another browser from another address is not asked
    assert 'id="captcha"' not in Client(REMOTE_ADDR="198.51.100.50").get("/login/").content.decode()


def test_a_captcha_answer_is_good_once():
    browser = Client()
    browser.get("/login/captcha.png")
    answer = browser.session["nhb_captcha"]["answer"]
    assert re.fullmatch(r"[0-9]{5}", answer)
    from ninhaoban.portal.captcha import check_captcha

    class Request:
        session = browser.session

    request = Request()
    assert check_captcha(request, answer) is True
    assert check_captcha(request, answer) is False


def _unregistered_id_number() -> str:
    body = "42122319800101999"
    number = body + id_check_char(body)
    assert not Applicant.objects.filter(identifier=number).exists()
    return number


def _begin(client: Client, number: str):
    return client.post(f"{BASE}identify/", {"action": "begin", "id_number": number})


def test_the_kiosk_answers_alike_for_registered_and_unregistered_numbers():
    person = _registered()
    for _ in range(3):
        known = _answer(_begin(terminal(), person.identifier))
        unknown = _answer(_begin(terminal(), _unregistered_id_number()))
        assert known == unknown
    assert known[0] == 429


def test_the_kiosk_limits_codes_per_number_and_terminal(settings):
    settings.NHB_SMS_PER_PHONE_DAY = 2
    settings.NHB_SMS_PER_TERMINAL_DAY = 3
    person = _registered()
    answers = []
    for _ in range(3):
        _age_events(61)
        answers.append(_begin(terminal(), person.identifier).status_code)
    assert answers == [200, 200, 429]
    # The provider keeps its last 200 messages: counted from empty, not from its length.
    LogProvider.sent.clear()
    other = Applicant.objects.filter(kind="person").exclude(phone="").order_by("-pk").first()
    assert _begin(terminal(), other.identifier).status_code == 200
    assert _begin(terminal(), _unregistered_id_number()).status_code == 429
    assert len(LogProvider.sent) == 1
