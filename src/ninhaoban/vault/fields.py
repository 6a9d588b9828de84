"""Model fields that are sealed in the database and plain in Python.

`SealedTextField` and `SealedJSONField` encrypt in `get_db_prep_value` and decrypt in
`from_db_value`, with the column (`table.column`) as associated data. A sealed text field may
have a `DigestField` beside it (`DigestField(of="phone")`): saved with the keyed digest of
the plain value, indexed, unique where the plain value was. Equality lookups on the sealed
field (`filter(phone=...)`, `__in`, `__iexact`) are rewritten to the digest column by
`DigestLookup`, the one place a query on personal data is matched; every other lookup on a
sealed field (`__icontains`, ordering by it) is refused, since a ciphertext has no order
or substrings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup

from ninhaoban.core import sealing

if TYPE_CHECKING:  # django-stubs types a field by its parameters; Django's are not generic
    _AnyField = models.Field[Any, Any]
else:
    _AnyField = models.Field


def column_of(field: models.Field) -> str:
    """The associated data of a sealed field: its table and column."""
    return f"{field.model._meta.db_table}.{field.column}"


class _Sealed:
    """What sealed text and JSON fields share: lookups only through a digest."""

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in ("exact", "iexact", "in"):
            return DigestLookup if self.digest_field() is not None else None
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def digest_field(self) -> DigestField | None:
        for candidate in self.model._meta.concrete_fields:  # type: ignore[attr-defined]
            if isinstance(candidate, DigestField) and candidate.of == self.name:  # type: ignore[attr-defined]
                return candidate
        return None


class SealedTextField(_Sealed, models.TextField):
    """A string stored encrypted; `max_length` still bounds the plain value (forms and the
    save check) while the column is text, since a ciphertext is longer."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else sealing.unseal(value, column_of(self))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = self.get_prep_value(value)
        return None if value is None else sealing.seal(value, column_of(self))

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.CharField(
            max_length=self.max_length, required=not self.blank, label=self.verbose_name
        )


class SealedJSONField(_Sealed, _AnyField):
    """A JSON document stored as one sealed string: no key lookups, by design."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(sealing.unseal(value, column_of(self)) or "null")

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
        return sealing.seal(text, column_of(self))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder, ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.JSONField(required=not self.blank, label=self.verbose_name)


class DigestField(models.CharField):
    """The keyed digest of a sealed field's plain value, set on every save."""

    def __init__(self, *args: Any, of: str, **kwargs: Any) -> None:
        self.of = of
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["of"] = self.of
        for key, value in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key) == value:
                del kwargs[key]
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def source(self) -> models.Field:
        return self.model._meta.get_field(self.of)  # type: ignore[return-value]

    def compute(self, plain: str | None) -> str:
        return sealing.digest(column_of(self.source()), plain or "")

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.compute(getattr(model_instance, self.of))
        setattr(model_instance, self.attname, value)
        return value


class DigestLookup(Lookup):
    """`sealed = x` compiled as `sealed_digest = digest(x)`; `__in` digests each value."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        target = getattr(self.lhs, "target", None)
        digest_field = target.digest_field() if isinstance(target, _Sealed) else None
        if digest_field is None or hasattr(self.rhs, "resolve_expression"):
            raise FieldError("a sealed field is matched only against plain values")
        lhs_sql, lhs_params = compiler.compile(Col(self.lhs.alias, digest_field))
        if isinstance(self.rhs, list | tuple | set | frozenset):
            values = [digest_field.compute(str(v)) for v in self.rhs]
            if not values:
                return "1 = 0", ()
            marks = ", ".join(["%s"] * len(values))
            return f"{lhs_sql} IN ({marks})", (*lhs_params, *values)
        return f"{lhs_sql} = %s", (*lhs_params, digest_field.compute(str(self.rhs)))
