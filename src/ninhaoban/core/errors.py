"""Typed domain errors.

Every error a person can cause carries its message in Chinese and English and the HTTP status
it becomes, so views, the API and the CLI all answer bad input the same way (never a 500).
"""


class DomainError(Exception):
    status: int = 400
    code: str = "invalid"

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "message": self.message_zh,
            "message_en": self.message_en,
            "field": self.field,
        }


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """A request that is well formed but not allowed in the current state (e.g. a transition)."""

    status = 409
    code = "conflict"


class TooManyTries(DomainError):
    """Too many attempts from one source in a short time: try again later."""

    status = 429
    code = "too_many_tries"


class TooLarge(DomainError):
    """A request or file larger than the limits, refused before it is read."""

    status = 413
    code = "too_large"


class Unavailable(DomainError):
    """A department system this request depends on does not answer now: try again later or
    at a window (nothing was written)."""

    status = 503
    code = "unavailable"
