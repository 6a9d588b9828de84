"""咸宁's demo catalog: 39 base items implemented by the city, the six counties, the
high-tech zone and 崇阳县's towns (over 300 service items), and five 一件事 bundles.

受理在村、审批在县: the town and village halls take in county items (城乡居民养老保险、医保参保、
低保、残疾人证) as the 进驻 register says (demo/stations.py) and the county decides them; the
items the law gives the town (农村村民宅基地申请审批, 生育登记, 老年人优待证办理) are
implemented by each 乡镇人民政府 of 崇阳县 and decided there.

Item names, legal bases, limits and fees follow the national and Hubei catalogs; the base
codes are illustrative (type code + serial). A few implementations deviate on purpose so
that the standardization audit has real findings:

- 崇阳县 asks 7 materials for 食品经营许可 where the others ask 5;
- 通山县 promises 3 working days for 个体工商户设立登记 where the others promise 1;
- 嘉鱼县 asks a community-issued 贫困证明 for 最低生活保障申请;
- 通城县 calls 食品经营许可 an "审批" instead of 行政许可;
- 赤壁市 sets 35 legal and 32 promised days for 不动产转移登记 (statutory: 30);
- 咸安区 charges a 工本费 for the first 居住证, which is free elsewhere;
- 嘉鱼县 needs two visits to replace an ID card where the others need one;
- 崇阳县 adds a step to 建筑工程施工许可证核发.

The whole catalog goes through `catalog.services.import_catalog`, like any import file, so
running the seeder again changes nothing.
"""

from typing import Any

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import Bundle, ServiceItem
from ninhaoban.catalog.services import implementation_code, import_catalog, save_bundle
from ninhaoban.demo import oneform as F
from ninhaoban.demo import stations
from ninhaoban.regions.models import Department, Level, Region, RegionKind

VALID_FROM = "2026-01-01"
CITY = "421200000000"
XIANAN, JIAYU, TONGCHENG, CHONGYANG, TONGSHAN, CHIBI = (
    "421202000000",
    "421221000000",
    "421222000000",
    "421223000000",
    "421224000000",
    "421281000000",
)
ZONE = "421202900000"
COUNTIES = [XIANAN, JIAYU, TONGCHENG, CHONGYANG, TONGSHAN, CHIBI]
ALL = [CITY, *COUNTIES, ZONE]
CITY_AND_COUNTIES = [CITY, *COUNTIES]
LICENCE = {
    "营业执照": "11100000000013338W001",
    "食品经营许可证": "11100000000013338W002",
    "不动产权证书": "11100000000013338W003",
    "居民身份证": "11100000000013338W004",
    "结婚证": "11100000000013338W005",
    "出生医学证明": "11100000000013338W006",
    "社会保障卡": "11100000000013338W007",
    "建设工程规划许可证": "11100000000013338W008",
}

# the licence an approval of the item issues (签发证照), by item name; the rest issue none
ISSUES = {
    "个体工商户设立登记": "营业执照",
    "企业设立登记": "营业执照",
    "食品经营许可": "食品经营许可证",
    "不动产转移登记": "不动产权证书",
    "国有建设用地使用权及房屋所有权首次登记": "不动产权证书",
    "居民身份证换领": "居民身份证",
    "结婚登记": "结婚证",
    "建设工程规划许可证核发": "建设工程规划许可证",
    "出生医学证明首次签发": "出生医学证明",
    "社会保障卡申领": "社会保障卡",
}


def own(name: str, notes: str = "", requirement: str = "required", form: str = "either") -> dict:
    return {
        "name": name,
        "source": "applicant",
        "notes": notes,
        "requirement": requirement,
        "form": form,
    }


def lic(kind: str, name: str = "", notes: str = "") -> dict:
    return {
        "name": name or kind,
        "source": "licence",
        "licence_type_code": LICENCE[kind],
        "form": "electronic",
        "notes": notes,
    }


def data(name: str, key: str, notes: str = "") -> dict:
    return {
        "name": name,
        "source": "shared_data",
        "data_key": key,
        "form": "electronic",
        "notes": notes,
    }


def form(name: str, fields: list[str], notes: str = "") -> dict:
    """An application form the platform writes from the one form (一表申请)."""
    notes = notes or "平台根据一表申请生成，在线短信确认或窗口签字"
    return {
        "name": name,
        "source": "generated",
        "fields": fields,
        "form": "electronic",
        "notes": notes,
    }


def model(name: str, template: str, fields: list[str], notes: str, requirement="required") -> dict:
    """A document the applicant hands in, or takes as the city's model text filled from the
    form."""
    return {
        "name": name,
        "source": "applicant",
        "template": template,
        "fields": fields,
        "notes": notes,
        "requirement": requirement,
    }


def gov(name: str, issuer: str, notes: str = "") -> dict:
    return {"name": name, "source": "government", "issuer": issuer, "form": "paper", "notes": notes}


