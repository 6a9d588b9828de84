"""`{{ figures.good_rate|pct }}`: a rate as a percentage, or 暂无数据 when there is nothing
to divide by (never a 0% that would look like a figure)."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def pct(rate: float | None) -> str:
    if rate is None:
        return gettext("暂无数据")
    return f"{rate * 100:.1f}%"


@register.filter
def yuan(fen: int) -> str:
    """`{{ line.amount_fen|yuan }}`: fen, the payments' integer unit, as yuan with 2 places."""
    fen = int(fen)
    return f"{fen // 100}.{fen % 100:02d}"
