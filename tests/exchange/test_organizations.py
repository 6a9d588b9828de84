"""法人 and 经办人: a person links a company whose legal representative the 市场监管 register
says they are, names agents with a scope and an end date, and revokes them; an agent acts
for the company on the portal and at the window, each act saying who acted for whom. An act
after the end date, beyond the scope or after revocation is a 403 that writes nothing."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client

from ninhaoban.accounts.models import Applicant, AssuranceLevel, Mandate, MandateKind
from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.accounts.services import ensure_applicant_user, register_person, revoke_mandate
from ninhaoban.cases import clock, services
from ninhaoban.cases.models import Case, CaseEvent, Channel
from ninhaoban.cases.services import Actor
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.core.idnumbers import id_check_char, organization_code_check_char, uscc_check_char
from ninhaoban.exchange import organizations
from ninhaoban.exchange.sandbox.records import official_name, representative_number
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions.models import Region
from tests.cases.conftest import CHONGYANG, FORMS, GETIHU, files_for, item
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 9, 28)


@pytest.fixture
def today(monkeypatch) -> Callable[[dt.date], None]:
    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    set_day(DAY)
    return set_day


def new_uscc(serial: int) -> str:
    org = f"MA{serial:06d}"
    body = f"91421223{org}{organization_code_check_char(org)}"
    return body + uscc_check_char(body)


def registered(number: str) -> Applicant:
    return register_person(
        id_number=number,
        name=official_name(number),
        region=Region.objects.get(code=CHONGYANG),
        assurance=AssuranceLevel.BASIC,
    )


def representative_of(code: str) -> Applicant:
    return registered(representative_number(code))


def an_agent(serial: str = "731") -> Applicant:
    body = f"42122319900101{serial}"
    return registered(body + id_check_char(body))


def linked(code: str) -> tuple[Applicant, Applicant]:
    person = representative_of(code)
    mandate = organizations.link_organization(person=person, uscc=code, day=DAY)
    return person, mandate.organization


def getihu() -> str:
    return item(GETIHU, CHONGYANG).code


def apply_as(actor: Actor, organization: Applicant) -> Case:
    return services.submit(
        actor=actor,
        applicant=organization,
        channel=Channel.ONLINE,
        item_code=getihu(),
        files=files_for(GETIHU, CHONGYANG),
        form=dict(FORMS[GETIHU]),
        consent=True,
    )


def agent_with(
    organization: Applicant, representative: Applicant, *, items: list[str], until: dt.date
) -> Applicant:
    agent = an_agent()
    organizations.name_agent(
        organization=organization,
        representative=representative,
        agent_id_number=agent.identifier,
        items=items,
        until=until,
        day=DAY,
    )
    return agent


def test_the_representative_links_the_company_the_register_names(sources, today):
    code = new_uscc(1)
    added = NewEntries()
    person, organization = linked(code)
    assert organization.identifier == code and organization.name.endswith("有限公司")
    assert Mandate.objects.get(organization=organization).kind == MandateKind.REPRESENTATIVE
    assert "organization.representative_linked" in added.kinds
    assert "exchange.query" in added.kinds
    assert person.identifier not in json.dumps(added.subjects("exchange.query"))


@pytest.mark.parametrize(("given", "status"), [("other", 403), ("malformed", 422)])
def test_a_mismatching_or_malformed_code_links_nothing(sources, today, given, status):
    code = new_uscc(2)
    person = an_agent("733")  # not the register's representative of the code
    uscc = code if given == "other" else code[:-1] + "?"
    before = (Mandate.objects.count(), Applicant.objects.count())
    with pytest.raises((Forbidden, InvalidInput)) as refused:
        organizations.link_organization(person=person, uscc=uscc, day=DAY)
    assert refused.value.status == status
    assert (Mandate.objects.count(), Applicant.objects.count()) == before
    assert applicant_by_identifier(code) is None


def test_an_agent_applies_for_the_company_and_the_case_says_who_acted_for_whom(sources, today):
    representative, organization = linked(new_uscc(3))
    agent = agent_with(organization, representative, items=[getihu()], until=DAY)
    added = NewEntries()
    case = apply_as(Actor.acting_for(agent, organization, DAY), organization)
    assert case.applicant_id == organization.pk
    event = CaseEvent.objects.filter(case=case, action="submit").get()
    assert event.actor == agent.subject and organization.name in event.actor_name
    entry = json.loads(
        LedgerEntry.objects.filter(pk__gt=added.after, kind="case.submit").get().body
    )
    assert entry["actor"] == agent.subject and organization.subject in entry["subjects"]
    assert agent.identifier not in json.dumps(entry)


def test_an_agents_act_is_refused_the_day_after_the_authorization_ends(sources, today):
    representative, organization = linked(new_uscc(4))
    agent = agent_with(organization, representative, items=[], until=DAY)
    actor = Actor.acting_for(agent, organization, DAY)
    today(DAY + dt.timedelta(days=1))
    before = Case.objects.count()
    with pytest.raises(Forbidden) as refused:
        apply_as(actor, organization)
    assert "到期" in refused.value.message_zh
    assert Case.objects.count() == before
    with pytest.raises(Forbidden):
        Actor.acting_for(agent, organization, DAY + dt.timedelta(days=1))


def test_an_agent_beyond_their_scope_is_refused(sources, today):
    representative, organization = linked(new_uscc(5))
    other = item("食品经营许可", CHONGYANG).code
    agent = agent_with(organization, representative, items=[other], until=DAY)
    before = Case.objects.count()
    with pytest.raises(Forbidden) as refused:
        apply_as(Actor.acting_for(agent, organization, DAY), organization)
    assert refused.value.field == "item" and getihu() in refused.value.message_zh
    assert Case.objects.count() == before


def test_a_revoked_agent_may_no_longer_act_even_on_a_case_they_made(sources, today):
    representative, organization = linked(new_uscc(6))
    agent = agent_with(organization, representative, items=[], until=DAY + dt.timedelta(9))
    actor = Actor.acting_for(agent, organization, DAY)
    case = apply_as(actor, organization)
    revoke_mandate(Mandate.objects.get(person=agent), by=representative)
    with pytest.raises(Forbidden) as refused:
        services.withdraw(case, actor, reason="不再办理")
    assert "撤销" in refused.value.message_zh
    with pytest.raises(Forbidden):
        apply_as(actor, organization)


@pytest.mark.parametrize(
    ("change", "status"),
    [("ended", 422), ("not_registered", 422), ("unknown_item", 422), ("not_representative", 403)],
)
def test_bad_authorizations_are_refused_and_write_nothing(sources, today, change, status):
    representative, organization = linked(new_uscc(7))
    agent = an_agent("735")
    args = {
        "organization": organization,
        "representative": representative,
        "agent_id_number": agent.identifier,
        "items": [getihu()],
        "until": DAY + dt.timedelta(days=30),
        "day": DAY,
    }
    if change == "ended":
        args["until"] = DAY - dt.timedelta(days=1)
    elif change == "not_registered":
        body = "42122319900101999"
        args["agent_id_number"] = body + id_check_char(body)
    elif change == "unknown_item":
        args["items"] = ["NO-SUCH-ITEM"]
    else:
        args["representative"] = agent
        args["agent_id_number"] = an_agent("737").identifier
    before = Mandate.objects.count()
    with pytest.raises((Forbidden, InvalidInput)) as refused:
        organizations.name_agent(**args)
    assert refused.value.status == status
    assert Mandate.objects.count() == before


def _client(applicant: Applicant) -> Client:
    client = Client()
    client.force_login(ensure_applicant_user(applicant))
    return client


def test_the_portal_links_names_switches_and_revokes(sources, today):
    code = new_uscc(8)
    representative = representative_of(code)
    rep = _client(representative)
    assert rep.post("/organizations/", {"action": "link", "uscc": code}).status_code == 302
    organization = applicant_by_identifier(code)
    agent = an_agent()
    named = rep.post(
        "/organizations/",
        {
            "action": "name_agent",
            "organization": organization.pk,
            "agent": agent.identifier,
            "scope": "items",
            "items": getihu(),
            "until": DAY.isoformat(),
        },
    )
    assert named.status_code == 302, named.content.decode()
    page = rep.get("/organizations/").content.decode()
    assert organization.name in page and agent.masked_identifier in page
    assert agent.identifier not in page
    acting = _client(agent)
    assert acting.post("/organizations/act/", {"organization": organization.pk}).status_code == 302
    mine = acting.get("/cases/").content.decode()
    assert organization.name in mine  # the banner: acting for the company
    today(DAY + dt.timedelta(days=1))
    refused = acting.post("/apply/", {"item": getihu(), "consent": "1"})
    assert refused.status_code == 403 and "到期" in refused.content.decode()
    mandate = Mandate.objects.get(person=agent)
    revoked = rep.post("/organizations/", {"action": "revoke", "mandate": mandate.pk})
    assert revoked.status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    someone = _client(an_agent("739"))
    assert someone.post("/organizations/act/", {"organization": organization.pk}).status_code == 403


def test_the_window_takes_an_application_from_the_agent_present(sources, today, staff_client):
    representative, organization = linked(new_uscc(9))
    agent = agent_with(organization, representative, items=[getihu()], until=DAY)
    clerk = staff_client("clerk.chongyang")
    body = {
        "item": getihu(),
        "applicant": organization.identifier,
        "agent": agent.identifier,
        "form": dict(FORMS[GETIHU]),
        "allow_incomplete": True,
    }
    taken = clerk.post("/api/v1/cases/", body, content_type="application/json")
    assert taken.status_code == 201, taken.content.decode()
    event = CaseEvent.objects.get(case__case_no=taken.json()["case_no"], action="submit")
    assert organization.name in event.actor_name and agent.display_name in event.actor_name
    today(DAY + dt.timedelta(days=1))
    before = Case.objects.count()
    late = clerk.post("/api/v1/cases/", body, content_type="application/json")
    assert late.status_code == 403 and Case.objects.count() == before
