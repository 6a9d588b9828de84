"""In Debian's Chromium against the live server: a refused upload on 网上申报 keeps what
was typed and the files already received; an approver is offered no 送达."""

import pytest
from django.contrib.auth.models import User

from ninhaoban.accounts.models import Applicant, ApplicantKind
from ninhaoban.cases import services
from ninhaoban.cases.models import Case, Outcome
from ninhaoban.cases.uploads import FileIn
from ninhaoban.catalog.models import ServiceItem
from tests.cases.conftest import EXE, PDF
from tests.cases.test_e2e import PASSWORD, _login

pytestmark = pytest.mark.e2e


def _person() -> Applicant:
    return Applicant.objects.filter(kind=ApplicantKind.PERSON).order_by("pk").first()


def _item() -> ServiceItem:
    return ServiceItem.objects.get(base__name="个体工商户设立登记", region_id="421223000000")


def test_a_refused_upload_keeps_the_form(page, tmp_path):
    person = _person()
    good, bad = tmp_path / "申请书.pdf", tmp_path / "扫描件.pdf"
    good.write_bytes(PDF)
    bad.write_bytes(EXE)
    page.goto("/login/")
    page.fill("#identifier", person.identifier)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").first.click()
    page.goto(f"/apply/?item={_item().code}")
    assert not page.locator("input[name=consent]").is_checked()
    uploads = page.locator("input[type=file]")
    count = uploads.count()
    assert count >= 2
    uploads.nth(0).set_input_files(str(bad))
    for i in range(1, count):
        uploads.nth(i).set_input_files(str(good))
    page.locator("input[name=consent]").check()
    page.fill("#form-legal_representative", "经营者本人")
    page.fill("#note", "工作日可联系")
    page.select_option("#delivery_method", "post")
    page.fill("#post_recipient", "韩梅梅")
    page.fill("#post_phone", "13800000000")
    page.fill("#post_address", "崇阳县天城镇城关街1号")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()

    assert not Case.objects.filter(applicant=person).exists()
    assert page.input_value("#form-legal_representative") == "经营者本人"
    assert page.input_value("#note") == "工作日可联系"
    assert page.input_value("#delivery_method") == "post"
    assert page.input_value("#post_address") == "崇阳县天城镇城关街1号"
    assert page.locator("input[name=consent]").is_checked()
    assert page.locator(".received").count() == count - 1
    assert page.locator(".received").first.inner_text() == "已收到：申请书.pdf"
    refused = page.locator("input[type=file]").nth(0)
    assert refused.get_attribute("aria-invalid") == "true"

    refused.set_input_files(str(good))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/cases/4212*/")
    case = Case.objects.get(applicant=person)
    assert case.materials.filter(file_name="申请书.pdf").count() == count
    assert case.post_recipient == "韩梅梅"


def test_an_approver_sees_no_deliver_button(page):
    clerk = services.Actor.of(User.objects.get(username="clerk.chongyang"))
    approver = services.Actor.of(User.objects.get(username="approver.chongyang.market"))
    plan = services.plan_for(item_code=_item().code)
    case = services.submit(
        actor=clerk,
        applicant=_person(),
        channel="window",
        item_code=_item().code,
        files={n.key: FileIn("a.pdf", PDF) for n in plan.needs},
        accept_at_once=True,
    )
    step = case.steps.get(state="active")
    services.complete_step(case, step.pk, approver)
    chief = services.Actor.of(User.objects.get(username="chief.chongyang.market"))
    services.decide(case, chief, outcome=Outcome.DENIED, reason="不符合条件")

    _login(page, "approver.chongyang.market")
    page.goto(f"/console/cases/{case.case_no}/")
    assert page.locator("#case-status").inner_text() == "已决定"
    assert page.get_by_role("button", name="送达").count() == 0
    page.get_by_role("button", name="退出").click()
    _login(page, "clerk.chongyang")
    page.goto(f"/console/cases/{case.case_no}/")
    assert page.get_by_role("button", name="送达").count() == 1
