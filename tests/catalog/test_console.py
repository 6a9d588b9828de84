import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ninhaoban.catalog import selectors, transfer
from ninhaoban.catalog.models import ServiceItem, VersionState
from ninhaoban.console.catalog_forms import form_from_content

pytestmark = pytest.mark.django_db

CITY = "421200000000"
CHONGYANG = "421223000000"
XIANAN = "421202000000"


def item(name: str, region: str) -> ServiceItem:
    return (
        selectors.list_items(region=region).get(item__base__name=name, item__region_id=region).item
    )


def form_of(it: ServiceItem) -> dict:
    values = form_from_content(selectors.version_content(selectors.current_version(it)))
    if not values["kiosk_enabled"]:
        values.pop("kiosk_enabled")
    return values


def test_catalog_admin_edits_previews_and_publishes_a_draft(staff_client):
    client = staff_client("catalog.chongyang")
    it = item("医疗费用报销", CHONGYANG)
    response = client.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    assert response.status_code == 302 and draft is not None
    values = form_of(it)
    values["promised_days"] = 10
    values["steps"] = "受理 | clerk | 0 |\n审核 | approver | 9 |\n决定 | chief | 1 |"
    response = client.post(f"/console/catalog/versions/{draft.pk}/edit/", values)
    assert response.status_code == 302
    preview = client.get(f"/console/catalog/versions/{draft.pk}/preview/").content.decode()
    assert "承诺10个工作日" in preview and "草稿" in preview
    response = client.post(
        f"/console/catalog/versions/{draft.pk}/publish/", {"valid_from": "2026-11-01"}
    )
    assert response.status_code == 302
    current = selectors.current_version(it)
    assert current.pk == draft.pk and current.promised_days == 10
    assert client.get(f"/console/catalog/versions/{draft.pk}/edit/").status_code == 409


def test_edit_errors_are_listed_and_nothing_is_written(staff_client):
    client = staff_client("catalog.chongyang")
    it = item("特种设备使用登记", CHONGYANG)
    client.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    values = {**form_of(it), "promised_days": 99, "type_label": "批办"}
    response = client.post(f"/console/catalog/versions/{draft.pk}/edit/", values)
    page = response.content.decode()
    assert response.status_code == 422 and "批办" in page and "超过法定时限" in page
    assert selectors.draft_of(it).promised_days == 5


def test_catalog_admin_is_limited_to_their_region(staff_client):
    client = staff_client("catalog.chongyang")
    other = item("医疗费用报销", CITY)
    assert client.post(f"/console/catalog/items/{other.code}/draft/").status_code == 403
    assert client.get(f"/console/catalog/items/{other.code}/").status_code == 403
    assert selectors.draft_of(other) is None
    listing = client.get("/console/catalog/").content.decode()
    assert "崇阳县" in listing and "咸安区" not in listing
    assert staff_client("clerk.chongyang").get("/console/catalog/").status_code == 403


def test_new_item_and_end_it(staff_client):
    client = staff_client("catalog")
    template = item("门诊慢特病待遇认定", CITY)
    values = {
        **form_of(template),
        "base_code": template.base.code,
        "region": "421223100000",
        "department_type": "healthcare_security",
    }
    response = client.post("/console/catalog/new/", values)
    assert response.status_code == 302
    new = ServiceItem.objects.get(region_id="421223100000", base=template.base)
    draft = selectors.draft_of(new)
    assert draft.state == VersionState.DRAFT and new.department.region_id == CHONGYANG
    client.post(f"/console/catalog/versions/{draft.pk}/publish/", {"valid_from": "2026-11-02"})
    assert (
        client.post(f"/console/catalog/items/{new.code}/end/", {"on": "2026-11-03"}).status_code
        == 302
    )
    assert selectors.current_version(new) is None
    page = client.get(f"/console/catalog/items/{new.code}/").content.decode()
    assert "2026-11-03" in page


def test_audit_report_page_json_and_csv(staff_client):
    client = staff_client("supervisor")
    page = client.get("/console/catalog/audit/").content.decode()
    assert "同事同标" in page and "贫困证明" in page and "崇阳县" in page
    data = client.get("/console/catalog/audit/", {"format": "json"}).json()
    assert data["summary"]["materials"] >= 2 and data["findings"]
    csv = client.get("/console/catalog/audit/", {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "贫困证明" in csv.content.decode()
    county = staff_client("catalog.chongyang").get("/console/catalog/audit/?format=json").json()
    assert county["findings"] and {f["region_code"] for f in county["findings"]} == {CHONGYANG}
    assert staff_client("clerk.city").get("/console/catalog/audit/").status_code == 403


def test_stats_page_and_json(staff_client):
    client = staff_client("catalog")
    assert "一次不用跑" in client.get("/console/catalog/stats/").content.decode()
    data = client.get("/console/catalog/stats/?format=json").json()
    assert data["total"]["items"] == selectors.current_versions().count()


def test_import_and_export_pages(staff_client):
    client = staff_client("catalog")
    raw = client.get("/console/catalog/export.xlsx").content
    assert raw.startswith(b"PK")
    upload = SimpleUploadedFile("catalog.xlsx", raw)
    page = client.post("/console/catalog/transfer/", {"file": upload}).content.decode()
    assert "导入完成" in page
    bad = transfer.read_xlsx(raw)[0]
    bad["service_items"][0]["promised_days"] = 999
    upload = SimpleUploadedFile("catalog.json", json.dumps(bad).encode())
    response = client.post("/console/catalog/transfer/", {"file": upload})
    assert response.status_code == 422 and "service_items[0]" in response.content.decode()
    county = staff_client("catalog.chongyang")
    upload = SimpleUploadedFile("catalog.xlsx", raw)
    assert county.post("/console/catalog/transfer/", {"file": upload}).status_code == 403
    assert client.get("/console/catalog/export.csv").status_code == 422


def test_a_sample_file_is_attached_to_a_draft_and_served_with_the_guide(
    staff_client, client, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    admin = staff_client("catalog")
    it = item("公共场所卫生许可", CITY)
    admin.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    pdf = SimpleUploadedFile("样表.pdf", b"%PDF-1.4 sample", content_type="application/pdf")
    response = admin.post(
        f"/console/catalog/versions/{draft.pk}/file/",
        {"position": "1", "kind": "sample", "file": pdf},
    )
    assert response.status_code == 302
    url = f"/catalog/versions/{draft.pk}/materials/1/sample"
    assert url in admin.get(f"/console/catalog/versions/{draft.pk}/preview/").content.decode()
    assert client.get(url).status_code == 403
    exe = SimpleUploadedFile("virus.exe", b"MZ")
    bad = admin.post(
        f"/console/catalog/versions/{draft.pk}/file/",
        {"position": "1", "kind": "sample", "file": exe},
    )
    assert bad.status_code == 422
    admin.post(f"/console/catalog/versions/{draft.pk}/publish/", {"valid_from": "2026-11-20"})
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert url in client.get(f"/catalog/items/{it.code}/").content.decode()
    assert client.get(f"/catalog/versions/{draft.pk}/materials/9/sample").status_code == 404


def test_a_draft_can_be_discarded_and_the_path_is_shown(staff_client):
    client = staff_client("catalog")
    it = item("最低生活保障申请", XIANAN)
    client.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    assert "各环节合计20个工作日" in client.get(f"/catalog/items/{it.code}/").content.decode()
    assert client.post(f"/console/catalog/versions/{draft.pk}/discard/").status_code == 302
    assert selectors.draft_of(it) is None
    published = selectors.current_version(it)
    assert client.post(f"/console/catalog/versions/{published.pk}/discard/").status_code == 409
