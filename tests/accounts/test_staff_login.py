"""Staff password login: failures lock the source that fails (never the account for everyone),
with a lock that doubles each time; a password policy; password, phone and role changes in
the ledger with no personal data."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts import services
from ninhaoban.accounts.models import LoginThrottle, Role, StaffRole
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions.models import Region

pytestmark = pytest.mark.django_db

GOOD = "Xianning-2026"


def _post(username: str, password: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(
        "/console/login/", {"username": username, "password": password}
    )


def test_an_attacker_cannot_lock_the_owner_out(settings):
    settings.NHB_LOGIN_MAX_FAILURES = 3
    for _ in range(5):
        assert _post("clerk.city", "guess", "203.0.113.9").status_code == 401
    locked = _post("clerk.city", GOOD, "203.0.113.9")
    assert locked.status_code == 401 and "锁定" in locked.content.decode()
    assert _post("clerk.city", GOOD, "198.51.100.7").status_code == 302


def test_each_lock_of_the_same_source_lasts_twice_as_long(settings):
    settings.NHB_LOGIN_MAX_FAILURES = 2
    settings.NHB_LOGIN_LOCK_MINUTES = 10
    ip = "203.0.113.20"
    spans = []
    for _ in range(3):
        for _ in range(2):
            _post("clerk.xianan", "guess", ip)
        row = LoginThrottle.objects.filter(locked_until__isnull=False).latest("pk")
        spans.append(row.locked_until - timezone.now())
        LoginThrottle.objects.filter(pk=row.pk).update(
            locked_until=timezone.now() - dt.timedelta(seconds=1)
        )
    minutes = [round(span.total_seconds() / 60) for span in spans]
    assert minutes == [10, 20, 40]


def test_one_source_trying_many_names_is_locked(settings):
    settings.NHB_LOGIN_MAX_FAILURES = 2
    ip = "203.0.113.30"
    names = [f"nobody{i}" for i in range(8)]
    for name in names:
        _post(name, "guess", ip)
    refused = _post("clerk.tongshan", GOOD, ip)
    assert refused.status_code == 401 and "锁定" in refused.content.decode()
    assert _post("clerk.tongshan", GOOD, "198.51.100.30").status_code == 302


def test_the_throttle_keeps_no_typed_name():
    _post("someone-typed-a-password-here", "guess", "203.0.113.40")
    assert not LoginThrottle.objects.filter(key__contains="someone").exists()


@pytest.mark.parametrize(
    "password",
    ["clerkchibi", "Short-1", "password1234", "Chibi.Clerk-2026!", "123456789012"],
)
def test_a_weak_password_is_refused(password):
    staff = User.objects.get(username="clerk.chibi").staff
    with pytest.raises(InvalidInput) as refused:
        services.set_staff_password(staff, password, actor="system")
    assert refused.value.status == 422 and refused.value.field == "password"
    assert User.objects.get(username="clerk.chibi").check_password(GOOD)
    with pytest.raises(InvalidInput):
        services.create_staff(username="chibi.clerk", name="新人", password=password)
    assert not User.objects.filter(username="chibi.clerk").exists()


def test_the_admin_password_form_applies_the_policy(staff_client):
    admin = staff_client("admin")
    user = User.objects.get(username="clerk.chibi")
    response = admin.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "clerkchibi", "password2": "clerkchibi", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert User.objects.get(username="clerk.chibi").check_password(GOOD)


def _entries(kind: str) -> list[dict]:
    return [json.loads(e.body) for e in LedgerEntry.objects.filter(kind=kind).order_by("pk")]


def test_a_password_change_is_in_the_ledger_without_the_password(staff_client):
    staff = User.objects.get(username="clerk.chibi").staff
    before = len(_entries("staff.password_changed"))
    services.set_staff_password(staff, "Chibi-window-2026", actor="staff:1")
    entries = _entries("staff.password_changed")
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry["subjects"] == [f"staff:{staff.pk}"] and entry["actor"] == "staff:1"
    assert "Chibi-window" not in json.dumps(entry)

    admin = staff_client("admin")
    response = admin.post(
        f"/admin/auth/user/{staff.user_id}/password/",
        {"password1": "Another-good-2026", "password2": "Another-good-2026"},
    )
    assert response.status_code == 302
    entries = _entries("staff.password_changed")
    admin_staff = User.objects.get(username="admin").staff
    assert len(entries) == before + 2 and entries[-1]["actor"] == admin_staff.actor


def test_phone_and_role_changes_are_in_the_ledger(staff_client):
    staff = User.objects.get(username="clerk.chibi").staff
    before = len(_entries("staff.phone_changed"))
    staff.phone = "13900000001"
    staff.save()
    entries = _entries("staff.phone_changed")
    assert len(entries) == before + 1 and entries[-1]["subjects"] == [f"staff:{staff.pk}"]

    chibi = Region.objects.get(code="421281000000")
    grant = services.grant_role(staff, Role.SUPERVISOR, chibi, actor="staff:1")
    assert _entries("staff.role_granted")[-1]["subjects"] == [f"staff:{staff.pk}"]
    before = len(_entries("staff.role_revoked"))
    StaffRole.objects.get(pk=grant.pk).delete()
    revoked = _entries("staff.role_revoked")
    assert len(revoked) == before + 1 and revoked[-1]["subjects"] == [f"staff:{staff.pk}"]


def test_an_applicant_phone_change_is_in_the_ledger():
    from ninhaoban.accounts.models import Applicant

    person = Applicant.objects.filter(kind="person").exclude(phone="").first()
    before = len(_entries("applicant.phone_changed"))
    person.phone = "13900000002"
    person.save()
    entries = _entries("applicant.phone_changed")
    assert len(entries) == before + 1
    assert entries[-1]["subjects"] == [person.subject]
