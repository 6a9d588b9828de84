"""The rules every value from outside meets before it reaches a service or the database.

PostgreSQL refuses a NUL in text and a value longer than its column with an error (a 500 if
nobody asked first), SQLite stores both silently; other control characters are never typed by
a person and only ever arrive in probes. One set of limits for pages, the API and the CLI.
"""

import re
from collections.abc import Iterator
from typing import Annotated, Any

from annotated_types import Interval

from ninhaoban.core.errors import InvalidInput

# C0 controls, DEL and lone surrogates (JSON can escape one; no encoding can store it); tab,
# carriage return and line feed are allowed in multi-line text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
MAX_QUERY_VALUE = 1_000
MAX_TEXT_VALUE = 20_000
# the largest integer a form or JSON body may carry: PostgreSQL's `integer`
MAX_INT = 2**31 - 1
# an integer parameter of the API: out of range is the API's 422, not the database's 500
BoundedInt = Annotated[int, Interval(ge=-MAX_INT, le=MAX_INT)]


def check_text(value: str, *, field: str, max_length: int, multiline: bool = True) -> str:
    """`value`, or a 422 naming `field` if it holds a control character or is too long."""
    if (CONTROL if multiline else LINE_CONTROL).search(value):
        raise InvalidInput(
            f"“{field}”含有不允许的控制字符", f"{field} holds a control character", field=field
        )
    if len(value) > max_length:
        raise InvalidInput(
            f"“{field}”超过{max_length}个字符",
            f"{field} is longer than {max_length} characters",
            field=field,
        )
    return value


def check_int(value: int, *, field: str) -> int:
    if not -MAX_INT <= value <= MAX_INT:
        raise InvalidInput(f"“{field}”数值过大", f"{field} is out of range", field=field)
    return value


def parse_int(value: str | None, *, field: str, default: int = 0) -> int:
    """A whole number typed into a form: blank is `default`, anything else not a number of
    a sane size is a 422 naming the field (never a ValueError, never an overflow)."""
    text = (value or "").strip()
    if not text:
        return default
    try:
        number = int(text)
    except ValueError:
        raise InvalidInput(
            f"“{field}”应为整数", f"{field} must be a whole number", field=field
        ) from None
    return check_int(number, field=field)


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) for every key, string and integer in decoded JSON."""
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from leaves(value, where)
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from leaves(value, f"{path}[{n}]")
    elif isinstance(data, str | int) and not isinstance(data, bool):
        yield path, data
