"""Every transition from every status, by every role: allowed ones move the case and write
history and ledger; refused ones answer 409 or 403 and write nothing."""

import datetime as dt
from collections.abc import Callable

import pytest

from ninhaoban.cases import services
from ninhaoban.cases.machine import TRANSITIONS, WrongStatus
from ninhaoban.cases.models import Case, CaseEvent, CaseStep, Outcome, Status, StepState
from ninhaoban.cases.permissions import allowed_actions
from ninhaoban.cases.services import Actor
from ninhaoban.cases.uploads import FileIn
from ninhaoban.core.errors import Forbidden, InvalidInput, NotFound
from ninhaoban.ledger.models import LedgerEntry
from tests.cases.conftest import PDF, applicant_actor, person, staff, window_case
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db
S = Status
CLERK, APPROVER, CHIEF, ADMIN = (
    "clerk.chongyang",
    "approver.chongyang.market",
    "chief.chongyang.market",
    "admin",
)


POSTAL_ADDRESS = {
    "post_recipient": "张三",
    "post_phone": "13907150001",
    "post_address": "湖北省咸宁市崇阳县天城镇解放路1号",
}


def _active_step(case: Case) -> CaseStep:
    return CaseStep.objects.filter(case=case, state=StepState.ACTIVE).first()


def case_in(status: str) -> Case:
    """A 个体工商户设立登记 case of 崇阳县 brought to `status` through the services."""
    case = window_case()
    applicant = applicant_actor(case.applicant)
    if status == S.SUBMITTED:
        return case
    if status == S.CORRECTION:
        services.request_correction(
            case, staff(CLERK), problems=[{"material": "经营场所使用证明", "problem": "不清晰"}]
        )
        return Case.objects.get(pk=case.pk)
    if status == S.REFUSED:
        services.refuse(case, staff(CLERK), reason="不属于本机关职权范围")
        return Case.objects.get(pk=case.pk)
    if status == S.WITHDRAWN:
        services.withdraw(case, applicant)
        return Case.objects.get(pk=case.pk)
    services.accept(case, staff(CLERK))
    if status == S.ACCEPTED:
        return Case.objects.get(pk=case.pk)
    services.complete_step(case, _active_step(case).pk, staff(APPROVER), opinion="符合条件")
    if status == S.IN_REVIEW:
        return Case.objects.get(pk=case.pk)
    if status == S.SUSPENDED:
        services.suspend(case, staff(APPROVER), procedure="hearing", reason="申请听证")
        return Case.objects.get(pk=case.pk)
    services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED)
    if status == S.DECIDED:
        return Case.objects.get(pk=case.pk)
    services.deliver(case, staff(CLERK), method="window")
    if status == S.DELIVERING:
        return Case.objects.get(pk=case.pk)
    services.close(case, staff(CLERK))
    return Case.objects.get(pk=case.pk)


def _supply(case: Case, actor: Actor) -> None:
    key = case.materials.get(name="经营场所使用证明").key
    services.supply_correction(case, actor, {key: FileIn("场所.pdf", PDF)})


def _correction(case: Case, actor: Actor) -> None:
    services.request_correction(
        case, actor, problems=[{"material": "经营场所使用证明", "problem": "租赁协议已过期"}]
    )


def _step(case: Case, actor: Actor) -> None:
    step = _active_step(case) or CaseStep.objects.filter(case=case).first()
    services.complete_step(case, step.pk if step else 0, actor)


# name -> (call, the actor allowed, the status it moves to)
CALLS: dict[str, tuple[Callable[[Case, Actor], object], str]] = {
    "request_correction": (_correction, "clerk-or-approver"),
    "supply_correction": (_supply, "applicant"),
    "accept": (lambda c, a: services.accept(c, a), CLERK),
    "refuse": (lambda c, a: services.refuse(c, a, reason="材料虚假"), CLERK),
    "start_review": (lambda c, a: services.start_review(c, a), APPROVER),
    "suspend": (
        lambda c, a: services.suspend(c, a, procedure="testing", reason="送检"),
        APPROVER,
    ),
    "resume": (lambda c, a: services.resume(c, a), APPROVER),
    "extend": (lambda c, a: services.extend(c, a, days=2, reason="需现场核查"), CHIEF),
    "complete_step": (_step, CHIEF),
    "decide": (lambda c, a: services.decide(c, a, outcome="denied", reason="不符合条件"), CHIEF),
    "deliver": (
        lambda c, a: services.deliver(
            c, a, method="post", tracking_no="SF1", post_address=POSTAL_ADDRESS
        ),
        CLERK,
    ),
    "close": (lambda c, a: services.close(c, a), CLERK),
    "withdraw": (lambda c, a: services.withdraw(c, a), "applicant"),
    "reopen": (lambda c, a: services.reopen(c, a, reason="误驳回"), ADMIN),
}


