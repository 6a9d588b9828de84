"""自助终端管理: a system administrator sees and manages the terminals of the halls in their
region only, issues the one-time code that enrols a terminal's browser (shown once), adds a
terminal and switches one off; nobody else may."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.accounts.models import Role
from ninhaoban.accounts.services import create_staff, grant_role
from ninhaoban.kiosk.models import Kiosk
from ninhaoban.regions.models import Region, ServiceHall
from tests.cases.conftest import CHONGYANG
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db
PAGE = "/console/kiosks/"


def _admin_of(region: str) -> Client:
    staff = create_staff(username=f"admin.{region}", name="管理员", password="Xianning-2026")
    grant_role(staff, Role.ADMIN, Region.objects.get(code=region))
    client = Client()
    client.force_login(staff.user)
    return client


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_an_admin_sees_the_terminals_of_their_region_only():
    page = _admin_of(CHONGYANG).get(PAGE).content.decode()
    assert "CY-ZWZX-01" in page and "CY-TCZ-01" in page and "XN-SMZJ-01" not in page
    city = _as("admin").get(PAGE).content.decode()
    assert "XN-SMZJ-01" in city and "CY-ZWZX-01" in city
    assert 'href="/console/kiosks/"' in _as("admin").get("/console/").content.decode()


def test_others_may_not_manage_terminals():
    for username in ("clerk.chongyang", "supervisor.chongyang", "catalog.chongyang"):
        assert _as(username).get(PAGE).status_code == 403, username
        response = _as(username).post(f"{PAGE}CY-ZWZX-01/enrolment/")
        assert response.status_code == 403, username
    assert _admin_of(CHONGYANG).post(f"{PAGE}XN-SMZJ-01/enrolment/").status_code == 403
    assert Client().get(PAGE).status_code == 302  # to the sign-in page


def test_the_code_is_shown_once_and_enrols_the_terminal():
    admin = _admin_of(CHONGYANG)
    added = NewEntries()
    response = admin.post(f"{PAGE}CY-ZWZX-01/enrolment/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    code = page.split('id="enrolment-code">')[1][:8]
    assert code.isdigit() and "/kiosk/CY-ZWZX-01/enrol/" in page
    terminal = Client()
    assert terminal.post("/kiosk/CY-ZWZX-01/enrol/", {"code": code}).status_code == 302
    assert terminal.get("/kiosk/CY-ZWZX-01/").status_code == 200
    assert added.kinds == ["kiosk.enrolment_issued", "kiosk.enrolled"]


def test_add_and_switch_off_a_terminal():
    admin = _admin_of(CHONGYANG)
    hall = ServiceHall.objects.get(region_id=CHONGYANG, name="崇阳县政务服务中心")
    added = admin.post(f"{PAGE}new/", {"hall": hall.pk, "code": "CY-ZWZX-03", "name": "3号终端"})
    assert added.status_code == 302 and Kiosk.objects.get(code="CY-ZWZX-03").hall == hall
    taken = admin.post(f"{PAGE}new/", {"hall": hall.pk, "code": "CY-ZWZX-03", "name": "again"})
    assert taken.status_code == 422 and Kiosk.objects.get(code="CY-ZWZX-03").name == "3号终端"
    city_hall = ServiceHall.objects.get(region_id="421200000000", name="咸宁市民之家")
    outside = admin.post(f"{PAGE}new/", {"hall": city_hall.pk, "code": "XN-X-1", "name": "x"})
    assert outside.status_code == 422 and not Kiosk.objects.filter(code="XN-X-1").exists()
    bad = admin.post(f"{PAGE}new/", {"hall": hall.pk, "code": "终端", "name": "x"})
    assert bad.status_code == 422 and "终端编号应为" in bad.content.decode()
    assert admin.post(f"{PAGE}CY-ZWZX-03/switch/").status_code == 302
    assert not Kiosk.objects.get(code="CY-ZWZX-03").active
    assert Client().get("/kiosk/CY-ZWZX-03/").status_code == 404
    assert admin.post(f"{PAGE}CY-ZWZX-03/enrolment/").status_code == 422
