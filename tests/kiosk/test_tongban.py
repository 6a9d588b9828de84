"""全市通办 at a terminal: act for another county or town, the case goes to its office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import services as cases
from ninhaoban.cases.models import Case, Channel, MaterialState
from ninhaoban.kiosk.views import REGION_COOKIE
from ninhaoban.regions.models import Level, Region
from tests.cases.conftest import CHONGYANG, GETIHU, PDF, TONGSHAN, item
from tests.kiosk.conftest import BASE, terminal

pytestmark = pytest.mark.django_db


def _person() -> Applicant:
    return Applicant.objects.filter(kind=ApplicantKind.PERSON).exclude(phone="").order_by("pk")[1]


def test_the_switcher_lists_counties_then_a_countys_towns():
    client = terminal()
    page = client.get(f"{BASE}region/").content.decode()
    assert "通山县" in page and "咸安区" in page
    towns = client.get(f"{BASE}region/?county={TONGSHAN}").content.decode()
    town = Region.objects.filter(parent_id=TONGSHAN, level=Level.TOWN).order_by("code").first()
    assert town is not None and town.name in towns
    assert "天城镇" not in towns  # a 崇阳 town is not under 通山


def test_switch_to_another_county_offers_its_items_and_routes_the_case_there(today, identified):
    person = _person()
    client = identified(person)
    assert client.post(f"{BASE}region/", {"region": TONGSHAN}).status_code == 302
    home = client.get(BASE).content.decode()
    assert "湖北省咸宁市通山县" in home or "咸宁市通山县" in home
    listed = client.get(f"{BASE}apply/").content.decode()
    there, here = item(GETIHU, TONGSHAN).code, item(GETIHU, CHONGYANG).code
    assert f"apply/{there}/" in listed and f"apply/{here}/" not in listed
    needs = cases.preview(
        person, cases.plan_for(item_code=there), actor=cases.Actor.of_applicant(person)
    )
    files = {
        f"file-{n.key}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
        for n, state in needs
        if state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT)
    }
    response = client.post(
        f"{BASE}apply/{there}/",
        {"consent": "1", "delivery_method": "electronic", "form-scope": "日用百货", **files},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(applicant=person, item__code=there)
    assert case.region_id == TONGSHAN and case.department.region_id == TONGSHAN
    assert case.intake_region_id == CHONGYANG and case.channel == Channel.KIOSK


def test_a_town_is_offered_its_countys_items_and_exit_forgets_the_choice(identified):
    town = Region.objects.filter(parent_id=TONGSHAN, level=Level.TOWN).order_by("code").first()
    client = identified(_person())
    client.post(f"{BASE}region/", {"region": town.code})
    listed = client.get(f"{BASE}apply/").content.decode()
    assert town.name in listed and f"apply/{item(GETIHU, TONGSHAN).code}/" in listed
    exit_ = client.post(f"{BASE}exit/")
    assert exit_.cookies[REGION_COOKIE].value == ""
    client.cookies.pop(REGION_COOKIE, None)
    assert f"apply/{item(GETIHU, CHONGYANG).code}/" in client.get(f"{BASE}apply/").content.decode()


def test_an_unknown_or_village_region_is_refused_and_nothing_changes():
    client = terminal()
    village = Region.objects.filter(level=Level.VILLAGE).first()
    for code in ("999999999999", "x'; drop", *([village.code] if village else [])):
        response = client.post(f"{BASE}region/", {"region": code})
        assert response.status_code == 422 and REGION_COOKIE not in response.cookies
    forged = terminal()
    forged.cookies[REGION_COOKIE] = "999999999999"
    listed = forged.get(f"{BASE}apply/").content.decode()
    assert f"apply/{item(GETIHU, CHONGYANG).code}/" in listed  # back to the hall's own
