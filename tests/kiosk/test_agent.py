"""A company's 经办人 at the terminal: after their identity check they switch to acting for
the company; applying and 我的办件 are then the company's, the history says who acted for
whom, and the day after the authorization ends the act is refused and nothing written."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ninhaoban.accounts import services as accounts_services
from ninhaoban.accounts.models import AssuranceLevel
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseEvent, MaterialState
from ninhaoban.core.idnumbers import uscc_check_char
from ninhaoban.regions.models import Region
from tests.cases.conftest import BUSINESS_LICENCE_FORM, CHONGYANG, GETIHU, PDF, item
from tests.cases.test_daiban import resident
from tests.kiosk.conftest import BASE

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 28)


def _company_with_agent():
    body = "91421223MA4" + "K00002"
    organization = accounts_services.register_organization(
        uscc=body + uscc_check_char(body),
        name="崇阳县示例贸易行",
        region=Region.objects.get(code=CHONGYANG),
    )
    boss, agent = resident(CHONGYANG, 21), resident(CHONGYANG, 22)
    agent.assurance = AssuranceLevel.FACE
    agent.save(update_fields=["assurance"])
    accounts_services.record_representative(
        organization=organization, person=boss, day=DAY, evidence={}
    )
    accounts_services.name_agent(
        organization=organization,
        representative=boss,
        agent=agent,
        items=[item(GETIHU, CHONGYANG).code],
        until=DAY,
        day=DAY,
    )
    return organization, agent


def _application(organization, agent) -> dict:
    code = item(GETIHU, CHONGYANG).code
    actor = services.Actor.acting_for(agent, organization, DAY)
    needs = services.preview(organization, services.plan_for(item_code=code), actor=actor)
    scans = [
        n.key
        for n, state in needs
        if n.source != "shared_data"
        and state not in (MaterialState.LICENCE, MaterialState.GOVERNMENT, MaterialState.GENERATED)
    ]
    form = {f"form-{k}": v for k, v in BUSINESS_LICENCE_FORM.items()}
    form["form-organization_name"] = BUSINESS_LICENCE_FORM["name"]
    # the company's 申请书 names the person who applies for it: the agent
    form |= {
        "form-applicant_name": agent.name,
        "form-applicant_id": agent.identifier,
        "form-applicant_phone": agent.phone,
    }
    files = {f"file-{k}": SimpleUploadedFile(f"{k}.pdf", PDF) for k in scans}
    return {"consent": "1", **form, **files}


def test_an_agent_applies_for_the_company_at_the_terminal_until_the_authorization_ends(
    today, identified
):
    today(DAY)
    organization, agent = _company_with_agent()
    client = identified(agent)
    listed = client.get(f"{BASE}organizations/").content.decode()
    assert organization.name in listed
    switched = client.post(f"{BASE}organizations/", {"organization": organization.pk})
    assert switched.status_code == 302
    cases_page = client.get(f"{BASE}cases/").content.decode()
    assert f"正在代表{organization.name}办事" in cases_page
    code = item(GETIHU, CHONGYANG).code
    taken = client.post(f"{BASE}apply/{code}/", _application(organization, agent))
    assert taken.status_code == 302, taken.content.decode()[:2000]
    case = Case.objects.get(applicant=organization)
    event = CaseEvent.objects.get(case=case, action="submit")
    assert organization.name in event.actor_name and agent.display_name in event.actor_name
    assert not Case.objects.filter(applicant=agent).exists()

    today(DAY + dt.timedelta(days=1))
    late = client.post(f"{BASE}apply/{code}/", _application(organization, agent))
    assert late.status_code == 403 and Case.objects.filter(applicant=organization).count() == 1
    client.get(f"{BASE}cases/")  # a page that only reads ends the lapsed switch
    assert f"正在代表{organization.name}办事" not in client.get(f"{BASE}cases/").content.decode()


def test_a_person_cannot_switch_to_a_company_they_may_not_act_for(today, identified):
    today(DAY)
    organization, _ = _company_with_agent()
    stranger = resident(CHONGYANG, 23)
    client = identified(stranger)
    refused = client.post(f"{BASE}organizations/", {"organization": organization.pk})
    assert refused.status_code == 404
    assert "正在代表" not in client.get(f"{BASE}cases/").content.decode()
