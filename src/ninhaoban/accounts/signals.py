"""Ledger entries for the account changes that take over a login or widen a scope: a
password, a staff member's or applicant's phone (the SMS login goes to it), a role. They are
written by the save itself, so every door is covered (the services, the Django admin,
`changepassword`), in the save's transaction; the payload names the field, never its value.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.contrib.auth.models import User
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from ninhaoban.accounts.models import Applicant, Organization, Person, Staff, StaffRole
from ninhaoban.ledger.services import record

_actor: ContextVar[str | None] = ContextVar("nhb_actor", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("nhb_request", default=None)


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Changes saved inside the block are recorded as done by `actor`."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def request_of(request: HttpRequest) -> Iterator[None]:
    """Changes saved while serving `request` are recorded as done by its signed-in user."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_actor() -> str:
    actor = _actor.get()
    if actor:
        return actor
    request = _request.get()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        staff = getattr(user, "staff", None)
        if staff is not None:
            return staff.actor
        applicant = Applicant.objects.filter(user=user).first()
        if applicant is not None:
            return applicant.subject
    return "system"


def _subject_of(user: User) -> str | None:
    staff = Staff.objects.filter(user=user).first()
    if staff is not None:
        return f"staff:{staff.pk}"
    applicant = Applicant.objects.filter(user=user).first()
    return applicant.subject if applicant is not None else None


def _touches(kwargs: dict, field: str) -> bool:
    fields = kwargs.get("update_fields")
    return fields is None or field in fields


@receiver(post_save, sender=User)
def _password_changed(sender, instance: User, created: bool, **kwargs) -> None:
    # set_password() leaves the new password in _password until the save completes; a
    # hash upgrade at login (check_password) clears it first and is no change of password.
    if created or getattr(instance, "_password", None) is None:
        return
    subject = _subject_of(instance)
    if subject is not None:
        kind = "staff" if subject.startswith("staff:") else "applicant"
        record(f"{kind}.password_changed", subject, current_actor(), {"user": instance.pk})


def _phone_changed(model, instance, kwargs: dict) -> bool:
    if instance.pk is None or not _touches(kwargs, "phone"):
        return False
    before = model.objects.filter(pk=instance.pk).values_list("phone", flat=True).first()
    return before is not None and before != instance.phone


@receiver(pre_save, sender=Staff)
def _staff_phone(sender, instance: Staff, **kwargs) -> None:
    if _phone_changed(Staff, instance, kwargs):
        record("staff.phone_changed", instance.actor, current_actor(), {"field": "phone"})


# A save through a proxy (the admin's Person and Organization pages) sends the proxy as
# sender, so each is named.
@receiver(pre_save, sender=Applicant)
@receiver(pre_save, sender=Person)
@receiver(pre_save, sender=Organization)
def _applicant_phone(sender, instance: Applicant, **kwargs) -> None:
    if _phone_changed(Applicant, instance, kwargs):
        record("applicant.phone_changed", instance.subject, current_actor(), {"field": "phone"})


def _role_payload(grant: StaffRole) -> dict:
    return {"role": grant.role, "region": grant.region_id, "department": grant.department_id}


@receiver(post_save, sender=StaffRole)
def _role_saved(sender, instance: StaffRole, created: bool, **kwargs) -> None:
    kind = "staff.role_granted" if created else "staff.role_changed"
    record(kind, f"staff:{instance.staff_id}", current_actor(), _role_payload(instance))


@receiver(post_delete, sender=StaffRole)
def _role_revoked(sender, instance: StaffRole, **kwargs) -> None:
    record(
        "staff.role_revoked", f"staff:{instance.staff_id}", current_actor(), _role_payload(instance)
    )
