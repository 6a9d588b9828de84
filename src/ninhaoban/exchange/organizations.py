"""法人 on the platform: a person links a company whose 法定代表人 the 市场监管 register says
they are, and names 经办人 (agents) to act for it, each for some items or all, until a day.

The check asks the register by the company's code and the person's number together (data
set `market.legal_representative`); it answers yes or no and, on yes, the registered name,
so nobody learns who represents a company by trying numbers. A company the platform does not
know yet is registered under the name the register holds."""

import datetime as dt

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import (
    Applicant,
    ApplicantKind,
    AssuranceLevel,
    Mandate,
    subject_digest,
)
from ninhaoban.accounts.selectors import applicant_by_identifier, person_by_number
from ninhaoban.catalog import selectors as catalog
from ninhaoban.core.errors import Forbidden, InvalidInput, Unavailable
from ninhaoban.core.idnumbers import parse_id_number, parse_uscc
from ninhaoban.exchange.models import SELF
from ninhaoban.exchange.services import ask_register
from ninhaoban.regions.selectors import city_region, region_by_code

REPRESENTATIVE_KEY = "market.legal_representative"
REPRESENTATIVE_PURPOSE = "法定代表人关联企业核验"


def link_organization(*, person: Applicant, uscc: str, day: dt.date) -> Mandate:
    """The person (实名, at least 基本实名) becomes the company's representative on the
    platform if the register names them; a malformed code is a 422, a company whose
    representative they are not a 403, and either writes nothing but the query's trace."""
    code = parse_uscc(uscc).code
    if person.assurance < AssuranceLevel.BASIC or not person.is_person:
        raise Forbidden(
            "关联企业须先完成实名注册（核验姓名与身份证号码）",
            "register with your name and ID number checked before linking a company",
        )
    matched, query_id, record = ask_register(
        REPRESENTATIVE_KEY,
        {"identifier": code, "person": person.identifier},
        subject=f"{ApplicantKind.ORGANIZATION}:{subject_digest(code)}",
        actor=person.subject,
        role=SELF,
        purpose=REPRESENTATIVE_PURPOSE,
        unavailable=Unavailable(
            "市场监管登记系统暂时无法连接，请稍后再试",
            "the market regulation register is unavailable: try again later",
        ),
    )
    if not matched:
        raise Forbidden(
            "市场监管登记信息显示您不是该企业的法定代表人，请核对统一社会信用代码",
            "the market register does not name you as this company's legal representative: "
            "check the unified social credit code",
            field="uscc",
        )
    organization = applicant_by_identifier(code)
    if organization is None:
        organization = accounts.register_organization(
            uscc=code,
            name=str(record.get("name") or code),
            region=region_by_code(code[2:8].ljust(12, "0")) or city_region(),
            legal_representative=person.name,
            actor=person.subject,
        )
    elif organization.kind != ApplicantKind.ORGANIZATION:
        raise InvalidInput("该代码不是法人", "this code is not an organization's", field="uscc")
    return accounts.record_representative(
        organization=organization,
        person=person,
        day=day,
        evidence={"representative_query": query_id},
    )


def name_agent(
    *,
    organization: Applicant,
    representative: Applicant,
    agent_id_number: str,
    items: list[str],
    until: dt.date,
    day: dt.date,
) -> Mandate:
    """The agent by their ID number (registered on the platform already: they sign in as
    themself); the items by their codes in the catalog, every one named if unknown."""
    number = parse_id_number(agent_id_number).number
    agent = person_by_number(number)
    if agent is None:
        raise InvalidInput(
            "该经办人尚未实名注册，请其先在网站或自助终端注册",
            "this agent has not registered yet: they register on the website or at a kiosk",
            field="agent",
        )
    codes = sorted({c.strip() for c in items if c.strip()})
    unknown = [c for c in codes if not catalog.item_exists(c)]
    if unknown:
        raise InvalidInput(
            f"没有事项{'、'.join(unknown)}", f"no item {', '.join(unknown)}", field="items"
        )
    return accounts.name_agent(
        organization=organization,
        representative=representative,
        agent=agent,
        items=codes,
        until=until,
        day=day,
    )
