"""长辈模式: one switch on the website and the terminal, remembered in a cookie."""

import pytest
from django.test import Client

from ninhaoban.portal.care import CARE_COOKIE

pytestmark = pytest.mark.django_db


def test_the_switch_turns_care_mode_on_and_off_and_goes_back():
    client = Client()
    on = client.post("/care/", {"care": "1", "next": "/catalog/"})
    assert on.status_code == 302 and on["Location"] == "/catalog/"
    assert on.cookies[CARE_COOKIE].value == "1"
    page = client.get("/").content.decode()
    assert 'class="care"' in page and "care.css" in page and 'aria-pressed="true"' in page
    assert "/ledger/" not in page.split("</nav>")[0]  # fewer choices in the menu
    off = client.post("/care/", {"care": "0", "next": "/"})
    assert off.cookies[CARE_COOKIE].value == ""
    client.cookies.pop(CARE_COOKIE, None)
    plain = client.get("/").content.decode()
    assert "care.css" not in plain and "/ledger/" in plain.split("</nav>")[0]


def test_the_switch_goes_back_only_to_this_site():
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "%00", "9"):
        response = Client().post("/care/", {"care": "1", "next": target})
        assert response.status_code == 302 and response["Location"] == "/"
    assert Client().get("/care/").status_code == 405
