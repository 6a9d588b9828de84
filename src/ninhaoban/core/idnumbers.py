"""Identity numbers: 居民身份证号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

The address code is deliberately not checked against the birth date or a current list of
regions: codes are assigned when a number is issued, so a person born in 1950 may hold a
code created in 1983, and abolished codes stay valid on old cards. Its first two digits must
still name a province of GB/T 2260 (a code such as 999999 was never issued anywhere).
"""

import datetime as dt
from dataclasses import dataclass

from ninhaoban.core.errors import InvalidInput

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_REGISTRARS = {
    "1": "机构编制",
    "2": "外交",
    "3": "宗教",
    "4": "工会",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}


# GB/T 2260 province-level codes (31 provinces, 香港 81, 澳门 82, 台湾 71), which have not
# changed since 重庆 (50) in 1997; the ones abolished before the 18-digit number (1999) never
# appear on one.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


class InvalidIdNumber(InvalidInput):
    code = "invalid_id_number"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(
            f"身份证号码无效：{message_zh}", f"Invalid ID number: {message_en}", field="id_number"
        )


class InvalidUscc(InvalidInput):
    code = "invalid_uscc"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(
            f"统一社会信用代码无效：{message_zh}",
            f"Invalid unified social credit code: {message_en}",
            field="uscc",
        )


@dataclass(frozen=True)
class IdNumber:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F", from the parity of the sequence code

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


@dataclass(frozen=True)
class Uscc:
    code: str
    registrar: str
    kind: str
    region_code: str
    organization_code: str


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalized(value: str | None) -> str:
    """The number as stored: spaces anywhere dropped and letters upper-case, so a final
    "x" and a number typed in groups find the same person."""
    return "".join((value or "").split()).upper()


def parse_id_number(value: str, *, today: dt.date | None = None) -> IdNumber:
    s = normalized(value)
    if len(s) != 18:
        raise InvalidIdNumber(f"应为18位，实际{len(s)}位", f"must be 18 characters, got {len(s)}")
    if not s[:17].isdigit() or not s[:17].isascii():
        raise InvalidIdNumber("前17位必须是数字", "the first 17 characters must be digits")
    if not (s[17].isdigit() or s[17] == "X") or not s[17].isascii():
        raise InvalidIdNumber("校验码必须是数字或X", "the check character must be a digit or X")
    if s[:2] not in PROVINCES:
        raise InvalidIdNumber(
            f"地址码{s[:6]}不是GB/T 2260中的行政区划代码（省级代码{s[:2]}不存在）",
            f"address code {s[:6]} is not a GB/T 2260 region code (no province {s[:2]})",
        )
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidIdNumber(
            f"出生日期{s[6:14]}不是真实日期", f"birth date {s[6:14]} is not a real date"
        ) from None
    if birth > (today or dt.date.today()):
        raise InvalidIdNumber(f"出生日期{birth}在未来", f"birth date {birth} is in the future")
    if birth.year < 1850:
        raise InvalidIdNumber(f"出生日期{birth}过早", f"birth date {birth} is too early")
    expected = id_check_char(s[:17])
    if s[17] != expected:
        raise InvalidIdNumber(
            f"校验码应为{expected}，实际为{s[17]}",
            f"check character should be {expected}, got {s[17]}",
        )
    return IdNumber(
        number=s, region_code=s[:6], birth_date=birth, sex="M" if int(s[16]) % 2 else "F"
    )


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def parse_uscc(value: str) -> Uscc:
    s = normalized(value)
    if len(s) != 18:
        raise InvalidUscc(f"应为18位，实际{len(s)}位", f"must be 18 characters, got {len(s)}")
    bad = sorted({c for c in s if c not in USCC_CHARSET})
    if bad:
        shown = "".join(bad)
        raise InvalidUscc(
            f"含有不允许的字符：{shown}（不得使用I、O、Z、S、V）",
            f"characters not allowed: {shown} (I, O, Z, S and V are never used)",
        )
    if not s[2:8].isdigit():
        raise InvalidUscc("第3至8位行政区划码必须是数字", "characters 3-8 must be a region code")
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        raise InvalidUscc(
            f"校验码应为{expected}，实际为{s[17]}",
            f"check character should be {expected}, got {s[17]}",
        )
    return Uscc(
        code=s,
        registrar=USCC_REGISTRARS.get(s[0], "未知"),
        kind=s[1],
        region_code=s[2:8],
        organization_code=s[8:17],
    )


ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code inside a USCC."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def mask_id_number(number: str) -> str:
    """4212**********123X: the region of issue and the last four stay readable."""
    s = (number or "").strip()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def mask_name(name: str) -> str:
    """张*丰 / 李*: the surname stays, the rest is hidden except a last character of 3+."""
    n = (name or "").strip()
    if len(n) <= 1:
        return n
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]


def mask_phone(phone: str) -> str:
    p = (phone or "").strip()
    if len(p) < 7:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 7) + p[-4:]
