import pytest

from ninhaoban.exchange.models import DataAuthorization
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/exchange/datasource/",
    "/admin/exchange/dataauthorization/",
    "/admin/exchange/dataquery/",
    "/admin/licences/licence/",
    "/admin/licences/licencetype/",
    "/admin/licences/proof/",
]


def test_admin_lists_open(sources, staff_client):
    admin = staff_client("admin")
    for page in PAGES:
        assert admin.get(page).status_code == 200, page
    assert admin.get("/admin/exchange/dataquery/add/").status_code == 403


def test_admin_grants_and_withdraws_rights_through_the_ledger(sources, staff_client):
    admin = staff_client("admin")
    form = {"data_key": "civil_affairs.marriage", "item_code": "X1", "role": "clerk"}
    added = NewEntries()
    response = admin.post(
        "/admin/exchange/dataauthorization/add/", {**form, "purpose": "t", "active": "on"}
    )
    assert response.status_code == 302
    row = DataAuthorization.objects.get(item_code="X1")
    assert added.kinds == ["exchange.authorized"]
    admin.post(f"/admin/exchange/dataauthorization/{row.pk}/change/", {**form, "purpose": "t"})
    assert not DataAuthorization.objects.get(pk=row.pk).active
    assert added.kinds == ["exchange.authorized", "exchange.authorization_withdrawn"]
