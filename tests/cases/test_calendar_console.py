"""工作日历 in the console: only the city's system administrator sees and changes it; a
pasted notice is previewed as a difference (nothing stored), refused naming its line, or
imported with the due dates it moves; the home page warns while next year is provisional."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ninhaoban.regions import calendar as stored_calendar
from ninhaoban.regions.models import WorkCalendar
from tests.kiosk.test_console import _admin_of

from .conftest import CHONGYANG

pytestmark = pytest.mark.django_db
PAGE = "/console/calendar/"
NOTICE = (Path(__file__).parents[1] / "core" / "notices" / "2027-madeup.txt").read_text()


@pytest.fixture(autouse=True)
def fresh_calendar():
    stored_calendar.invalidate()
    yield
    stored_calendar.invalidate()


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_only_the_city_administrator_keeps_the_calendar():
    page = _as("admin").get(PAGE)
    assert page.status_code == 200 and "2027" in page.content.decode()
    for username in ("clerk.chongyang", "supervisor.chongyang", "catalog.chongyang"):
        assert _as(username).get(PAGE).status_code == 403, username
    county = _admin_of(CHONGYANG)
    assert county.get(PAGE).status_code == 403
    assert county.post(f"{PAGE}import/", {"notice": NOTICE}).status_code == 403
    assert Client().get(PAGE).status_code == 302


def test_the_home_page_warns_the_administrator():
    home = _as("admin").get("/console/").content.decode()
    assert "2027年的节假日安排尚未导入" in home and 'href="/console/calendar/"' in home
    assert (
        "2027年的节假日安排尚未导入" not in _as("clerk.chongyang").get("/console/").content.decode()
    )


def test_preview_stores_nothing_then_import_makes_the_year_official():
    preview = _as("admin").post(PAGE, {"notice": NOTICE}).content.decode()
    assert "2027-02-09" in preview and "2027-10-09" in preview
    assert not WorkCalendar.objects.filter(date__year=2027).exists()
    done = _as("admin").post(f"{PAGE}import/", {"notice": NOTICE}, follow=True)
    assert done.status_code == 200
    assert WorkCalendar.objects.filter(date__year=2027, provisional=False).count() == 365


def test_a_bad_notice_is_refused_on_the_page_naming_its_line():
    bad = "关于2027年部分节假日安排\n一、元旦：1月1日（周一）放假。"
    page = _as("admin").post(f"{PAGE}import/", {"notice": bad})
    assert page.status_code == 200 and "第2行" in page.content.decode()
    assert not WorkCalendar.objects.filter(date__year=2027).exists()


def test_a_day_is_edited_with_a_reason():
    client = _as("admin")
    assert (
        "理由" in client.post(f"{PAGE}day/", {"date": "2027-03-03", "reason": ""}).content.decode()
    )
    client.post(f"{PAGE}day/", {"date": "2027-03-03", "working": "0", "reason": "地方假日"})
    assert WorkCalendar.objects.get(date="2027-03-03").is_working is False
    assert client.post(f"{PAGE}day/", {"date": "x"}).status_code == 200


def test_the_page_speaks_one_language_at_a_time():
    client = _as("admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(PAGE).content.decode()
    assert "Working-day calendar" in page and "provisional (no notice yet)" in page
    assert "导入国务院节假日安排通知" not in page
    refused = client.post(f"{PAGE}import/", {"notice": "一、元旦：1月1日放假。"}).content.decode()
    assert "no year in the title" in refused and "未能从标题中读出年度" not in refused


def test_the_admin_shows_the_calendar_but_changes_go_through_the_console():
    client = _as("admin")
    assert client.get("/admin/regions/workcalendar/").status_code == 200
    assert client.get("/admin/regions/workcalendar/add/").status_code == 403
    response = client.post("/admin/regions/workcalendar/2027-03-03/change/", {"is_working": ""})
    assert response.status_code in (302, 403)
    assert not WorkCalendar.objects.filter(date="2027-03-03").exists()
