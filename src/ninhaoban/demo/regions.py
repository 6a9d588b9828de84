"""咸宁市's division tree, departments, halls and windows.

Towns come from the 2022 统计用区划代码 (data/xianning_towns_2022.csv, 国家统计局). The
village and community names are illustrative, two per town (a 社区 with code 001 and a 村
with code 200, following the statistical numbering), not the official list.
"""

import csv
from pathlib import Path

from django.db import transaction

from ninhaoban.core.idnumbers import organization_code_check_char, uscc_check_char
from ninhaoban.regions.models import (
    Department,
    DepartmentType,
    Level,
    Region,
    RegionKind,
    ServiceHall,
    Window,
)

DATA = Path(__file__).resolve().parent / "data"
CITY = ("421200000000", "咸宁市")
COUNTIES = [
    ("421202000000", "咸安区", "咸安区政务服务中心", "咸安区永安大道8号"),
    ("421221000000", "嘉鱼县", "嘉鱼县政务服务中心", "嘉鱼县鱼岳镇沙阳大道"),
    ("421222000000", "通城县", "通城县政务服务中心", "通城县隽水镇银山大道"),
    ("421223000000", "崇阳县", "崇阳县政务服务中心", "崇阳县天城镇桃溪大道"),
    ("421224000000", "通山县", "通山县政务服务中心", "通山县通羊镇九宫大道"),
    ("421281000000", "赤壁市", "赤壁市政务服务中心", "赤壁市蒲圻街道河北大道"),
]
# 咸宁高新区 has no GB/T 2260 code; it is a county-level zone inside 咸安区's code range,
# numbered 900 at the town digits, which the statistical list never uses.
HIGH_TECH_ZONE = ("421202900000", "咸宁高新区", "咸宁高新区政务服务中心", "咸宁高新区长江产业园")
COMMUNITY_NAMES = ["和平", "新华", "胜利", "幸福", "团结", "光明", "建设", "东风", "向阳", "文化"]
VILLAGE_NAMES = ["石门", "龙潭", "桃花", "双港", "白岩", "枫桥", "高枧", "大屋", "柳山", "杨林"]
DEPARTMENTS = [
    (DepartmentType.DATA, "政务服务和大数据管理局", "01"),
    (DepartmentType.MARKET, "市场监督管理局", "02"),
    (DepartmentType.HRSS, "人力资源和社会保障局", "03"),
    (DepartmentType.HEALTHCARE_SECURITY, "医疗保障局", "04"),
    (DepartmentType.REAL_ESTATE, "不动产登记中心", "05"),
    (DepartmentType.HOUSING_FUND, "住房公积金中心", "06"),
    (DepartmentType.PUBLIC_SECURITY, "公安局", "07"),
    (DepartmentType.NATURAL_RESOURCES, "自然资源和规划局", "08"),
    (DepartmentType.HOUSING, "住房和城乡建设局", "09"),
    (DepartmentType.TAX, "税务局", "10"),
    (DepartmentType.HEALTH, "卫生健康委员会", "11"),
    (DepartmentType.CIVIL_AFFAIRS, "民政局", "12"),
    (DepartmentType.TRANSPORT, "交通运输局", "13"),
    (DepartmentType.DEVELOPMENT, "发展和改革委员会", "14"),
    (DepartmentType.DISABLED_PERSONS, "残疾人联合会", "15"),
]
WINDOW_DEPARTMENTS = [
    DepartmentType.MARKET,
    DepartmentType.HRSS,
    DepartmentType.REAL_ESTATE,
    DepartmentType.HOUSING_FUND,
    DepartmentType.PUBLIC_SECURITY,
    DepartmentType.TAX,
]


def department_uscc(region_code: str, serial: str) -> str:
    """A well-formed USCC for a government body (登记管理部门 1, 机关 1)."""
    org8 = f"{region_code[2:6]}{serial}{region_code[6:8] or '00'}"[:8].ljust(8, "0")
    org9 = org8 + organization_code_check_char(org8)
    body = "11" + region_code[:6] + org9
    return body + uscc_check_char(body)


def township_uscc(town_code: str) -> str:
    """The USCC of a town's 人民政府 (or a 街道办事处): the 机关 of the county's code, its
    organization code made from the town's digits so no two towns share one."""
    org8 = f"9{town_code[4:9]}01"
    body = "11" + town_code[:6] + org8 + organization_code_check_char(org8)
    return body + uscc_check_char(body)


def _township(town: Region) -> Department:
    """A 乡镇人民政府 (街道办事处): the office that decides the items the law gives the town
    (农村村民宅基地审批, 生育登记, 老年人优待证)."""
    suffix = "办事处" if town.name.endswith("街道") else "人民政府"
    dept, _ = Department.objects.update_or_create(
        region=town,
        dept_type=DepartmentType.TOWNSHIP,
        defaults={"name": f"{town.name}{suffix}", "uscc": township_uscc(town.code)},
    )
    return dept


