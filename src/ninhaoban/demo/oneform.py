"""咸宁's 字段库 (the fields of the one form, 一表申请) and which fields each generated form and
model text prints. The keys that a licence also prints (住所 `address`, 经营范围 `scope` …)
are the licence's face keys, so what the applicant types fills the approver's licence form.
"""

from typing import Any

from ninhaoban.catalog.services import save_form_field

ID_CARD = "11100000000013338W004"
PROPERTY = "11100000000013338W003"
COMPANY_TYPES = (
    "有限责任公司（自然人独资）",
    "有限责任公司（自然人投资或控股）",
    "股份有限公司（非上市、自然人投资或控股）",
)
FOOD_CATEGORIES = ("餐饮服务经营者", "单位食堂", "食品销售经营者")

# key, label, English label, kind, options (required, max_length, low, high, choices, help,
# prefill)
FIELDS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("applicant_name", "申请人姓名", "Applicant's name", "text", {"prefill": "person.name"}),
    (
        "applicant_id",
        "申请人身份证号码",
        "Applicant's ID number",
        "id_number",
        {"prefill": "person.identifier", "max_length": 18},
    ),
    (
        "applicant_phone",
        "联系电话",
        "Phone",
        "phone",
        {"prefill": "person.phone", "max_length": 11, "help": "用于接收短信确认和办理进度"},
    ),
    (
        "applicant_address",
        "申请人住址",
        "Applicant's address",
        "text",
        {"prefill": f"licence:{ID_CARD}:address", "max_length": 200},
    ),
    (
        "organization_name",
        "拟设立企业（个体工商户）名称",
        "Name of the new business",
        "text",
        {"max_length": 64, "help": "如：咸宁市某某商贸有限公司；须经名称自主申报"},
    ),
    (
        "type",
        "企业类型",
        "Type of company",
        "text",
        {"max_length": 32, "help": "如：" + "、".join(COMPANY_TYPES)},
    ),
    (
        "registered_capital",
        "注册资本（万元）",
        "Registered capital (10,000 yuan)",
        "money",
        {"low": 1, "high": 10_000_000, "help": "认缴出资额，单位万元"},
    ),
    (
        "address",
        "住所（经营场所）",
        "Domicile (business premises)",
        "text",
        {
            "prefill": f"licence:{PROPERTY}:location",
            "max_length": 200,
            "help": "自有房产与不动产登记一致的，免交使用证明；租赁的请上传租赁协议",
        },
    ),
    ("scope", "经营范围", "Business scope", "long_text", {"max_length": 500}),
    (
        "legal_representative",
        "法定代表人（经营者）",
        "Legal representative (operator)",
        "text",
        {"prefill": "person.name", "max_length": 32},
    ),
    ("supervisor", "监事", "Supervisor", "text", {"max_length": 32}),
    (
        "manager",
        "经理",
        "Manager",
        "text",
        {"prefill": "person.name", "max_length": 32},
    ),
    ("seal_count", "刻制印章数量（枚）", "Seals to make", "integer", {"low": 1, "high": 10}),
    (
        "invoice_kind",
        "申领发票种类",
        "Invoices",
        "choice",
        {"choices": ("数电发票（普通发票）", "数电发票（增值税专用发票）")},
    ),
    ("staff_count", "参保职工人数", "Employees insured", "integer", {"low": 1, "high": 100_000}),
    (
        "bank_account",
        "单位银行基本存款账户",
        "Bank account",
        "text",
        {"max_length": 32, "help": "开户后填写；可在领取执照后补填", "required": False},
    ),
    (
        "fund_rate",
        "住房公积金缴存比例（%）",
        "Housing fund rate (%)",
        "integer",
        {"low": 5, "high": 12},
    ),
    ("food_category", "主体业态", "Type of food business", "choice", {"choices": FOOD_CATEGORIES}),
    ("food_items", "经营项目", "Food business items", "text", {"max_length": 200}),
    (
        "property_certificate",
        "不动产权证号",
        "Property certificate number",
        "text",
        {"prefill": f"licence:{PROPERTY}:certificate_no", "max_length": 64},
    ),
    (
        "property_location",
        "不动产坐落",
        "Property location",
        "text",
        {"prefill": f"licence:{PROPERTY}:location", "max_length": 200},
    ),
    ("buyer_name", "买受人姓名", "Buyer's name", "text", {"max_length": 32}),
    ("buyer_id", "买受人身份证号码", "Buyer's ID number", "id_number", {"max_length": 18}),
    ("price", "成交价格（万元）", "Price (10,000 yuan)", "money", {"low": 1, "high": 1_000_000}),
    (
        "household_address",
        "户籍地址",
        "Registered household address",
        "text",
        {
            "prefill": "shared:public_security.household:address",
            "max_length": 200,
            "required": False,
            "help": "新生儿随父母落户的地址；可经您同意从户籍信息预填",
        },
    ),
    ("baby_name", "新生儿姓名", "Baby's name", "text", {"max_length": 32}),
    ("baby_birth_date", "新生儿出生日期", "Baby's date of birth", "date", {}),
    ("retire_date", "退休日期", "Date of retirement", "date", {}),
    (
        "insured_unit",
        "参保单位",
        "Insured with (employer)",
        "text",
        {
            "prefill": "shared:hrss.insurance_record:insured_unit",
            "max_length": 64,
            "required": False,
            "help": "可经您同意从社会保险参保缴费记录预填",
        },
    ),
    (
        "insured_months",
        "累计缴费月数",
        "Months of contributions",
        "integer",
        {
            "prefill": "shared:hrss.insurance_record:months",
            "low": 0,
            "high": 900,
            "required": False,
            "help": "可经您同意从社会保险参保缴费记录预填",
        },
    ),
    (
        "pension_bank",
        "养老金发放银行账户",
        "Bank account for the pension",
        "text",
        {"max_length": 32},
    ),
]

