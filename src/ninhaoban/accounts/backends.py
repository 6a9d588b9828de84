"""Staff (and applicant password) login with lockout per source and back-off.

Failures are counted for the account from one address and for the address whatever the
account. Too many lock that source only, so a stranger guessing cannot lock the owner out;
each further lock of the same source lasts twice as long (up to a day).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ninhaoban.accounts.models import LoginThrottle
from ninhaoban.accounts.sources import client_ip, digest

UserModel = get_user_model()
# one address may fail this many times the per-account limit across all accounts
ADDRESS_FACTOR = 4
LONGEST_LOCK = dt.timedelta(days=1)


def _keys(request: HttpRequest | None, username: str) -> tuple[str, str]:
    ip = client_ip(request)
    return f"acct:{digest(username)}@{ip}", f"ip:{ip}"


def is_locked(request: HttpRequest | None, username: str) -> dt.datetime | None:
    """Until when this source may not try this account (None: it may)."""
    now = timezone.now()
    until = [
        row.locked_until
        for row in LoginThrottle.objects.filter(key__in=_keys(request, username))
        if row.locked_until and row.locked_until > now
    ]
    return max(until, default=None)


def _fail(key: str, limit: int) -> None:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    row.failures += 1
    if row.failures >= limit:
        span = dt.timedelta(minutes=settings.NHB_LOGIN_LOCK_MINUTES) * 2**row.lockouts
        row.locked_until = timezone.now() + min(span, LONGEST_LOCK)
        row.lockouts += 1
        row.failures = 0
    row.save()


@transaction.atomic
def register_failure(request: HttpRequest | None, username: str) -> None:
    account, address = _keys(request, username)
    _fail(account, settings.NHB_LOGIN_MAX_FAILURES)
    _fail(address, settings.NHB_LOGIN_MAX_FAILURES * ADDRESS_FACTOR)


def register_success(request: HttpRequest | None, username: str) -> None:
    """The right password from this address: its count for the account starts again (the
    address's own count does not, or one known account would reset a guessing run)."""
    LoginThrottle.objects.filter(key=_keys(request, username)[0]).delete()


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        if is_locked(request, username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(request, username)
        else:
            register_success(request, username)
        return user

    def get_user(self, user_id: int | str) -> User | None:
        """The signed-in user of each request with their staff record in the same query:
        nearly every staff request needs it (Actor.of, the scope checks)."""
        user = UserModel._default_manager.select_related("staff").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