def _actor(who: str, case: Case) -> Actor:
    if who == "applicant":
        return applicant_actor(case.applicant)
    if who == "clerk-or-approver":
        return staff(CLERK if case.status == S.SUBMITTED else APPROVER)
    return staff(who)


def _written() -> tuple[int, int]:
    return CaseEvent.objects.count(), LedgerEntry.objects.count()


def test_every_transition_is_exercised():
    assert set(CALLS) == set(TRANSITIONS) - {"submit"}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_transition_from_status(today, name, status):
    today(dt.date(2026, 9, 28))
    case = case_in(status)
    call, who = CALLS[name]
    t = TRANSITIONS[name]
    before = _written()
    if status not in t.sources:
        with pytest.raises(WrongStatus) as refused:
            call(case, _actor(who, case))
        assert refused.value.status == 409 and Status(status).label in refused.value.message_zh
        assert _written() == before
        assert Case.objects.get(pk=case.pk).status == status
        return
    last = CaseEvent.objects.filter(case=case).order_by("-pk").values_list("pk", flat=True)[0]
    added = NewEntries()
    call(case, _actor(who, case))
    after = Case.objects.get(pk=case.pk)
    expected = (
        t.target
        or {
            "supply_correction": S.SUBMITTED if case.accepted_on is None else S.IN_REVIEW,
            "extend": status,
        }[name]
    )
    assert after.status == expected
    new = list(CaseEvent.objects.filter(case=case, pk__gt=last).order_by("pk"))
    assert new and new[0].from_status == status
    assert name in [e.action for e in new]
    assert added.kinds.count(f"case.{name}") == 1
    assert set(added.subjects(f"case.{name}")) >= {f"case:{case.case_no}"}


# roles that may not make each transition (from a status it may leave)
WRONG_ROLES = {
    "request_correction": (S.SUBMITTED, [APPROVER, "applicant"]),
    "supply_correction": (S.CORRECTION, [APPROVER, CHIEF]),
    "accept": (S.SUBMITTED, [APPROVER, CHIEF, "applicant"]),
    "refuse": (S.SUBMITTED, [APPROVER, "applicant"]),
    "start_review": (S.ACCEPTED, [CLERK, "applicant"]),
    "suspend": (S.IN_REVIEW, [CLERK, "applicant"]),
    "resume": (S.SUSPENDED, [CLERK, "applicant"]),
    "extend": (S.IN_REVIEW, [APPROVER, CLERK, "applicant"]),
    "complete_step": (S.IN_REVIEW, [APPROVER, "applicant"]),
    "decide": (S.IN_REVIEW, [CLERK, "applicant"]),
    "deliver": (S.DECIDED, [APPROVER, "applicant"]),
    "close": (S.DELIVERING, [APPROVER, "applicant"]),
    "withdraw": (S.SUBMITTED, [CLERK, APPROVER]),
    "reopen": (S.REFUSED, [CLERK, APPROVER, CHIEF, "applicant"]),
}


def test_every_transition_has_wrong_roles():
    assert set(WRONG_ROLES) == set(CALLS)


@pytest.mark.parametrize(
    ("name", "who"), [(n, w) for n, (_, ws) in sorted(WRONG_ROLES.items()) for w in ws]
)
def test_transition_by_wrong_role(today, name, who):
    today(dt.date(2026, 9, 28))
    status, _ = WRONG_ROLES[name]
    case = case_in(status)
    before = _written()
    with pytest.raises(Forbidden):
        CALLS[name][0](case, _actor(who, case))
    assert _written() == before
    assert Case.objects.get(pk=case.pk).status == status


def test_another_applicant_cannot_touch_the_case(today):
    case = case_in(S.SUBMITTED)
    stranger = Actor.of_applicant(person(5))
    with pytest.raises(NotFound):
        services.withdraw(case, stranger)


