"""The demo's 进驻 register (应进必进).

- 市民之家 and the county and zone halls station every department that implements items of
  their region and offer all of those items: at the department's own window where the hall
  has one, else at the 综合窗口. On purpose, 崇阳县政务服务中心 does not offer the
  不动产 items (they are handled at the county's separate 不动产登记分中心), so its 进驻率 is
  below 100 %.
- A town's 便民服务中心 stations its 人民政府 and takes in the town's own items and the
  county's 便民 items (受理在乡镇、审批在县) at the 综合窗口.
- A village's (community's) 便民服务点 takes in the same county items and its town's items by
  代办 at the 综合窗口 and by 视频帮办.
"""

from collections import defaultdict

from django.db import transaction

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import OfferMode, ServiceItem
from ninhaoban.catalog.services import set_hall_register
from ninhaoban.regions.models import DepartmentType, Level, ServiceHall, Window
from ninhaoban.regions.selectors import ancestors

# the county items a town or village hall takes in for the county (受理在村、审批在县)
NEAR_HOME = (
    "城乡居民基本养老保险参保登记",
    "城乡居民基本医疗保险参保登记",
    "最低生活保障申请",
    "残疾人证申领",
    "社会保障卡申领",
)
NOT_STATIONED = {("421223000000", DepartmentType.REAL_ESTATE)}


def _items_by_region() -> dict[str, list[ServiceItem]]:
    out: dict[str, list[ServiceItem]] = defaultdict(list)
    for version in selectors.current_versions():
        out[version.item.region_id].append(version.item)
    return out


@transaction.atomic
def seed() -> str:
    items = _items_by_region()
    windows: dict[int, set[int]] = defaultdict(set)
    for hall_id, dept_id in Window.objects.filter(department__isnull=False).values_list(
        "hall_id", "department_id"
    ):
        windows[hall_id].add(dept_id)
    halls = ServiceHall.objects.select_related("region", "region__parent").order_by("region_id")
    offered = 0
    for hall in halls:
        if hall.region.level in (Level.CITY, Level.COUNTY):
            own = [
                i
                for i in items.get(hall.region_id, [])
                if (hall.region_id, i.department.dept_type) not in NOT_STATIONED
            ]
            departments = {i.department_id for i in own}
            offers = {
                i.pk: [
                    OfferMode.DEPARTMENT
                    if i.department_id in windows[hall.pk]
                    else OfferMode.GENERAL
                ]
                for i in own
            }
        else:
            chain = ancestors(hall.region)
            town = next(r for r in chain if r.level in (Level.TOWN, Level.COUNTY))
            town_items = items.get(town.code, []) if town.level == Level.TOWN else []
            near_home = []
            for name in NEAR_HOME:
                found = next(
                    (
                        i
                        for region in chain
                        for i in items.get(region.code, [])
                        if i.base.name == name
                    ),
                    None,
                )
                if found is not None:
                    near_home.append(found)
            modes = (
                [OfferMode.GENERAL]
                if hall.region.level == Level.TOWN
                else [OfferMode.GENERAL, OfferMode.VIDEO]
            )
            offers = {i.pk: list(modes) for i in (*town_items, *near_home)}
            departments = (
                {i.department_id for i in town_items} if hall.region.level == Level.TOWN else set()
            )
        set_hall_register(hall, department_ids=departments, offers=offers, actor="system")
        offered += len(offers)
    return f"进驻: {halls.count()} halls, {offered} item offers"
