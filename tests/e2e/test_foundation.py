import pytest

pytestmark = pytest.mark.e2e


def test_home_login_and_language(page):
    page.goto("/figures/")
    assert "咸宁市民之家" in page.content()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="中文").click()
    page.goto("/console/login/")
    page.fill("#username", "clerk.chongyang")
    page.fill("#password", "Xianning-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    assert "崇阳县" in page.content() and "窗口人员" in page.content()
