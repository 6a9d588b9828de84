"""A catalog's web address (网上办理地址) is an http(s) address on an allowed host, whichever
way it comes in (the draft form, a JSON or XLSX import), and a guide never links anything else,
not even from a row written before the rule."""

import json

import pytest
from django.test import override_settings

from ninhaoban.catalog import selectors, services, transfer
from ninhaoban.catalog.models import ServiceItemVersion
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.core.weburls import host_allowed, web_url
from tests.catalog.test_console import CHONGYANG, form_of, item
from tests.catalog.test_transfer import edit

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/apply",
    "ftp://zwfw.hubei.gov.cn/x",
    "https://user:pass@zwfw.hubei.gov.cn/",
    "https://evil.example/apply",
    "https://zwfw.hubei.gov.cn.evil.example/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_the_draft_form_refuses_a_script_or_foreign_address(staff_client, url):
    client = staff_client("catalog.chongyang")
    it = item("特种设备使用登记", CHONGYANG)
    client.post(f"/console/catalog/items/{it.code}/draft/")
    draft = selectors.draft_of(it)
    response = client.post(
        f"/console/catalog/versions/{draft.pk}/edit/", {**form_of(it), "online_url": url}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "网上办理地址" in page
    assert selectors.draft_of(it).online_url == ""


def test_the_service_refuses_with_a_bilingual_422():
    it = item("特种设备使用登记", CHONGYANG)
    content = selectors.version_content(selectors.current_version(it))
    with pytest.raises(CatalogRejected) as refused:
        services.create_draft(
            it, actor="system", content={**content, "online_url": "javascript:alert(1)"}
        )
    error = refused.value
    assert error.status == 422 and error.field == "online_url"
    assert "http" in error.message_zh and "http" in error.message_en


def test_an_allowed_address_is_kept():
    it = item("特种设备使用登记", CHONGYANG)
    content = selectors.version_content(selectors.current_version(it))
    url = "https://zwfw.hubei.gov.cn/apply?item=1"
    draft = services.create_draft(it, actor="system", content={**content, "online_url": url})
    assert draft.online_url == url


@override_settings(NHB_CATALOG_URL_HOSTS=["apply.example.org"])
def test_the_allowed_hosts_come_from_the_settings():
    it = item("特种设备使用登记", CHONGYANG)
    content = selectors.version_content(selectors.current_version(it))
    with pytest.raises(CatalogRejected):
        services.create_draft(
            it, actor="system", content={**content, "online_url": "https://zwfw.hubei.gov.cn/"}
        )
    draft = services.create_draft(
        it, actor="system", content={**content, "online_url": "https://apply.example.org/x"}
    )
    assert draft.online_url == "https://apply.example.org/x"


def test_json_and_xlsx_imports_refuse_it():
    data = transfer.export_data()
    data["service_items"][0]["online_url"] = "javascript:alert(1)"
    with pytest.raises(CatalogRejected) as refused:
        transfer.import_file(json.dumps(data).encode(), "x.json", actor="system")
    assert any(p.field == "online_url" for p in refused.value.problems)
    raw = edit(transfer.export_file("c.xlsx"), "实施清单", 2, "online_url", "javascript:x()")
    with pytest.raises(CatalogRejected) as refused:
        transfer.import_file(raw, "c.xlsx", actor="system")
    assert any(p.field == "网上办理地址" for p in refused.value.problems)


def test_a_guide_never_links_a_script_written_before_the_rule(client):
    it = item("特种设备使用登记", CHONGYANG)
    version = selectors.current_version(it)
    ServiceItemVersion.objects.filter(pk=version.pk).update(online_url="javascript:alert(1)")
    page = client.get(f"/catalog/items/{it.code}/").content.decode()
    assert "javascript:" not in page


def test_the_pure_rules():
    assert web_url("https://zwfw.hubei.gov.cn/a?b=1")
    assert web_url("http://127.0.0.1:8000/apply/")
    for url in HOSTILE[:9]:
        assert not web_url(url), url
    allowed = ["127.0.0.1", ".gov.cn"]
    assert host_allowed("https://zwfw.hubei.gov.cn/x", allowed)
    assert host_allowed("https://gov.cn/x", allowed)
    assert host_allowed("http://127.0.0.1:8000/apply/", allowed)
    assert not host_allowed("https://evil.example/", allowed)
    assert not host_allowed("https://zwfw.hubei.gov.cn.evil.example/", allowed)
    assert not host_allowed("https://evilgov.cn/", allowed)
    assert host_allowed("https://anything.example/", ["*"])
