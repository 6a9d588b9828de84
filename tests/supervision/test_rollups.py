"""The rollups kept on every case event equal the rollups rebuilt from the history, after any
sequence of transitions (hypothesis), and they change in the transition's transaction; or,
through the outbox, once drained, with nothing lost when a drain fails."""

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseStep, Channel, Status, StepState
from ninhaoban.cases.services import Actor
from ninhaoban.cases.uploads import FileIn
from ninhaoban.core.errors import DomainError
from ninhaoban.regions.models import Window
from ninhaoban.supervision import services as supervision
from ninhaoban.supervision.models import DAY, MEASURES, MONTH, CaseFact, PendingEvent, Rollup
from ninhaoban.supervision.services import KEY_COLUMNS
from tests.cases.conftest import (
    BUSINESS_LICENCE_FORM,
    CHONGYANG,
    FOOD_LICENCE_FORM,
    GETIHU,
    PDF,
    applicant_actor,
    files_for,
    item,
    person,
    staff,
    window_case,
)

pytestmark = pytest.mark.django_db
START = dt.date(2026, 9, 28)
# (clerk, approver, chief) of the competent region
STAFF = {
    CHONGYANG: ("clerk.chongyang", "approver.chongyang.market", "chief.chongyang.market"),
    "421200000000": ("clerk.city", "approver.city.market", "chief.city.market"),
}


class Rollback(Exception):
    """Leaves the example's savepoint so the next example starts from the same world."""


def snapshot() -> tuple[dict, dict]:
    rollups = {
        tuple(r[c] for c in KEY_COLUMNS): tuple(r[m] for m in MEASURES)
        for r in Rollup.objects.values()
        if any(r[m] for m in MEASURES)
    }
    facts = {f["case_id"]: f for f in CaseFact.objects.values()}
    return rollups, facts


def months_of_days(rollups: dict) -> dict:
    """The month rows the day rows add up to (what the month rows must hold)."""
    out: dict = {}
    for (grain, day, *rest), values in rollups.items():
        if grain == DAY:
            key = (MONTH, day.replace(day=1), *rest)
            kept = out.get(key, (0,) * len(values))
            out[key] = tuple(a + b for a, b in zip(kept, values, strict=True))
    return {k: v for k, v in out.items() if any(v)}


def _at_window() -> Case:
    """Taken in at a window of 崇阳's hall: its hall and window are recorded."""
    window = Window.objects.filter(hall__region_id=CHONGYANG).order_by("pk").first()
    return services.submit(
        actor=staff("clerk.chongyang"),
        applicant=person(3),
        channel=Channel.WINDOW,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        window_id=window.pk,
    )


