"""An item that establishes an organization (企业设立登记) issues its licence to that new
organization, not to the founder who applied: the application names it, the approver enters
the 统一社会信用代码 the registration gave it, and nothing is written when either is wrong."""

import random

import pytest

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import results, services
from ninhaoban.cases.models import Case, CaseStep, Outcome, StepState
from ninhaoban.core.errors import InvalidInput
from ninhaoban.demo.accounts import organization_uscc
from ninhaoban.licences.models import Licence
from tests.cases.conftest import CHONGYANG, item, staff, window_case

pytestmark = pytest.mark.django_db
COMPANY = "企业设立登记"
CHIEF = "chief.chongyang.market"
NAME = "咸宁云帆科技有限公司"


def _reviewed(form_extra: dict) -> Case:
    case = window_case(COMPANY, CHONGYANG)
    Case.objects.filter(pk=case.pk).update(form={**case.form, **form_extra})
    services.accept(case, staff("clerk.chongyang"))
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, staff("approver.chongyang.market"), opinion="符合条件")
    return Case.objects.get(pk=case.pk)


def _code(seed: int) -> str:
    return organization_uscc(random.Random(seed), CHONGYANG[:6])


def _miswritten(code: str) -> str:
    """The code with its last (check) character changed: one typo the check must catch."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def test_the_application_asks_the_new_organizations_name_first():
    version = item(COMPANY, CHONGYANG).versions.get(state="published")
    asked = results.application_fields([version])
    assert asked[0] == ("organization_name", "拟设立法人名称")
    assert ("uscc", "统一社会信用代码") not in asked  # the registration gives it, not the founder


def test_approval_registers_the_organization_and_issues_it_the_licence(today):
    case = _reviewed({"organization_name": NAME, "legal_representative": "王五"})
    code = _code(1)
    form = results.licence_form(case)
    assert [key for key, *_ in form.fields][:2] == ["organization_name", "uscc"]
    assert form.fields[0][2] == NAME
    services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED, licence_fields={"uscc": code})
    case.refresh_from_db()
    licence = Licence.objects.get(identifier=case.licence_ref)
    company = Applicant.objects.get(identifier=code)
    assert company.kind == ApplicantKind.ORGANIZATION and company.name == NAME
    assert company.legal_representative == "王五" and company.region_id == CHONGYANG
    assert licence.holder_id == company.pk and licence.holder_id != case.applicant_id
    assert "uscc" not in licence.fields and "organization_name" not in licence.fields
    assert case.applicant.kind == ApplicantKind.PERSON  # the founder stays the applicant


@pytest.mark.parametrize(
    ("name", "code", "said"),
    [
        (NAME, "", "统一社会信用代码"),
        ("", _code(2), "拟设立法人名称"),
        (NAME, _miswritten(_code(3)), "统一社会信用代码无效"),
    ],
)
def test_a_missing_or_wrong_name_or_code_stops_the_approval(today, name, code, said):
    case = _reviewed({"organization_name": name} if name else {})
    fields = {"uscc": code}
    before = Applicant.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED, licence_fields=fields)
    assert said in refused.value.message_zh
    case.refresh_from_db()
    assert case.outcome == "" and case.licence_ref == ""
    assert Applicant.objects.count() == before
    assert not Licence.objects.filter(case_ref=case.case_no).exists()


def test_a_code_already_registered_is_refused(today):
    taken = Applicant.objects.filter(kind=ApplicantKind.ORGANIZATION).first()
    case = _reviewed({"organization_name": NAME})
    with pytest.raises(InvalidInput) as refused:
        services.decide(
            case,
            staff(CHIEF),
            outcome=Outcome.APPROVED,
            licence_fields={"uscc": taken.identifier},
        )
    assert refused.value.field == "uscc" and taken.name in refused.value.message_zh
    assert Licence.objects.filter(holder=taken, case_ref=case.case_no).count() == 0
