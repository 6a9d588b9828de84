"""What an order says it is for, in the reader's language.

An order keeps its title and fee lines as charged, in Chinese: the 电子票据 and the 对账 file
quote them and the receipt's signature covers them. A bill's or a 社保 contribution's wording
is a template of this module filled with facts kept on the line (account, period, year,
tier), so pages show it in English as well. A case fee's lines are the item's fee table,
catalog data shown as the catalog wrote it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from ninhaoban.payments.models import UTILITY_KINDS, OrderKind, PaymentOrder

BILL_TITLE = _("%(company)s %(kind)s %(period)s")
BILL_LINE = _("%(kind)s（户号%(account)s，%(period)s）")
PENSION_TITLE = _("%(year)s年度城乡居民基本养老保险（第%(tier)s档）")
PENSION_LINE = _("城乡居民基本养老保险 第%(tier)s档")
PENSION_BASIS = _("城乡居民基本养老保险缴费档次")


@dataclass(frozen=True)
class ShownLine:
    name: str
    amount_fen: int
    basis: str


def _fill(template: str, facts: Mapping[str, object], translate: bool) -> str:
    values = dict(facts)
    if "kind" in values:
        kind = OrderKind(str(values["kind"])).label
        values["kind"] = gettext(kind) if translate else kind
    return (gettext(template) if translate else template) % values


def bill_wording(
    kind: str, company: str, account: str, period: str, translate: bool = False
) -> tuple[str, str]:
    """(title, line name) of a utility bill; in Chinese unless `translate`."""
    facts = {"kind": kind, "company": company, "account": account, "period": period}
    return _fill(BILL_TITLE, facts, translate), _fill(BILL_LINE, facts, translate)


def pension_wording(year: int, tier: int, translate: bool = False) -> tuple[str, str, str]:
    """(title, line name, basis) of a 城乡居民基本养老保险 contribution."""
    facts = {"year": year, "tier": tier}
    return (
        _fill(PENSION_TITLE, facts, translate),
        _fill(PENSION_LINE, facts, translate),
        gettext(PENSION_BASIS) if translate else PENSION_BASIS,
    )


def _facts(order: PaymentOrder) -> dict[str, object]:
    line = order.lines[0] if order.lines else {}
    return dict(line.get("facts") or {})


def heading(order: PaymentOrder) -> str:
    """The order's title in the active language (an order made before its facts were kept
    shows the title it was charged with)."""
    facts = _facts(order)
    if order.kind in UTILITY_KINDS and facts:
        return bill_wording(order.kind, translate=True, **_bill(facts))[0]
    if order.kind == OrderKind.SOCIAL_INSURANCE and facts:
        return pension_wording(int(str(facts["year"])), int(str(facts["tier"])), True)[0]
    return order.title


def _bill(facts: Mapping[str, object]) -> dict[str, str]:
    return {k: str(facts[k]) for k in ("company", "account", "period")}


def shown_lines(order: PaymentOrder) -> list[ShownLine]:
    """The order's fee lines in the active language."""
    shown = []
    for line in order.lines:
        name, basis = str(line["name"]), str(line.get("basis", ""))
        facts = dict(line.get("facts") or {})
        if order.kind in UTILITY_KINDS and facts:
            name = bill_wording(order.kind, translate=True, **_bill(facts))[1]
        elif order.kind == OrderKind.SOCIAL_INSURANCE and facts:
            _title, name, basis = pension_wording(
                int(str(facts["year"])), int(str(facts["tier"])), True
            )
        shown.append(ShownLine(name=name, amount_fen=int(str(line["amount_fen"])), basis=basis))
    return shown
