"""The one rule of who may do what (cases.permissions): what a page offers is exactly what
the service then allows, for every status and every kind of user."""

import datetime as dt

import pytest
from django.db import transaction

from ninhaoban.cases.models import Case, Status
from ninhaoban.cases.permissions import allowed_actions, workable_steps
from ninhaoban.core.errors import DomainError
from tests.cases.conftest import applicant_actor, staff
from tests.cases.test_transitions import ADMIN, APPROVER, CALLS, CHIEF, CLERK, case_in

pytestmark = pytest.mark.django_db
SUPERVISOR = "supervisor.chongyang"
WHO = (CLERK, APPROVER, CHIEF, ADMIN, SUPERVISOR, "applicant")


class _Undo(Exception):
    """Raised inside the probe's atomic block so that what the service did is rolled back."""


def _service_allows(name: str, case: Case, actor) -> bool:
    """Whether the service makes the transition (then undone), or refuses it."""
    try:
        with transaction.atomic():
            CALLS[name][0](Case.objects.get(pk=case.pk), actor)
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


@pytest.mark.parametrize("status", Status.values)
def test_the_offered_actions_are_exactly_those_the_services_allow(today, status):
    today(dt.date(2026, 9, 28))
    case = case_in(status)
    for who in WHO:
        actor = applicant_actor(case.applicant) if who == "applicant" else staff(who)
        offered = allowed_actions(actor, case)
        allowed = {name for name in CALLS if _service_allows(name, case, actor)}
        assert offered == allowed, (status, who)


def test_an_approver_and_a_supervisor_are_offered_no_window_work(today, staff_client):
    decided = case_in(Status.DECIDED)
    approver = staff_client(APPROVER).get(f"/console/cases/{decided.case_no}/").content.decode()
    assert "/deliver/" not in approver and "送达</button>" not in approver
    clerk = staff_client(CLERK).get(f"/console/cases/{decided.case_no}/").content.decode()
    assert "/deliver/" in clerk
    running = case_in(Status.IN_REVIEW)
    supervisor = staff_client(SUPERVISOR)
    page = supervisor.get(f"/console/cases/{running.case_no}/").content.decode()
    assert f'action="/console/cases/{running.case_no}/' not in page
    assert "/console/cases/new/" not in page
    assert "/console/cases/new/" not in supervisor.get("/console/").content.decode()
    assert "/console/cases/new/" in staff_client(CLERK).get("/console/").content.decode()


def test_extension_is_offered_to_a_chief_once(today, staff_client):
    case = case_in(Status.IN_REVIEW)
    chief = staff_client(CHIEF)
    assert "/extend/" in chief.get(f"/console/cases/{case.case_no}/").content.decode()
    approver = staff_client(APPROVER).get(f"/console/cases/{case.case_no}/").content.decode()
    assert "/extend/" not in approver
    chief.post(f"/console/cases/{case.case_no}/extend/", {"days": "3", "reason": "现场核查"})
    assert Case.objects.get(pk=case.pk).extended_days == 3
    assert "/extend/" not in chief.get(f"/console/cases/{case.case_no}/").content.decode()


def test_only_the_steps_of_ones_own_role_are_offered(today):
    case = case_in(Status.ACCEPTED)
    assert [s.name for s in workable_steps(staff(APPROVER), case)] == ["审查"]
    assert workable_steps(staff(CLERK), case) == []
    assert workable_steps(staff(SUPERVISOR), case) == []
