import pytest

from ninhaoban.catalog.models import ServiceItemVersion, TypeLabel
from ninhaoban.ledger.models import LedgerSubject

pytestmark = pytest.mark.django_db


def test_admin_lists_the_catalog_read_only(staff_client):
    client = staff_client("admin")
    version = ServiceItemVersion.objects.first()
    for url in [
        "/admin/catalog/baseitem/",
        "/admin/catalog/serviceitem/",
        "/admin/catalog/serviceitemversion/",
        f"/admin/catalog/serviceitemversion/{version.pk}/change/",
        "/admin/catalog/bundle/",
        "/admin/catalog/typelabel/",
        "/admin/catalog/proofrequirement/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/catalog/serviceitemversion/add/").status_code == 403


def test_a_type_label_added_in_the_admin_goes_through_the_service(staff_client):
    client = staff_client("admin")
    response = client.post(
        "/admin/catalog/typelabel/add/",
        {"label": "验收", "item_type": "10", "note": "竣工验收"},
    )
    assert response.status_code == 302
    assert TypeLabel.objects.get(label="验收").item_type == "10"
    assert LedgerSubject.objects.filter(subject="type_label:验收").exists()
