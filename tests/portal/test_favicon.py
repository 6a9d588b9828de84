"""Every page names the platform's icon, and /favicon.ico (asked by browsers of pages that
name none, such as the admin's) leads to it: no page's icon request ends in a 404."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ICON = re.compile(r'<link rel="icon" href="/static/([^"]+)"')


@pytest.mark.parametrize(
    "path",
    ["/", "/catalog/", "/login/", "/console/login/", "/kiosk/CY-ZWZX-01/enrol/", "/api/v1/docs"],
)
def test_each_kind_of_page_links_an_icon_that_exists(path):
    response = Client().get(path)
    assert response.status_code == 200
    icons = ICON.findall(response.content.decode())
    assert icons == ["ninhaoban/favicon.svg"]
    assert finders.find(icons[0])


def test_favicon_ico_redirects_to_a_shipped_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    target = response.headers["Location"].removeprefix("/static/")
    with open(finders.find(target), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO header
