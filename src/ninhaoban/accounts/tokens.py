"""API tokens: issued to a staff account for a machine, sent as `Authorization: Bearer`,
kept only as a hash, revoked or expired at once. The API accepts them beside the website's
session, so a department system needs neither a browser session nor CSRF tokens."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from ninhaoban.accounts.models import ApiToken, Staff
from ninhaoban.core.errors import Forbidden, InvalidInput
from ninhaoban.ledger.services import record

TOKEN_PREFIX = "nhb_"
MAX_DAYS = 3 * 365


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(staff: Staff, *, name: str, days: int = 365, actor: str) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown this once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise InvalidInput(
            "请写明令牌的用途（1至64字）", "name what the token is for (1-64 characters)"
        )
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"有效期应为1至{MAX_DAYS}天", f"a token lasts 1 to {MAX_DAYS} days", field="days"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        staff=staff,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        token_hash=_hash(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record(
        "api_token.issued",
        f"staff:{staff.pk}",
        actor,
        {"prefix": token.prefix, "name": name, "expires": token.expires_at.isoformat()},
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: str) -> None:
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        record("api_token.revoked", f"staff:{token.staff_id}", actor, {"prefix": token.prefix})


def user_of(secret: str) -> User | None:
    """The active staff user a live token belongs to; its use is noted once a day."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("staff__user", "staff")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.staff.user.is_active:
        return None
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    user = token.staff.user
    user.staff = token.staff
    return user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_of(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The website's session, for its pages' own calls, CSRF-checked when a session cookie
    is sent (a 403 in both languages when the check fails); a request with no session
    cookie has nothing to check and is answered 401 like one with a wrong token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise Forbidden(
                "安全校验（CSRF）未通过，请刷新页面后重试",
                "the CSRF check failed: reload the page and try again",
            ) from None


# what the API's signed-in endpoints accept: a machine's token, or the website's session
API_AUTH = [BearerToken(), Session()]
