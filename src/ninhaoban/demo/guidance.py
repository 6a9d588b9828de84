"""The demo synonym table: how people in 咸宁 ask for things, mapped to the catalog's words.

Targets are words that occur in item names or aliases (or other terms, followed in turn), so
catalog admins can read each row as "when someone says X, look for Y".
"""

from ninhaoban.guidance import services
from ninhaoban.guidance.models import Synonym

SYNONYMS: list[tuple[str, str, str]] = [
    ("开饭店", "餐饮", "开店做吃的"),
    ("开餐厅", "餐饮", ""),
    ("开小吃店", "餐饮", ""),
    ("开奶茶店", "餐饮", ""),
    ("卖吃的", "餐饮", ""),
    ("餐饮", "食品经营许可", "餐饮服务需取得食品经营许可"),
    ("餐饮", "开办餐饮店", "一件事"),
    ("生孩子", "出生", ""),
    ("生娃", "出生", ""),
    ("生小孩", "出生", ""),
    ("宝宝", "新生儿", ""),
    ("过户", "转移登记", "不动产过户即转移登记"),
    ("买房", "转移登记", ""),
    ("卖房", "转移登记", ""),
    ("营业执照", "设立登记", "领营业执照即办理设立登记"),
    ("办执照", "设立登记", ""),
    ("新农合", "城乡居民基本医疗保险", "旧称"),
    ("医保", "医疗保险", ""),
    ("社保", "社会保险", ""),
    ("养老金", "养老保险", ""),
    ("公积金", "住房公积金", ""),
    ("房产证", "不动产权证书", ""),
    ("房本", "不动产权证书", ""),
    ("房子", "不动产", ""),
    ("户口", "户口登记", ""),
    ("落户", "户口登记", ""),
    ("过期", "到期", "证件过期即到期换领"),
    ("到期", "换领", ""),
    ("扯证", "结婚登记", "方言：领结婚证"),
    ("结婚", "结婚登记", ""),
    ("领证", "结婚登记", ""),
    ("看病", "医疗费用", ""),
    ("报销", "医疗费用报销", ""),
    ("刻公章", "刻章", ""),
    ("开发票", "发票申领", ""),
    ("盖房子", "建筑工程施工许可", ""),
    ("建房", "建设工程规划许可", ""),
    ("理发店", "公共场所卫生许可", ""),
    ("美容院", "公共场所卫生许可", ""),
    ("开宾馆", "公共场所卫生许可", ""),
    ("跑运输", "道路运输经营许可", ""),
    ("货车", "道路运输经营许可", ""),
    ("困难户", "最低生活保障", ""),
    ("吃低保", "最低生活保障", ""),
    ("生活困难", "最低生活保障", ""),
    ("外地人", "居住证", ""),
    ("慢病", "门诊慢特病", ""),
    ("电梯", "特种设备", ""),
    ("契税", "不动产交易税费", ""),
    ("开店", "个体工商户设立登记", ""),
    ("做生意", "个体工商户设立登记", ""),
]


def seed() -> str:
    made = 0
    for term, target, note in SYNONYMS:
        if Synonym.objects.filter(term=term, target=target).exists():
            continue
        services.save_synonym(term=term, target=target, note=note, actor="system")
        made += 1
    return f"guidance: {Synonym.objects.count()} synonyms ({made} new)"
