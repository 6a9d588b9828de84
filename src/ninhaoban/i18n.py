"""The active language, for code outside templates; it imports only Django, so every layer
may use it. Pages speak one language at a time: `in_english()` says which."""

from django.utils import translation
from django.utils.translation import get_language, gettext


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def english(label: str) -> str:
    """A Chinese label's English name (its catalogue entry), e.g. for the English half of a
    domain error whose Chinese half names the same thing."""
    with translation.override("en"):
        return gettext(label)
