"""In Chromium against the live server: a legal representative links the company the 市场监管
register names, authorizes an agent for every item until a day, and the agent switches to
acting for the company: every page then says for whom they act."""

import datetime as dt

import pytest
from django.utils import timezone

from ninhaoban.accounts.models import Mandate, MandateKind
from ninhaoban.accounts.selectors import applicant_by_identifier
from ninhaoban.accounts.services import set_applicant_password
from tests.exchange.test_organizations import an_agent, new_uscc, representative_of

pytestmark = pytest.mark.e2e

PASSWORD = "Xianning-2026"


def _sign_in(page, identifier: str) -> None:
    page.goto("/login/")
    page.fill("#identifier", identifier)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").first.click()
    page.wait_for_load_state()


def test_a_representative_authorizes_an_agent_who_acts_for_the_company(page, sources):
    code = new_uscc(21)
    representative, agent = representative_of(code), an_agent("751")
    for person in (representative, agent):
        set_applicant_password(person, PASSWORD)
    _sign_in(page, representative.identifier)
    page.goto("/organizations/")
    page.fill("#uscc", code)
    page.get_by_role("button", name="核验并关联").click()
    page.wait_for_url("**/organizations/")
    organization = applicant_by_identifier(code)
    assert organization is not None and organization.name in page.content()
    until = timezone.localdate() + dt.timedelta(days=30)
    page.fill(f"#agent-{organization.pk}", agent.identifier)
    page.fill(f"#until-{organization.pk}", until.isoformat())
    page.get_by_role("button", name="授权经办人").click()
    page.wait_for_url("**/organizations/")
    assert agent.masked_identifier in page.content()
    assert agent.identifier not in page.content()
    assert Mandate.objects.get(person=agent, kind=MandateKind.AGENT).valid_until == until
    page.context.clear_cookies()  # another person at another browser
    _sign_in(page, agent.identifier)
    page.goto("/organizations/")
    page.get_by_role("button", name="代表该企业办事").click()
    page.wait_for_url("**/cases/")
    assert f"正在代表{organization.name}办事" in page.locator("main").inner_text()
