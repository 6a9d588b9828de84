"""Demo 法人 with their representatives and an 经办人: the first demo companies are linked by
the person the sandbox's 市场监管 register names as representative, and each names the first
demo person (who has the demo password) as agent for every item for half a year, so the
demo's "我的企业" and "正在代表" have something to show."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts import services
from ninhaoban.accounts.models import Applicant, ApplicantKind, AssuranceLevel, Mandate
from ninhaoban.demo.accounts import demo_persons
from ninhaoban.exchange.sandbox.records import official_name, representative_number

COMPANIES = 2
AGENT_DAYS = 180


@transaction.atomic
def seed(agent: Applicant | None = None) -> str:
    today = timezone.localdate()
    if agent is None:
        persons = demo_persons(1)
        if not persons:
            return "organizations: no demo persons"
        agent = persons[0][0]
    companies = Applicant.objects.filter(kind=ApplicantKind.ORGANIZATION).order_by("pk")
    for organization in companies[:COMPANIES]:
        number = representative_number(organization.identifier)
        representative = Applicant.objects.filter(identifier=number).first()
        if representative is None:
            representative = services.register_person(
                id_number=number,
                name=official_name(number),
                region=organization.region,
                assurance=AssuranceLevel.BASIC,
            )
        services.record_representative(
            organization=organization, person=representative, day=today, evidence={}
        )
        if not Mandate.objects.filter(
            organization=organization, person=agent, revoked_at__isnull=True
        ).exists():
            services.name_agent(
                organization=organization,
                representative=representative,
                agent=agent,
                items=[],
                until=today + dt.timedelta(days=AGENT_DAYS),
                day=today,
            )
    return f"organizations: {min(COMPANIES, companies.count())} linked, each with an agent"
