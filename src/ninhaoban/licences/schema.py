"""Licence field schemas: the face fields a licence type carries, in the order they are
printed, each with its Chinese and English label and whether an approval must fill it.

`LicenceType.layout` holds the schema as a list of {"key", "zh", "en", "required"}. The
intake form asks these fields, the approver's licence form follows them, and the licence
page and PDF print a licence's fields in this order under these labels, never a raw key
and never a value the schema does not name (an application's note or other form entries).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ninhaoban.i18n import in_english
from ninhaoban.licences.models import Licence, LicenceType


@dataclass(frozen=True)
class FieldSpec:
    key: str
    zh: str
    en: str
    required: bool = True

    @property
    def label(self) -> str:
        """The label in the active language."""
        return self.en if in_english() and self.en else self.zh

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "zh": self.zh, "en": self.en, "required": self.required}


def spec(entry: Any) -> FieldSpec:
    """One schema entry; a [key, zh] pair (the older layout) is a required field whose
    English label is not known."""
    if isinstance(entry, Mapping):
        return FieldSpec(
            str(entry["key"]),
            str(entry["zh"]),
            str(entry.get("en", "")),
            bool(entry.get("required", True)),
        )
    key, zh, *rest = entry
    return FieldSpec(str(key), str(zh), str(rest[0]) if rest else "")


def schema(kind: LicenceType) -> list[FieldSpec]:
    return [spec(entry) for entry in kind.layout or []]


def face(licence: Licence) -> list[tuple[FieldSpec, Any]]:
    """The licence's fields in schema order, each with its spec; empty ones left out."""
    fields = licence.fields or {}
    return [
        (f, fields[f.key])
        for f in schema(licence.licence_type)
        if f.key in fields and fields[f.key] not in ("", None)
    ]


def missing(kind: LicenceType, values: Mapping[str, Any]) -> list[FieldSpec]:
    """The required fields `values` leaves empty."""
    return [f for f in schema(kind) if f.required and str(values.get(f.key) or "").strip() == ""]
