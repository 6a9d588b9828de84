"""A person at the terminal, in Chromium: the terminal enrolled with its one-time code, then
ID number, SMS code (typed on the on-screen keypad), a proof chosen and printed, the signed
PDF behind the print button."""

import pytest

from ninhaoban.accounts.models import Applicant
from ninhaoban.exchange.sandbox import records
from ninhaoban.kiosk import services
from ninhaoban.kiosk.models import Kiosk, KioskSession
from tests.kiosk.conftest import BASE, KIOSK, sent_code

pytestmark = pytest.mark.e2e


def test_identify_and_print_a_proof(page, sources):
    person = next(
        p
        for p in Applicant.objects.filter(kind="person").exclude(phone="").order_by("pk")
        if records.insurance_record(p.identifier, p.name)
    )
    one_time, _ = services.issue_enrolment_code(Kiosk.objects.get(code=KIOSK), actor="test")
    page.goto(BASE)
    assert "本设备不是该自助终端" in page.content() and "开具证明" not in page.content()
    page.get_by_role("link", name="安装本终端").click()
    for digit in one_time:
        page.locator(f'.keypad button[data-key="{digit}"]').click()
    page.get_by_role("button", name="安装").click()
    page.wait_for_url(f"**{BASE}")
    assert person.display_name not in page.content()
    page.get_by_role("link", name="开具证明").click()
    page.wait_for_url(f"**{BASE}identify/**")
    page.fill("#id_number", person.identifier)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector("#code")
    for digit in sent_code(person.phone):
        page.locator(f'.keypad button[data-key="{digit}"]').click()
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**{BASE}proofs/")
    assert person.display_name in page.locator("#kiosk-person").inner_text()
    assert person.identifier not in page.content()
    page.get_by_label("社会保险个人参保缴费证明").check()
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="开具并打印").click()
    page.wait_for_selector("#proof-pdf")
    assert "证明已出具" in page.content()
    href = page.locator("#proof-pdf").get_attribute("href")
    assert href.startswith(f"{BASE}proofs/") and href.endswith(".pdf")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"**{BASE}")
    assert not KioskSession.objects.filter(applicant=person, ended_at__isnull=True).exists()
    assert "身份核验" in page.request.get(href).text()  # the print link asks for the check again
