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
