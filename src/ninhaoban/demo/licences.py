"""Demo licence types, department systems, access rights and licences for the demo people.

The licences agree with the sandbox's records (a person the sandbox gives a property to gets
a 不动产权证书 with that certificate number), so 免提交 shows the same facts either way.
Safe to run again: types, sources and rights are upserted, and a holder who already has a
licence of a type gets no second one.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from ninhaoban.accounts.models import Applicant, ApplicantKind, Role
from ninhaoban.catalog.models import MaterialRequirement, MaterialSource, VersionState
from ninhaoban.exchange import services as exchange
from ninhaoban.exchange.datasets import DATA_SETS
from ninhaoban.exchange.models import SELF, SYSTEM
from ninhaoban.exchange.organizations import REPRESENTATIVE_KEY, REPRESENTATIVE_PURPOSE
from ninhaoban.exchange.sandbox import records
from ninhaoban.licences import services
from ninhaoban.licences.models import Licence, LicenceType
from ninhaoban.licences.schema import FieldSpec
from ninhaoban.regions.models import DepartmentType

PERSON, ORG = ApplicantKind.PERSON, ApplicantKind.ORGANIZATION
EITHER = ""  # a company or a 个体工商户 (known by its 经营者, a person)


def _schema(*fields: tuple[str, str, str] | tuple[str, str, str, bool]) -> list[dict]:
    """A licence field schema (licences.schema): key, Chinese and English label, required."""
    return [FieldSpec(*f).as_dict() for f in fields]


# code, name, department type, holder kind, validity years, field schema
LICENCE_TYPES = [
    (
        "11100000000013338W001",
        "营业执照",
        DepartmentType.MARKET,
        EITHER,
        0,
        _schema(
            ("name", "名称", "Name"),
            ("type", "类型", "Type"),
            ("legal_representative", "法定代表人（经营者）", "Legal representative (operator)"),
            ("registered_capital", "注册资本", "Registered capital", False),
            ("founded_on", "成立日期", "Date of establishment"),
            ("address", "住所（经营场所）", "Domicile (business premises)"),
            ("scope", "经营范围", "Business scope"),
        ),
    ),
    (
        "11100000000013338W002",
        "食品经营许可证",
        DepartmentType.MARKET,
        EITHER,
        5,
        _schema(
            ("operator", "经营者名称", "Operator"),
            ("premises", "经营场所", "Business premises"),
            ("category", "主体业态", "Type of business"),
            ("items", "经营项目", "Business items"),
        ),
    ),
    (
        "11100000000013338W003",
        "不动产权证书",
        DepartmentType.REAL_ESTATE,
        PERSON,
        0,
        _schema(
            ("certificate_no", "不动产权证号", "Certificate number"),
            ("location", "坐落", "Location"),
            ("use", "用途", "Use"),
            ("area", "面积（㎡）", "Area (m²)"),
            ("share", "共有情况", "Co-ownership"),
        ),
    ),
    (
        "11100000000013338W004",
        "居民身份证",
        DepartmentType.PUBLIC_SECURITY,
        PERSON,
        20,
        _schema(
            ("sex", "性别", "Sex"), ("birth_date", "出生", "Born"), ("address", "住址", "Address")
        ),
    ),
    (
        "11100000000013338W005",
        "结婚证",
        DepartmentType.CIVIL_AFFAIRS,
        PERSON,
        0,
        _schema(
            ("registered_on", "登记日期", "Date of registration"), ("spouse", "配偶", "Spouse")
        ),
    ),
    (
        "11100000000013338W006",
        "出生医学证明",
        DepartmentType.HEALTH,
        PERSON,
        0,
        _schema(
            ("certificate_no", "编号", "Number"),
            ("birth_date", "出生日期", "Date of birth"),
            ("hospital", "接生机构", "Place of birth"),
        ),
    ),
    (
        "11100000000013338W007",
        "社会保障卡",
        DepartmentType.HRSS,
        PERSON,
        10,
        _schema(
            ("card_no", "社会保障号码", "Social security number"), ("bank", "发卡银行", "Bank")
        ),
    ),
    (
        "11100000000013338W008",
        "建设工程规划许可证",
        DepartmentType.NATURAL_RESOURCES,
        ORG,
        2,
        _schema(
            ("project", "建设项目名称", "Project"),
            ("location", "建设位置", "Location"),
            ("scale", "建设规模", "Scale"),
        ),
    ),
]
SOURCES = [
    ("hrss", "人社局社会保险系统", DepartmentType.HRSS),
    ("housing_fund", "住房公积金管理系统", DepartmentType.HOUSING_FUND),
    ("real_estate", "不动产登记信息系统", DepartmentType.REAL_ESTATE),
    ("market", "市场主体登记系统", DepartmentType.MARKET),
    ("public_security", "人口信息管理系统", DepartmentType.PUBLIC_SECURITY),
    ("civil_affairs", "婚姻登记信息系统", DepartmentType.CIVIL_AFFAIRS),
    ("health", "出生医学证明管理系统", DepartmentType.HEALTH),
    ("tax", "税收征管系统（沙箱）", DepartmentType.TAX),
]
SELF_SERVICE = [
    "hrss.insurance_record",
    "housing_fund.deposit_record",
    "real_estate.property_record",
    "real_estate.no_property",
    "market.business_registration",
    "public_security.household",
]


def seed_types() -> None:
    for code, name, dept_type, holder_kind, years, layout in LICENCE_TYPES:
        LicenceType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "issuing_department_type": dept_type,
                "holder_kind": holder_kind,
                "validity_years": years,
                "layout": layout,
            },
        )


def seed_sources(base_url: str | None = None) -> None:
    base = (base_url or settings.NHB_SANDBOX_URL).rstrip("/")
    for key, name, dept_type in SOURCES:
        exchange.register_source(
            key=key,
            name=name,
            department_type=dept_type,
            endpoint=f"{base}/{key}",
            offers=[k for k in DATA_SETS if k.startswith(key + ".")],
        )
    for data_key in SELF_SERVICE:
        exchange.authorize(data_key=data_key, item_code="", role=SELF, purpose="自助打印证明")
    exchange.authorize(
        data_key=exchange.IDENTITY_KEY, item_code="", role=SELF, purpose=exchange.IDENTITY_PURPOSE
    )
    exchange.authorize(
        data_key=REPRESENTATIVE_KEY, item_code="", role=SELF, purpose=REPRESENTATIVE_PURPOSE
    )


def seed_catalog_rights() -> int:
    """Intake (the platform itself and the window clerk) may fetch the shared data that a
    published catalog material names, granted on the 基本编码 so every region's item has it."""
    pairs = (
        MaterialRequirement.objects.filter(
            source=MaterialSource.SHARED_DATA, version__state=VersionState.PUBLISHED
        )
        .exclude(data_key="")
        .values_list("data_key", "version__item__base__code")
        .distinct()
    )
    made = 0
    for data_key, base_code in pairs:
        for role in (SYSTEM, Role.CLERK):
            exchange.authorize(
                data_key=data_key, item_code=base_code, role=role, purpose="受理材料免提交"
            )
            made += 1
    return made


