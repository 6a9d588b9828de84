"""The admin masks and traces personal data and puts every change in the ledger; searches
for a person keep the number out of URLs and access logs; lists are traced like details
(issue 18, "Why" 7, 8 and 9)."""

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from gunicorn.glogging import Logger

from ninhaoban import gunicorn_conf
from ninhaoban.accounts.models import Applicant
from ninhaoban.core.idnumbers import mask_phone
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions.models import Department

pytestmark = pytest.mark.django_db

CHONGYANG = "421223"


def _bodies(kind: str, after: int) -> list[dict]:
    return [json.loads(e.body) for e in LedgerEntry.objects.filter(kind=kind, pk__gt=after)]


def _last() -> int:
    return LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _person() -> Applicant:
    return (
        Applicant.objects.filter(region__code__startswith=CHONGYANG, kind="person")
        .exclude(phone="")
        .first()
    )


def test_the_staff_list_in_the_admin_masks_phones(staff_client):
    staff = User.objects.get(username="clerk.chibi").staff
    staff.phone = "13912345678"
    staff.save()
    page = staff_client("admin").get("/admin/accounts/staff/").content.decode()
    assert "13912345678" not in page and mask_phone("13912345678") in page


def test_the_person_list_in_the_admin_shows_no_number_or_phone(staff_client):
    person = _person()
    page = staff_client("admin").get("/admin/accounts/person/").content.decode()
    assert person.masked_identifier in page
    assert person.identifier not in page and person.phone not in page


def test_opening_a_person_in_the_admin_is_a_traced_read(staff_client):
    person, start = _person(), _last()
    admin = User.objects.get(username="admin")
    response = staff_client("admin").get(f"/admin/accounts/person/{person.pk}/change/")
    assert response.status_code == 200
    [viewed] = _bodies("applicant.viewed", start)
    assert viewed["subjects"] == [person.subject]
    assert viewed["actor"] == admin.staff.actor


def test_a_change_in_the_admin_is_in_the_ledger_without_the_value(staff_client):
    person, start = _person(), _last()
    response = staff_client("admin").post(
        f"/admin/accounts/person/{person.pk}/change/",
        {
            "identifier": person.identifier,
            "name": person.name,
            "region": person.region_id,
            "assurance": person.assurance,
            "phone": "13700001111",
            "email": person.email,
            "legal_representative": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = _bodies("admin.changed", start)
    assert changed["subjects"] == [person.subject]
    assert len(_bodies("applicant.phone_changed", start)) == 1
    assert "13700001111" not in LedgerEntry.objects.get(kind="admin.changed", pk__gt=start).body


def test_the_admin_cannot_delete_an_applicant(staff_client):
    person = _person()
    response = staff_client("admin").post(
        f"/admin/accounts/person/{person.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Applicant.objects.filter(pk=person.pk).exists()


def test_a_department_changed_in_the_admin_is_in_the_ledger(staff_client):
    department, start = Department.objects.first(), _last()
    response = staff_client("admin").post(
        f"/admin/regions/department/{department.pk}/change/",
        {
            "name": department.name + "（改）",
            "region": department.region_id,
            "dept_type": department.dept_type,
            "uscc": department.uscc,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [changed] = _bodies("admin.changed", start)
    assert changed["subjects"] == [f"regions.department:{department.pk}"]


def test_a_search_by_id_number_is_a_post_and_traced(staff_client):
    person, start = _person(), _last()
    client = staff_client("clerk.chongyang")
    response = client.post(
        "/api/v1/applicants/search",
        {"q": person.identifier},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [person.pk]
    [listed] = _bodies("applicant.listed", start)
    assert listed["subjects"] == [person.subject]


def test_the_list_refuses_a_search_in_its_url(staff_client):
    person = _person()
    response = staff_client("clerk.chongyang").get(f"/api/v1/applicants/?q={person.identifier}")
    assert response.status_code == 422
    assert "POST" in response.json()["message_en"]


def test_a_list_is_traced_like_a_detail(staff_client):
    start = _last()
    rows = staff_client("clerk.chongyang").get("/api/v1/applicants/?limit=5").json()
    [listed] = _bodies("applicant.listed", start)
    shown = Applicant.objects.filter(pk__in=[row["id"] for row in rows])
    assert sorted(listed["subjects"]) == sorted(a.subject for a in shown)


def test_the_access_log_keeps_query_strings_out():
    """gunicorn's own formatter, fed a request for a search by number with a Referer that
    carries one too."""
    number = "421223199001019012"
    cfg = SimpleNamespace(access_log_format=gunicorn_conf.access_log_format)
    request = SimpleNamespace(headers=[], method="GET", version=(1, 1))
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/applicants/?q={number}",
        "PATH_INFO": "/api/v1/applicants/",
        "QUERY_STRING": f"q={number}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://example.org/?q={number}",
        "HTTP_USER_AGENT": "test",
    }
    logger = Logger.__new__(Logger)
    logger.cfg = cfg
    atoms = logger.atoms(response, request, environ, __import__("datetime").timedelta(0))
    line = gunicorn_conf.access_log_format % atoms
    assert "/api/v1/applicants/" in line and number not in line