def test_approver_of_chongyang_cannot_act_on_a_tongshan_case(today):
    case = window_case(region="421224000000", clerk="clerk.tongshan")
    services.accept(case, staff("clerk.tongshan"))
    with pytest.raises(Forbidden):
        services.start_review(case, staff(APPROVER))
    services.start_review(case, staff("approver.tongshan.market"))
    assert Case.objects.get(pk=case.pk).status == S.IN_REVIEW


def test_decision_needs_the_earlier_steps(today):
    case = case_in(S.ACCEPTED)
    services.start_review(case, staff(APPROVER))
    with pytest.raises(Exception, match="审查"):
        services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED)
    with pytest.raises(Exception, match="理由"):
        services.decide(case, staff(CHIEF), outcome=Outcome.DENIED, reason="")


def test_a_chiefs_decision_step_is_not_decided_by_an_approver(today):
    case = case_in(S.IN_REVIEW)
    final = CaseStep.objects.filter(case=case).order_by("-stage").first()
    assert final.role == "chief" and final.state == StepState.ACTIVE
    assert "decide" not in allowed_actions(staff(APPROVER), case)
    assert "decide" in allowed_actions(staff(CHIEF), case)
    about = LedgerEntry.objects.filter(subjects__subject=case.subject)
    before = about.count()
    with pytest.raises(Forbidden, match="首席代表"):
        services.decide(case, staff(APPROVER), outcome=Outcome.APPROVED)
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW and case.decided_on is None
    assert CaseStep.objects.get(pk=final.pk).state == StepState.ACTIVE
    assert about.count() == before
    services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED)
    assert Case.objects.get(pk=case.pk).status == S.DECIDED


def test_history_is_append_only(today):
    case = case_in(S.ACCEPTED)
    event = CaseEvent.objects.filter(case=case).first()
    event.note = "changed"
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()


def test_the_applicant_is_told_of_each_visible_change_without_the_id_number(
    today, django_capture_on_commit_callbacks
):
    from ninhaoban.accounts.notify import LogProvider

    LogProvider.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = window_case()
        services.accept(case, staff(CLERK))
        step = _active_step(case)
        # starts the review (told), then finishes a step (internal: not told)
        services.complete_step(case, step.pk, staff(APPROVER))
    texts = [m.text for m in LogProvider.sent if case.case_no in m.text]
    assert [t.split("状态：")[1][:3] for t in texts] == ["已申报", "已受理", "审查中"]
    assert all(case.applicant.identifier not in t for t in texts)
    assert all(m.phone == case.applicant.phone for m in LogProvider.sent if case.case_no in m.text)


def test_post_at_delivery_asks_for_an_address_when_the_application_gave_none(today):
    """An applicant who chose the window may ask for post at 送达: the clerk must enter
    where it goes (the rule intake uses), or nothing is written."""
    case = case_in(S.DECIDED)
    assert case.delivery_method != "post" and not case.post_address
    clerk = staff(CLERK)
    before = _written()
    with pytest.raises(InvalidInput) as refused:
        services.deliver(case, clerk, method="post", tracking_no="SF1")
    assert refused.value.field == "post_recipient" and _written() == before
    bad = {**POSTAL_ADDRESS, "post_phone": "12345"}
    with pytest.raises(InvalidInput) as refused:
        services.deliver(case, clerk, method="post", tracking_no="SF1", post_address=bad)
    assert refused.value.field == "post_phone" and _written() == before
    services.deliver(case, clerk, method="post", tracking_no="SF1", post_address=POSTAL_ADDRESS)
    case.refresh_from_db()
    assert (case.status, case.post_address, case.post_phone) == (
        S.DELIVERING,
        POSTAL_ADDRESS["post_address"],
        "13907150001",
    )


def test_the_delivery_form_keeps_the_address_and_names_the_field(today, client):
    case = case_in(S.DECIDED)
    client.force_login(staff(CLERK).user)
    url = f"/console/cases/{case.case_no}/"
    page = client.get(url).content.decode()
    assert 'name="post_address"' in page
    typed = {"method": "post", "tracking_no": "SF1", **POSTAL_ADDRESS, "post_address": "短"}
    response = client.post(f"{url}deliver/", typed)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="13907150001"' in page and 'value="短"' in page and "详细地址" in page
    response = client.post(
        f"{url}deliver/", {**typed, "post_address": POSTAL_ADDRESS["post_address"]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.DELIVERING and case.post_recipient == "张三"