def _issue(code: str, holder: Applicant, fields: dict, issued_on: dt.date) -> None:
    kind = LicenceType.objects.get(code=code)
    if Licence.objects.filter(holder=holder, licence_type=kind).exists():
        return
    services.issue_licence(
        licence_type_code=code,
        holder=holder,
        fields=fields,
        issuer_department=services.issuing_department(holder, kind.issuing_department_type),
        actor="system",
        issued_on=issued_on,
    )


@transaction.atomic
def seed_licences() -> int:
    for org in Applicant.objects.filter(kind=ORG).order_by("pk"):
        reg = records.business_registration(org.identifier, org.name)
        if reg is None:  # a 统一社会信用代码 the register does not know
            continue
        keys = ("type", "legal_representative", "registered_capital", "founded_on", "address")
        fields = {"name": org.name} | {k: reg[k] for k in (*keys, "scope")}  # as 市场监管 says
        _issue("11100000000013338W001", org, fields, dt.date.fromisoformat(reg["founded_on"]))
    for person in Applicant.objects.filter(kind=PERSON).order_by("pk"):
        home = records.household(person.identifier, person.name)
        if home is None:
            continue
        _issue(
            "11100000000013338W004",
            person,
            {k: home[k] for k in ("sex", "birth_date", "address")},
            dt.date(2018, 1, 1) + dt.timedelta(days=person.pk % 2500),
        )
        estate = records.property_record(person.identifier, person.name) or {"properties": []}
        for prop in estate["properties"][:1]:
            _issue(
                "11100000000013338W003",
                person,
                {k: prop[k] for k in ("certificate_no", "location", "use", "area", "share")},
                dt.date.fromisoformat(prop["registered_on"]),
            )
    return Licence.objects.count()


def seed() -> str:
    seed_types()
    seed_sources()
    rights = seed_catalog_rights()
    count = seed_licences()
    return (
        f"licences: {LicenceType.objects.count()} types, {count} licences; "
        f"exchange: sandbox sources, {rights} intake rights on catalog items"
    )
