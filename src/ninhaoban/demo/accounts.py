"""Demo staff for every role in several counties, and about 200 persons and 50 organizations.

Everything is generated from a fixed seed, so every run of `ninhaoban demo` makes the same
people with the same valid 居民身份证号码 and 统一社会信用代码.
"""

import datetime as dt
import random
from collections.abc import Iterator

from django.contrib.auth.models import User
from django.db import transaction

from ninhaoban.accounts import services
from ninhaoban.accounts.models import Applicant, AssuranceLevel, Role, Staff
from ninhaoban.core.idnumbers import id_check_char, organization_code_check_char, uscc_check_char
from ninhaoban.regions.models import Department, Level, Region

DEMO_PASSWORD = "Xianning-2026"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程魏"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬建国志文俊浩宇欣怡子涵梓萱"
)
TRADES = [
    "商贸",
    "餐饮",
    "建材",
    "农业科技",
    "物流",
    "食品",
    "电子",
    "纺织",
    "文化传媒",
    "旅游开发",
]
SHOPS = ["有限公司", "有限责任公司", "股份有限公司"]
COUNTY_CODES = ["421202", "421221", "421222", "421223", "421224", "421281"]

# username, name, role, region code, department type (None: the whole region)
STAFF = [
    ("admin", "系统管理员", Role.ADMIN, "421200000000", None),
    ("catalog", "事项管理员", Role.CATALOG_ADMIN, "421200000000", None),
    ("supervisor", "市效能监察员", Role.SUPERVISOR, "421200000000", None),
    ("clerk.city", "市民之家综合窗口", Role.CLERK, "421200000000", None),
    ("approver.city.market", "市市场监管局审批员", Role.APPROVER, "421200000000", "market"),
    ("chief.city.market", "市市场监管局首席代表", Role.CHIEF, "421200000000", "market"),
    ("clerk.xianan", "咸安区综合窗口", Role.CLERK, "421202000000", None),
    ("approver.xianan.market", "咸安区市场监管局审批员", Role.APPROVER, "421202000000", "market"),
    ("chief.xianan.market", "咸安区市场监管局首席代表", Role.CHIEF, "421202000000", "market"),
    ("clerk.chongyang", "崇阳县综合窗口", Role.CLERK, "421223000000", None),
    (
        "approver.chongyang.market",
        "崇阳县市场监管局审批员",
        Role.APPROVER,
        "421223000000",
        "market",
    ),
    ("approver.chongyang.hrss", "崇阳县人社局审批员", Role.APPROVER, "421223000000", "hrss"),
    ("chief.chongyang.market", "崇阳县市场监管局首席代表", Role.CHIEF, "421223000000", "market"),
    ("supervisor.chongyang", "崇阳县效能监察员", Role.SUPERVISOR, "421223000000", None),
    ("catalog.chongyang", "崇阳县事项管理员", Role.CATALOG_ADMIN, "421223000000", None),
    ("clerk.tongshan", "通山县综合窗口", Role.CLERK, "421224000000", None),
    ("approver.tongshan.market", "通山县市场监管局审批员", Role.APPROVER, "421224000000", "market"),
    ("chief.tongshan.market", "通山县市场监管局首席代表", Role.CHIEF, "421224000000", "market"),
    ("clerk.chibi", "赤壁市综合窗口", Role.CLERK, "421281000000", None),
    (
        "approver.chibi.realestate",
        "赤壁市不动产登记审批员",
        Role.APPROVER,
        "421281000000",
        "real_estate",
    ),
    ("clerk.tiancheng", "天城镇便民服务中心", Role.CLERK, "421223100000", None),
    # 受理在村、审批在县: the village station takes in, the town or the county decides
    ("clerk.shuanggang", "天城镇双港村便民服务站", Role.CLERK, "421223100200", None),
    ("approver.tiancheng", "天城镇人民政府审批员", Role.APPROVER, "421223100000", "township"),
    (
        "approver.chongyang.civil",
        "崇阳县民政局审批员",
        Role.APPROVER,
        "421223000000",
        "civil_affairs",
    ),
    ("chief.chongyang.civil", "崇阳县民政局首席代表", Role.CHIEF, "421223000000", "civil_affairs"),
    (
        "approver.chongyang.disabled",
        "崇阳县残联审批员",
        Role.APPROVER,
        "421223000000",
        "disabled_persons",
    ),
]


