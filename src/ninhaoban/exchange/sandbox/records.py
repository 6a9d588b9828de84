"""Synthetic department records, derived from the identifier alone.

The same identifier always yields the same record (a seeded random generator over its
SHA-256), so the demo persons and organizations have stable contribution months, balances,
properties, registrations and households across runs and machines, with no database here.
Amounts are strings of yuan with two decimals, as departments print them.
"""

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from typing import Any

from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.idnumbers import id_check_char, parse_id_number

EMPLOYERS = (
    "咸宁市鑫瑞商贸有限公司",
    "湖北泰安物流有限公司",
    "崇阳县宏达建材有限公司",
    "赤壁市丰源食品有限公司",
    "通山县恒通农业科技有限公司",
    "咸宁市第一中学",
)
COUNTIES = {
    "421202": "咸安区",
    "421221": "嘉鱼县",
    "421222": "通城县",
    "421223": "崇阳县",
    "421224": "通山县",
    "421281": "赤壁市",
}
STREETS = ("温泉路", "银泉大道", "淦河大道", "天城大道", "九宫大道", "蒲圻路", "金桂路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰"
TODAY_MONTH = (2026, 10)


def _rng(identifier: str, data_key: str) -> random.Random:
    seed = hashlib.sha256(f"{data_key}:{identifier}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _is_person(identifier: str) -> bool:
    """A 居民身份证号码 (an all-digit USCC can look like one until its check is tried)."""
    try:
        parse_id_number(identifier)
    except InvalidInput:
        return False
    return True


def _birth(identifier: str) -> dt.date:
    return dt.date(int(identifier[6:10]), int(identifier[10:12]), int(identifier[12:14]))


def _month(year: int, month: int, back: int) -> str:
    index = year * 12 + month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _county(identifier: str) -> str:
    code = identifier[:6] if _is_person(identifier) else identifier[2:8]
    return COUNTIES.get(code, "咸安区")


def _address(rng: random.Random, identifier: str) -> str:
    return f"湖北省咸宁市{_county(identifier)}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"


def _working_age(identifier: str) -> bool:
    age = TODAY_MONTH[0] - _birth(identifier).year
    return 18 <= age < 65


def insurance_record(identifier: str, name: str) -> dict[str, Any] | None:
    rng = _rng(identifier, "hrss")
    if not _is_person(identifier) or not _working_age(identifier) or rng.random() < 0.1:
        return None
    months = rng.randrange(12, 240)
    base = rng.randrange(3500, 12000) * 100
    last = rng.randrange(0, 3)
    return {
        "name": name,
        "insured_unit": rng.choice(EMPLOYERS),
        "status": "正常参保" if last == 0 else "暂停缴费",
        "types": ["企业职工基本养老保险", "失业保险", "工伤保险"],
        "first_month": _month(*TODAY_MONTH, months + last - 1),
        "last_month": _month(*TODAY_MONTH, last),
        "months": months,
        "monthly_base": _yuan(base),
        "recent": [
            {
                "month": _month(*TODAY_MONTH, last + i),
                "base": _yuan(base),
                "pension": _yuan(base * 8 // 100),
                "unemployment": _yuan(base * 3 // 1000),
            }
            for i in range(6)
        ],
    }


def deposit_record(identifier: str, name: str) -> dict[str, Any] | None:
    rng = _rng(identifier, "housing_fund")
    if not _is_person(identifier) or not _working_age(identifier) or rng.random() < 0.3:
        return None
    monthly = rng.randrange(300, 3000) * 100
    months = rng.randrange(6, 200)
    return {
        "name": name,
        "account": f"4212{rng.randrange(10**11, 10**12)}",
        "employer": rng.choice(EMPLOYERS),
        "status": "正常缴存",
        "opened": _month(*TODAY_MONTH, months),
        "last_month": _month(*TODAY_MONTH, 0),
        "months": months,
        "monthly_deposit": _yuan(monthly),
        "rate": "12%",
        "balance": _yuan(monthly * months * rng.randrange(30, 90) // 100),
    }


def _properties(identifier: str) -> list[dict[str, Any]]:
    rng = _rng(identifier, "real_estate")
    count = rng.choice((0, 0, 1, 1, 1, 2))
    found = []
    for _ in range(count):
        year = rng.randrange(2012, 2026)
        area = rng.randrange(6000, 16000)
        found.append(
            {
                "certificate_no": f"鄂({year})咸宁市不动产权第{rng.randrange(10**6, 10**7):07d}号",
                "location": _address(rng, identifier) + f"{rng.randrange(1, 30)}栋"
                f"{rng.randrange(1, 33):02d}{rng.randrange(1, 5):02d}室",
                "use": rng.choice(("住宅", "住宅", "商业")),
                "area": f"{area // 100}.{area % 100:02d}",
                "registered_on": f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                "share": "单独所有" if rng.random() < 0.6 else "共同共有",
            }
        )
    return found


def property_record(identifier: str, name: str) -> dict[str, Any] | None:
    return {"name": name, "properties": _properties(identifier)}


def no_property(identifier: str, name: str) -> dict[str, Any] | None:
    return {
        "name": name,
        "has_property": bool(_properties(identifier)),
        "scope": "咸宁市行政区域内",
    }


def business_registration(identifier: str, name: str) -> dict[str, Any] | None:
    if _is_person(identifier):
        return None
    rng = _rng(identifier, "market")
    founded = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 7000))
    return {
        "name": name,
        "uscc": identifier,
        "type": "有限责任公司（自然人投资或控股）",
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "registered_capital": f"{rng.randrange(10, 5000)}万元人民币",
        "founded_on": founded.isoformat(),
        "address": _address(rng, identifier),
        "scope": "一般项目：商务信息咨询；日用百货销售；货物进出口（依法须经批准的项目除外）",
        "status": "存续（在营、开业、在册）",
        "authority": f"咸宁市{_county(identifier)}市场监督管理局",
    }


COMPANY_WORDS = ("鑫瑞", "泰安", "宏达", "丰源", "恒通", "金桂", "银泉", "九宫", "天城", "隽水")
COMPANY_TRADES = ("商贸", "物流", "建材", "食品", "农业科技", "茶业", "竹木制品", "信息技术")


def representative_number(uscc: str) -> str:
    """The 居民身份证号码 of the company's 法定代表人 in the register: derived from the code,
    in the county the code names where it is one of ours, so a test or a demo can register
    that person (with `official_name` of the number) and link the company."""
    rng = _rng(uscc, "market.legal_representative")
    county = uscc[2:8] if uscc[2:8] in COUNTIES else "421223"
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    body = f"{county}{born:%Y%m%d}{rng.randrange(100, 1000)}"
    return body + id_check_char(body)


def company_name(uscc: str) -> str:
    rng = _rng(uscc, "market")
    county = COUNTIES.get(uscc[2:8], "咸宁市")
    return f"{county}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"


def legal_representative(uscc: str, person_number: str) -> dict[str, Any] | None:
    """法定代表人身份核验: whether this person is the company's legal representative, and the
    registered name of the company when they are (never the representative's number)."""
    if _is_person(uscc):
        return None
    if person_number != representative_number(uscc):
        return {"match": False}
    return {"match": True, "name": company_name(uscc), "status": "存续（在营、开业、在册）"}


def household(identifier: str, name: str) -> dict[str, Any] | None:
    if not _is_person(identifier):
        return None
    rng = _rng(identifier, "public_security")
    return {
        "name": name,
        "sex": "男" if int(identifier[16]) % 2 else "女",
        "birth_date": _birth(identifier).isoformat(),
        "ethnicity": "汉族",
        "household_no": f"{identifier[:6]}{rng.randrange(10**8, 10**9)}",
        "relation": rng.choice(("户主", "户主", "配偶", "子", "女")),
        "address": _address(rng, identifier),
        "registered_since": f"{rng.randrange(1990, 2024)}-{rng.randrange(1, 13):02d}",
        "police_station": f"咸宁市公安局{_county(identifier)}分局{rng.choice(STREETS)}派出所",
    }


def official_name(identifier: str) -> str:
    """The name the population register holds for a number: derived from it like every
    other sandbox record, so a test or a demo registers a new person by asking for it."""
    rng = _rng(identifier, "public_security.identity")
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def identity(identifier: str, name: str) -> dict[str, Any] | None:
    """身份核验 answers only whether the name and the number belong together, never the
    registered name itself (the one who asks may be anyone typing a number)."""
    if not _is_person(identifier):
        return None
    return {"match": name.strip() == official_name(identifier)}


def marriage(identifier: str, name: str) -> dict[str, Any] | None:
    if not _is_person(identifier) or TODAY_MONTH[0] - _birth(identifier).year < 22:
        return None
    rng = _rng(identifier, "civil_affairs")
    married = rng.random() < 0.7
    year = max(_birth(identifier).year + 22, 1970) + rng.randrange(0, 10)
    return {
        "name": name,
        "status": "已婚" if married else "未婚",
        "registered_on": f"{min(year, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        if married
        else "",
    }


def birth_certificate(identifier: str, name: str) -> dict[str, Any] | None:
    if not _is_person(identifier) or _birth(identifier).year < 1996:
        return None
    rng = _rng(identifier, "health")
    return {
        "name": name,
        "birth_date": _birth(identifier).isoformat(),
        "certificate_no": f"{rng.choice('PQRS')}{rng.randrange(10**8, 10**9)}",
        "hospital": f"{_county(identifier)}人民医院",
    }


def premises(identifier: str, name: str) -> dict[str, Any] | None:
    """经营场所使用证明 from the register: only someone who owns property has a record, so a
    tenant's application falls back to the lease they upload."""
    found = _properties(identifier)
    return {"name": name, "properties": found} if found else None


def payment_record(identifier: str, name: str) -> dict[str, Any] | None:
    """税务's 完税信息: the taxes the person paid this year, each with its voucher number."""
    rng = _rng(identifier, "tax")
    if not _is_person(identifier) or rng.random() < 0.15:
        return None
    payments = []
    for tax in rng.sample(("契税", "个人所得税", "印花税", "增值税"), rng.randrange(1, 3)):
        month = _month(*TODAY_MONTH, rng.randrange(0, 10))
        payments.append(
            {
                "tax": tax,
                "amount": _yuan(rng.randrange(100, 5_000_000)),
                "paid_on": f"{month}-{rng.randrange(1, 29):02d}",
                "voucher_no": f"342{rng.randrange(10**15, 10**16)}",
                "authority": f"国家税务总局咸宁市{_county(identifier)}税务局",
            }
        )
    return {"name": name, "payments": payments}


RECORDS: dict[str, Callable[[str, str], dict[str, Any] | None]] = {
    "hrss.insurance_record": insurance_record,
    "housing_fund.deposit_record": deposit_record,
    "real_estate.property_record": property_record,
    "real_estate.no_property": no_property,
    "market.business_registration": business_registration,
    "public_security.household": household,
    "public_security.identity": identity,
    "civil_affairs.marriage": marriage,
    "health.birth_certificate": birth_certificate,
    "real_estate.premises": premises,
    "tax.payment_record": payment_record,
}
# asked about a company and a person together: the request's `person` is the number
PAIRED: dict[str, Callable[[str, str], dict[str, Any] | None]] = {
    "market.legal_representative": legal_representative,
}
DEPARTMENTS = sorted({key.split(".")[0] for key in [*RECORDS, *PAIRED]})
