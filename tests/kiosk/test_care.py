"""长辈模式 at the terminal: fewer, larger tiles; 退出 forgets it for the next person."""

import pytest

from ninhaoban.portal.care import CARE_COOKIE
from tests.kiosk.conftest import BASE, terminal

pytestmark = pytest.mark.django_db


def test_the_terminal_shows_fewer_larger_tiles_and_forgets_the_mode_on_exit():
    client = terminal()
    plain = client.get(BASE).content.decode()
    assert f"{BASE}apply/" in plain and "kiosk/care.css" not in plain
    client.post("/care/", {"care": "1", "next": BASE})
    page = client.get(BASE).content.decode()
    assert "kiosk/care.css" in page and f"{BASE}apply/" not in page and f"{BASE}video/" in page
    assert client.post(f"{BASE}exit/").cookies[CARE_COOKIE].value == ""
