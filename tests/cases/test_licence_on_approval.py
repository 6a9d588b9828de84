"""An approval issues the licence the catalog version names: the approver does not choose
it, cannot swap it for another, and chooses only where the version names none."""

import random

import pytest

from ninhaoban.cases import services
from ninhaoban.cases.models import Case, CaseStep, Outcome, StepState
from ninhaoban.core.errors import InvalidInput
from ninhaoban.demo.accounts import organization_uscc
from ninhaoban.licences.models import Licence
from tests.cases.conftest import CHONGYANG, GETIHU, staff, window_case

pytestmark = pytest.mark.django_db
BUSINESS_LICENCE = "11100000000013338W001"
APPROVER, CHIEF = "approver.chongyang.market", "chief.chongyang.market"
NEW_USCC = organization_uscc(random.Random(7), CHONGYANG[:6])


def _reviewed(name: str = GETIHU) -> Case:
    case = window_case(name, CHONGYANG)
    services.accept(case, staff("clerk.chongyang"))
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, staff(APPROVER), opinion="符合条件")
    return Case.objects.get(pk=case.pk)


def test_approving_a_getihu_issues_the_business_licence(today):
    case = _reviewed()
    services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED)
    case.refresh_from_db()
    licence = Licence.objects.get(identifier=case.licence_ref)
    assert licence.licence_type.code == BUSINESS_LICENCE and licence.licence_type.name == "营业执照"
    assert licence.holder_id == case.applicant_id and licence.case_ref == case.case_no
    assert licence.fields["scope"] == "餐饮服务"


def test_the_approver_cannot_swap_the_catalogs_licence(today):
    case = _reviewed()
    with pytest.raises(InvalidInput) as refused:
        services.decide(
            case, staff(CHIEF), outcome=Outcome.APPROVED, licence_type="11100000000013338W002"
        )
    assert refused.value.field == "licence_type"
    assert (
        Case.objects.get(pk=case.pk).outcome == ""
        and not Licence.objects.filter(case_ref=case.case_no).exists()
    )


def test_a_licence_missing_face_fields_stops_the_approval(today, staff_client):
    case = window_case("企业设立登记", CHONGYANG)
    Case.objects.filter(pk=case.pk).update(form={"organization_name": "咸宁云帆科技有限公司"})
    services.accept(case, staff("clerk.chongyang"))
    step = CaseStep.objects.get(case=case, state=StepState.ACTIVE)
    services.complete_step(case, step.pk, staff(APPROVER))
    chief = staff_client(CHIEF)
    page = chief.get(f"/console/cases/{case.case_no}/").content.decode()
    assert "营业执照" in page and 'name="field-scope"' in page and 'name="licence_type"' not in page
    assert 'name="field-uscc"' in page and 'value="咸宁云帆科技有限公司"' in page
    refused = chief.post(f"/console/cases/{case.case_no}/decide/", {"outcome": "approved"})
    assert refused.status_code == 422 and "经营范围" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).decided_on is None
    face = {
        "field-name": "咸宁云帆科技有限公司",
        "field-type": "有限责任公司",
        "field-legal_representative": "张三",
        "field-registered_capital": "100万元",
        "field-founded_on": "2026-09-28",
        "field-address": "崇阳县天城镇",
        "field-scope": "软件开发",
    }
    chief.post(
        f"/console/cases/{case.case_no}/decide/",
        {"outcome": "approved", "field-uscc": NEW_USCC, **face},
    )
    case.refresh_from_db()
    assert Licence.objects.get(identifier=case.licence_ref).fields["scope"] == "软件开发"


def test_an_item_that_names_no_licence_issues_none(today):
    case = _reviewed("药品零售企业许可")
    services.decide(case, staff(CHIEF), outcome=Outcome.APPROVED)
    assert Case.objects.get(pk=case.pk).licence_ref == ""
