"""签发证照: a version names the licence type an approval of the item issues; the code goes
through the draft form, the JSON and XLSX files and publication like every other field."""

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from ninhaoban.catalog import selectors, services, transfer
from ninhaoban.catalog.models import PublishedVersionFrozen, ServiceItem
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.console.catalog_forms import form_from_content
from ninhaoban.core.errors import Conflict

pytestmark = pytest.mark.django_db

CHONGYANG = "421223000000"
BUSINESS_LICENCE = "11100000000013338W001"
FOOD_LICENCE = "11100000000013338W002"


def item(name: str, region: str = CHONGYANG) -> ServiceItem:
    return ServiceItem.objects.get(base__name=name, region_id=region)


def content_of(it: ServiceItem) -> dict:
    return selectors.version_content(selectors.current_version(it))


def test_the_demo_catalog_names_what_items_issue():
    assert content_of(item("个体工商户设立登记"))["licence_type_code"] == BUSINESS_LICENCE
    assert content_of(item("食品经营许可"))["licence_type_code"] == FOOD_LICENCE
    assert content_of(item("最低生活保障申请"))["licence_type_code"] == ""


def test_the_code_round_trips_through_json_and_xlsx():
    getihu = item("个体工商户设立登记")
    for name in ("catalog.json", "catalog.xlsx"):
        raw = transfer.export_file(name)
        data, _, problems = transfer.parse_file(raw, name)
        assert problems == []
        row = next(i for i in data["service_items"] if i["code"] == getihu.code)
        assert row["licence_type_code"] == BUSINESS_LICENCE
    book = load_workbook(io.BytesIO(transfer.export_file("c.xlsx")), read_only=True)
    header = next(book["实施清单"].iter_rows(values_only=True))
    assert "颁发证照类型代码" in header and "licence_type_code" not in header

    data = json.loads(transfer.export_file("catalog.json"))
    row = next(i for i in data["service_items"] if i["code"] == getihu.code)
    start = selectors.today() + dt.timedelta(days=30)
    row["licence_type_code"], row["valid_from"] = FOOD_LICENCE, start.isoformat()
    result = transfer.import_file(json.dumps(data).encode(), "catalog.json", actor="system")
    assert result.versions_published == 1
    assert selectors.version_on(getihu, selectors.today()).licence_type_code == BUSINESS_LICENCE
    later = selectors.latest_published(getihu)
    assert later.licence_type_code == FOOD_LICENCE
    exported = json.loads(transfer.export_file("catalog.json", later.valid_from))
    again = next(i for i in exported["service_items"] if i["code"] == getihu.code)
    assert again["licence_type_code"] == FOOD_LICENCE


def test_a_draft_takes_the_code_and_a_published_version_keeps_it():
    it = item("企业设立登记")
    published = selectors.current_version(it)
    published.licence_type_code = FOOD_LICENCE
    with pytest.raises(PublishedVersionFrozen):
        published.save()
    with pytest.raises(Conflict):
        services.update_draft(published, {**content_of(it), "licence_type_code": ""}, actor="x")

    draft = services.create_draft(it, actor="system")
    assert draft.licence_type_code == BUSINESS_LICENCE  # copied from the version in force
    assert draft.establishes_organization
    with pytest.raises(CatalogRejected) as refused:  # a new organization is given its licence
        services.update_draft(draft, {**content_of(it), "licence_type_code": ""}, actor="system")
    assert refused.value.problems[0].field == "establishes_organization"
    no_licence = {"licence_type_code": "", "establishes_organization": False}
    services.update_draft(draft, {**content_of(it), **no_licence}, actor="system")
    draft.refresh_from_db()
    assert draft.licence_type_code == "" and not draft.establishes_organization
    assert selectors.current_version(it).licence_type_code == BUSINESS_LICENCE
    shown = form_from_content(selectors.version_content(draft))
    assert shown["licence_type_code"] == "" and shown["establishes_organization"] is False


@pytest.mark.parametrize("code", ["营业执照", "W001", "11100000000013338W00X"])
def test_a_code_not_in_the_national_form_is_refused(code):
    it = item("企业设立登记")
    draft = services.create_draft(it, actor="system")
    with pytest.raises(CatalogRejected) as refused:
        services.update_draft(draft, {**content_of(it), "licence_type_code": code}, actor="x")
    assert refused.value.field == "licence_type_code"


def test_the_console_draft_form_edits_the_code(staff_client):
    client = staff_client("catalog.chongyang")
    it = item("医疗费用报销")
    client.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    page = client.get(f"/console/catalog/versions/{draft.pk}/edit/").content.decode()
    assert 'name="licence_type_code"' in page
    values = form_from_content(content_of(it))
    values.pop("kiosk_enabled")
    values["licence_type_code"] = "11100000000013338W007"
    assert client.post(f"/console/catalog/versions/{draft.pk}/edit/", values).status_code == 302
    draft.refresh_from_db()
    assert draft.licence_type_code == "11100000000013338W007"
    values["licence_type_code"] = "社保卡"
    refused = client.post(f"/console/catalog/versions/{draft.pk}/edit/", values)
    assert refused.status_code == 422 and "licence_type_code" in refused.content.decode()
