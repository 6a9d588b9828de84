"""办事指南: everything a person needs to apply in one go (一次告知), for one service item
or for a 一件事 bundle, as data that the page, the PDF and the API all render the same way.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from ninhaoban.catalog import selectors
from ninhaoban.catalog.models import (
    ONLINE_MIN_DEPTH,
    Bundle,
    CaseKind,
    DeliveryMethod,
    Fee,
    ItemType,
    MaterialRequirement,
    MaterialSource,
    OnlineDepth,
    ProcessStep,
    Requirement,
    ServiceItem,
    ServiceItemVersion,
    SpecialProcedure,
)
from ninhaoban.catalog.rules import critical_path, material_key, plan_days
from ninhaoban.core.errors import NotFound
from ninhaoban.core.weburls import web_url
from ninhaoban.regions.selectors import halls_with_windows

DATA_NAMES = {
    "hrss.insurance_record": "社会保险个人参保缴费记录（人社部门）",
    "housing_fund.deposit_record": "住房公积金缴存记录（公积金中心）",
    "real_estate.property_record": "不动产登记信息（不动产登记中心）",
    "real_estate.no_property": "无房记录（不动产登记中心）",
    "market.business_registration": "营业执照登记信息（市场监管部门）",
    "public_security.household": "户籍信息（公安部门）",
    "civil_affairs.marriage": "婚姻登记信息（民政部门）",
    "health.birth_certificate": "出生医学证明信息（卫生健康部门）",
    "real_estate.premises": "经营场所产权信息（不动产登记中心）",
    "tax.payment_record": "完税信息（税务部门）",
}


def source_text(material: "MaterialRequirement | MergedMaterial") -> str:
    """Where the document comes from, in the words the guide's PDF uses (pages show the
    source's label in the chosen language, `portal/templates/catalog/_source.html`)."""
    if material.source == MaterialSource.LICENCE:
        return f"电子证照（证照类型{material.licence_type_code}），免提交"
    if material.source == MaterialSource.SHARED_DATA:
        name = DATA_NAMES.get(material.data_key, material.data_key)
        return f"部门共享数据：{name}，免提交"
    if material.source == MaterialSource.GOVERNMENT:
        return f"由{material.issuer or '政府部门'}出具"
    if material.source == MaterialSource.GENERATED:
        return "平台根据申请表生成，免提交"
    if material.template:
        return "申请人自备，或选用示范文本在线生成"
    return "申请人自备"


@dataclass(frozen=True)
class HallInfo:
    name: str
    address: str
    phone: str
    hours: str
    windows: list[str]


@dataclass
class Guide:
    item: ServiceItem
    version: ServiceItemVersion
    materials: list[MaterialRequirement]
    fees: list[Fee]
    steps: list[ProcessStep]
    halls: list[HallInfo]
    online_link: str

    @property
    def title(self) -> str:
        return self.version.name

    @property
    def item_type(self) -> str:
        return ItemType(self.item.base.item_type).label

    @property
    def visits_text(self) -> str:
        visits = self.version.visits_required
        if visits == 0:
            return "一次不用跑（全程网办）"
        if visits == 1:
            return "最多跑一次"
        return f"到现场{visits}次"

    @property
    def limits_text(self) -> str:
        v = self.version
        if v.case_kind == CaseKind.IMMEDIATE:
            return f"即办件，当场办结（法定时限{v.legal_days}个工作日）"
        return f"承诺件：承诺{v.promised_days}个工作日，法定{v.legal_days}个工作日"

    @property
    def special_procedures(self) -> list[str]:
        return [SpecialProcedure(s).label for s in self.version.special_procedures]

    @property
    def delivery(self) -> list[str]:
        return [DeliveryMethod(d).label for d in self.version.delivery_methods]

    @property
    def online_depth(self) -> str:
        return OnlineDepth(self.version.online_depth).label

    @property
    def critical_path(self) -> int:
        return critical_path(
            {"working_days": s.working_days, "parallel_group": s.parallel_group} for s in self.steps
        )


def halls_for(item: ServiceItem) -> list[HallInfo]:
    """The halls of the item's region with the windows that accept it: its department's
    windows and the general windows (一窗受理)."""
    halls = halls_with_windows(item.region)
    out = []
    for hall in halls:
        windows = [
            f"{w.number}号 {w.name}"
            for w in hall.windows.all()
            if w.is_general or w.department_id == item.department_id
        ]
        out.append(HallInfo(hall.name, hall.address, hall.phone, hall.hours, windows))
    return out


