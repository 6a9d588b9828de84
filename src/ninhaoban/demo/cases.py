"""Demo cases: a few weeks of 咸宁's window and online work replayed through the services,
so every status appears, some cases are yellow and some are red on the day the demo runs.

Each case is made on its own past day (`clock.frozen`) and moved on through the same
service functions the pages call, so history, ledger and clock are all genuine. Safe to
run again: nothing is added once demo cases exist.
"""

import datetime as dt
import random

from django.contrib.auth.models import User

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import clock, selectors, services
from ninhaoban.cases.models import Case, CaseStep, Channel, Outcome, Status, StepState
from ninhaoban.cases.services import Actor
from ninhaoban.cases.services.escalation import scan
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import MaterialSource, ServiceItem
from ninhaoban.core import workdays
from ninhaoban.core.pdf import Paragraph, render_pdf
from ninhaoban.demo.accounts import organization_uscc
from ninhaoban.licences.selectors import valid_licence_for

# what the companies the demo's 企业设立登记 establish trade in (their names differ)
TRADES = ["商贸", "科技", "农业", "餐饮", "建材", "物流"]
# region, clerk, approver, chief (who decides the items' 决定 steps)
OFFICES = [
    ("421200000000", "clerk.city", "approver.city.market", "chief.city.market"),
    ("421223000000", "clerk.chongyang", "approver.chongyang.market", "chief.chongyang.market"),
    ("421224000000", "clerk.tongshan", "approver.tongshan.market", "chief.tongshan.market"),
    ("421202000000", "clerk.xianan", "approver.xianan.market", "chief.xianan.market"),
]
ITEMS = [
    "个体工商户设立登记",
    "企业设立登记",
    "食品经营许可",
    "特种设备使用登记",
    "药品零售企业许可",
]
# what the application forms say that the licences the items issue carry on their face
# (营业执照 for the registrations, 食品经营许可证 for the food permit)
LICENCE_FORM = {
    "type": "个体工商户",
    "registered_capital": "10万元",
    "address": "咸宁市咸安区温泉路8号",
    "scope": "餐饮服务；预包装食品销售",
    "premises": "咸宁市咸安区温泉路8号",
    "category": "小餐饮",
    "items": "热食类食品制售",
}
# a company's one form asks its type and capital as the 字段库 defines them
COMPANY_FORM = {"type": "有限责任公司（自然人独资）", "registered_capital": "10"}
# target status, how many
SPREAD = [
    (Status.SUBMITTED, 8),
    (Status.CORRECTION, 6),
    (Status.ACCEPTED, 10),
    (Status.IN_REVIEW, 24),
    (Status.SUSPENDED, 4),
    (Status.DECIDED, 6),
    (Status.DELIVERING, 6),
    (Status.CLOSED, 16),
    (Status.REFUSED, 4),
    (Status.WITHDRAWN, 4),
]


def _actor(username: str) -> Actor:
    return Actor.of(User.objects.get(username=username))


def _working_days_back(today: dt.date, n: int) -> dt.date:
    return workdays.add_working_days(today, -n)


def _files(item: ServiceItem, applicant: Applicant, pdf: bytes) -> dict[str, FileIn]:
    plan = services.plan_for(item_code=item.code)
    files = {}
    for need in plan.needs:
        if need.source == MaterialSource.GOVERNMENT:
            continue
        held = need.source == MaterialSource.LICENCE and valid_licence_for(
            applicant, need.licence_type_code
        )
        if not held:
            files[need.key] = FileIn(f"{need.name}.pdf", pdf)
    return files


