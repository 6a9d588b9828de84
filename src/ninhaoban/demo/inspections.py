"""Demo 双随机一公开 and 招标投标投诉 for 咸安区 and 崇阳县: registers (check items, organizations
of the county with their industry, four inspectors of its 市场监管局 with one 回避), two plans
drawn in the past with results (one overdue), one published and waiting for a checkpoint, one
draft; tender projects with complaints in every state. Safe to run again."""

import datetime as dt
import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts import services as accounts
from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.core import workdays
from ninhaoban.demo.accounts import DEMO_PASSWORD, demo_persons, organization_uscc
from ninhaoban.inspections import services
from ninhaoban.inspections.models import (
    CheckItem,
    Complaint,
    InspectionObject,
    Inspector,
    Plan,
    TenderProject,
)
from ninhaoban.ledger.services import sequence
from ninhaoban.regions.models import Department, Region

COUNTIES = {"421202": "咸安区", "421223": "崇阳县"}
INDUSTRIES = ["餐饮", "食品销售", "药品零售", "商贸"]
ITEMS = [
    ("food", "食品经营者经营条件检查", "《中华人民共和国食品安全法》第一百一十条"),
    ("label", "产品标识标注检查", "《中华人民共和国产品质量法》第二十七条"),
    ("licence", "营业执照公示及登记事项检查", "《企业信息公示暂行条例》第十四条"),
]
INSPECTORS = ["王建国", "李秀英", "张伟", "刘芳", "陈明"]
ORGANIZATIONS = 14


def _market(county: str) -> Department:
    return Department.objects.get(region_id=f"{county}000000", dept_type="market")


def seed_registers(county: str) -> Department:
    """Check items, organizations with their industries, inspectors (and one 回避)."""
    department = _market(county)
    region = department.region
    for key, name, basis in ITEMS:
        code = f"{county}-{key}"
        if not CheckItem.objects.filter(code=code).exists():
            services.register_check_item(
                code=code, name=name, department=department, legal_basis=basis, actor="system"
            )
    rng = random.Random(f"inspections-{county}")
    towns = list(Region.objects.filter(parent=region).order_by("code")[:3]) or [region]
    for n in range(ORGANIZATIONS):
        uscc = organization_uscc(rng, county)
        industry = INDUSTRIES[n % len(INDUSTRIES)]
        org = Applicant.objects.filter(identifier=uscc).first() or accounts.register_organization(
            uscc=uscc,
            name=f"{COUNTIES[county]}{towns[n % len(towns)].name}{industry}示例{n + 1}号有限公司",
            region=towns[n % len(towns)],
        )
        services.register_object(org, industry=industry, actor="system")
    for n, name in enumerate(INSPECTORS, start=1):
        username = f"inspector.{county}.{n}"
        user = User.objects.filter(username=username).first()
        staff = getattr(user, "staff", None) or accounts.create_staff(
            username=username, name=name, password=DEMO_PASSWORD
        )
        services.register_inspector(
            staff, cert_no=f"42{county[2:]}{n:05d}", department=department, actor="system"
        )
    first = Inspector.objects.filter(department=department).order_by("cert_no").first()
    target = InspectionObject.objects.filter(region__code__startswith=county).order_by("uscc")
    if first is not None and target.exists():
        services.add_avoidance(first, target[0], reason="近亲属任职", actor="system")
    return department


def _chief(county: str) -> User:
    return User.objects.get(
        username=f"chief.{'xianan' if county == '421202' else 'chongyang'}.market"
    )


def _plan(county: str, title: str, **fields: object) -> Plan:
    department = _market(county)
    values = {
        "title": title,
        "item_codes": [f"{county}-food", f"{county}-licence"],
        "industry": "",
        "object_region": department.region_id,
        "sample_count": None,
        "sample_ratio": None,
        "inspectors_per_object": 2,
        **fields,
    }
    return services.create_plan(_chief(county), department, **values)


def _seed_plans(county: str, today: dt.date) -> None:
    user = _chief(county)
    year = today.year
    spring = _plan(
        county,
        f"{year}年上半年食品经营者双随机抽查",
        industry="餐饮",
        sample_ratio=50,
        start_date=today - dt.timedelta(days=80),
        end_date=today - dt.timedelta(days=30),
    )
    autumn = _plan(
        county,
        f"{year}年营业执照公示事项抽查",
        sample_count=4,
        start_date=today - dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=20),
    )
    for plan in (spring, autumn):
        services.publish_plan(user, plan)
    sequence()
    for plan in (spring, autumn):
        services.draw_plan(user, Plan.objects.get(pk=plan.pk))
    findings = ["qualified", "rectify", "qualified", "case_filed", "not_found"]
    for n, drawn in enumerate(Plan.objects.get(pk=spring.pk).drawn.order_by("position")):
        inspected = today - dt.timedelta(days=70 - n)
        row = services.record_result(
            user,
            drawn,
            finding=findings[n % len(findings)],
            inspected_on=inspected,
            note="现场检查",
        )
        services.publish_result(user, row, today=workdays.add_working_days(inspected, 5))
    autumn_rows = list(Plan.objects.get(pk=autumn.pk).drawn.order_by("position"))
    # one result recorded long ago and never published (overdue), one recent (still in time)
    services.record_result(
        user, autumn_rows[0], finding="rectify", inspected_on=today - dt.timedelta(days=38)
    )
    services.record_result(
        user, autumn_rows[1], finding="qualified", inspected_on=today - dt.timedelta(days=2)
    )
    waiting = _plan(
        county,
        f"{year}年第四季度药品零售企业抽查",
        industry="药品零售",
        sample_count=2,
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=60),
    )
    services.publish_plan(user, waiting)
    _plan(
        county,
        f"{year + 1}年度产品标识抽查",
        item_codes=[f"{county}-label"],
        sample_ratio=10,
        start_date=today + dt.timedelta(days=40),
        end_date=today + dt.timedelta(days=120),
    )


