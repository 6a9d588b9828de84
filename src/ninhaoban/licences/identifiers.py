"""证照标识 (electronic licence identifiers) as the national 电子证照 catalog writes them.

`1.2.156.3005.2.{类型代码}.{颁发机构统一社会信用代码}.{流水号}.{版本号}.{校验位}`: the OID
arc of the national licence registry, then the parts that name one licence. The check
character is ISO 7064 MOD 37,36 (a hybrid system over 0-9A-Z) computed over the parts between
the OID and the check character with the dots removed, so a mistyped character anywhere in
them, or two swapped neighbours, is caught before any lookup.
"""

from dataclasses import dataclass

from ninhaoban.core.errors import InvalidInput

LICENCE_OID = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
MODULUS = 36


class InvalidLicenceId(InvalidInput):
    code = "invalid_licence_id"

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(
            f"证照标识无效：{message_zh}", f"Invalid licence identifier: {message_en}", field="id"
        )


@dataclass(frozen=True)
class LicenceId:
    type_code: str
    issuer_uscc: str
    serial: str
    version: str
    check: str

    @property
    def body(self) -> str:
        return f"{self.type_code}{self.issuer_uscc}{self.serial}{self.version}"

    def __str__(self) -> str:
        parts = (self.type_code, self.issuer_uscc, self.serial, self.version, self.check)
        return ".".join((LICENCE_OID, *parts))


def licence_check_char(body: str) -> str:
    """ISO 7064 MOD 37,36 check character of `body` (0-9 and A-Z, upper case)."""
    product = MODULUS
    for char in body:
        value = _VALUES.get(char)
        if value is None:
            raise InvalidLicenceId(
                f"含有不允许的字符“{char}”", f"character '{char}' is not allowed"
            )
        total = (product + value) % MODULUS or MODULUS
        product = (total * 2) % (MODULUS + 1)
    return ALPHABET[(MODULUS + 1 - product) % MODULUS]


def make_licence_id(type_code: str, issuer_uscc: str, serial: str, version: str) -> LicenceId:
    body = f"{type_code}{issuer_uscc}{serial}{version}"
    return LicenceId(type_code, issuer_uscc, serial, version, licence_check_char(body))


def parse_licence_id(value: str) -> LicenceId:
    s = (value or "").strip().upper()
    if not s.startswith(LICENCE_OID + "."):
        raise InvalidLicenceId(f"应以{LICENCE_OID}开头", f"must start with {LICENCE_OID}")
    parts = s[len(LICENCE_OID) + 1 :].split(".")
    if len(parts) != 5 or not all(parts):
        raise InvalidLicenceId(
            "应为 类型代码.颁发机构代码.流水号.版本号.校验位 五段",
            "expected five parts: type code, issuer code, serial, version, check character",
        )
    type_code, issuer, serial, version, check = parts
    if len(check) != 1:
        raise InvalidLicenceId("校验位应为一个字符", "the check character is one character")
    if not (serial.isdigit() and version.isdigit()):
        raise InvalidLicenceId("流水号和版本号应为数字", "serial and version must be digits")
    expected = licence_check_char(type_code + issuer + serial + version)
    if check != expected:
        raise InvalidLicenceId(
            f"校验位应为{expected}，实际为{check}",
            f"check character should be {expected}, got {check}",
        )
    return LicenceId(type_code, issuer, serial, version, check)
