"""One navigation per audience: every portal page carries the portal's, every console page
the console's, and the console shows only the sections the staff member may open."""

import re

import pytest

from ninhaoban.catalog.models import Bundle, ServiceItem

PORTAL_LINKS = [
    "/",
    "/search/",
    "/catalog/",
    "/catalog/bundles/",
    "/progress/",
    "/ledger/",
    "/inspections/",
    "/evaluation/",
]


def _nav(html: str) -> list[str]:
    block = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S)
    assert block, "no main navigation"
    return re.findall(r'href="([^"]+)"', block.group(1))


@pytest.mark.django_db
def test_every_portal_page_has_the_same_navigation(client):
    item = ServiceItem.objects.order_by("pk").first()
    bundle = Bundle.objects.order_by("pk").first()
    pages = [
        "/",
        "/search/",
        "/catalog/",
        f"/catalog/items/{item.code}/",
        "/catalog/bundles/",
        "/ledger/",
        "/progress/",
        "/login/",
        "/console/login/",
        "/inspections/",
    ]
    if bundle is not None:
        pages.append(f"/catalog/bundles/{bundle.code}/")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _nav(response.content.decode()) == PORTAL_LINKS, url


@pytest.mark.django_db
def test_console_navigation_is_the_same_on_every_console_page(staff_client):
    clerk = staff_client("clerk.chongyang")
    navs = {
        url: _nav(clerk.get(url).content.decode())
        for url in [
            "/console/",
            "/console/cases/",
            "/console/cases/?queue=intake",
            "/console/cases/new/",
        ]
    }
    first = next(iter(navs.values()))
    assert all(nav == first for nav in navs.values()), navs
    assert "/console/cases/new/" in first and "/console/catalog/" not in first


@pytest.mark.django_db
def test_console_navigation_offers_only_what_the_roles_allow(staff_client):
    from ninhaoban.accounts.models import Role, StaffRole

    supervisor = StaffRole.objects.filter(role=Role.SUPERVISOR).first().staff.user.username
    catalog_admin = StaffRole.objects.filter(role=Role.CATALOG_ADMIN).first().staff.user.username
    for username, offered, withheld in [
        (supervisor, "/console/catalog/audit/", "/console/cases/new/"),
        (catalog_admin, "/console/catalog/", "/console/kiosks/"),
        (supervisor, "/console/inspections/", "/console/kiosks/"),
        (catalog_admin, "/console/catalog/", "/console/inspections/"),
    ]:
        client = staff_client(username)
        nav = _nav(client.get("/console/").content.decode())
        assert offered in nav and withheld not in nav, (username, nav)
        for url in nav:
            assert client.get(url).status_code == 200, (username, url)
