"""实名注册 at a kiosk: the website's checks (公安 register with consent, SMS code), then the
new person is identified at the terminal; a mismatch, no consent or a wrong code write no
account."""

import pytest

from ninhaoban.accounts.models import AssuranceLevel, LoginCodeEvent
from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.core.idnumbers import id_check_char
from ninhaoban.exchange.sandbox.records import official_name
from tests.exchange.conftest import _clean_exchange_state, sandbox, sources
from tests.kiosk.conftest import BASE, sent_code, terminal

pytestmark = pytest.mark.django_db
__all__ = ["_clean_exchange_state", "sandbox", "sources"]

PHONE = "13907150077"


def new_number(serial: str = "517") -> str:
    body = f"42122319860412{serial}"
    return body + id_check_char(body)


@pytest.fixture(autouse=True)
def _no_code_events():
    LoginCodeEvent.objects.all().delete()


def _verify(client, number: str, name: str, consent: str = "yes"):
    data = {"action": "verify", "id_number": number, "name": name, "phone": PHONE}
    if consent:
        data["consent"] = consent
    return client.post(f"{BASE}register/", data)


def test_a_new_person_registers_at_the_kiosk_and_is_identified_there(sources):
    number = new_number()
    client = terminal()
    first = _verify(client, number, official_name(number))
    assert first.status_code == 200, first.content.decode()[:2000]
    assert person_by_number(number) is None
    assert number not in first.content.decode()
    done = client.post(f"{BASE}register/", {"action": "confirm", "code": sent_code(PHONE)})
    assert done.status_code == 302
    person = person_by_number(number)
    assert person is not None and person.assurance == AssuranceLevel.BASIC
    assert client.get(f"{BASE}cases/").status_code == 200  # identified at the terminal


@pytest.mark.parametrize(
    ("case", "status"), [("mismatch", 422), ("no_consent", 422), ("code", 403)]
)
def test_bad_kiosk_registrations_write_no_account(sources, case, status):
    number = new_number("518")
    client = terminal()
    name = official_name(number) + ("某" if case == "mismatch" else "")
    answer = _verify(client, number, name, consent="" if case == "no_consent" else "yes")
    if case == "code":
        assert answer.status_code == 200
        answer = client.post(f"{BASE}register/", {"action": "confirm", "code": "000000"})
    assert answer.status_code == status
    assert person_by_number(number) is None
