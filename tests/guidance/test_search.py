"""Search wired to the catalog: selectors, API, command, pages, synonyms and index freshness."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ninhaoban.catalog import selectors as catalog
from ninhaoban.catalog import services as catalog_services
from ninhaoban.core.errors import Conflict, InvalidInput, NotFound
from ninhaoban.guidance import index, selectors, services
from ninhaoban.guidance.engine import MAX_QUERY_CHARS, QueryTooLong
from ninhaoban.guidance.models import IndexChange, Synonym
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db

CHONGYANG = "421223000000"
TIANCHENG_VILLAGE = "421223100200"
XIANAN = "421202000000"
CITY = "421200000000"


def names(results) -> list[str]:
    return [r.name for r in results]


def test_a_life_event_returns_its_bundle_first_with_its_items(synonyms):
    first = selectors.search("生孩子要办什么")[0]
    assert (first.kind, first.code, first.name) == ("bundle", "xinshenger-chusheng", "新生儿出生")
    assert [m["name"] for m in first.items] == [
        "出生医学证明首次签发",
        "出生登记（户口登记）",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
    ]


def test_a_villager_sees_what_their_county_and_city_offer(synonyms):
    results = selectors.search("食品经营许可", region=TIANCHENG_VILLAGE)
    items = [r for r in results if r.kind == "item"]
    assert items and all(r.region_code in (CHONGYANG, CITY) for r in items)
    assert items[0].name == "食品经营许可"
    assert items[0].region_code == CHONGYANG
    for r in selectors.search("低保", region=TIANCHENG_VILLAGE, limit=50):
        assert r.region_code in (CHONGYANG, CITY, "421223100000", TIANCHENG_VILLAGE)


def test_region_filter_excludes_other_counties(synonyms):
    # 城乡居民基本养老保险参保登记 exists in the counties only, not at the city.
    in_xianan = selectors.search("新农保", region=XIANAN)
    assert in_xianan[0].region_code == XIANAN
    assert all(r.region_code != CHONGYANG for r in in_xianan)


def test_level_filter(synonyms):
    results = selectors.search("公积金", level="county", limit=50)
    assert results and all(r.level == "county" for r in results)


def test_without_a_region_one_result_per_base_item(synonyms):
    results = selectors.search("食品经营许可", limit=50)
    assert names(results).count("食品经营许可") == 1


def test_bad_parameters_are_domain_errors():
    with pytest.raises(InvalidInput):
        selectors.search("公积金", level="province")
    with pytest.raises(InvalidInput):
        selectors.search("公积金", limit=0)
    with pytest.raises(InvalidInput):
        selectors.search("公积金", region="42")
    with pytest.raises(NotFound):
        selectors.search("公积金", region="429999")
    with pytest.raises(QueryTooLong):
        selectors.search("公" * (MAX_QUERY_CHARS + 1))
    assert selectors.search("") == []


def _new_item(name: str):
    """A new base item implemented in 崇阳县, as a catalog admin would create it."""
    template = catalog.current_versions().filter(item__region_id=CHONGYANG).first()
    content = catalog.version_content(template)
    content["name"] = name
    base = catalog_services.create_base_item(
        code="2000999000",
        name=name,
        item_type="20",
        legal_days=5,
        actor="staff:1",
        aliases=["电动车上牌"],
    )
    item = template.item
    return catalog_services.create_service_item(
        base=base, region=item.region, department=item.department, content=content, actor="staff:1"
    )


def test_publishing_a_version_updates_the_index(django_capture_on_commit_callbacks):
    assert "电动自行车登记" not in names(selectors.search("电动自行车登记"))
    with django_capture_on_commit_callbacks(execute=True):
        draft = _new_item("电动自行车登记")
    assert "电动自行车登记" not in names(selectors.search("电动自行车登记"))
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.publish(draft, actor="staff:1")
    found = selectors.search("电动车上牌")
    assert found[0].name == "电动自行车登记"
    assert found[0].code == draft.item.code
    assert selectors.search("ddzxc")[0].name == "电动自行车登记"


def test_ending_an_item_removes_it_from_the_index(django_capture_on_commit_callbacks):
    version = _new_item("电动自行车登记")
    catalog_services.publish(version, actor="staff:1", valid_from=dt.date(2026, 1, 2))
    assert selectors.search("电动自行车登记")[0].name == "电动自行车登记"
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.end_item(version.item, actor="staff:1")
    assert "电动自行车登记" not in names(selectors.search("电动自行车登记"))


def test_changes_without_signals_are_seen_through_the_stamp(monkeypatch):
    """Bulk imports write with bulk_create (no signals); another process's signals never
    arrive here. Both are caught by the stamp once the freshness interval has passed."""
    assert selectors.search("拿红本") == []
    before = index.current()
    services.save_synonym(term="拿红本", target="结婚登记", actor="staff:1")
    assert index.current() is before
    monkeypatch.setattr(index, "FRESHNESS_SECONDS", 0.0)
    assert index.current() is not before
    assert selectors.search("拿红本")[0].name == "结婚登记"


def test_a_change_seen_only_by_its_signal_reaches_other_processes(monkeypatch):
    """An alias edited in another process: its signal cannot drop this process's index, but
    the marker it wrote (in the same transaction) changes the stamp."""
    before = index.current()
    markers = IndexChange.objects.count()
    base = catalog.current_versions().first().item.base
    base.aliases = [*base.aliases, "一个新说法"]
    base.save()
    assert IndexChange.objects.count() == markers + 1
    assert index.current() is before
    monkeypatch.setattr(index, "FRESHNESS_SECONDS", 0.0)
    assert selectors.search("一个新说法")[0].name == base.name


def test_rebuild_command_leaves_one_fresh_marker_for_every_process():
    services.mark_index_stale()
    services.mark_index_stale()
    newest = IndexChange.objects.latest("pk").pk
    call_command("search", "--rebuild")
    kept = list(IndexChange.objects.order_by("pk").values_list("pk", flat=True))
    assert len(kept) == 2 and kept[0] == newest and kept[1] > newest


def test_drafts_do_not_touch_the_index():
    version = catalog.current_versions().first()
    markers = IndexChange.objects.count()
    catalog_services.create_draft(version.item, actor="staff:1")
    assert IndexChange.objects.count() == markers


def test_synonyms_are_validated_and_recorded():
    added = NewEntries()
    row = services.save_synonym(term=" 扯结婚证 ", target="结婚登记", actor="staff:7")
    assert row.term == "扯结婚证"
    assert added.kinds == ["guidance.synonym_added"]
    with pytest.raises(Conflict):
        services.save_synonym(term="扯结婚证", target="结婚登记", actor="staff:7")
    with pytest.raises(InvalidInput):
        services.save_synonym(term="", target="结婚登记", actor="staff:7")
    with pytest.raises(InvalidInput):
        services.save_synonym(term="结婚登记", target="结婚登记", actor="staff:7")
    with pytest.raises(InvalidInput):
        services.save_synonym(term="长" * 40, target="结婚登记", actor="staff:7")
    services.save_synonym(term="扯证了", target="结婚登记", actor="staff:7", synonym=row)
    assert added.kinds == ["guidance.synonym_added", "guidance.synonym_changed"]
    services.delete_synonym(row, actor="staff:7")
    assert not Synonym.objects.filter(pk=row.pk).exists()
    assert added.kinds[-1] == "guidance.synonym_deleted" and len(added.kinds) == 3


def test_api_search(client, synonyms):
    response = client.get("/api/v1/guidance/search", {"q": "开饭店", "region": "421223"})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["kind"] == "bundle" and body[0]["name"] == "开办餐饮店"
    assert {m["name"] for m in body[0]["items"]} == {"个体工商户设立登记", "食品经营许可"}
    item = next(r for r in body if r["kind"] == "item")
    assert item["name"] == "食品经营许可" and item["region_code"] == CHONGYANG
    assert set(item) >= {"name", "kind", "code", "score"}
    assert client.get("/api/v1/guidance/search").json() == []


def test_api_answers_bad_input_with_4xx(client):
    long = client.get("/api/v1/guidance/search", {"q": "办" * 65})
    assert long.status_code == 422
    assert long.json()["code"] == "query_too_long"
    assert "过长" in long.json()["message"]
    assert client.get("/api/v1/guidance/search", {"q": "x", "region": "abc"}).status_code == 422
    assert client.get("/api/v1/guidance/search", {"q": "x", "region": "429999"}).status_code == 404
    assert client.get("/api/v1/guidance/search", {"q": "x", "limit": 500}).status_code == 422


def test_command_prints_json_best_first(capsys, synonyms):
    call_command("search", "gjj", "--json")
    results = json.loads(capsys.readouterr().out)
    assert results and all({"name", "kind", "code", "score"} <= set(r) for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert "公积金" in results[0]["name"]


def test_command_rebuilds_and_reports_errors(capsys):
    call_command("search", "--rebuild")
    assert "documents" in capsys.readouterr().out
    call_command("search", "社保证明", "--region", "421223")
    assert "社会保险个人权益记录" in capsys.readouterr().out
    with pytest.raises(CommandError, match="过长"):
        call_command("search", "办" * 65)


def test_portal_page_and_instant_results(client, synonyms):
    page = client.get("/search/", {"q": "取公积金"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "个人住房公积金提取" in html and 'hx-get="/search/results/"' in html
    fragment = client.get("/search/results/", {"q": "sbzm"}).content.decode()
    assert "社会保险个人权益记录" in fragment and "<html" not in fragment
    event = client.get("/search/results/", {"q": "生孩子"}).content.decode()
    assert 'href="/catalog/bundles/xinshenger-chusheng/"' in event
    first_item = selectors.search("社保证明")[0]
    assert f'href="/catalog/items/{first_item.code}/"' in fragment
    assert client.get(f"/catalog/items/{first_item.code}/").status_code == 200
    nothing = client.get("/search/results/", {"q": "火星移民"}).content.decode()
    assert "没有找到" in nothing


def test_pages_answer_bad_input_with_a_message(client):
    response = client.get("/search/", {"q": "办" * 65})
    assert response.status_code == 422
    assert "过长" in response.content.decode()
    assert client.get("/search/results/", {"q": "x", "region": "429999"}).status_code == 404


def test_signed_in_applicant_searches_in_their_region(client, synonyms):
    from ninhaoban.accounts.models import Applicant

    person = Applicant.objects.exclude(user=None).exclude(region_id=CITY).first()
    client.force_login(person.user)
    html = client.get("/search/", {"q": "食品经营许可"}).content.decode()
    assert person.region.name in html


def test_kiosk_page(client, synonyms):
    html = client.get("/kiosk/search/", {"q": "gjj"}).content.decode()
    assert 'class="kiosk"' in html
    assert 'data-key="g"' in html
    assert "公积金" in html
    assert "vendor/htmx.min.js" in html


def test_home_has_the_search_box(client):
    html = Client().get("/").content.decode()
    assert 'action="/search/"' in html


def test_city_catalog_admin_keeps_the_synonym_table_in_the_admin(staff_client):
    client = staff_client("catalog")
    form = {"term": "扯证", "target": "结婚登记", "note": "方言"}
    added = NewEntries()
    assert client.post("/admin/guidance/synonym/add/", form).status_code == 302
    row = Synonym.objects.get(term="扯证")
    assert row.updated_by.startswith("staff:")
    assert added.kinds == ["guidance.synonym_added"]
    again = client.post("/admin/guidance/synonym/add/", form)
    assert again.status_code == 200 and "已存在" in again.content.decode()
    assert (
        client.post(f"/admin/guidance/synonym/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert added.kinds == ["guidance.synonym_added", "guidance.synonym_deleted"]


def test_county_staff_cannot_edit_the_city_wide_table(staff_client):
    assert staff_client("catalog.chongyang").get("/admin/guidance/synonym/").status_code == 403
    assert staff_client("clerk.city").get("/admin/guidance/synonym/add/").status_code == 403
