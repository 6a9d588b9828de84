"""What is owed outside a case: a water, power or gas bill by account number, and the
城乡居民基本养老保险 annual contribution by ID number with the tiers (缴费档次) of the year.

The companies and 人社 answer at `NHB_BILLS_URL` (the paysandbox in the demo). Their answers
are read, checked for shape, and never trusted for more than the amount owed now.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ninhaoban.core.errors import InvalidInput, NotFound
from ninhaoban.payments.models import UTILITY_KINDS

ACCOUNT_DIGITS = range(6, 17)
BILL_CODE_PREFIX = "bill:"


class BillsUnavailable(InvalidInput):
    status = 503
    code = "unavailable"


@dataclass(frozen=True)
class Bill:
    kind: str
    account: str
    company: str
    holder: str  # masked by the company
    period: str  # "2026-11"
    amount_fen: int

    @property
    def reference(self) -> str:
        return f"{self.account}:{self.period}"


@dataclass(frozen=True)
class Tier:
    level: int
    amount_fen: int


@dataclass(frozen=True)
class ContributionOffer:
    year: int
    tiers: list[Tier]
    paid: bool


def _get(path: str, query: dict[str, str]) -> dict[str, Any]:
    url = f"{settings.NHB_BILLS_URL}{path}?{urllib.parse.urlencode(query)}"
    try:
        with urllib.request.urlopen(url, timeout=settings.NHB_PAY_TIMEOUT_MS / 1000) as answer:
            value = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise NotFound("没有查到账单", "no bill found") from exc
        raise BillsUnavailable(
            "缴费单位系统暂时无法访问", "the company's system is unavailable"
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise BillsUnavailable(
            "缴费单位系统暂时无法访问", "the company's system is unavailable"
        ) from exc
    if not isinstance(value, dict):
        raise BillsUnavailable("缴费单位系统答复无效", "the company's answer is invalid")
    return value


def clean_account(text: str) -> str:
    account = text.strip()
    if not account.isascii() or not account.isdigit() or len(account) not in ACCOUNT_DIGITS:
        raise InvalidInput(
            "户号应为6至16位数字", "the account number has 6 to 16 digits", field="account"
        )
    return account


def bill_code(kind: str, account: str) -> str:
    """The text of the QR printed on a company's paper bill: "bill:<kind>:<account>"."""
    return f"{BILL_CODE_PREFIX}{kind}:{account}"


def read_bill_code(text: str) -> tuple[str, str]:
    """(kind, account) from the text a terminal's QR scanner typed off a paper bill."""
    parts = text.strip().split(":")
    if len(parts) != 3 or f"{parts[0]}:" != BILL_CODE_PREFIX or parts[1] not in UTILITY_KINDS:
        raise InvalidInput(
            "不是水电气账单上的二维码", "this is not the QR code of a bill", field="code"
        )
    return parts[1], clean_account(parts[2])


def fetch_bill(kind: str, account_text: str) -> Bill:
    if kind not in UTILITY_KINDS:
        raise InvalidInput("缴费类别无效", "unknown kind of bill", field="kind")
    account = clean_account(account_text)
    answer = _get(f"/utility/{kind}/bill", {"account": account})
    try:
        bill = Bill(
            kind=kind,
            account=account,
            company=str(answer["company"]),
            holder=str(answer["holder"]),
            period=str(answer["period"]),
            amount_fen=int(answer["amount_fen"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise BillsUnavailable("缴费单位系统答复无效", "the company's answer is invalid") from exc
    if bill.amount_fen <= 0:
        raise NotFound("该户号当前没有欠费", "nothing is owed on this account")
    return bill


def report_contribution(id_number: str, year: int, amount_fen: int, order_no: str) -> None:
    """Tell 人社 a contribution was collected, so its tiers say the year is paid."""
    body = json.dumps(
        {"id_number": id_number, "year": year, "amount_fen": amount_fen, "order_no": order_no}
    ).encode()
    request = urllib.request.Request(
        f"{settings.NHB_BILLS_URL}/hrss/resident-pension/contributions",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NHB_PAY_TIMEOUT_MS / 1000):
            return
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise BillsUnavailable(
            "人社系统暂时无法访问", "the social insurance system is unavailable"
        ) from exc


def contribution_offer(id_number: str) -> ContributionOffer:
    answer = _get("/hrss/resident-pension/tiers", {"id_number": id_number})
    try:
        return ContributionOffer(
            year=int(answer["year"]),
            tiers=[Tier(int(t["level"]), int(t["amount_fen"])) for t in answer["tiers"]],
            paid=bool(answer["paid"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise BillsUnavailable(
            "人社系统答复无效", "the social insurance answer is invalid"
        ) from exc
