"""The password policy's own rule (the others are Django's: length 12, the common-password
list, not all digits, not like the user's attributes)."""

import re

from django.core.exceptions import ValidationError

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def _letters(text: str) -> str:
    return _NOT_ALNUM.sub("", text).lower()


class NotContainingUsernameValidator:
    """`clerkchibi` for `clerk.chibi`: the name with its dots and dashes dropped is as easy to
    guess as the name, so neither may appear in the password."""

    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        name = _letters(username)
        if len(name) >= 3 and (name in _letters(password) or username.lower() in password.lower()):
            raise ValidationError(
                "密码不能包含用户名 / the password must not contain the username",
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return "密码不能包含用户名 / the password must not contain the username"
