"""A machine (a department system, a window's own application) uses the API with a token
issued to a staff account: `Authorization: Bearer`, no browser session, no CSRF token, the
account's roles and scope; a wrong, revoked or expired token is a 401 in both languages and
writes nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts import tokens
from ninhaoban.accounts.models import ApiToken, Staff
from ninhaoban.cases.models import Case, CaseEvent
from tests.cases.conftest import TONGSHAN, person, window_case
from tests.cases.test_api import _body
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db


def _token(username: str = "clerk.chongyang", days: int = 30) -> tuple[ApiToken, str]:
    staff = Staff.objects.get(user__username=username)
    return tokens.issue_token(
        staff, name="崇阳县政务服务中心叫号与收件系统", days=days, actor="test"
    )


def _submit(secret: str) -> object:
    machine = Client(enforce_csrf_checks=True)
    return machine.post(
        "/api/v1/cases/",
        _body(person().identifier, accept=True),
        content_type="application/json",
        headers={"authorization": f"Bearer {secret}"},
    )


def test_a_token_submits_and_accepts_as_its_staff_account(today):
    added = NewEntries()
    token, secret = _token()
    response = _submit(secret)
    assert response.status_code == 201, response.content
    case = Case.objects.get(case_no=response.json()["case_no"])
    assert case.status == "accepted" and case.channel == "window"
    staff = Staff.objects.get(user__username="clerk.chongyang")
    assert CaseEvent.objects.filter(case=case, actor=staff.actor).count() == 2
    token.refresh_from_db()
    assert token.last_used_on == timezone.localdate()
    assert secret not in token.token_hash and token.prefix == secret[:12]
    assert added.kinds[0] == "api_token.issued" and added.kinds.count("api_token.issued") == 1


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired", "inactive"])
def test_a_bad_token_is_401_and_writes_nothing(today, how):
    token, secret = _token()
    if how == "unknown":
        secret = secret[:-4] + "AAAA"
    elif how == "revoked":
        tokens.revoke_token(token, actor="test")
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    else:
        User.objects.filter(username="clerk.chongyang").update(is_active=False)
    before = Case.objects.count()
    response = _submit(secret)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated" and "令牌" in body["message"]
    assert "token" in body["message_en"] and Case.objects.count() == before


def test_a_token_acts_within_its_accounts_scope(today):
    _, secret = _token("approver.chongyang.market")
    elsewhere = window_case("个体工商户设立登记", TONGSHAN)
    machine = Client()
    auth = {"authorization": f"Bearer {secret}"}
    assert machine.get(f"/api/v1/cases/{elsewhere.case_no}", headers=auth).status_code == 404
    assert machine.get("/api/v1/cases/", headers=auth).status_code == 200


def test_the_command_issues_lists_and_revokes(capsys):
    call_command("tokens", "issue", "clerk.chongyang", "--name", "叫号系统", "--days", "7")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("nhb_") and tokens.user_of(secret).username == "clerk.chongyang"
    call_command("tokens", "list", "clerk.chongyang")
    listed = capsys.readouterr().out
    assert secret[:12] in listed and "live" in listed and secret not in listed
    call_command("tokens", "revoke", secret[:12])
    assert tokens.user_of(secret) is None


def test_a_token_must_say_what_it_is_for_and_last_a_sane_time():
    staff = Staff.objects.get(user__username="clerk.chongyang")
    for name, days in (("", 30), ("x", 0), ("x", 5000)):
        with pytest.raises(tokens.InvalidInput):
            tokens.issue_token(staff, name=name, days=days, actor="test")
    assert not ApiToken.objects.exists()


def test_without_a_session_or_token_it_is_401_and_a_failed_csrf_check_403(today, staff_client):
    nobody = Client(enforce_csrf_checks=True).post(
        "/api/v1/cases/", _body(person().identifier), content_type="application/json"
    )
    assert nobody.status_code == 401 and nobody.json()["code"] == "unauthenticated"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="clerk.chongyang"))
    forged = browser.post(
        "/api/v1/cases/", _body(person().identifier), content_type="application/json"
    )
    assert forged.status_code == 403 and "CSRF" in forged.json()["message"]
    assert "CSRF" in forged.json()["message_en"]


def test_a_token_reaches_the_staff_lookups_of_lower_layers():
    """The ledger's subject lookup is mounted with the same sign-in as the rest of the API."""
    _, secret = _token("supervisor")
    auth = {"authorization": f"Bearer {secret}"}
    found = Client().get("/api/v1/ledger/entries?subject=staff:1", headers=auth)
    assert found.status_code == 200
    assert Client().get("/api/v1/ledger/entries?subject=staff:1").status_code == 401
    assert Client().get("/api/v1/openapi.json").status_code == 200