def person_id_number(rng: random.Random, county: str) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
    body = f"{county}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_check_char(body)


def organization_uscc(rng: random.Random, county: str) -> str:
    org8 = f"{rng.randrange(10**7, 10**8)}"
    body = f"91{county}{org8}{organization_code_check_char(org8)}"
    return body + uscc_check_char(body)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


@transaction.atomic
def seed_staff() -> list[tuple[str, str, str]]:
    created = []
    for username, name, role, region_code, dept_type in STAFF:
        user = User.objects.filter(username=username).first()
        staff = getattr(user, "staff", None) if user else None
        if staff is None:
            staff = services.create_staff(
                username=username,
                name=name,
                password=DEMO_PASSWORD,
                is_superuser=role == Role.ADMIN,
            )
        region = Region.objects.get(code=region_code)
        department = (
            Department.objects.get(region=region, dept_type=dept_type) if dept_type else None
        )
        services.grant_role(staff, role, region, department)
        created.append(
            (
                username,
                Role(role).label,
                region.name + (f" {department.name}" if department else ""),
            )
        )
    return created


# The first this many demo persons also have the demo password.
PASSWORD_PERSONS = 20


def _persons(rng: random.Random, count: int) -> Iterator[tuple[str, str, str, str]]:
    """The demo persons as (ID number, name, phone, region code), drawn from `rng` in the
    order seeding has always drawn them, so the same numbers come out every time."""
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    for i in range(count):
        county = COUNTY_CODES[i % len(COUNTY_CODES)]
        number = person_id_number(rng, county)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = _phone(rng)
        home = [v for v in villages if v.startswith(county)]
        yield number, name, phone, rng.choice(home) if home else county + "000000"


def demo_persons(count: int = 200) -> list[tuple[Applicant, bool]]:
    """The seeded demo persons with whether they have the demo password. Only the numbers
    the demo generates are looked up, so a deployment's real applicants never show."""
    numbers = [number for number, *_ in _persons(random.Random(421200), count)]
    rows = Applicant.objects.select_related("region").filter(identifier__in=numbers)
    found = {row.identifier: row for row in rows}
    return [
        (found[number], i < PASSWORD_PERSONS) for i, number in enumerate(numbers) if number in found
    ]


@transaction.atomic
def seed_applicants(persons: int = 200, organizations: int = 50) -> dict[str, int]:
    rng = random.Random(421200)
    for i, (number, name, phone, region_code) in enumerate(_persons(rng, persons)):
        if Applicant.objects.filter(identifier=number).exists():
            continue
        person = services.register_person(
            id_number=number,
            name=name,
            region=Region.objects.get(code=region_code),
            phone=phone,
            assurance=AssuranceLevel.FACE if i % 3 else AssuranceLevel.PHONE,
        )
        if i < PASSWORD_PERSONS:
            services.set_applicant_password(person, DEMO_PASSWORD)
    for i in range(organizations):
        county = COUNTY_CODES[i % len(COUNTY_CODES)]
        uscc = organization_uscc(rng, county)
        county_name = Region.objects.get(code=county + "000000").name
        brand = rng.choice("鑫华兴盛泰丰源宏达和恒") + rng.choice("瑞安信利祥通远辰")
        name = f"{county_name}{brand}{rng.choice(TRADES)}{rng.choice(SHOPS)}"
        if Applicant.objects.filter(identifier=uscc).exists():
            continue
        services.register_organization(
            uscc=uscc,
            name=name,
            region=Region.objects.get(code=county + "000000"),
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone=_phone(rng),
        )
    return {
        "persons": Applicant.objects.filter(kind="person").count(),
        "organizations": Applicant.objects.filter(kind="organization").count(),
        "staff": Staff.objects.count(),
    }