def town_kind(town_code: str, name: str) -> str:
    """Codes 400-599 at the town digits are town-level units that are not towns: farms,
    forest farms and reserves, or development zones and industrial parks."""
    if int(town_code[6:9]) < 400:
        return RegionKind.REGULAR
    if any(word in name for word in ("开发区", "园区", "工业园", "物流区")):
        return RegionKind.ZONE
    return RegionKind.FARM


def _region(code: str, name: str, level: str, parent: Region | None, kind: str) -> Region:
    region, _ = Region.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "kind": kind}
    )
    return region


def _hall(
    region: Region, name: str, address: str, windows: list[tuple[str, str, bool, Department | None]]
) -> ServiceHall:
    hall, _ = ServiceHall.objects.get_or_create(
        region=region, name=name, defaults={"address": address}
    )
    for number, window_name, general, department in windows:
        Window.objects.update_or_create(
            hall=hall,
            number=number,
            defaults={"name": window_name, "is_general": general, "department": department},
        )
    return hall


def _departments(region: Region, prefix_name: str) -> dict[str, Department]:
    out: dict[str, Department] = {}
    for dept_type, name, serial in DEPARTMENTS:
        dept, _ = Department.objects.update_or_create(
            region=region,
            dept_type=dept_type,
            defaults={"name": f"{prefix_name}{name}", "uscc": department_uscc(region.code, serial)},
        )
        out[dept_type] = dept
    return out


def _big_hall_windows(
    departments: dict[str, Department], general: int
) -> list[tuple[str, str, bool, Department | None]]:
    windows: list[tuple[str, str, bool, Department | None]] = [
        (f"{i:02d}", "综合受理窗口", True, None) for i in range(1, general + 1)
    ]
    for offset, dept_type in enumerate(WINDOW_DEPARTMENTS, start=general + 1):
        dept = departments[dept_type]
        windows.append((f"{offset:02d}", dept.name.removeprefix(dept.region.name), False, dept))
    windows.append((f"{general + len(WINDOW_DEPARTMENTS) + 1:02d}", "统一出件窗口", True, None))
    return windows


@transaction.atomic
def seed() -> dict[str, int]:
    city = _region(*CITY, Level.CITY, None, RegionKind.REGULAR)
    city_depts = _departments(city, "咸宁市")
    _hall(city, "咸宁市民之家", "咸宁市咸安区双鹤路", _big_hall_windows(city_depts, 8))
    counties = {}
    for code, name, hall_name, address in COUNTIES:
        county = _region(code, name, Level.COUNTY, city, RegionKind.REGULAR)
        counties[code[:6]] = county
        _hall(county, hall_name, address, _big_hall_windows(_departments(county, name), 4))
    code, name, hall_name, address = HIGH_TECH_ZONE
    zone = _region(code, name, Level.COUNTY, counties["421202"], RegionKind.ZONE)
    _hall(zone, hall_name, address, _big_hall_windows(_departments(zone, name), 2))

    with (DATA / "xianning_towns_2022.csv").open(encoding="utf-8") as handle:
        towns = list(csv.DictReader(handle))
    for i, row in enumerate(towns):
        county = counties[row["county_code"]]
        town = _region(
            row["town_code"] + "000",
            row["name"],
            Level.TOWN,
            county,
            town_kind(row["town_code"], row["name"]),
        )
        if town.kind == RegionKind.REGULAR:
            _township(town)
        _hall(
            town,
            f"{town.name}便民服务中心",
            f"{county.name}{town.name}",
            [("01", "综合受理窗口", True, None), ("02", "综合受理窗口", True, None)],
        )
        stem = COMMUNITY_NAMES[i % len(COMMUNITY_NAMES)]
        community = _region(
            row["town_code"] + "001", f"{stem}社区", Level.VILLAGE, town, RegionKind.REGULAR
        )
        village = _region(
            row["town_code"] + "200",
            f"{VILLAGE_NAMES[i % len(VILLAGE_NAMES)]}村",
            Level.VILLAGE,
            town,
            RegionKind.REGULAR,
        )
        for place in (community, village):
            _hall(
                place,
                f"{town.name}{place.name}便民服务点",
                f"{town.name}{place.name}",
                [("01", "代办帮办窗口", True, None)],
            )
    for n, stem in enumerate(["光谷南", "长江"], start=1):
        point = _region(
            f"{zone.code[:9]}{n:03d}", f"{stem}社区", Level.VILLAGE, zone, RegionKind.REGULAR
        )
        _hall(
            point,
            f"{zone.name}{point.name}便民服务点",
            f"{zone.name}{point.name}",
            [("01", "代办帮办窗口", True, None)],
        )
    return {level: Region.objects.filter(level=level).count() for level in Level.values}
