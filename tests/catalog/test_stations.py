"""The 进驻 register: what the demo stations, the 进驻率 it gives, 就近办 on the guide and the
search, and the console page that keeps it (bad input refused whole)."""

import pytest

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import HallDepartment, HallItem, OfferMode, ServiceItem
from ninhaoban.catalog.services import set_hall_register
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions.models import DepartmentType, ServiceHall

pytestmark = pytest.mark.django_db

CITY, CHONGYANG, TONGSHAN = "421200000000", "421223000000", "421224000000"
TIANCHENG, SHUANGGANG = "421223100000", "421223100200"


def hall_of(region: str) -> ServiceHall:
    return ServiceHall.objects.get(region_id=region)


def items_in_force(region: str) -> list[ServiceItem]:
    return [v.item for v in selectors.current_versions().filter(item__region_id=region)]


def test_city_hall_offers_every_city_item():
    rate = selectors.entry_rate(hall_of(CITY))
    assert rate.required_items == len(items_in_force(CITY)) > 0
    assert rate.item_rate == 1.0 and rate.department_rate == 1.0


def test_chongyang_hall_leaves_out_the_real_estate_items():
    own = items_in_force(CHONGYANG)
    estate = [i for i in own if i.department.dept_type == DepartmentType.REAL_ESTATE]
    rate = selectors.entry_rate(hall_of(CHONGYANG))
    assert estate and rate.required_items == len(own)
    assert rate.offered_items == len(own) - len(estate)
    assert rate.item_rate == pytest.approx((len(own) - len(estate)) / len(own))
    departments = {i.department_id for i in own}
    assert rate.stationed_departments == len(departments) - 1


def test_a_village_station_has_no_items_of_its_own_but_takes_in_county_and_town_ones():
    rate = selectors.entry_rate(hall_of(SHUANGGANG))
    assert rate.required_items == 0 and rate.item_rate is None and rate.offers > 0
    offered = HallItem.objects.filter(hall=hall_of(SHUANGGANG)).select_related("item")
    regions = {o.item.region_id for o in offered}
    assert regions <= {CHONGYANG, TIANCHENG, CITY} and TIANCHENG in regions
    assert all(o.modes == [OfferMode.GENERAL, OfferMode.VIDEO] for o in offered)
    town = selectors.entry_rate(hall_of(TIANCHENG))
    assert town.required_items == len(items_in_force(TIANCHENG)) == town.offered_items > 0


def test_rates_of_a_subtree_name_every_hall_once():
    rates = selectors.entry_rates(CHONGYANG)
    halls = ServiceHall.objects.filter(region__code__startswith="421223")
    assert sorted(r.hall_id for r in rates) == sorted(h.pk for h in halls)


def test_nearest_hall_first():
    dibao = ServiceItem.objects.get(base__name="最低生活保障申请", region_id=CHONGYANG)
    places = selectors.where_to_apply(dibao, SHUANGGANG, limit=10)
    # the village, its town's centre, the town's other station (as near), then the county
    assert [p.hall.region_id for p in places[:4]] == [
        SHUANGGANG,
        TIANCHENG,
        "421223100001",
        CHONGYANG,
    ]
    assert [p.nearness for p in places[:4]] == [5, 4, 4, 3]
    assert all(p.hall.region_id.startswith("421223") for p in places)
    assert selectors.where_to_apply(dibao)[0].hall.region_id == CHONGYANG


def test_bad_register_is_refused_whole():
    hall = hall_of(TIANCHENG)
    before = selectors.hall_register(hall)
    entries = LedgerEntry.objects.count()
    other = ServiceItem.objects.filter(region_id=TONGSHAN).first()
    own = ServiceItem.objects.filter(region_id=TIANCHENG).first()
    for offers in (
        {own.pk: ["bogus"]},
        {own.pk: []},
        {other.pk: ["general"]},
        {own.pk: ["department"]},
    ):
        with pytest.raises(InvalidInput):
            set_hall_register(hall, department_ids=[], offers=offers, actor="test")
    far = HallDepartment.objects.filter(hall__region_id=TONGSHAN).first().department_id
    with pytest.raises(InvalidInput):
        set_hall_register(hall, department_ids=[far], offers={}, actor="test")
    assert selectors.hall_register(hall) == before
    assert LedgerEntry.objects.count() == entries


def test_console_keeps_the_register(staff_client):
    client = staff_client("catalog.chongyang")
    listing = client.get("/console/catalog/halls/").content.decode()
    assert "崇阳县政务服务中心" in listing and "天城镇便民服务中心" in listing
    hall = hall_of(TIANCHENG)
    page = client.get(f"/console/catalog/halls/{hall.pk}/")
    assert page.status_code == 200 and 'id="entry-rate"' in page.content.decode()
    departments, offers = selectors.hall_register(hall)
    dropped = next(iter(offers))
    data = {"department": [str(d) for d in departments], "item": []}
    for item_id, modes in offers.items():
        if item_id != dropped:
            data["item"].append(str(item_id))
            data[f"mode-{item_id}"] = modes
    assert client.post(f"/console/catalog/halls/{hall.pk}/", data).status_code == 302
    assert dropped not in selectors.hall_register(hall)[1]
    data["item"].append(str(dropped))
    refused = client.post(f"/console/catalog/halls/{hall.pk}/", data)
    assert refused.status_code == 422 and "进驻方式无效" in refused.content.decode()
    assert dropped not in selectors.hall_register(hall)[1]
    assert client.get(f"/console/catalog/halls/{hall_of(TONGSHAN).pk}/").status_code == 403
    assert client.get("/console/catalog/halls/", {"region": TONGSHAN}).status_code == 403
    assert staff_client("clerk.chongyang").get("/console/catalog/halls/").status_code == 403


def test_guide_and_search_show_the_nearest_hall(client):
    dibao = ServiceItem.objects.get(base__name="最低生活保障申请", region_id=CHONGYANG)
    page = client.get(f"/catalog/items/{dibao.code}/", {"region": SHUANGGANG}).content.decode()
    where = page[page.index('id="where"') :]
    assert where.index("双港村便民服务点") < where.index("天城镇便民服务中心")
    assert where.index("天城镇便民服务中心") < where.index("崇阳县政务服务中心")
    found = client.get("/search/", {"q": "低保", "region": SHUANGGANG}).content.decode()
    assert "就近办理" in found and "双港村便民服务点" in found
