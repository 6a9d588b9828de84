"""实名注册: a person the platform does not know registers on the website with the name and
number on their ID card (checked by the 公安 register through exchange, with the consent
they ticked) and a code to their phone; a known number, a name that does not match, a
missing consent or a wrong code write no account. A window clerk who read the card
registers at 窗口现场核验."""

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant, AssuranceLevel, LoginCodeEvent
from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.core.idnumbers import id_check_char
from ninhaoban.exchange.models import DataQuery, Outcome
from ninhaoban.exchange.sandbox.records import official_name
from tests.conftest import NewEntries
from tests.kiosk.conftest import sent_code

pytestmark = pytest.mark.django_db

PHONE = "13907150001"


def new_number(serial: str = "417") -> str:
    body = f"42122319850312{serial}"
    return body + id_check_char(body)


@pytest.fixture(autouse=True)
def _no_code_events():
    LoginCodeEvent.objects.all().delete()


def _begin(client: Client, number: str, name: str, **extra: str):
    data = {"action": "verify", "id_number": number, "name": name, "phone": PHONE}
    data.setdefault("consent", "yes")
    data.update(extra)
    return client.post("/register/", data)


def test_a_new_person_registers_with_the_register_check_and_an_sms_code(sources):
    number = new_number()
    client = Client()
    added = NewEntries()
    first = _begin(client, number, official_name(number))
    assert first.status_code == 200, first.content.decode()
    assert "验证码已发送" in first.content.decode()
    assert person_by_number(number) is None  # nothing until the phone is proved
    query = DataQuery.objects.order_by("-pk").first()
    assert query is not None and query.applicant is None and query.outcome == Outcome.OK
    assert query.data_key == "public_security.identity"
    done = client.post(
        "/register/", {"action": "confirm", "code": sent_code(PHONE), "next": "/apply/"}
    )
    assert done.status_code == 302 and done["Location"] == "/apply/"
    person = person_by_number(number)
    assert person is not None and person.assurance == AssuranceLevel.BASIC
    assert person.region.code == "421223000000"  # 崇阳县, from the number
    assert person.user is not None and client.get("/cases/").status_code == 200
    kinds = added.kinds
    assert "exchange.query" in kinds and "applicant.registered" in kinds
    assert "applicant.self_registered" in kinds
    assert number not in str(added.subjects("exchange.query"))


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        ("mismatch", 422, "姓名与身份证号码不一致"),
        ("no_consent", 422, "须同意向公安部门核验"),
        ("bad_number", 422, "身份证"),
        ("duplicate", 409, "已注册"),
        ("bad_phone", 422, "手机号码"),
    ],
)
def test_bad_registrations_are_refused_and_write_no_account(sources, case, status, message):
    number = new_number("418")
    name = official_name(number)
    extra: dict[str, str] = {}
    if case == "mismatch":
        name = name + "某"
    elif case == "no_consent":
        extra["consent"] = ""
    elif case == "bad_number":
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    elif case == "duplicate":
        existing = Applicant.objects.filter(kind="person").order_by("pk").first()
        assert existing is not None
        number, name = existing.identifier, existing.name
    elif case == "bad_phone":
        extra["phone"] = "12345"
    before = Applicant.objects.count()
    response = _begin(Client(), number, name, **extra)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Applicant.objects.count() == before
    assert not LoginCodeEvent.objects.filter(kind=LoginCodeEvent.Kind.SENT).exists()


def test_a_wrong_code_registers_nobody(sources):
    number = new_number("419")
    client = Client()
    assert _begin(client, number, official_name(number)).status_code == 200
    wrong = "000000" if sent_code(PHONE) != "000000" else "111111"
    response = client.post("/register/", {"action": "confirm", "code": wrong})
    assert response.status_code == 403 and person_by_number(number) is None


def test_the_register_down_is_a_503_and_no_code_is_sent(sources, sandbox):
    number = new_number("420")
    with sandbox.state.lock:
        sandbox.state.down.add("public_security")
    response = _begin(Client(), number, official_name(number))
    assert response.status_code == 503 and "暂时无法连接" in response.content.decode()
    assert person_by_number(number) is None
    assert not LoginCodeEvent.objects.filter(kind=LoginCodeEvent.Kind.SENT).exists()


def test_a_window_clerk_registers_in_person(staff_client):
    number = new_number("421")
    client = staff_client("clerk.chongyang")
    response = client.post(
        "/api/v1/applicants/persons",
        {"id_number": number, "name": "王芳", "region": "421223000000"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["assurance"] == AssuranceLevel.IN_PERSON
