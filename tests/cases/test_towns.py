"""受理在村、审批在县: a village station takes an application in and accepts it, the clock
starts that day, and the competent office (the county's, or the town's for what the law gives
the town) decides it; nobody else may."""

import datetime as dt

import pytest

from ninhaoban.cases import clock, selectors, services
from ninhaoban.cases.models import Case, CaseStep, Outcome, Status, StepState
from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog.models import BaseItem, ServiceItem
from ninhaoban.core.errors import Forbidden
from ninhaoban.core.workdays import add_working_days
from ninhaoban.regions.models import Department, DepartmentType, Level, Region, RegionKind
from tests.cases.conftest import CHONGYANG, item, person, staff, window_case

TIANCHENG, SHUANGGANG = "421223100000", "421223100200"
TOWN_ITEMS = ("农村村民宅基地申请审批", "生育登记", "老年人优待证办理")


def _work_all_steps(case: Case, approver: str) -> None:
    while True:
        step = CaseStep.objects.filter(case=case, state=StepState.ACTIVE).exclude(role="chief")
        open_steps = [s for s in step if not _is_final(case, s)]
        if not open_steps:
            return
        for s in open_steps:
            services.complete_step(case, s.pk, staff(approver), opinion="符合条件")


def _is_final(case: Case, step: CaseStep) -> bool:
    last = CaseStep.objects.filter(case=case).order_by("-stage").first()
    return last is not None and step.stage == last.stage


def test_every_town_of_chongyang_implements_the_town_items():
    towns = Region.objects.filter(
        level=Level.TOWN, kind=RegionKind.REGULAR, code__startswith="421223"
    )
    assert towns.count() > 0
    for name in TOWN_ITEMS:
        assert BaseItem.objects.get(name=name).levels == [Level.TOWN]
        items = ServiceItem.objects.filter(base__name=name)
        assert set(items.values_list("region_id", flat=True)) == set(
            towns.values_list("code", flat=True)
        )
        assert set(items.values_list("department__dept_type", flat=True)) == {
            DepartmentType.TOWNSHIP
        }
        assert all(catalog.current_version(i) is not None for i in items)
    assert Department.objects.get(region_id=TIANCHENG).name == "天城镇人民政府"


def test_a_village_accepts_a_county_item_and_the_county_decides_it_on_the_clock(today):
    today(dt.date(2026, 9, 28))
    case = window_case("最低生活保障申请", CHONGYANG, "clerk.shuanggang")
    assert (case.region_id, case.intake_region_id) == (CHONGYANG, SHUANGGANG)
    assert case.department.dept_type == DepartmentType.CIVIL_AFFAIRS
    assert case in selectors.visible_to(staff("clerk.shuanggang").user)
    services.accept(case, staff("clerk.shuanggang"))
    case.refresh_from_db()
    version = catalog.version_on(item("最低生活保障申请", CHONGYANG), case.received_on)
    assert case.status == Status.ACCEPTED and case.accepted_on == dt.date(2026, 9, 28)
    assert case.limit_days == version.promised_days == 20
    due = clock.decision_due(case.accepted_on, 20)
    assert case.due_date == due
    with pytest.raises(Forbidden):
        services.complete_step(
            case,
            CaseStep.objects.filter(case=case, state=StepState.ACTIVE).first().pk,
            staff("approver.tiancheng"),
        )
    _work_all_steps(case, "approver.chongyang.civil")
    decided_on = add_working_days(case.accepted_on, 18)
    today(decided_on)
    with pytest.raises(Forbidden):
        services.decide(case, staff("clerk.shuanggang"), outcome=Outcome.APPROVED)
    services.decide(case, staff("chief.chongyang.civil"), outcome=Outcome.APPROVED)
    case.refresh_from_db()
    assert case.status == Status.DECIDED and case.decided_on == decided_on <= due
    assert case.outcome == Outcome.APPROVED


def test_a_village_takes_in_a_town_item_and_the_town_decides_it(today):
    today(dt.date(2026, 9, 28))
    name = "农村村民宅基地申请审批"
    case = window_case(name, TIANCHENG, "clerk.shuanggang", applicant=person(1))
    assert (case.region_id, case.intake_region_id) == (TIANCHENG, SHUANGGANG)
    services.accept(case, staff("clerk.shuanggang"))
    case.refresh_from_db()
    assert case.due_date == clock.decision_due(case.accepted_on, 15)
    _work_all_steps(case, "approver.tiancheng")
    with pytest.raises(Forbidden):
        services.decide(case, staff("chief.chongyang.civil"), outcome=Outcome.APPROVED)
    services.decide(case, staff("approver.tiancheng"), outcome=Outcome.APPROVED)
    case.refresh_from_db()
    assert case.status == Status.DECIDED and case.decided_on <= clock.decision_due(
        case.accepted_on, 15
    )