ID_CARD = lic("居民身份证", "申请人居民身份证", "窗口现场核验，电子证照免提交")
LICENSE = lic("营业执照", "营业执照", "电子营业执照免提交")
HOUSEHOLD = data("居民户口簿", "public_security.household", "共享户籍信息免提交")
PROPERTY = lic("不动产权证书", "不动产权证书")
MARRIAGE = data("婚姻状况信息", "civil_affairs.marriage", "共享婚姻登记信息免提交")
INSURANCE = data("社会保险参保缴费记录", "hrss.insurance_record", "共享人社数据免提交")
PREMISES = data(
    "经营场所使用证明",
    "real_estate.premises",
    "自有房产经本人同意核验不动产登记免提交；租赁的提交租赁协议",
)


def steps(promised: int, decider: str = "chief") -> list[dict]:
    """受理, 审查 and 决定 whose days add up to the promise."""
    if promised == 0:
        return [
            {"name": "受理", "role": "clerk", "working_days": 0},
            {"name": "审核办结", "role": "approver", "working_days": 0},
        ]
    review = max(promised - 1, 0)
    return [
        {"name": "受理", "role": "clerk", "working_days": 0},
        {"name": "审查", "role": "approver", "working_days": review},
        {"name": "决定", "role": decider, "working_days": promised - review},
    ]


def fee(name: str, standard: str, amount: str | None, basis: str, waivable=False) -> dict:
    return {
        "name": name,
        "standard": standard,
        "amount": amount,
        "basis": basis,
        "waivable": waivable,
    }


