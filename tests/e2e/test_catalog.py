"""The catalog pages in a real browser: the list and its filters, a guide, a bundle, and the
同事同标 audit report for a catalog admin."""

import pytest

pytestmark = pytest.mark.e2e


def test_list_filters_guide_and_bundle(page):
    from ninhaoban.regions.models import Region

    # the county's list holds its own items and those of its towns
    chongyang = set(Region.objects.filter(code__startswith="421223").values_list("name", flat=True))
    page.goto("/catalog/")
    page.select_option("#f-region", label="崇阳县")
    page.select_option("#f-type", label="行政许可")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**region=421223000000**")
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(1).inner_text() in chongyang
        assert cells.nth(3).inner_text() == "行政许可"
    page.get_by_role("link", name="个体工商户设立登记").first.click()
    page.wait_for_url("**/catalog/items/**")
    assert page.locator("h1").inner_text() == "个体工商户设立登记"
    assert "申请材料" in page.content() and "办理时限" in page.content()
    page.goto("/catalog/bundles/")
    page.get_by_role("link", name="企业开办").first.click()
    page.wait_for_url("**/catalog/bundles/**")
    body = page.content()
    for member in ("设立登记", "公章刻制备案", "发票申领", "社会保险登记"):
        assert member in body


def test_audit_report_for_a_catalog_admin(page):
    page.goto("/console/login/")
    page.fill("#username", "catalog")
    page.fill("#password", "Xianning-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console/")
    page.goto("/console/catalog/audit/")
    body = page.content()
    assert "同事同标" in body
    assert page.locator("table tbody tr").count() > 0
