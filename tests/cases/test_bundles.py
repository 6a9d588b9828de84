import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseMaterial, Channel, Outcome, Status
from ninhaoban.cases.services import Actor
from ninhaoban.cases.services.bundles import derived_status
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import Bundle
from ninhaoban.core.errors import Conflict
from tests.cases.conftest import (
    BUSINESS_LICENCE_FORM,
    FOOD_LICENCE_FORM,
    PDF,
    person,
    staff,
)

pytestmark = pytest.mark.django_db
S = Status
CITY = "421200000000"


def _bundle_case(code: str = "kaiban-canyindian") -> Case:
    plan = services.plan_for(bundle_code=code)
    files = {n.key: FileIn(f"{n.name}.pdf", PDF) for n in plan.needs if n.source != "government"}
    return services.submit(
        actor=staff("clerk.city"),
        applicant=person(),
        channel=Channel.WINDOW,
        bundle_code=code,
        files=files,
        form={**BUSINESS_LICENCE_FORM, **FOOD_LICENCE_FORM},
    )


def test_a_bundle_asks_each_shared_material_once(today):
    bundle = Bundle.objects.get(code="qiye-kaiban")
    versions = [m.item.versions.get(state="published") for m in bundle.members.all()]
    asked = sum(v.materials.count() for v in versions)
    plan = services.plan_for(bundle_code=bundle.code)
    assert len(plan.needs) < asked
    keys = [n.key for n in plan.needs]
    assert len(keys) == len(set(keys))
    case = _bundle_case("qiye-kaiban")
    shared = CaseMaterial.objects.get(case=case, key="licence:11100000000013338W001")
    assert len(shared.items) >= 2
    assert CaseMaterial.objects.filter(case__parent=case).count() == 0
    assert case.children.count() == 5
    assert case.children.order_by("case_no").first().case_no == f"{case.case_no}-01"


def test_a_bundle_is_accepted_worked_in_parallel_and_delivered_once(today):
    case = _bundle_case()
    with pytest.raises(Conflict):
        services.accept(case.children.first(), staff("clerk.city"))
    services.accept(case, staff("clerk.city"))
    children = list(case.children.order_by("case_no"))
    assert {c.status for c in children} == {S.ACCEPTED}
    assert all(c.region_id == CITY and c.department.dept_type == "market" for c in children)
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.due_date is not None
    with pytest.raises(Conflict):
        services.start_review(case, staff("approver.city.market"))

    approver, chief = staff("approver.city.market"), staff("chief.city.market")
    first, second = children
    for child in children:
        step = child.steps.get(state="active")
        services.complete_step(child, step.pk, approver, opinion="符合")
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW
    services.decide(first, chief, outcome=Outcome.APPROVED)
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW  # one child still open
    with pytest.raises(Conflict):
        services.deliver(first, staff("clerk.city"), method="window")
    services.decide(second, chief, outcome=Outcome.APPROVED)
    case.refresh_from_db()
    assert case.status == S.DECIDED and case.outcome == Outcome.APPROVED
    services.deliver(case, staff("clerk.city"), method="electronic")
    statuses = Case.objects.filter(parent=case).values_list("status", flat=True)
    assert set(statuses) == {S.CLOSED}
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_withdrawing_a_bundle_withdraws_every_child(today):
    case = _bundle_case()
    services.withdraw(case, Actor.of_applicant(case.applicant))
    assert set(case.children.values_list("status", flat=True)) == {S.WITHDRAWN}


def test_later_stages_are_decided_after_earlier_ones(today):
    case = _bundle_case("qiye-kaiban")
    services.accept(case, staff("clerk.city"))
    later = case.children.filter(bundle_stage=2).first()
    services.start_review(later, staff("admin"))
    with pytest.raises(Conflict, match="前一阶段"):
        services.decide(later, staff("admin"), outcome=Outcome.APPROVED)


@pytest.mark.parametrize(
    ("children", "parent"),
    [
        ([S.ACCEPTED, S.ACCEPTED], S.ACCEPTED),
        ([S.IN_REVIEW, S.ACCEPTED], S.IN_REVIEW),
        ([S.SUSPENDED, S.DECIDED], S.SUSPENDED),
        ([S.SUSPENDED, S.IN_REVIEW], S.IN_REVIEW),
        ([S.CORRECTION, S.IN_REVIEW], S.CORRECTION),
        ([S.DECIDED, S.DECIDED], S.DECIDED),
        ([S.DECIDED, S.WITHDRAWN], S.DECIDED),
        ([S.DELIVERING, S.DELIVERING], S.DELIVERING),
        ([S.CLOSED, S.CLOSED], S.CLOSED),
        ([S.WITHDRAWN, S.WITHDRAWN], S.WITHDRAWN),
    ],
)
def test_the_parent_status_is_derived(children, parent):
    assert derived_status(children) == parent


def test_parallel_steps_of_joint_approval_are_worked_at_the_same_time(today):
    from tests.cases.conftest import window_case

    builder = Applicant.objects.filter(kind=ApplicantKind.ORGANIZATION).order_by("pk").first()
    case = window_case("建设工程规划许可证核发", "421223000000", applicant=builder)
    admin = staff("admin")
    services.accept(case, staff("clerk.chongyang"))
    active = list(case.steps.filter(state="active").order_by("position"))
    assert [s.name for s in active] == ["技术审查", "专家评审"]
    assert Case.objects.get(pk=case.pk).joint is True
    services.complete_step(case, active[0].pk, admin, opinion="符合规划条件")
    assert list(case.steps.filter(state="active").values_list("name", flat=True)) == ["专家评审"]
    with pytest.raises(Conflict, match="专家评审"):
        services.decide(case, admin, outcome=Outcome.APPROVED)
    services.complete_step(case, active[1].pk, admin, opinion="通过")
    assert list(case.steps.filter(state="active").values_list("name", flat=True)) == [
        "批前公示与决定"
    ]
    permit = {"project": "综合楼", "location": "崇阳县天城镇", "scale": "5000平方米"}
    services.decide(case, admin, outcome=Outcome.APPROVED, licence_fields=permit)
    assert Case.objects.get(pk=case.pk).status == S.DECIDED
    assert not case.steps.exclude(state="done").exists()
