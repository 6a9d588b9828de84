"""The shared data sets of docs/contracts.md: one name per `data_key`."""

from ninhaoban.regions.models import DepartmentType

DATA_SETS: dict[str, tuple[str, str]] = {
    "hrss.insurance_record": ("社会保险个人参保缴费记录", DepartmentType.HRSS),
    "housing_fund.deposit_record": ("住房公积金缴存记录", DepartmentType.HOUSING_FUND),
    "real_estate.property_record": ("不动产登记信息", DepartmentType.REAL_ESTATE),
    "real_estate.no_property": ("无房记录（无房证明）", DepartmentType.REAL_ESTATE),
    "market.business_registration": ("营业执照登记信息", DepartmentType.MARKET),
    "market.legal_representative": ("法定代表人身份核验", DepartmentType.MARKET),
    "public_security.household": ("户籍信息", DepartmentType.PUBLIC_SECURITY),
    "public_security.identity": ("居民身份信息核验", DepartmentType.PUBLIC_SECURITY),
    "civil_affairs.marriage": ("婚姻登记信息", DepartmentType.CIVIL_AFFAIRS),
    "health.birth_certificate": ("出生医学证明信息", DepartmentType.HEALTH),
    "real_estate.premises": ("经营场所产权信息", DepartmentType.REAL_ESTATE),
    "tax.payment_record": ("完税信息（完税凭证）", DepartmentType.TAX),
}


def data_set_name(data_key: str) -> str:
    return DATA_SETS.get(data_key, (data_key, ""))[0]
