from typing import Any

from django import template

register = template.Library()


@register.filter
def field(row: dict[str, Any], name: str) -> Any:
    """A row's value by a key held in a variable (templates cannot index by variable)."""
    return row.get(name, "")
