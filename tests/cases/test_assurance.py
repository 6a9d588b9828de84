"""实名认证等级: an item may ask for a level; whoever applies for themself below it is
refused with how to reach it, and a clerk's in-person check raises an account to the top."""

import pytest

from ninhaoban.accounts.models import Applicant, AssuranceLevel
from ninhaoban.accounts.services import ensure_applicant_user
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, Channel
from ninhaoban.catalog import selectors as catalog_selectors
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.core.errors import Forbidden
from tests.cases.conftest import (
    CHONGYANG,
    FORMS,
    GETIHU,
    applicant_actor,
    files_for,
    item,
    person,
    staff,
)
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_versions():
    """The versions in force are kept in memory (published ones never change); these tests
    change one in place, so none of its copies may outlive them."""
    catalog_selectors._IN_FORCE.clear()
    yield
    catalog_selectors._IN_FORCE.clear()


def _require(level: int) -> str:
    code = item(GETIHU, CHONGYANG).code
    ServiceItemVersion.objects.filter(item__code=code).update(min_assurance=level)
    return code


def _at(level: int) -> Applicant:
    applicant = person()
    Applicant.objects.filter(pk=applicant.pk).update(assurance=level)
    applicant.refresh_from_db()
    return applicant


def _online(applicant: Applicant, code: str) -> Case:
    return services.submit(
        actor=applicant_actor(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(FORMS[GETIHU]),
        consent=True,
    )


def test_an_account_below_the_items_level_is_refused_with_how_to_raise_it(today):
    code = _require(AssuranceLevel.IN_PERSON)
    applicant = _at(AssuranceLevel.BASIC)
    before = Case.objects.count()
    with pytest.raises(Forbidden) as refused:
        _online(applicant, code)
    assert refused.value.field == "assurance"
    assert "窗口现场核验" in refused.value.message_zh
    assert "in-person check" in refused.value.message_en
    assert Case.objects.count() == before


def test_the_portal_answers_403_naming_the_way_up(today, client):
    code = _require(AssuranceLevel.IN_PERSON)
    applicant = _at(AssuranceLevel.BASIC)
    client.force_login(ensure_applicant_user(applicant))
    response = client.post("/apply/", {"item": code, "consent": "1"})
    assert response.status_code == 403
    assert "窗口现场核验" in response.content.decode()


def test_an_item_asking_for_nothing_takes_any_account(today):
    code = _require(AssuranceLevel.NONE)
    assert _online(_at(AssuranceLevel.NONE), code).case_no


def test_the_window_takes_the_application_whatever_the_level(today):
    code = _require(AssuranceLevel.IN_PERSON)
    applicant = _at(AssuranceLevel.NONE)
    case = services.submit(
        actor=staff("clerk.chongyang"),
        applicant=applicant,
        channel=Channel.WINDOW,
        item_code=code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(FORMS[GETIHU]),
    )
    assert case.applicant_id == applicant.pk


def test_the_clerks_in_person_check_lets_the_person_apply_online(today, staff_client):
    code = _require(AssuranceLevel.IN_PERSON)
    applicant = _at(AssuranceLevel.BASIC)
    added = NewEntries()
    response = staff_client("clerk.city").post(f"/api/v1/applicants/{applicant.pk}/in-person-check")
    assert response.status_code == 200, response.content
    assert response.json()["assurance"] == AssuranceLevel.IN_PERSON
    assert "applicant.verified_in_person" in added.kinds
    applicant.refresh_from_db()
    assert _online(applicant, code).case_no


def test_a_clerk_outside_the_persons_region_cannot_check_them(today, staff_client):
    applicant = _at(AssuranceLevel.BASIC)
    Applicant.objects.filter(pk=applicant.pk).update(region_id=CHONGYANG)
    response = staff_client("clerk.tongshan").post(
        f"/api/v1/applicants/{applicant.pk}/in-person-check"
    )
    assert response.status_code in (403, 404)
    applicant.refresh_from_db()
    assert applicant.assurance == AssuranceLevel.BASIC