def _new_online() -> Case:
    applicant = person(1)
    return services.submit(
        actor=applicant_actor(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        consent=True,
    )


def _new_bundle() -> Case:
    plan = services.plan_for(bundle_code="kaiban-canyindian")
    files = {n.key: FileIn(f"{n.name}.pdf", PDF) for n in plan.needs if n.source != "government"}
    return services.submit(
        actor=staff("clerk.city"),
        applicant=person(2),
        channel=Channel.WINDOW,
        bundle_code="kaiban-canyindian",
        files=files,
        form={**BUSINESS_LICENCE_FORM, **FOOD_LICENCE_FORM},
    )


def _who(case: Case) -> tuple[Actor, Actor, Actor]:
    clerk, approver, chief = STAFF[case.region_id]
    return staff(clerk), staff(approver), staff(chief)


def _top(case: Case) -> Case:
    return case.parent or case


def _child(case: Case, pick: int) -> Case:
    children = list(Case.objects.filter(parent=case).order_by("pk"))
    return children[pick % len(children)] if children else case


def _step(case: Case, pick: int) -> None:
    target = _child(case, pick)
    step = CaseStep.objects.filter(case=target, state=StepState.ACTIVE).first()
    services.complete_step(target, step.pk if step else 0, _who(target)[2], opinion="符合")


def _supply(case: Case, pick: int) -> None:
    top = _top(case)
    key = top.materials.order_by("pk").first().key
    actor = _who(top)[0] if pick % 2 else applicant_actor(top.applicant)
    services.supply_correction(top, actor, {key: FileIn("补正.pdf", PDF)})


def _correction(case: Case, pick: int) -> None:
    top = _top(case) if case.status == Status.SUBMITTED else _child(case, pick)
    actor = _who(top)[0] if top.status == Status.SUBMITTED else _who(top)[2]
    name = _top(case).materials.order_by("pk").first().name
    services.request_correction(top, actor, problems=[{"material": name, "problem": "不清晰"}])


METHODS = ("window", "post", "electronic")


def _advance(case: Case, pick: int) -> None:
    """Up to `pick` + 1 steps of the ordinary path, so that random sequences reach
    decisions, deliveries and closed cases."""
    for _ in range(pick + 1):
        _next(Case.objects.get(pk=case.pk), pick)


def _next(case: Case, pick: int) -> None:
    top = _top(case)
    clerk = _who(top)[0]
    if top.status == Status.SUBMITTED:
        services.accept(top, clerk)
    elif top.status == Status.CORRECTION:
        _supply(top, pick)
    elif top.status in (Status.ACCEPTED, Status.IN_REVIEW):
        open_cases = [c for c in (*Case.objects.filter(parent=top), top) if c.item_id]
        for target in open_cases:
            step = CaseStep.objects.filter(case=target, state=StepState.ACTIVE).first()
            if target.status in (Status.ACCEPTED, Status.IN_REVIEW) and step is not None:
                if CaseStep.objects.filter(case=target, stage__gt=step.stage).exists():
                    services.complete_step(target, step.pk, _who(target)[2], opinion="符合")
                else:
                    services.decide(target, _who(target)[2], outcome="approved")
                return
    elif top.status == Status.SUSPENDED:
        services.resume(top, _who(top)[1])
    elif top.status == Status.DECIDED:
        services.deliver(top, clerk, method=METHODS[pick % 3], tracking_no="SF1")
    elif top.status == Status.DELIVERING:
        services.close(top, clerk)


OPS: dict[str, Callable[[Case, int], object]] = {
    "accept": lambda c, p: services.accept(_top(c), _who(c)[0]),
    "refuse": lambda c, p: services.refuse(_top(c), _who(c)[0], reason="不属于本机关"),
    "correction": _correction,
    "supply": _supply,
    "step": _step,
    "decide": lambda c, p: services.decide(
        _child(c, p),
        _who(_child(c, p))[2],
        outcome="denied" if p % 3 == 0 else "approved",
        reason="不符合条件",
    ),
    "deliver": lambda c, p: services.deliver(
        _top(c), _who(c)[0], method=METHODS[p % 3], tracking_no="SF1"
    ),
    "close": lambda c, p: services.close(_top(c), _who(c)[0]),
    "withdraw": lambda c, p: services.withdraw(_top(c), applicant_actor(c.applicant)),
    "reopen": lambda c, p: services.reopen(_top(c), staff("admin"), reason="误驳回"),
    "suspend": lambda c, p: services.suspend(
        _child(c, p), _who(c)[1], procedure="hearing", reason="听证"
    ),
    "resume": lambda c, p: services.resume(_child(c, p), _who(c)[1]),
    "extend": lambda c, p: services.extend(_child(c, p), _who(c)[2], days=3, reason="核查"),
    "advance": _advance,
}
NEW = {
    "window": window_case,
    "online": _new_online,
    "bundle": _new_bundle,
    "at_window": _at_window,
}


def play(
    today: Callable[[dt.date], object],
    steps: list[tuple[str, str, int]],
    after_each: Callable[[int], object] = lambda n: None,
) -> None:
    """Run the steps from START: new cases, operations on them (a refused one is part of
    the game), days passing."""
    day, cases = START, []
    today(day)
    for n, (kind, name, pick) in enumerate(steps):
        if kind == "new":
            cases.append(NEW[name]())
        elif kind == "day":
            day += dt.timedelta(days=pick)
            today(day)
        elif cases:
            case = Case.objects.get(pk=cases[pick % len(cases)].pk)
            with contextlib.suppress(DomainError), transaction.atomic():
                OPS[name](case, pick)
        after_each(n)


steps = st.lists(
    st.one_of(
        st.tuples(st.just("new"), st.sampled_from(sorted(NEW)), st.just(0)),
        st.tuples(st.just("new"), st.sampled_from(sorted(NEW)), st.just(0)),
        st.tuples(st.just("op"), st.sampled_from(sorted(OPS)), st.integers(0, 5)),
        st.tuples(st.just("op"), st.just("advance"), st.integers(0, 5)),
        st.tuples(st.just("op"), st.just("advance"), st.integers(0, 5)),
        st.tuples(st.just("day"), st.just(""), st.integers(1, 12)),
    ),
    min_size=8,
    max_size=24,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_incremental_rollups_equal_the_rebuild(today, steps):
    with contextlib.suppress(Rollback), transaction.atomic():
        play(today, steps)
        kept = snapshot()
        months = {k: v for k, v in kept[0].items() if k[0] == MONTH}
        assert months == months_of_days(kept[0])
        supervision.rebuild()
        assert snapshot() == kept
        raise Rollback


def test_the_rollup_moves_with_the_transition_and_rolls_back_with_it(today):
    case = window_case()
    received = Rollup.objects.filter(day=case.received_on, region=CHONGYANG, grain=DAY)
    assert sum(r.received for r in received) >= 1
    ours = Rollup.objects.filter(region=CHONGYANG)
    before = {g: sum(r.accepted for r in ours.filter(grain=g)) for g in (DAY, MONTH)}
    with contextlib.suppress(Rollback), transaction.atomic():
        services.accept(case, staff("clerk.chongyang"))
        for grain in (DAY, MONTH):
            after = sum(r.accepted for r in ours.filter(grain=grain))
            assert after == before[grain] + 1
        raise Rollback
    for grain in (DAY, MONTH):
        assert sum(r.accepted for r in ours.filter(grain=grain)) == before[grain]
    assert CaseFact.objects.get(case_id=case.pk).accepted_on is None


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, every=st.integers(1, 6))
def test_rollups_through_the_outbox_equal_the_rebuild(today, settings, steps, every):
    """Events queued and folded later, a few at a time while the cases move on (a drain
    sees each case as it is by then), end where the rebuild does."""
    settings.NHB_ROLLUPS_INLINE = False

    def now_and_then(n: int) -> None:
        if n % every == 0:
            supervision.drain(batch=3)

    with contextlib.suppress(Rollback), transaction.atomic():
        play(today, steps, now_and_then)
        supervision.drain(batch=3)
        assert not PendingEvent.objects.exists()
        kept = snapshot()
        supervision.rebuild()
        assert snapshot() == kept
        raise Rollback


def test_queued_events_change_nothing_until_drained_and_a_failed_drain_keeps_them(
    today, settings, monkeypatch
):
    settings.NHB_ROLLUPS_INLINE = False
    supervision.drain()
    before = snapshot()
    case = services.accept(window_case(), staff("clerk.chongyang"))
    assert snapshot() == before and PendingEvent.objects.count() == 2

    def broken(events):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(supervision, "on_events", broken)
    with pytest.raises(RuntimeError):
        supervision.drain()
    assert PendingEvent.objects.count() == 2 and snapshot() == before
    monkeypatch.undo()
    assert supervision.drain() == 2
    assert not PendingEvent.objects.exists()
    assert CaseFact.objects.get(case_id=case.pk).accepted_on == case.accepted_on is not None
    assert supervision.drain() == 0


def test_the_worker_and_the_command_drain_the_outbox(today, settings):
    from io import StringIO

    from django.core.management import call_command

    from ninhaoban.supervision.tasks import drain_every_few_seconds, drain_task

    settings.NHB_ROLLUPS_INLINE = False
    supervision.drain()
    window_case()
    assert drain_task.call_local() == 1
    window_case()
    out = StringIO()
    call_command("supervision", "drain", stdout=out)
    assert out.getvalue().strip() == '{"folded": 1}'
    drain_every_few_seconds.call_local()  # schedules drains through the minute (immediate)
    assert not PendingEvent.objects.exists()
