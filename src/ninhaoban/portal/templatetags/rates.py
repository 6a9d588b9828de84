"""`{{ figures.good_rate|pct }}`: a rate as a percentage, or 暂无数据 when there is nothing
to divide by (never a 0% that would look like a figure)."""

from django import template
from django.utils.translation import gettext

from ninhaoban.payments import titles
from ninhaoban.payments.models import PaymentOrder

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


@register.filter
def order_title(order: PaymentOrder) -> str:
    """`{{ order|order_title }}`: what a payment order is for, in the active language."""
    return titles.heading(order)


@register.filter
def order_lines(order: PaymentOrder) -> list[titles.ShownLine]:
    """`{% for line in order|order_lines %}`: its fee lines in the active language."""
    return titles.shown_lines(order)
