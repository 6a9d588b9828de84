"""Every formula on a small hand-built world with known answers: three applications in
崇阳县 (one closed on the day at the window, one online decided late and delivered
electronically, one refused) and one in 通山县 that 崇阳县 must never see."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseStep, Channel, MaterialState, StepState
from ninhaoban.catalog.models import ONLINE_MIN_DEPTH
from ninhaoban.catalog.selectors import list_items
from ninhaoban.core import workdays
from ninhaoban.core.errors import InvalidInput, NotFound
from ninhaoban.licences.selectors import SHARED_KINDS, kind_of_state
from ninhaoban.supervision import facts, selectors
from tests.cases.conftest import (
    BUSINESS_LICENCE_FORM,
    CHONGYANG,
    GETIHU,
    TONGSHAN,
    applicant_actor,
    files_for,
    item,
    person,
    staff,
    window_case,
)

pytestmark = pytest.mark.django_db
D0 = dt.date(2026, 9, 28)


def _review(case: Case, chief: str) -> None:
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, staff(chief), opinion="符合")


@pytest.fixture
def world(today) -> dict[str, Case]:
    today(D0)
    a = window_case()  # 窗口收件、当日受理并决定、窗口领取: two visits, 即办
    services.accept(a, staff("clerk.chongyang"))
    _review(a, "chief.chongyang.market")
    services.decide(a, staff("chief.chongyang.market"), outcome="approved")
    services.deliver(a, staff("clerk.chongyang"), method="window")
    services.close(a, staff("clerk.chongyang"))

    applicant = person(1)
    b = services.submit(  # 网上申报, decided after its due date, delivered electronically
        actor=applicant_actor(applicant),
        applicant=applicant,
        channel=Channel.ONLINE,
        item_code=item(GETIHU, CHONGYANG).code,
        files=files_for(GETIHU, CHONGYANG),
        form=dict(BUSINESS_LICENCE_FORM),
        consent=True,
        delivery_method="electronic",
    )
    services.accept(b, staff("clerk.chongyang"))
    b.refresh_from_db()
    late = workdays.add_working_days(b.due_date, 2)
    today(late)
    _review(b, "chief.chongyang.market")
    services.decide(b, staff("chief.chongyang.market"), outcome="approved")

    c = window_case(applicant=person(2))  # 不予受理
    services.refuse(c, staff("clerk.chongyang"), reason="不属于本机关职权范围")

    d = window_case(region=TONGSHAN, clerk="clerk.tongshan", applicant=person(3))
    services.accept(d, staff("clerk.tongshan"))
    return {"a": a, "b": b, "c": c, "d": d, "late": late}


def _figures(region: str, end: dt.date) -> dict[str, selectors.Figure]:
    scope = selectors.scope_of(region, "", D0.isoformat(), end.isoformat())
    return {f.key: f for f in selectors.figures(scope)}


def test_every_case_formula_on_the_hand_built_world(world):
    b = Case.objects.get(pk=world["b"].pk)
    f = _figures(CHONGYANG, world["late"])
    assert (f["inclusion_cases"].numerator, f["inclusion_cases"].denominator) == (3, 3)
    assert f["inclusion_cases"].value == 100.0
    assert (f["online"].numerator, f["online"].denominator, f["online"].value) == (1, 3, 33.3)
    # decisions: a on the day of acceptance and on time, b two working days late
    assert (f["on_time"].numerator, f["on_time"].denominator, f["on_time"].value) == (1, 2, 50.0)
    assert f["overdue_period"].value == 1
    days_b = workdays.working_days_between(b.accepted_on, b.decided_on)
    assert f["mean_days"].value == round(days_b / 2, 1)
    assert (f["immediate"].numerator, f["immediate"].denominator) == (1, 2)
    # the promised limit (1 working day) is kept by a only
    assert (f["standard_cases"].numerator, f["standard_cases"].denominator) == (1, 2)
    # closed: a (intake and pickup at the window: 2 visits), b (online, electronic: none)
    assert (f["one_visit"].numerator, f["one_visit"].denominator) == (1, 2)
    assert (f["zero_visits"].numerator, f["zero_visits"].denominator) == (1, 2)
    # materials of a and b: four each handed in; the 身份证 could have come from a licence
    # and the 经营场所使用证明 from the 不动产 register: two lookups each, both fell back
    assert (f["sharing"].numerator, f["sharing"].denominator, f["sharing"].value) == (0, 8, 0.0)
    assert (f["queries"].numerator, f["queries"].denominator) == (0, 4)
    assert f["fallback"].value == 4
    # b needed a licence query and fell back to paper: not completed on the platform; a too
    assert (f["collaboration"].numerator, f["collaboration"].denominator) == (0, 2)
    assert f["overdue_now"].value == 0


def test_the_catalog_formulas_count_the_items_in_force(world):
    f = _figures(CHONGYANG, world["late"])
    versions = list_items(region="421223", day=D0)
    assert f["inclusion_items"].denominator == versions.count()
    online = versions.filter(online_depth__gte=ONLINE_MIN_DEPTH).count()
    assert f["inclusion_items"].numerator == online
    assert f["standard_items"].denominator == versions.count()


def test_overdue_and_warning_now_follow_today(world, today):
    d = Case.objects.get(pk=world["d"].pk)
    today(d.due_date)
    scope = selectors.scope_of(TONGSHAN, "", D0.isoformat(), d.due_date.isoformat())
    assert selectors.totals(scope)["warning_now"] == 1
    today(d.due_date + dt.timedelta(days=1))
    assert selectors.totals(scope)["overdue_now"] == 1
    assert selectors.totals(scope)["warning_now"] == 0


def test_ratings_and_waiting_come_from_their_apps(world):
    from ninhaoban.appointments.selectors import waiting
    from ninhaoban.evaluation import services as evaluation
    from ninhaoban.evaluation.models import Channel as RatingChannel
    from ninhaoban.evaluation.services import Rating

    a = Case.objects.get(pk=world["a"].pk)
    evaluation.rate_case(a, a.applicant, Rating.of(5), channel=RatingChannel.WEBSITE)
    f = _figures(CHONGYANG, world["late"])
    assert (f["good_rate"].value, f["good_rate"].numerator, f["good_rate"].denominator) == (
        100.0,
        1,
        1,
    )
    assert f["rectification_rate"].value is None  # no 差评 to rectify
    queued = waiting(region_code=CHONGYANG, start=D0, end=world["late"])
    assert f["mean_wait"].value == queued.mean_wait_minutes


def test_an_app_without_its_selector_shows_no_data(world, monkeypatch):
    assert selectors._other("ninhaoban.evaluation.selectors", "no_such_selector") is None
    assert selectors._other("ninhaoban.no_such_app.selectors", "satisfaction") is None
    monkeypatch.setattr(selectors, "_other", lambda module, name: None)
    f = _figures(CHONGYANG, world["late"])
    assert f["good_rate"].value is None and f["rectification_rate"].value is None
    assert f["mean_wait"].value is None and f["mean_wait"].denominator is None


def test_a_county_sees_only_its_own_cases(world):
    f = _figures(TONGSHAN, world["late"])
    assert f["inclusion_cases"].denominator == 1
    city = _figures("421200000000", world["late"])
    assert city["inclusion_cases"].denominator == 4


def test_trend_ranking_and_drill_down(world):
    scope = selectors.scope_of("421200000000", "", D0.isoformat(), world["late"].isoformat())
    days = {row["period"]: row for row in selectors.trend(scope)}
    assert days[D0.isoformat()]["received"] == 2  # c and d came in on the later day
    assert days[world["late"].isoformat()]["received"] == 2
    months = selectors.trend(scope, by="month")
    assert sum(m["received"] for m in months) == 4
    ranks = {r["key"]: r for r in selectors.ranking(scope)}
    assert ranks[CHONGYANG]["decided"] == 2 and ranks[TONGSHAN]["decided"] == 0
    assert ranks[CHONGYANG]["rank"] == 1
    late = selectors.drill_page(staff("supervisor").user, scope, "late").cases
    assert [c.case_no for c in late] == [world["b"].case_no]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("999999", "", "", ""), NotFound),
        (("421223", "999999", "", ""), NotFound),
        (("421223", "abc", "", ""), InvalidInput),
        (("12", "", "", ""), InvalidInput),
        (("421223", "", "2026-10-01", "2026-09-01"), InvalidInput),
        (("421223", "", "2020-01-01", "2026-09-01"), InvalidInput),
        (("421223", "", "2026-13-01", ""), InvalidInput),
    ],
)
def test_bad_scopes_are_refused(args, error):
    with pytest.raises(error):
        selectors.scope_of(*args)


def test_the_stats_command_prints_json_and_refuses_bad_input(world):
    out = StringIO()
    call_command(
        "supervision",
        "stats",
        "--json",
        "--region",
        CHONGYANG,
        "--from",
        D0.isoformat(),
        "--to",
        world["late"].isoformat(),
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert body["scope"]["region"] == CHONGYANG
    on_time = next(f for f in body["figures"] if f["key"] == "on_time")
    assert on_time["value"] == 50.0
    with pytest.raises(CommandError):
        call_command("supervision", "stats", "--from", "2026-10-01", "--to", "2026-01-01")


def test_rebuild_gives_back_the_same_figures(world):
    before = _figures(CHONGYANG, world["late"])
    out = StringIO()
    call_command("supervision", "rebuild", stdout=out)
    assert json.loads(out.getvalue())["cases"] >= 4
    assert _figures(CHONGYANG, world["late"]) == before


@pytest.mark.parametrize("state", list(MaterialState.values))
def test_a_material_counts_in_the_sharing_rate_as_the_exemption_report_counts_it(state):
    """The 免提交 report's one rule (licences.selectors) over real cases: a material the
    government's data covered (licence, shared data, the office's own paper) is shared; one
    the platform wrote (申请书, model text) is among the materials but not shared; anything
    handed in, missing or rejected is the applicant's."""
    t = facts.tally([("upload", "required", state)])
    assert t["mat_total"] == 1
    assert selectors._shared(t) == (kind_of_state(state) in SHARED_KINDS)
    assert (state in ("licence", "shared", "government")) == (kind_of_state(state) in SHARED_KINDS)
    assert t["mat_deferred"] == 0
    deferred = facts.tally([("upload", "deferrable", state)])
    assert deferred["mat_deferred"] == (state in ("missing", "rejected"))
