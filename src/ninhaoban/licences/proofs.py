"""The proofs (证明) a kiosk or the website prints on demand, one spec per kind.

Each spec names the shared data it is made from and how the department's record reads on
paper. The wording follows what the departments print at their own windows, so an office
that receives the proof recognises it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ninhaoban.accounts.models import ApplicantKind
from ninhaoban.core.errors import InvalidInput
from ninhaoban.core.pdf import Block, KeyValue, Paragraph, Table
from ninhaoban.licences.models import ProofKind
from ninhaoban.regions.models import DepartmentType

Data = dict[str, Any]


@dataclass(frozen=True)
class ProofSpec:
    kind: str
    data_key: str
    department_type: str
    holder_kind: str
    blocks: Callable[[Data], list[Block]]
    refusal: Callable[[Data], str] = lambda data: ""  # why this record cannot give the proof


def _insurance(d: Data) -> list[Block]:
    return [
        Paragraph(
            f"兹证明{d['name']}在本市参加社会保险，参保单位为{d['insured_unit']}，"
            f"参保状态为{d['status']}，自{d['first_month']}至{d['last_month']}"
            f"累计缴费{d['months']}个月。"
        ),
        KeyValue([("参保险种", "、".join(d["types"])), ("缴费基数（元）", d["monthly_base"])]),
        Table(
            [["缴费月份", "缴费基数（元）", "养老个人缴费（元）", "失业个人缴费（元）"]]
            + [[r["month"], r["base"], r["pension"], r["unemployment"]] for r in d["recent"]],
            widths=[0.25, 0.25, 0.25, 0.25],
        ),
    ]


def _housing_fund(d: Data) -> list[Block]:
    return [
        Paragraph(
            f"兹证明{d['name']}在咸宁市住房公积金中心缴存住房公积金，账户状态为{d['status']}。"
        ),
        KeyValue(
            [
                ("个人账号", d["account"]),
                ("缴存单位", d["employer"]),
                ("开户年月", d["opened"]),
                ("缴至年月", d["last_month"]),
                ("连续缴存月数", str(d["months"])),
                ("月缴存额（元）", d["monthly_deposit"]),
                ("缴存比例", d["rate"]),
                ("账户余额（元）", d["balance"]),
            ]
        ),
    ]


def _property_record(d: Data) -> list[Block]:
    properties = d["properties"]
    if not properties:
        return [Paragraph(f"经查询，{d['name']}在咸宁市行政区域内无不动产登记记录。")]
    return [
        Paragraph(f"经查询，{d['name']}在咸宁市行政区域内有以下不动产登记记录："),
        Table(
            [["不动产权证号", "坐落", "用途", "面积（㎡）", "登记日期", "共有情况"]]
            + [
                [
                    p["certificate_no"],
                    p["location"],
                    p["use"],
                    p["area"],
                    p["registered_on"],
                    p["share"],
                ]
                for p in properties
            ],
            widths=[0.22, 0.3, 0.08, 0.1, 0.14, 0.16],
        ),
    ]


def _no_property(d: Data) -> list[Block]:
    return [
        Paragraph(
            f"经查询不动产登记信息系统，截至出具之日，{d['name']}在{d['scope']}"
            "无不动产登记记录。特此证明。"
        )
    ]


def _business(d: Data) -> list[Block]:
    return [
        KeyValue(
            [
                ("名称", d["name"]),
                ("统一社会信用代码", d["uscc"]),
                ("类型", d["type"]),
                ("法定代表人", d["legal_representative"]),
                ("注册资本", d["registered_capital"]),
                ("成立日期", d["founded_on"]),
                ("住所", d["address"]),
                ("经营范围", d["scope"]),
                ("登记状态", d["status"]),
                ("登记机关", d["authority"]),
            ]
        )
    ]


def _household(d: Data) -> list[Block]:
    return [
        Paragraph(f"兹证明{d['name']}的户籍登记信息如下："),
        KeyValue(
            [
                ("姓名", d["name"]),
                ("性别", d["sex"]),
                ("民族", d["ethnicity"]),
                ("出生日期", d["birth_date"]),
                ("户号", d["household_no"]),
                ("与户主关系", d["relation"]),
                ("住址", d["address"]),
                ("户籍登记时间", d["registered_since"]),
                ("登记机关", d["police_station"]),
            ]
        ),
    ]


SPECS: dict[str, ProofSpec] = {
    spec.kind: spec
    for spec in (
        ProofSpec(
            ProofKind.SOCIAL_INSURANCE,
            "hrss.insurance_record",
            DepartmentType.HRSS,
            ApplicantKind.PERSON,
            _insurance,
        ),
        ProofSpec(
            ProofKind.HOUSING_FUND,
            "housing_fund.deposit_record",
            DepartmentType.HOUSING_FUND,
            ApplicantKind.PERSON,
            _housing_fund,
        ),
        ProofSpec(
            ProofKind.PROPERTY_RECORD,
            "real_estate.property_record",
            DepartmentType.REAL_ESTATE,
            ApplicantKind.PERSON,
            _property_record,
        ),
        ProofSpec(
            ProofKind.NO_PROPERTY,
            "real_estate.no_property",
            DepartmentType.REAL_ESTATE,
            ApplicantKind.PERSON,
            _no_property,
            lambda d: "有不动产登记记录，不能出具无房证明" if d["has_property"] else "",
        ),
        ProofSpec(
            ProofKind.BUSINESS_REGISTRATION,
            "market.business_registration",
            DepartmentType.MARKET,
            ApplicantKind.ORGANIZATION,
            _business,
        ),
        ProofSpec(
            ProofKind.HOUSEHOLD,
            "public_security.household",
            DepartmentType.PUBLIC_SECURITY,
            ApplicantKind.PERSON,
            _household,
        ),
    )
}


def kinds_for(holder_kind: str) -> list[tuple[str, str]]:
    """(kind, label) of the proofs a person or an organisation may ask for about itself."""
    return [(k, ProofKind(k).label) for k, s in SPECS.items() if s.holder_kind == holder_kind]


def requested_kind(kind: str, consented: bool, holder_kind: str) -> str:
    """The kind asked for on a proof page (website or kiosk), once it is one this holder may
    ask for and the one-time consent to the department query was given."""
    if kind not in dict(kinds_for(holder_kind)):
        raise InvalidInput("请选择证明类别", "choose a kind of proof", field="kind")
    if not consented:
        raise InvalidInput(
            "须同意本次查询后才能出具证明",
            "the proof needs your consent to this query",
            field="consent",
        )
    return kind