APPLICANT = ["applicant_name", "applicant_id", "applicant_phone"]
COMPANY = [
    *APPLICANT,
    "organization_name",
    "type",
    "registered_capital",
    "address",
    "scope",
    "legal_representative",
    "supervisor",
    "manager",
]
SEAL = ["organization_name", "legal_representative", "seal_count", "applicant_phone"]
INVOICE = ["organization_name", "invoice_kind", "applicant_phone"]
INSURANCE = ["organization_name", "address", "staff_count", "bank_account"]
HOUSING_FUND = ["organization_name", "staff_count", "fund_rate", "bank_account"]
ARTICLES = [
    "organization_name",
    "type",
    "registered_capital",
    "address",
    "scope",
    "legal_representative",
    "supervisor",
    "applicant_name",
]
APPOINTMENT = ["organization_name", "legal_representative", "supervisor", "manager"]
SOLE_TRADER = [*APPLICANT, "organization_name", "address", "scope"]
FOOD = [*APPLICANT, "organization_name", "address", "food_category", "food_items"]
FOOD_PLEDGE = ["organization_name", "address", "applicant_name"]
TRANSFER = [
    *APPLICANT,
    "property_certificate",
    "property_location",
    "buyer_name",
    "buyer_id",
    "price",
]
BIRTH = [*APPLICANT, "applicant_address", "household_address", "baby_name", "baby_birth_date"]
PENSION = [*APPLICANT, "insured_unit", "insured_months", "retire_date", "pension_bank"]

# the fields of each generated form, by its name in the catalog; the others print the
# applicant's particulars only
FORM_FIELDS: dict[str, list[str]] = {
    "公司登记（备案）申请书": COMPANY,
    "印章刻制备案表": SEAL,
    "发票领用表": INVOICE,
    "单位社会保险登记表": INSURANCE,
    "单位住房公积金缴存登记表": HOUSING_FUND,
    "个体工商户登记（备案）申请书": SOLE_TRADER,
    "食品经营许可申请书": FOOD,
    "不动产登记申请书": TRANSFER,
    "城乡居民基本医疗保险参保登记表": BIRTH,
    "基本养老保险待遇申领表": PENSION,
}


def seed() -> int:
    for key, label, label_en, kind, options in FIELDS:
        save_form_field(
            key=key, label=label, label_en=label_en, kind=kind, actor="system", **options
        )
    return len(FIELDS)
