import pytest

from ninhaoban.regions.models import Level, Region, RegionKind, ServiceHall, Window, code_prefix
from ninhaoban.regions.selectors import subtree, window_names

pytestmark = pytest.mark.django_db


def test_tree_counts():
    assert Region.objects.filter(level=Level.CITY).count() == 1
    assert Region.objects.filter(level=Level.COUNTY).count() == 7  # 6 counties + 咸宁高新区
    assert Region.objects.filter(level=Level.TOWN).count() == 89  # the 2022 statistical list
    assert Region.objects.filter(level=Level.VILLAGE).count() >= 100
    # Codes 400-599 at the town digits: 10 farms, forest farms and reserves, 9 zones and parks.
    assert Region.objects.filter(level=Level.TOWN, kind=RegionKind.FARM).count() == 10
    assert Region.objects.filter(level=Level.TOWN, kind=RegionKind.ZONE).count() == 9


def test_county_codes_and_parents():
    names = dict(Region.objects.filter(level=Level.COUNTY).values_list("code", "name"))
    assert names["421202000000"] == "咸安区"
    assert names["421223000000"] == "崇阳县"
    assert names["421281000000"] == "赤壁市"
    zone = Region.objects.get(name="咸宁高新区")
    assert zone.kind == RegionKind.ZONE and zone.parent_id == "421202000000"
    town = Region.objects.get(code="421223100000")
    assert town.name == "天城镇" and town.parent.name == "崇阳县"


def test_subtree_by_code_range():
    chongyang = Region.objects.get(code="421223000000")
    codes = set(subtree(chongyang).values_list("code", flat=True))
    assert all(c.startswith("421223") for c in codes)
    assert len(codes) == 1 + 3 * Region.objects.filter(parent=chongyang).count()
    assert code_prefix("421223100000") == "421223100"
    assert code_prefix("421200000000") == "4212"


def test_halls_at_every_level():
    assert ServiceHall.objects.filter(region__level=Level.CITY).count() == 1
    assert ServiceHall.objects.filter(region__level=Level.COUNTY).count() == 7
    assert ServiceHall.objects.filter(region__level=Level.TOWN).count() == 89
    assert ServiceHall.objects.filter(region__level=Level.VILLAGE).count() >= 100
    assert Window.objects.filter(hall__name="咸宁市民之家", is_general=True).count() >= 8


def test_demo_is_idempotent():
    from ninhaoban.demo import regions

    before = (Region.objects.count(), ServiceHall.objects.count(), Window.objects.count())
    regions.seed()
    assert (Region.objects.count(), ServiceHall.objects.count(), Window.objects.count()) == before


def test_region_api(client):
    response = client.get("/api/v1/regions/421223")
    assert response.status_code == 200
    assert response.json()["name"] == "崇阳县"
    assert client.get("/api/v1/regions/421299").status_code == 404
    bad = client.get("/api/v1/regions/42x")
    assert bad.status_code == 422 and "行政区划代码" in bad.json()["message"]


def test_workdays_api(client):
    ok = client.get("/api/v1/regions/workdays/add", {"date": "2026-09-30", "n": 20})
    assert ok.json()["result"] == "2026-11-03" and ok.json()["provisional"] is False
    ahead = client.get("/api/v1/regions/workdays/add", {"date": "2027-03-01", "n": 1})
    assert ahead.json() == {
        "date": "2027-03-01",
        "n": 1,
        "result": "2027-03-02",
        "provisional": True,
    }
    outside = client.get("/api/v1/regions/workdays/add", {"date": "2028-12-20", "n": 20})
    assert outside.status_code == 422
    assert "工作日历未覆盖" in outside.json()["message"]
    between = client.get(
        "/api/v1/regions/workdays/between", {"start": "2026-09-30", "end": "2026-10-31"}
    )
    assert between.json()["working_days"] == 18


def test_workdays_cli(capsys):
    from django.core.management import CommandError, call_command

    call_command("workdays", "add", "2026-09-30", "20")
    assert capsys.readouterr().out.strip() == "2026-11-03"
    call_command("workdays", "between", "2026-09-30", "2026-10-31")
    assert capsys.readouterr().out.strip() == "18"
    with pytest.raises(CommandError, match="工作日历未覆盖"):
        call_command("workdays", "add", "2028-12-20", "20")


def test_window_names_read_as_the_window_itself():
    windows = list(Window.objects.select_related("hall").order_by("pk")[:40])
    assert windows
    assert window_names(w.pk for w in windows) == {w.pk: str(w) for w in windows}
