import pytest

pytestmark = pytest.mark.django_db


def test_items_filter_and_page(client):
    data = client.get("/api/v1/catalog/items", {"region": "421223", "limit": 5}).json()
    assert data["count"] > 20 and len(data["items"]) == 5
    assert all(i["region"].startswith("421223") for i in data["items"])
    housing = client.get("/api/v1/catalog/items", {"department": "housing_fund"}).json()
    assert {i["name"] for i in housing["items"]} >= {"个人住房公积金提取"}


def test_guide_json_lists_materials_with_their_source(client):
    code = client.get("/api/v1/catalog/items", {"q": "不动产转移登记"}).json()["items"][0]["code"]
    guide = client.get(f"/api/v1/catalog/items/{code}").json()
    sources = {m["name"]: m["source_text"] for m in guide["materials"]}
    assert "免提交" in sources["不动产权证书"] and guide["fees"] and guide["halls"]
    assert client.get("/api/v1/catalog/items/nothing").status_code == 404


def test_bundle_json_merges_materials(client):
    bundle = client.get("/api/v1/catalog/bundles/qiye-kaiban").json()
    names = [m["name"] for m in bundle["materials"]]
    assert names.count("营业执照") == 1 and bundle["plan_days"] == 1
    assert len(names) < bundle["requested_total"]


def test_audit_api_is_scoped(client, staff_client):
    assert client.get("/api/v1/catalog/audit").status_code in (401, 403)
    assert staff_client("clerk.chongyang").get("/api/v1/catalog/audit").status_code == 403
    county = staff_client("catalog.chongyang").get("/api/v1/catalog/audit").json()
    assert {f["region_code"] for f in county["findings"]} == {"421223000000"}
    city = staff_client("supervisor").get("/api/v1/catalog/audit").json()
    assert len(city["findings"]) > len(county["findings"])
