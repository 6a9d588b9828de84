"""智能导办 in a real browser: typing into the search box shows suggestions without a page
load. (Kept with the other browser tests so that they share one Chromium.)"""

import pytest

pytestmark = pytest.mark.e2e


def test_instant_suggestions_on_the_home_page(page):
    page.goto("/")
    page.locator("#guidance-q").press_sequentially("gjj", delay=50)
    page.locator("#guidance-results").get_by_text("个人住房公积金提取").wait_for()
    assert page.url.endswith("/")


def test_kiosk_letter_keys_type_initials(page):
    page.goto("/kiosk/search/")
    for letter in "SBZM":
        page.get_by_role("button", name=letter, exact=True).click()
    assert page.locator("#guidance-q").input_value() == "sbzm"
    page.locator("#results").get_by_text("社会保险个人权益记录（参保缴费证明）打印").wait_for()
