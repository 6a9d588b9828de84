"""Staff login with lockout after repeated failures (a guessed password costs a wait)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ninhaoban.accounts.models import LoginThrottle

UserModel = get_user_model()


class LoginLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def is_locked(username: str) -> dt.datetime | None:
    row = LoginThrottle.objects.filter(username=username).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


@transaction.atomic
def register_failure(username: str) -> None:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
    row.failures += 1
    if row.failures >= settings.NHB_LOGIN_MAX_FAILURES:
        row.locked_until = timezone.now() + dt.timedelta(minutes=settings.NHB_LOGIN_LOCK_MINUTES)
        row.failures = 0
    row.save()


def register_success(username: str) -> None:
    LoginThrottle.objects.filter(username=username).delete()


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        if is_locked(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            register_failure(username)
        else:
            register_success(username)
        return user

    def get_user(self, user_id: int | str) -> AbstractBaseUser | None:
        """The signed-in user of each request with their staff record in the same query:
        nearly every staff request needs it (Actor.of, the scope checks)."""
        user = UserModel._default_manager.select_related("staff").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