REGISTRATION_FEE = fee(
    "不动产登记费",
    "住宅每件80元；非住宅每件550元",
    "80.00",
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
    True,
)
ITEMS: list[dict[str, Any]] = [
    {
        "name": "个体工商户设立登记",
        "dept": "market",
        "type": "01",
        "legal": 3,
        "promised": 1,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《促进个体经济发展条例》；《中华人民共和国市场主体登记管理条例》第三条、第二十一条",
        "conditions": "有经营能力的公民；有与经营相适应的经营场所；经营范围不属于法律法规禁止的行业。",
        "materials": [
            form("个体工商户登记（备案）申请书", F.SOLE_TRADER),
            ID_CARD,
            PREMISES,
            model(
                "委托代理人身份证明及委托书",
                "power_of_attorney",
                F.APPLICANT,
                "委托他人办理时提交，可选用委托书示范文本",
                "optional",
            ),
        ],
        "regions": ALL,
        "aliases": ["个体户", "开个体户", "个体执照", "办执照"],
    },
    {
        "name": "企业设立登记",
        "dept": "market",
        "type": "01",
        "legal": 3,
        "promised": 1,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "establishes": True,
        "basis": "《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》第十九条、第二十一条",
        "conditions": "名称、住所、注册资本、股东、经营范围等符合法律、行政法规规定。",
        "materials": [
            form("公司登记（备案）申请书", F.COMPANY),
            model("公司章程", "articles", F.ARTICLES, "可选用公司章程示范文本，全体股东签署"),
            lic("居民身份证", "股东、法定代表人主体资格证明", "自然人股东以电子身份证免提交"),
            model(
                "法定代表人、董事、监事和经理的任职文件",
                "appointment",
                F.APPOINTMENT,
                "可选用任职文件示范文本，由平台根据申请表生成",
            ),
            data(
                "住所使用相关文件",
                "real_estate.premises",
                "自有房产经本人同意核验不动产登记免提交；租赁的提交租赁协议",
            ),
        ],
        "regions": ALL,
        "aliases": ["开公司", "注册公司", "公司注册", "企业开办", "营业执照"],
    },
    {
        "name": "食品经营许可",
        "dept": "market",
        "type": "01",
        "legal": 10,
        "promised": 5,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所、设备设施、食品安全管理人员和管理制度。",
        "materials": [
            form("食品经营许可申请书", F.FOOD),
            LICENSE,
            own("主要设备设施布局、操作流程等文件"),
            model(
                "食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度",
                "pledge",
                F.FOOD_PLEDGE,
                "可选用本市食品安全管理制度示范文本并承诺执行",
            ),
            own("食品安全管理人员名单及培训考核合格证明"),
        ],
        "step_plan": [
            ("受理", "clerk", 0, ""),
            ("现场核查", "approver", 3, ""),
            ("审核决定", "chief", 2, ""),
        ],
        "regions": ALL,
        "aliases": ["餐饮许可", "食品许可证", "开饭店", "开餐馆"],
    },
    {
        "name": "公章刻制备案",
        "dept": "public_security",
        "type": "10",
        "legal": 1,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》；《印铸刻字业暂行管理规则》",
        "conditions": "已取得营业执照的市场主体，自主选择刻章企业刻制印章后备案。",
        "materials": [
            LICENSE,
            lic("居民身份证", "法定代表人或经办人居民身份证"),
            form("印章刻制备案表", F.SEAL),
        ],
        "regions": ALL,
        "aliases": ["刻章", "公章", "印章备案"],
    },
    {
        "name": "发票申领",
        "dept": "tax",
        "type": "10",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《中华人民共和国发票管理办法》第十五条",
        "conditions": "已办理税务信息确认的纳税人。",
        "materials": [
            LICENSE,
            lic("居民身份证", "经办人身份证件"),
            form("发票领用表", F.INVOICE),
        ],
        "regions": ALL,
        "aliases": ["领发票", "申领发票", "税务登记", "税控"],
    },
    {
        "name": "社会保险登记",
        "dept": "hrss",
        "type": "07",
        "legal": 15,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《中华人民共和国社会保险法》第五十七条",
        "conditions": "用人单位自成立之日起三十日内申请办理社会保险登记。",
        "materials": [LICENSE, form("单位社会保险登记表", F.INSURANCE)],
        "regions": ALL,
        "aliases": ["单位参保", "社保开户", "社保登记"],
    },
    {
        "name": "住房公积金单位缴存登记",
        "dept": "housing_fund",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《住房公积金管理条例》第十四条",
        "conditions": "新设立的单位自设立之日起三十日内办理住房公积金缴存登记。",
        "materials": [
            LICENSE,
            form("单位住房公积金缴存登记表", F.HOUSING_FUND),
            lic("居民身份证", "经办人身份证件"),
        ],
        "regions": ALL,
        "aliases": ["公积金开户", "单位公积金"],
    },
    {
        "name": "个人住房公积金缴存证明",
        "dept": "housing_fund",
        "type": "20",
        "legal": 1,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《住房公积金管理条例》",
        "conditions": "在咸宁缴存住房公积金的职工。",
        "materials": [ID_CARD, data("住房公积金缴存记录", "housing_fund.deposit_record")],
        "regions": ALL,
        "aliases": ["公积金证明", "公积金缴存证明", "打印公积金"],
    },
    {
        "name": "个人住房公积金提取",
        "dept": "housing_fund",
        "type": "20",
        "legal": 3,
        "promised": 1,
        "visits": 0,
        "depth": 3,
        "kiosk": True,
        "basis": "《住房公积金管理条例》第二十四条",
        "conditions": "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房等情形。",
        "materials": [
            ID_CARD,
            own("住房公积金提取申请表", form="electronic"),
            lic("不动产权证书", "购房合同或不动产权证书", "购房提取时提交"),
            own("本人银行卡", "一类借记卡"),
        ],
        "regions": ALL,
        "aliases": ["取公积金", "公积金提取", "提公积金"],
    },
    {
        "name": "社会保险个人权益记录（参保缴费证明）打印",
        "dept": "hrss",
        "type": "20",
        "legal": 1,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《社会保险个人权益记录管理办法》第十七条",
        "conditions": "参保人员本人或委托他人查询、打印。",
        "materials": [ID_CARD, INSURANCE],
        "regions": ALL,
        "aliases": ["社保证明", "社保缴费证明", "参保证明", "打印社保"],
    },
    {
        "name": "城乡居民基本养老保险参保登记",
        "dept": "hrss",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "conditions": "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的城乡居民。",
        "materials": [ID_CARD, HOUSEHOLD, own("城乡居民基本养老保险参保登记表", form="electronic")],
        "regions": COUNTIES,
        "aliases": ["居民养老保险", "农村养老保险", "新农保"],
    },
    {
        "name": "基本养老保险待遇核定",
        "dept": "hrss",
        "type": "07",
        "legal": 20,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国社会保险法》第十六条；《国务院关于完善企业职工基本养老保险制度的决定》",
        "conditions": "达到法定退休年龄且累计缴费满十五年。",
        "materials": [
            ID_CARD,
            lic("社会保障卡", "社会保障卡"),
            INSURANCE,
            form("基本养老保险待遇申领表", F.PENSION),
            own("职工人事档案", "企业职工提交", "optional", "paper"),
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["退休", "办退休", "领养老金", "退休审批"],
    },
    {
        "name": "城乡居民基本医疗保险参保登记",
        "dept": "healthcare_security",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《中华人民共和国社会保险法》第二十五条；《医疗保障基金使用监督管理条例》",
        "conditions": "不属于职工基本医疗保险覆盖范围的城乡居民，含新生儿。",
        "materials": [HOUSEHOLD, form("城乡居民基本医疗保险参保登记表", F.BIRTH)],
        "regions": ALL,
        "aliases": ["居民医保", "新农合", "医保参保", "新生儿医保"],
    },
    {
        "name": "医疗费用报销",
        "dept": "healthcare_security",
        "type": "20",
        "legal": 20,
        "promised": 15,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国社会保险法》第二十九条；《医疗保障基金使用监督管理条例》",
        "conditions": "参保人员因特殊情况未能直接结算的合规医疗费用。",
        "materials": [
            lic("社会保障卡", "社会保障卡"),
            own("医疗费用票据", "原件", form="paper"),
            own("费用明细清单"),
            own("出院小结或门诊病历", "住院费用报销时提交", "optional"),
            own("本人银行账户信息"),
        ],
        "regions": ALL,
        "aliases": ["医保报销", "零星报销", "手工报销"],
    },
    {
        "name": "不动产登记资料查询",
        "dept": "real_estate",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》",
        "conditions": "权利人、利害关系人依法查询不动产登记资料。",
        "materials": [ID_CARD, own("不动产登记资料查询申请书", form="electronic")],
        "regions": ALL,
        "aliases": ["查房产", "房产证明", "无房证明", "不动产查询"],
    },
    {
        "name": "不动产转移登记",
        "dept": "real_estate",
        "type": "07",
        "legal": 30,
        "promised": 5,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国民法典》第二百零九条；《不动产登记暂行条例》第十四条、第二十条",
        "conditions": "买卖、互换、赠与、继承等导致不动产权利转移。",
        "materials": [
            form("不动产登记申请书", F.TRANSFER),
            ID_CARD,
            PROPERTY,
            own("不动产买卖合同"),
            MARRIAGE,
            data("完税凭证", "tax.payment_record", "税务部门共享完税信息，免提交纸质凭证"),
        ],
        "fees": [REGISTRATION_FEE],
        "regions": ALL,
        "aliases": ["过户", "二手房过户", "房产过户"],
    },
    {
        "name": "国有建设用地使用权及房屋所有权首次登记",
        "dept": "real_estate",
        "type": "07",
        "legal": 30,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "basis": "《不动产登记暂行条例》；《不动产登记暂行条例实施细则》第三十五条",
        "conditions": "在依法取得的国有建设用地上建成房屋，已竣工验收。",
        "materials": [
            own("不动产登记申请书", form="electronic"),
            lic("营业执照", "申请人身份证明"),
            lic("不动产权证书", "国有建设用地使用权不动产权证书"),
            own("建设工程符合规划的材料"),
            own("房屋已经竣工的材料"),
            own("房地产调查或者测绘报告"),
        ],
        "fees": [REGISTRATION_FEE],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["大产证", "首次登记", "新房办证"],
    },
    {
        "name": "出生登记（户口登记）",
        "dept": "public_security",
        "type": "07",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《中华人民共和国户口登记条例》第七条",
        "conditions": "婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居申报出生登记。",
        "materials": [
            lic("出生医学证明", "出生医学证明"),
            HOUSEHOLD,
            lic("居民身份证", "父母居民身份证"),
            lic("结婚证", "父母结婚证", "已婚的提交"),
        ],
        "regions": ALL,
        "aliases": ["上户口", "新生儿落户", "报户口"],
    },
    {
        "name": "居民身份证换领",
        "dept": "public_security",
        "type": "07",
        "legal": 60,
        "promised": 20,
        "visits": 1,
        "depth": 2,
        "basis": "《中华人民共和国居民身份证法》第五条、第八条、第十一条",
        "conditions": "居民身份证有效期满、证件信息变更或严重损坏不能辨认。",
        "materials": [ID_CARD, HOUSEHOLD],
        "fees": [
            fee(
                "居民身份证工本费",
                "每证20元",
                "20.00",
                "《关于调整第二代居民身份证工本费标准的通知》（发改价格〔2005〕436号）",
                True,
            )
        ],
        "delivery": ["window", "post"],
        "regions": ALL,
        "aliases": ["身份证到期", "换身份证", "身份证换证"],
    },
    {
        "name": "居住证申领",
        "dept": "public_security",
        "type": "07",
        "legal": 15,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "basis": "《居住证暂行条例》第九条、第十条",
        "conditions": "离开常住户口所在地，到咸宁居住半年以上，有合法稳定就业、住所或就读之一。",
        "materials": [
            ID_CARD,
            own("近期免冠照片"),
            own("居住证明", "房屋租赁合同、不动产权证书或单位出具的住宿证明"),
        ],
        "delivery": ["window", "post"],
        "regions": ALL,
        "aliases": ["办居住证", "暂住证", "外地人居住证"],
    },
    {
        "name": "结婚登记",
        "dept": "civil_affairs",
        "type": "07",
        "legal": 1,
        "promised": 0,
        "visits": 1,
        "depth": 2,
        "basis": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条",
        "conditions": "男女双方完全自愿，达到法定婚龄，双方均无配偶，无禁止结婚的亲属关系。",
        "materials": [
            lic("居民身份证", "双方居民身份证"),
            HOUSEHOLD,
            own(
                "本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明",
                form="paper",
            ),
            own("双方近期半身免冠合影照片", "2寸，3张", form="paper"),
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["领结婚证", "婚姻登记", "登记结婚"],
    },
    {
        "name": "最低生活保障申请",
        "dept": "civil_affairs",
        "type": "05",
        "legal": 30,
        "promised": 20,
        "visits": 1,
        "depth": 3,
        "basis": "《社会救助暂行办法》第十一条；《湖北省最低生活保障工作实施办法》",
        "conditions": "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合财产状况规定。",
        "materials": [
            own("最低生活保障申请书", form="paper"),
            ID_CARD,
            HOUSEHOLD,
            own("家庭经济状况核对授权书", "全体家庭成员签字", form="paper"),
            own("残疾证、诊断证明等", "家庭成员有重病、重残的提交", "optional"),
        ],
        "step_plan": [
            ("受理", "clerk", 0, ""),
            ("入户调查", "approver", 10, "核查"),
            ("家庭经济状况核对", "approver", 5, "核查"),
            ("民主评议与公示", "approver", 7, ""),
            ("审批", "chief", 3, ""),
        ],
        "regions": COUNTIES,
        "aliases": ["低保", "申请低保", "困难补助"],
    },
    {
        "name": "建设工程规划许可证核发",
        "dept": "natural_resources",
        "type": "01",
        "legal": 20,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国城乡规划法》第四十条",
        "conditions": "已取得建设用地使用权，建设工程设计方案符合控制性详细规划和规划条件。",
        "materials": [
            own("建设工程规划许可申请表", form="electronic"),
            lic("不动产权证书", "国有建设用地使用权不动产权证书"),
            own("建设工程设计方案", form="electronic"),
            own("建设项目总平面图", form="electronic"),
        ],
        "step_plan": [
            ("受理", "clerk", 0, ""),
            ("技术审查", "approver", 5, "联审"),
            ("专家评审", "approver", 4, "联审"),
            ("批前公示与决定", "chief", 5, ""),
        ],
        "special": ["expert_review", "hearing"],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["规划许可", "工程规划证"],
    },
    {
        "name": "建筑工程施工许可证核发",
        "dept": "housing",
        "type": "01",
        "legal": 7,
        "promised": 3,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        "conditions": "已办理用地、规划手续，施工企业已确定，有满足施工需要的资金安排和施工图纸。",
        "materials": [
            own("建筑工程施工许可申请表", form="electronic"),
            lic("建设工程规划许可证", "建设工程规划许可证"),
            own("中标通知书或直接发包批准文件"),
            own("施工图设计文件审查合格书"),
            own("建设资金已经落实承诺书", form="paper"),
        ],
        "step_plan": [
            ("受理", "clerk", 0, ""),
            ("审查", "approver", 2, ""),
            ("决定", "chief", 1, ""),
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["施工许可", "施工证", "开工许可"],
    },
    {
        "name": "建设项目用地预审与选址意见书",
        "dept": "natural_resources",
        "type": "01",
        "legal": 20,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条",
        "conditions": "需要审批、核准的建设项目，符合国土空间规划和用地标准。",
        "materials": [
            own("建设项目用地预审与选址申请表", form="electronic"),
            own("建设项目用地预审与选址申请报告"),
            own("项目建议书或可行性研究报告批复等立项文件"),
            own("标注项目用地范围的国土空间规划图", form="electronic"),
        ],
        "special": ["expert_review"],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["用地预审", "选址意见书", "多审合一"],
    },
    {
        "name": "道路运输经营许可",
        "dept": "transport",
        "type": "01",
        "legal": 20,
        "promised": 5,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国道路运输条例》第二十四条",
        "conditions": "有与经营业务相适应并经检测合格的车辆、符合条件的驾驶人员和健全的安全生产管理制度。",
        "materials": [
            own("道路运输经营申请表", form="electronic"),
            LICENSE,
            own("车辆行驶证或拟投入车辆承诺书"),
            own("驾驶人员从业资格证"),
            own("安全生产管理制度文本"),
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["道路运输证", "货运许可", "运输许可"],
    },
    {
        "name": "药品零售企业许可",
        "dept": "market",
        "type": "01",
        "legal": 30,
        "promised": 15,
        "visits": 1,
        "depth": 3,
        "basis": "《中华人民共和国药品管理法》第五十一条、第五十二条；《药品经营和使用质量监督管理办法》",
        "conditions": "有依法经过资格认定的药师，有与经营药品相适应的营业场所、设备、仓储设施和质量管理制度。",
        "materials": [
            own("药品经营许可证申请表", form="electronic"),
            LICENSE,
            own("执业药师注册证"),
            own("经营场所和仓库的平面布置图"),
            own("药品质量管理文件目录"),
        ],
        "special": ["inspection"],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["开药店", "药店许可", "药品经营许可证"],
    },
    {
        "name": "医疗机构执业登记",
        "dept": "health",
        "type": "01",
        "legal": 45,
        "promised": 20,
        "visits": 1,
        "depth": 3,
        "basis": "《医疗机构管理条例》第十五条、第十六条",
        "conditions": "按照规定设置的医疗机构，符合医疗机构基本标准，有适合的名称、组织机构和场所。",
        "materials": [
            own("医疗机构执业登记申请书", form="electronic"),
            own("医疗机构用房产权证明或者使用证明"),
            own("医疗机构建筑设计平面图"),
            own("医疗机构规章制度"),
            own("医务人员执业资格证书"),
        ],
        "special": ["expert_review"],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["诊所执业", "开诊所", "医疗机构执业许可证"],
    },
    {
        "name": "公共场所卫生许可",
        "dept": "health",
        "type": "01",
        "legal": 20,
        "promised": 5,
        "visits": 0,
        "depth": 4,
        "basis": "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条",
        "conditions": "宾馆、理发店、美容店、游泳场所等公共场所经营者，场所符合卫生标准。",
        "materials": [
            own("公共场所卫生许可申请表", form="electronic"),
            LICENSE,
            own("公共场所地址方位示意图、平面图和卫生设施平面布局图"),
            own("公共场所卫生检测或者评价报告"),
            own("公共场所卫生管理制度"),
        ],
        "special": ["testing"],
        "regions": ALL,
        "aliases": ["卫生许可证", "美容美发卫生许可", "宾馆卫生许可"],
    },
    {
        "name": "特种设备使用登记",
        "dept": "market",
        "type": "01",
        "legal": 15,
        "promised": 5,
        "visits": 0,
        "depth": 4,
        "basis": "《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》",
        "conditions": "特种设备在投入使用前或者投入使用后三十日内办理使用登记。",
        "materials": [
            own("特种设备使用登记表", form="electronic"),
            LICENSE,
            own("特种设备产品合格证"),
            own("监督检验证明", "按规定需要监督检验的"),
        ],
        "regions": ALL,
        "aliases": ["电梯登记", "锅炉登记", "叉车登记"],
    },
    {
        "name": "不动产交易税费申报缴纳",
        "dept": "tax",
        "type": "04",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《中华人民共和国契税法》；《中华人民共和国个人所得税法》；《中华人民共和国税收征收管理法》",
        "conditions": "存量房买卖双方申报缴纳契税、个人所得税、增值税等。",
        "materials": [
            ID_CARD,
            own("不动产买卖合同"),
            PROPERTY,
            MARRIAGE,
            data("家庭住房信息", "real_estate.property_record", "用于判断家庭唯一住房"),
        ],
        "regions": ALL,
        "aliases": ["交税", "契税", "二手房税费", "税费缴纳"],
    },
    {
        "name": "水电气过户",
        "dept": "housing",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "basis": "《城镇供水条例》；《城镇燃气管理条例》；《供电营业规则》",
        "conditions": "不动产转移登记完成后，新权利人办理供水、供电、供气户名变更。",
        "materials": [PROPERTY, ID_CARD, own("原户主水电气费用结清凭证")],
        "regions": ALL,
        "aliases": ["水电过户", "燃气过户", "水表过户", "电表过户"],
    },
    {
        "name": "出生医学证明首次签发",
        "dept": "health",
        "type": "20",
        "legal": 5,
        "promised": 0,
        "visits": 1,
        "depth": 2,
        "basis": "《中华人民共和国母婴保健法》第二十三条",
        "conditions": "在具有助产技术服务资质的医疗机构内出生的新生儿。",
        "materials": [
            lic("居民身份证", "新生儿父母居民身份证"),
            gov("新生儿出生信息登记表", "助产医疗机构", "医院出具"),
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["出生证", "出生证明", "新生儿证明"],
    },
    {
        "name": "社会保障卡申领",
        "dept": "hrss",
        "type": "20",
        "legal": 20,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《社会保障卡管理办法》（人社部发〔2011〕47号）",
        "conditions": "参加社会保险的人员，含新生儿。",
        "materials": [HOUSEHOLD, own("近期免冠照片", form="electronic")],
        "delivery": ["window", "post"],
        "regions": ALL,
        "aliases": ["社保卡", "办社保卡", "社保卡补办"],
    },
    {
        "name": "职工基本医疗保险退休人员待遇核定",
        "dept": "healthcare_security",
        "type": "07",
        "legal": 20,
        "promised": 10,
        "visits": 0,
        "depth": 3,
        "basis": "《中华人民共和国社会保险法》第二十七条",
        "conditions": "办理退休手续且职工医保累计缴费年限达到规定年限。",
        "materials": [
            ID_CARD,
            gov("基本养老保险待遇核定表", "人力资源和社会保障局"),
            INSURANCE,
        ],
        "regions": CITY_AND_COUNTIES,
        "aliases": ["医保退休", "退休医保", "医保退休手续"],
    },
    {
        "name": "门诊慢特病待遇认定",
        "dept": "healthcare_security",
        "type": "07",
        "legal": 20,
        "promised": 10,
        "visits": 0,
        "depth": 4,
        "basis": "《国家医疗保障局办公室 财政部办公厅关于健全基本医疗保险参保长效机制的指导意见》",
        "conditions": "参保人员患有规定的门诊慢性病、特殊疾病。",
        "materials": [
            lic("社会保障卡", "社会保障卡"),
            own("二级及以上医疗机构诊断证明及相关检查报告"),
        ],
        "regions": ALL,
        "aliases": ["慢性病", "特殊病", "门特"],
    },
    # 受理在村、审批在县: taken in at the town and village halls (进驻 register), decided here
    {
        "name": "残疾人证申领",
        "dept": "disabled_persons",
        "type": "07",
        "legal": 20,
        "promised": 10,
        "visits": 1,
        "depth": 3,
        "decider": "approver",
        "basis": "《中华人民共和国残疾人保障法》；《中国残疾人联合会关于印发〈中华人民共和国残疾人证管理办法〉的通知》",
        "conditions": "符合《残疾人残疾分类和分级》标准的视力、听力、言语、肢体、智力、精神及多重残疾人。",
        "materials": [
            ID_CARD,
            HOUSEHOLD,
            own("残疾人证申请表", form="paper"),
            own("近期二寸免冠彩色照片", "3张"),
            own("残疾评定医院出具的残疾评定表", "由指定评定医院评定后出具", form="paper"),
        ],
        "regions": COUNTIES,
        "aliases": ["残疾证", "办残疾证", "残疾人证"],
    },
    # 乡镇（街道）: the law gives these to the town; the demo implements them in 崇阳县's towns
    {
        "name": "农村村民宅基地申请审批",
        "dept": "township",
        "type": "01",
        "legal": 20,
        "promised": 15,
        "visits": 1,
        "depth": 3,
        "decider": "approver",
        "basis": "《中华人民共和国土地管理法》第六十二条；《农业农村部 自然资源部关于规范农村宅基地审批管理的通知》（农经发〔2019〕6号）",
        "conditions": "本集体经济组织成员，一户只能拥有一处宅基地，面积不超过省规定标准；出卖、出租、赠与住宅后再申请的不予批准。",
        "materials": [
            own("农村宅基地和建房（规划许可）申请表", form="paper"),
            ID_CARD,
            HOUSEHOLD,
            own("农村宅基地使用承诺书", "申请人签字", form="paper"),
            gov("村民小组会议讨论通过的决议及公示情况", "村民委员会", "由村级组织审查后出具"),
        ],
        "regions": "towns:421223",
        "aliases": ["农村建房", "宅基地", "建房用地", "盖房子", "农村建房用地申请"],
    },
    {
        "name": "生育登记",
        "dept": "township",
        "type": "20",
        "legal": 0,
        "promised": 0,
        "visits": 0,
        "depth": 4,
        "kiosk": True,
        "basis": "《中华人民共和国人口与计划生育法》；《湖北省人口与计划生育条例》",
        "conditions": "夫妻双方或一方户籍在本乡镇（街道），或在本乡镇（街道）居住的夫妻。",
        "materials": [ID_CARD, MARRIAGE, own("生育登记表", form="electronic")],
        "regions": "towns:421223",
        "aliases": ["计划生育", "准生证", "生育服务证", "生育服务登记"],
    },
    {
        "name": "老年人优待证办理",
        "dept": "township",
        "type": "20",
        "legal": 5,
        "promised": 1,
        "visits": 1,
        "depth": 3,
        "decider": "approver",
        "basis": "《中华人民共和国老年人权益保障法》第五十七条；《湖北省老年人优待办法》",
        "conditions": "年满60周岁、户籍或居住在本乡镇（街道）的老年人。",
        "materials": [ID_CARD, own("近期一寸免冠彩色照片", "2张")],
        "regions": "towns:421223",
        "aliases": ["老年证", "老年优待证", "敬老卡", "老人证"],
    },
]

DEVIATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("食品经营许可", CHONGYANG): {
        "extra_materials": [
            own("从业人员健康证明"),
            own("经营场所房屋租赁合同"),
        ]
    },
    ("食品经营许可", TONGCHENG): {"type_label": "审批"},
    ("个体工商户设立登记", TONGSHAN): {"promised_days": 3},
    ("最低生活保障申请", JIAYU): {
        "extra_materials": [gov("贫困证明", "社区居委会", "由户籍所在地社区出具")]
    },
    ("不动产转移登记", CHIBI): {"legal_days": 35, "promised_days": 32},
    ("居住证申领", XIANAN): {
        "fees": [fee("居住证工本费", "每证20元", "20.00", "咸安区公安分局收费公示")]
    },
    ("居民身份证换领", JIAYU): {"visits_required": 2},
    ("建筑工程施工许可证核发", CHONGYANG): {
        "steps": [
            {"name": "受理", "role": "clerk", "working_days": 0},
            {"name": "审查", "role": "approver", "working_days": 1},
            {"name": "分管领导审批", "role": "chief", "working_days": 1},
            {"name": "决定", "role": "chief", "working_days": 1},
        ]
    },
}
BUNDLES = [
    (
        "qiye-kaiban",
        "企业开办",
        1,
        [
            ("企业设立登记", 1),
            ("公章刻制备案", 2),
            ("发票申领", 2),
            ("社会保险登记", 2),
            ("住房公积金单位缴存登记", 2),
        ],
        "营业执照、公章、发票、社保和公积金登记一次申请，一个工作日办结。",
        ["开公司", "开办企业", "注册公司一件事"],
    ),
    (
        "ershoufang-jiaoyi",
        "二手房交易",
        5,
        [("不动产转移登记", 1), ("不动产交易税费申报缴纳", 1), ("水电气过户", 2)],
        "登记、缴税和水电气过户一窗受理、并联办理。",
        ["二手房过户", "买二手房", "房产交易"],
    ),
    (
        "xinshenger-chusheng",
        "新生儿出生",
        1,
        [
            ("出生医学证明首次签发", 1),
            ("出生登记（户口登记）", 2),
            ("城乡居民基本医疗保险参保登记", 2),
            ("社会保障卡申领", 2),
        ],
        "出生医学证明、落户、医保参保和社保卡一次办好。",
        ["生孩子", "新生儿", "宝宝落户"],
    ),
    (
        "tuixiu",
        "退休",
        10,
        [("基本养老保险待遇核定", 1), ("职工基本医疗保险退休人员待遇核定", 1)],
        "养老金核定和医保退休手续一次申请。",
        ["办退休", "退休手续"],
    ),
    (
        "kaiban-canyindian",
        "开办餐饮店",
        5,
        [("个体工商户设立登记", 1), ("食品经营许可", 1)],
        "营业执照和食品经营许可证一次申请、并联审批。",
        ["开饭店", "开餐馆", "开小吃店"],
    ),
]


def base_code(index: int, item_type: str) -> str:
    return f"{item_type}{index + 1:07d}000"


def _regions(regions: list[str] | str) -> list[str]:
    """An item's regions: a list of codes, or "towns:<county>" for every 乡镇 and 街道 of the
    county (not its parks and farms, which have no 人民政府)."""
    if isinstance(regions, list):
        return regions
    county = regions.removeprefix("towns:")
    towns = Region.objects.filter(
        level=Level.TOWN, kind=RegionKind.REGULAR, code__startswith=county
    )
    return list(towns.values_list("code", flat=True))


def _departments() -> dict[tuple[str, str], str]:
    return {(d.region_id, d.dept_type): d.uscc for d in Department.objects.all()}


def dataset() -> dict[str, list[dict[str, Any]]]:
    """The demo catalog in the import format (the JSON export's shape)."""
    departments = _departments()
    bases, implementations = [], []
    for index, spec in enumerate(ITEMS):
        code = base_code(index, spec["type"])
        regions = _regions(spec["regions"])
        levels = sorted(
            set(Region.objects.filter(code__in=regions).values_list("level", flat=True))
        )
        bases.append(
            {
                "code": code,
                "name": spec["name"],
                "item_type": spec["type"],
                "legal_days": spec["legal"],
                "legal_basis": spec["basis"],
                "levels": levels,
                "aliases": spec.get("aliases", []),
            }
        )
        plan = spec.get("step_plan")
        for region in regions:
            content: dict[str, Any] = {
                "base_code": code,
                "region": region,
                "department": departments[(region, spec["dept"])],
                "name": spec["name"],
                "type_label": "",
                "case_kind": "immediate" if spec["promised"] == 0 else "promised",
                "legal_days": spec["legal"],
                "promised_days": spec["promised"],
                "visits_required": spec["visits"],
                "online_depth": spec["depth"],
                "kiosk_enabled": spec.get("kiosk", False),
                "conditions": spec["conditions"],
                "legal_basis": spec["basis"],
                "delivery_methods": spec.get("delivery", ["window", "electronic"]),
                "special_procedures": spec.get("special", []),
                "online_url": "",
                "licence_type_code": LICENCE.get(ISSUES.get(spec["name"], ""), ""),
                "establishes_organization": spec.get("establishes", False),
                "valid_from": VALID_FROM,
                "materials": [dict(m) for m in spec["materials"]],
                "fees": list(spec.get("fees", [])),
                "steps": (
                    [
                        {"name": n, "role": r, "working_days": d, "parallel_group": g}
                        for n, r, d, g in plan
                    ]
                    if plan
                    else steps(spec["promised"], spec.get("decider", "chief"))
                ),
            }
            deviation = dict(DEVIATIONS.get((spec["name"], region), {}))
            content["materials"] += deviation.pop("extra_materials", [])
            content.update(deviation)
            if "promised_days" in deviation and not plan and "steps" not in deviation:
                content["steps"] = steps(content["promised_days"])
            implementations.append(content)
    return {"base_items": bases, "service_items": implementations}


def _item(name: str, region: Region) -> ServiceItem:
    index, spec = next((i, s) for i, s in enumerate(ITEMS) if s["name"] == name)
    department = Department.objects.get(region=region, dept_type=spec["dept"])
    return selectors.get_item(
        implementation_code(department, region, base_code(index, spec["type"]))
    )


def seed() -> str:
    F.seed()
    result = import_catalog(dataset(), actor="system")
    made, city = 0, Region.objects.get(code=CITY)
    for code, name, days, members, description, aliases in BUNDLES:
        if Bundle.objects.filter(code=code).exists():
            continue
        save_bundle(
            code=code,
            name=name,
            region=city,
            members=[(_item(item, city), stage) for item, stage in members],
            promised_days=days,
            description=description,
            aliases=aliases,
            actor="system",
        )
        made += 1
    counts = result.as_dict()
    total = selectors.current_versions().count()
    return (
        f"catalog: {total} service items in force ({counts['items_created']} new, "
        f"{counts['versions_published']} versions published), {made} bundles added; "
        + stations.seed()
    )
