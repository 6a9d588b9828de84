"""窗口注册: a clerk who read the ID card registers the person at 窗口现场核验, or raises a
known person to it; without the card read, or with another name, nothing changes."""

import pytest

from ninhaoban.accounts.models import Applicant, AssuranceLevel
from ninhaoban.accounts.selectors import person_by_number
from ninhaoban.core.idnumbers import id_check_char
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db


def new_number(serial: str = "611") -> str:
    body = f"42122419800615{serial}"
    return body + id_check_char(body)


def _post(client, number: str, name: str, **extra: str):
    data = {"id_number": number, "name": name, "phone": "13907150088", "card_read": "yes"}
    data.update(extra)
    return client.post("/console/register/", data)


def test_the_clerk_registers_the_person_at_the_counter_in_person(staff_client):
    number = new_number()
    added = NewEntries()
    page = _post(staff_client("clerk.chongyang"), number, "柯文华")
    assert page.status_code == 200, page.content.decode()[:2000]
    person = person_by_number(number)
    assert person is not None and person.assurance == AssuranceLevel.IN_PERSON
    assert person.region.code == "421224000000"  # 通山县, from the number
    assert person.user is not None and "applicant.registered" in added.kinds
    assert number not in page.content.decode() and person.masked_identifier in page.content.decode()


def test_a_known_person_is_raised_and_a_wrong_name_or_no_card_changes_nothing(staff_client):
    person = Applicant.objects.filter(kind="person", assurance__lt=AssuranceLevel.IN_PERSON).first()
    clerk = staff_client("clerk.chongyang")
    assert _post(clerk, person.identifier, person.name + "某").status_code == 422
    assert _post(clerk, person.identifier, person.name, card_read="").status_code == 422
    person.refresh_from_db()
    assert person.assurance < AssuranceLevel.IN_PERSON
    assert _post(clerk, person.identifier, person.name).status_code == 200
    person.refresh_from_db()
    assert person.assurance == AssuranceLevel.IN_PERSON


def test_only_a_clerk_registers_at_the_window(staff_client):
    number = new_number("612")
    refused = _post(staff_client("approver.chongyang.market"), number, "柯文华")
    assert refused.status_code == 403 and person_by_number(number) is None