def apply_url(item: ServiceItem) -> str:
    """Where the item is applied for online: the portal's 网上申报 page."""
    return f"{settings.NHB_BASE_URL}/apply/?item={item.code}"


def guide_for(item: ServiceItem, day: dt.date | None = None) -> Guide:
    version = selectors.version_on(item, day)
    if version is None:
        raise NotFound(
            f"{item.base.name}（{item.region.name}）当前没有有效的办事指南",
            f"no guide in force for {item.code}",
            field="code",
        )
    return guide_of_version(item, version)


def guide_of_version(item: ServiceItem, version: ServiceItemVersion) -> Guide:
    """Also used to preview a draft before it is published. A stored address that is not
    http(s) (written before the catalog refused them) is never offered as a link."""
    online = version.online_url if web_url(version.online_url) else ""
    if not online and version.online_depth >= ONLINE_MIN_DEPTH:
        online = apply_url(item)
    return Guide(
        item=item,
        version=version,
        materials=list(version.materials.all()),
        fees=list(version.fees.all()),
        steps=list(version.steps.all()),
        halls=halls_for(item),
        online_link=online,
    )


@dataclass
class MergedMaterial:
    """One document of a bundle's merged list and the items that ask for it."""

    name: str
    source: str
    licence_type_code: str
    data_key: str
    issuer: str
    required: bool
    copies: int
    items: list[str] = field(default_factory=list)
    template: str = ""  # every item asking takes the city's model text


@dataclass
class BundleGuide:
    bundle: Bundle
    guides: list[Guide]
    stages: list[tuple[int, list[Guide]]]
    materials: list[MergedMaterial]
    plan_days: int
    halls: list[HallInfo]

    @property
    def departments(self) -> list[str]:
        return sorted({g.item.department.name for g in self.guides})

    @property
    def zero_visits(self) -> bool:
        """一次不用跑: every item of the bundle can be done without coming to a hall."""
        return all(g.version.visits_required == 0 for g in self.guides)

    @property
    def requested_total(self) -> int:
        return sum(len(g.materials) for g in self.guides)


def merge_materials(guides: list[Guide]) -> list[MergedMaterial]:
    """A document asked by several items appears once: same licence type, same data set or
    same normalized name. It is required if any item requires it."""
    merged: dict[str, MergedMaterial] = {}
    for guide in guides:
        for m in guide.materials:
            key = material_key(
                {
                    "name": m.name,
                    "source": m.source,
                    "licence_type_code": m.licence_type_code,
                    "data_key": m.data_key,
                }
            )
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = MergedMaterial(
                    m.name,
                    m.source,
                    m.licence_type_code,
                    m.data_key,
                    m.issuer,
                    m.requirement != Requirement.OPTIONAL,
                    m.copies,
                    template=m.template,
                )
            entry.required = entry.required or m.requirement != Requirement.OPTIONAL
            entry.copies = max(entry.copies, m.copies)
            if entry.template != m.template:
                entry.template = ""
            if guide.title not in entry.items:
                entry.items.append(guide.title)
    return list(merged.values())


def bundle_guide(bundle: Bundle) -> BundleGuide:
    members = selectors.bundle_members(bundle)
    guides: list[Guide] = []
    stages_map: dict[int, list[Guide]] = {}
    for member in members:
        guide = guide_for(member.item)
        guides.append(guide)
        stages_map.setdefault(member.stage, []).append(guide)
    days = plan_days(
        (m.stage, g.version.promised_days) for m, g in zip(members, guides, strict=True)
    )
    return BundleGuide(
        bundle=bundle,
        guides=guides,
        stages=sorted(stages_map.items()),
        materials=merge_materials(guides),
        plan_days=days,
        halls=bundle_halls(bundle),
    )


def bundle_halls(bundle: Bundle) -> list[HallInfo]:
    """A bundle is accepted at the general windows of its region's halls."""
    out = []
    for hall in halls_with_windows(bundle.region):
        windows = [f"{w.number}号 {w.name}" for w in hall.windows.all() if w.is_general]
        out.append(HallInfo(hall.name, hall.address, hall.phone, hall.hours, windows))
    return out


def bundle_url(bundle: Bundle) -> str:
    return f"{settings.NHB_BASE_URL}/catalog/bundles/{bundle.code}/"
