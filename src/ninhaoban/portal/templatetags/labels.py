"""Template filters for the one label table and for texts held in both languages."""

from typing import Any

from django import template

from ninhaoban import labels
from ninhaoban.cases import notes

register = template.Library()


@register.filter(name="label")
def label_filter(key: object, group: str) -> str:
    """`{{ case.status|label:"case_status" }}`: a key as its label in the active language."""
    return labels.label(group, key)


@register.filter(name="one_language")
def one_language_filter(obj: Any, name: str = "message") -> str:
    """`{{ error|one_language }}`, `{{ verdict|one_language:"label" }}`."""
    return labels.one_language(obj, name)


@register.filter
def system_text(text: str) -> str:
    """A note the platform wrote (a decision, a delivery, a moved time limit) in the active
    language; what a person typed inside it stays as typed."""
    return notes.shown(text)
