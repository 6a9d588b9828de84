"""What the database would refuse with an error, refused first with a 4xx naming the field:
a NUL or an over-long value on any model save, and the database errors that still get
through (a duplicate in a race, a number out of range) mapped to 409 and 422."""

import re
from typing import Any

from django.db import DataError, IntegrityError, models

from ninhaoban.core.errors import Conflict, DomainError, InvalidInput

CONFLICTING_FIELD = re.compile(
    r"Key \((?P<pg>[^)]+)\)=|UNIQUE constraint failed: (?P<sqlite>[\w.]+)"
)


def refuse_unfit_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save, for every model: SQLite would store what PostgreSQL refuses with a 500."""
    if kwargs.get("raw"):
        return
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise InvalidInput(
                f"{field.verbose_name}含有空字符", f"{field.name} holds a NUL", field=field.name
            )
        if field.max_length and len(value) > field.max_length:
            raise InvalidInput(
                f"{field.verbose_name}最多{field.max_length}个字符",
                f"{field.name} is at most {field.max_length} characters",
                field=field.name,
            )


def database_error(exc: Exception) -> DomainError | None:
    """The 4xx a database error caused by input stands for; None for any other error."""
    if isinstance(exc, IntegrityError):
        match = CONFLICTING_FIELD.search(str(exc))
        field = None
        if match:
            field = (match["pg"] or match["sqlite"].rsplit(".", 1)[-1]).split(",")[0].strip()
            # a sealed column is unique through its digest: name the field the person typed
            field = field.removesuffix("_digest")
        return Conflict(
            "与已有记录冲突，未作更改", "this conflicts with an existing record", field=field
        )
    if isinstance(exc, DataError | OverflowError):
        return InvalidInput("输入的值超出允许范围", "a value is out of the allowed range")
    return None