def _seed_complaints(county: str, today: dt.date) -> None:
    department = _market(county)
    user = _chief(county)
    orgs = list(
        InspectionObject.objects.filter(region__code__startswith=county)
        .order_by("uscc")
        .values_list("organization_id", flat=True)[:4]
    )
    bidders = list(Applicant.objects.filter(pk__in=orgs, kind=ApplicantKind.ORGANIZATION))
    start = today - dt.timedelta(days=60)
    states = ["filed", "refused", "accepted", "paused", "decided", "decided_suspended"]
    for n, state in enumerate(states, start=1):
        project = services.register_project(
            code=f"ZB{county}{today.year}{n:03d}",
            name=f"{COUNTIES[county]}第{n}标段道路改造工程",
            department=department,
            actor="system",
        )
        for kind, days in (("tender_notice", 0), ("bid_opening", 21), ("candidates", 24)):
            services.announce(project, kind, start + dt.timedelta(days=days), actor="system")
        for org in bidders:
            services.add_bidder(project, org, actor="system")
        filed = today - dt.timedelta(days=1) if state == "filed" else start + dt.timedelta(days=26)
        complaint = services.file_complaint(
            user,
            project,
            complainant=bidders[n % len(bidders)].identifier,
            about="candidates",
            known_on=min(filed, start + dt.timedelta(days=25)) if state != "filed" else filed,
            grounds="中标候选人业绩证明材料与实际不符，请求复核。",
            today=filed,
        )
        if state == "filed":
            continue
        accepted_on = workdays.add_working_days(filed, 2)
        if state == "refused":
            services.act_on_complaint(
                user, complaint, "refuse", reason="投诉事项已经处理，无新的证据", today=accepted_on
            )
            continue
        complaint = services.act_on_complaint(user, complaint, "accept", today=accepted_on)
        if state == "decided_suspended":
            complaint = services.act_on_complaint(user, complaint, "suspend", today=accepted_on)
        if state in ("paused", "decided", "decided_suspended"):
            complaint = services.act_on_complaint(
                user,
                complaint,
                "pause",
                kind="expert_review",
                today=workdays.add_working_days(accepted_on, 3),
            )
        if state in ("decided", "decided_suspended"):
            resumed = workdays.add_working_days(accepted_on, 8)
            complaint = services.act_on_complaint(user, complaint, "resume", today=resumed)
            services.act_on_complaint(
                user,
                complaint,
                "decide",
                outcome="dismissed" if state == "decided" else "upheld",
                reason="经专家评审，投诉事项"
                + ("缺乏事实依据，予以驳回。" if state == "decided" else "成立，责令重新评标。"),
                today=workdays.add_working_days(resumed, 5),
            )


# the demo person (with the demo password) who is the 法定代表人 of a 咸安区 bidder: signed in,
# /organizations/ → 代表该企业办事 → /complaints/ files a complaint on the website
BIDDER_REPRESENTATIVE = 5


def _seed_bidder_representative(today: dt.date) -> None:
    persons = demo_persons(BIDDER_REPRESENTATIVE + 1)
    first = (
        InspectionObject.objects.filter(region__code__startswith="421202").order_by("uscc").first()
    )
    if len(persons) <= BIDDER_REPRESENTATIVE or first is None:
        return
    accounts.record_representative(
        organization=first.organization,
        person=persons[BIDDER_REPRESENTATIVE][0],
        day=today,
        evidence={},
    )


def seed() -> str:
    today = timezone.localdate()
    with transaction.atomic():
        for county in COUNTIES:
            if not CheckItem.objects.filter(code=f"{county}-food").exists():
                seed_registers(county)
    for county in COUNTIES:
        if not Plan.objects.filter(department=_market(county)).exists():
            with transaction.atomic():
                _seed_plans(county, today)
        if not TenderProject.objects.filter(department=_market(county)).exists():
            with transaction.atomic():
                _seed_complaints(county, today)
    _seed_bidder_representative(today)
    return (
        f"inspections: {Plan.objects.count()} plans, {Complaint.objects.count()} complaints, "
        f"{InspectionObject.objects.count()} objects"
    )