def _advance(case: Case, target: str, office: tuple, day: dt.date, rng: random.Random) -> None:
    """Walk the case from 已申报 to `target`, one working day per step, never past today."""
    _, clerk, approver, chief = office
    clerk, approver, decider = _actor(clerk), _actor(approver), _actor(chief)
    applicant = Actor.of_applicant(case.applicant)
    if target == Status.SUBMITTED:
        return
    if target == Status.CORRECTION:
        services.request_correction(
            case,
            clerk,
            problems=[
                {
                    "material": case.materials.earliest("pk").name,
                    "problem": "复印件不清晰，请提交原件扫描件",
                }
            ],
        )
        return
    if target == Status.REFUSED:
        services.refuse(case, clerk, reason="申请事项不属于本机关职权范围，请向有关行政机关申请")
        return
    if target == Status.WITHDRAWN:
        services.withdraw(case, applicant, reason="申请人主动撤回")
        return
    services.accept(case, clerk)
    if target == Status.ACCEPTED:
        return
    step = CaseStep.objects.filter(case=case, state=StepState.ACTIVE).earliest("pk")
    with clock.frozen(workdays.add_working_days(day, 1) if target != Status.IN_REVIEW else day):
        services.complete_step(case, step.pk, approver, opinion="材料齐全，符合法定条件")
        if target == Status.IN_REVIEW:
            return
        if target == Status.SUSPENDED:
            services.suspend(case, approver, procedure="expert_review", reason="组织专家评审")
            return
        outcome = Outcome.DENIED if rng.random() < 0.15 else Outcome.APPROVED
        services.decide(
            case,
            decider,
            outcome=outcome,
            reason="经营场所不符合要求" if outcome == "denied" else "",
            licence_fields=_registration(case),
        )
        if target == Status.DECIDED:
            return
        method = rng.choice(["window", "post"])
        services.deliver(
            case,
            clerk,
            method=method,
            tracking_no="SF1234567890" if method == "post" else "",
            post_address={
                "post_recipient": case.applicant.display_name[:32],
                "post_phone": case.applicant.phone or "0715-8123456",
                "post_address": f"湖北省咸宁市{case.region.name}便民路{rng.randint(1, 200)}号",
            },
        )
        if target == Status.CLOSED:
            services.close(case, clerk)


def _registration(case: Case) -> dict[str, str]:
    """The 统一社会信用代码 the registration gives an organization the case establishes."""
    if case.item_version is None or not case.item_version.establishes_organization:
        return {}
    rng = random.Random(case.case_no)
    while True:
        code = organization_uscc(rng, case.region_id[:6])
        if not Applicant.objects.filter(identifier=code).exists():
            return {"uscc": code}


def seed() -> str:
    # the form is sealed: its "demo" mark is read in Python, not matched in SQL
    if any(form.get("demo") for form in Case.objects.values_list("form", flat=True).iterator()):
        return "cases: demo cases already present"
    rng = random.Random(4212)
    today = clock.today()
    pdf = render_pdf("演示材料", [Paragraph("本文件为演示用申请材料。")])
    persons = list(Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk")[:60])
    made = 0
    for target, count in SPREAD:
        for _ in range(count):
            office = rng.choice(OFFICES)
            name = rng.choice(ITEMS)
            item = ServiceItem.objects.filter(base__name=name, region_id=office[0]).first()
            if item is None:
                continue
            applicant = rng.choice(persons)
            back = (
                rng.randint(1, 4)
                if target in (Status.SUBMITTED, Status.CORRECTION)
                else rng.randint(2, 18)
            )
            day = _working_days_back(today, back)
            company = f"咸宁{applicant.name}{TRADES[made % 6]}有限公司"
            with clock.frozen(day):
                online = rng.random() < 0.3
                case = services.submit(
                    actor=Actor.of_applicant(applicant) if online else _actor(office[1]),
                    applicant=applicant,
                    channel=Channel.ONLINE if online else Channel.WINDOW,
                    item_code=item.code,
                    form={
                        "demo": True,
                        "经营者": applicant.name,
                        "legal_representative": applicant.name,
                        "operator": applicant.name,
                        "organization_name": company,
                        # the 营业执照's 名称: the new company's, or the 个体工商户's shop
                        "name": company if name == "企业设立登记" else f"{company[:-4]}店",
                        "founded_on": day.isoformat(),
                        **LICENCE_FORM,
                        **(COMPANY_FORM if name == "企业设立登记" else {}),
                    },
                    files=_files(item, applicant, pdf),
                    consent=True,  # online their own; at the window present with their card
                )
                _advance(case, target, office, day, rng)
            made += 1
    made += _bundle(today, pdf, persons[0])
    stats = selectors.stats()
    scan()
    return (
        f"cases: {made} demo cases in every status, "
        f"{stats['warning']} yellow and {stats['overdue']} red today"
    )


def _bundle(today: dt.date, pdf: bytes, applicant: Applicant) -> int:
    """One 开办餐饮店 bundle at 市民之家, accepted three working days ago."""
    plan = services.plan_for(bundle_code="kaiban-canyindian")
    files = {n.key: FileIn(f"{n.name}.pdf", pdf) for n in plan.needs if n.source != "government"}
    with clock.frozen(_working_days_back(today, 3)):
        case = services.submit(
            actor=_actor("clerk.city"),
            applicant=applicant,
            channel=Channel.WINDOW,
            bundle_code="kaiban-canyindian",
            form={"demo": True},
            files=files,
        )
        services.accept(case, _actor("clerk.city"))
    return 1
