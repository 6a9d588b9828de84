"""Reads of the catalog that other apps (cases, guidance, kiosk, supervision) rely on.

"Current" always means the published version valid on a given day (today by default):
valid_from ≤ day < valid_to, with an open end while valid_to is empty.
"""

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ninhaoban.catalog.models import (
    BaseItem,
    Bundle,
    BundleItem,
    FormField,
    HallDepartment,
    HallItem,
    MaterialRequirement,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
    VersionState,
)
from ninhaoban.core.errors import NotFound
from ninhaoban.regions.models import CODE_GROUPS, Level, Region, ServiceHall
from ninhaoban.regions.selectors import ancestors, halls_in, regions_at, subtree_q

VERSION_FIELDS = (
    "name",
    "type_label",
    "case_kind",
    "legal_days",
    "promised_days",
    "visits_required",
    "online_depth",
    "kiosk_enabled",
    "min_assurance",
    "conditions",
    "legal_basis",
    "delivery_methods",
    "special_procedures",
    "online_url",
    "licence_type_code",
    "establishes_organization",
)
MATERIAL_FIELDS = (
    "name",
    "requirement",
    "form",
    "copies",
    "source",
    "licence_type_code",
    "data_key",
    "issuer",
    "notes",
    "sample",
    "blank_form",
    "fields",
    "template",
)
FEE_FIELDS = ("name", "standard", "amount", "basis", "waivable")
STEP_FIELDS = ("name", "role", "working_days", "parallel_group")


def today() -> dt.date:
    return timezone.localdate()


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": VersionState.PUBLISHED, f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


# The version in force of an item, as intake needs it for every application: read once with
# its item, base item, region and department, then only checked. Publishing a successor or
# ending the item always sets the old version's valid_to, and versions never overlap, so a
# version whose own row still says "in force on that day" is the one in force: the check is
# one primary-key read, and a rolled-back or deleted version simply misses. The related rows
# (names of regions and departments) are kept at most IN_FORCE_TTL seconds.
_IN_FORCE: dict[tuple[str, dt.date], tuple[ServiceItemVersion, float]] = {}
IN_FORCE_TTL = 300.0
IN_FORCE_CACHE_SIZE = 4096


def version_in_force(item_code: str, day: dt.date) -> ServiceItemVersion | None:
    """The published version of the item valid on `day`, with its item, base item, region
    (and its parent) and department; None when there is none (or no such item)."""
    key = (item_code, day)
    found = _IN_FORCE.get(key)
    if found is not None and found[1] > time.monotonic() and _still_in_force(found[0], day):
        return found[0]
    version = (
        ServiceItemVersion.objects.filter(valid_on_q(day), item__code=item_code)
        .select_related(
            "item", "item__base", "item__region", "item__region__parent", "item__department"
        )
        .first()
    )
    if version is None:
        _IN_FORCE.pop(key, None)
        return None
    if len(_IN_FORCE) >= IN_FORCE_CACHE_SIZE:
        _IN_FORCE.clear()
    _IN_FORCE[key] = (version, time.monotonic() + IN_FORCE_TTL)
    return version


def _still_in_force(version: ServiceItemVersion, day: dt.date) -> bool:
    table = ServiceItemVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE id = %s AND state = %s AND published_at = %s "
            "AND valid_from <= %s AND (valid_to IS NULL OR valid_to > %s)",
            [
                version.pk,
                VersionState.PUBLISHED,
                connection.ops.adapt_datetimefield_value(version.published_at),
                day,
                day,
            ],
        )
        return cursor.fetchone() is not None


def get_base_item(code: str) -> BaseItem:
    try:
        return BaseItem.objects.get(code=code)
    except BaseItem.DoesNotExist:
        raise NotFound(f"基本编码{code}不存在", f"no base item {code}", field="base_code") from None


def item_exists(code: str) -> bool:
    return ServiceItem.objects.filter(code=code).exists()


def get_item(code: str) -> ServiceItem:
    try:
        return ServiceItem.objects.select_related(
            "base", "region", "region__parent", "department"
        ).get(code=code)
    except ServiceItem.DoesNotExist:
        raise NotFound(f"实施编码{code}不存在", f"no service item {code}", field="code") from None


def get_version(version_id: int) -> ServiceItemVersion:
    try:
        return ServiceItemVersion.objects.select_related(
            "item", "item__base", "item__region", "item__department"
        ).get(pk=version_id)
    except (ServiceItemVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            f"版本{version_id}不存在", f"no version {version_id}", field="version"
        ) from None


def version_on(item: ServiceItem, day: dt.date | None = None) -> ServiceItemVersion | None:
    """The published version in force on `day`: what a case made that day is bound to."""
    return item.versions.filter(valid_on_q(day or today())).first()


def current_version(item: ServiceItem) -> ServiceItemVersion | None:
    return version_on(item)


def draft_of(item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.filter(state=VersionState.DRAFT).first()


def latest_published(item: ServiceItem) -> ServiceItemVersion | None:
    return item.versions.filter(state=VersionState.PUBLISHED).order_by("-valid_from").first()


def versions_of(item: ServiceItem) -> list[ServiceItemVersion]:
    return list(item.versions.order_by("-number"))


def current_versions(day: dt.date | None = None) -> QuerySet[ServiceItemVersion]:
    """Every service item's version in force, with what lists and guides need joined."""
    return (
        ServiceItemVersion.objects.filter(valid_on_q(day or today()))
        .select_related("item", "item__base", "item__region", "item__department")
        .order_by("item__code")
    )


@dataclass(frozen=True)
class WindowItem:
    """One line of a window's item picker: the version in force and whether the window's own
    region (or one above it) decides it; otherwise the window only takes it in (全市通办) and
    the case goes to `version.item.department`."""

    version: ServiceItemVersion
    local: bool


def window_items(region_codes: list[str], day: dt.date | None = None) -> list[WindowItem]:
    """全市通办: every item in force in the city of the window's regions, its own first.
    "Own" means an item of one of `region_codes` or of a region above one of them, so a
    town's window counts its county's items as its own (受理在乡镇、审批在县)."""
    if not region_codes:
        return []
    cities = {code[:4] for code in region_codes}
    city_q = Q()
    for city in cities:
        city_q |= subtree_q("item__region", city)
    rows = []
    for version in current_versions(day).filter(city_q):
        prefix = version.item.region.prefix
        rows.append(WindowItem(version, any(c.startswith(prefix) for c in region_codes)))
    rows.sort(key=lambda row: (not row.local, row.version.name, row.version.item.region_id))
    return rows


def version_content(version: ServiceItemVersion) -> dict[str, Any]:
    """The version as plain data: the form of the JSON export and of import comparisons."""
    data: dict[str, Any] = {f: getattr(version, f) for f in VERSION_FIELDS}
    data["delivery_methods"] = list(data["delivery_methods"])
    data["special_procedures"] = list(data["special_procedures"])
    data["materials"] = [
        {
            **{f: getattr(m, f) for f in MATERIAL_FIELDS if f not in ("sample", "blank_form")},
            "sample": m.sample.name or "",
            "blank_form": m.blank_form.name or "",
        }
        for m in version.materials.all()
    ]
    data["fees"] = [
        {
            **{f: getattr(fee, f) for f in FEE_FIELDS},
            "amount": None if fee.amount is None else str(fee.amount),
        }
        for fee in version.fees.all()
    ]
    data["steps"] = [{f: getattr(s, f) for f in STEP_FIELDS} for s in version.steps.all()]
    return data


def list_items(
    *,
    region: str = "",
    department_type: str = "",
    item_type: str = "",
    text: str = "",
    day: dt.date | None = None,
) -> QuerySet[ServiceItemVersion]:
    """Current versions filtered as the public catalog list filters them."""
    qs = current_versions(day)
    if region:
        qs = qs.filter(subtree_q("item__region_id", region))
    if department_type:
        qs = qs.filter(item__department__dept_type=department_type)
    if item_type:
        qs = qs.filter(item__base__item_type=item_type)
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(item__base__name__contains=text))
    return qs


def base_code_of(item_code: str) -> str | None:
    """The 基本编码 a 实施编码 implements (None for an unknown item)."""
    return ServiceItem.objects.filter(code=item_code).values_list("base__code", flat=True).first()


def get_bundle(code: str) -> Bundle:
    try:
        return Bundle.objects.select_related("region").get(code=code)
    except Bundle.DoesNotExist:
        raise NotFound(f"一件事{code}不存在", f"no bundle {code}", field="bundle") from None


def bundles(region: str = "") -> QuerySet[Bundle]:
    qs = Bundle.objects.select_related("region").prefetch_related(
        Prefetch("members", queryset=BundleItem.objects.select_related("item", "item__base"))
    )
    return qs.filter(subtree_q("region_id", region)) if region else qs


def bundle_members(bundle: Bundle) -> list[BundleItem]:
    return list(
        bundle.members.select_related(
            "item", "item__base", "item__region", "item__department"
        ).order_by("position")
    )


def filter_regions() -> QuerySet[Region]:
    """The regions a catalog list can be narrowed to: the city and the county level."""
    return regions_at([Level.CITY, Level.COUNTY])


# A published version's materials and steps never change (an edit is a new version), so each
# process keeps those it has read: intake needs them for every application. The key carries
# the publication time too, so a row id reused after a rollback never finds another
# version's content; drafts are always read afresh.
_CONTENT: dict[tuple[int, dt.datetime], tuple[list[MaterialRequirement], list[ProcessStep]]] = {}
CONTENT_CACHE_SIZE = 4096


def _content(version: ServiceItemVersion) -> tuple[list[MaterialRequirement], list[ProcessStep]]:
    def read() -> tuple[list[MaterialRequirement], list[ProcessStep]]:
        return list(version.materials.order_by("position")), list(
            version.steps.order_by("position")
        )

    if version.state != VersionState.PUBLISHED or version.published_at is None:
        return read()
    key = (version.pk, version.published_at)
    found = _CONTENT.get(key)
    if found is None:
        if len(_CONTENT) >= CONTENT_CACHE_SIZE:
            _CONTENT.clear()
        found = _CONTENT[key] = read()
    return found


def materials_of(version: ServiceItemVersion) -> list[MaterialRequirement]:
    """The version's material requirements by position (shared, read-only instances)."""
    return _content(version)[0]


def steps_of(version: ServiceItemVersion) -> list[ProcessStep]:
    """The version's process steps by position (shared, read-only instances)."""
    return _content(version)[1]


def items_for_console(text: str = "") -> QuerySet[ServiceItem]:
    """Every implemented item (to be scoped by the caller), those whose name holds `text`."""
    items = ServiceItem.objects.select_related("base", "region", "department")
    return items.filter(base__name__contains=text) if text else items


def items_with_drafts(item_ids: list[int]) -> set[int]:
    return set(
        ServiceItemVersion.objects.filter(item__in=item_ids, state="draft").values_list(
            "item_id", flat=True
        )
    )


@dataclass(frozen=True)
class EntryRate:
    """进驻率 of one hall: of the items in force implemented in the hall's own region (应进
    事项), how many it offers; of the departments implementing them, how many are stationed.
    A rate is None where nothing is due (a village station takes in only its county's and
    town's items: it has no items of its own)."""

    hall_id: int
    hall_name: str
    region_code: str
    level: str
    required_items: int
    offered_items: int
    required_departments: int
    stationed_departments: int
    offers: int

    @property
    def item_rate(self) -> float | None:
        return self.offered_items / self.required_items if self.required_items else None

    @property
    def department_rate(self) -> float | None:
        if not self.required_departments:
            return None
        return self.stationed_departments / self.required_departments


def entry_rates(region_code: str, day: dt.date | None = None) -> list[EntryRate]:
    """进驻率 of every hall in the region's subtree (docs/contracts.md, for [Oversight]).
    Four queries whatever the number of halls."""
    halls = list(halls_in(region_code))
    regions = {h.region_id for h in halls}
    due: dict[str, set[int]] = {}
    due_departments: dict[str, set[int]] = {}
    for item_id, region_id, department_id in (
        current_versions(day)
        .filter(item__region_id__in=regions)
        .values_list("item_id", "item__region_id", "item__department_id")
    ):
        due.setdefault(region_id, set()).add(item_id)
        due_departments.setdefault(region_id, set()).add(department_id)
    offered: dict[int, set[int]] = {}
    for hall_id, item_id in HallItem.objects.filter(hall__in=halls).values_list(
        "hall_id", "item_id"
    ):
        offered.setdefault(hall_id, set()).add(item_id)
    stationed: dict[int, set[int]] = {}
    for hall_id, dept_id in HallDepartment.objects.filter(hall__in=halls).values_list(
        "hall_id", "department_id"
    ):
        stationed.setdefault(hall_id, set()).add(dept_id)
    return [
        EntryRate(
            hall_id=h.pk,
            hall_name=h.name,
            region_code=h.region_id,
            level=h.region.level,
            required_items=len(due.get(h.region_id, set())),
            offered_items=len(due.get(h.region_id, set()) & offered.get(h.pk, set())),
            required_departments=len(due_departments.get(h.region_id, set())),
            stationed_departments=len(
                due_departments.get(h.region_id, set()) & stationed.get(h.pk, set())
            ),
            offers=len(offered.get(h.pk, set())),
        )
        for h in halls
    ]


def entry_rate(hall: ServiceHall, day: dt.date | None = None) -> EntryRate:
    return next(r for r in entry_rates(hall.region_id, day) if r.hall_id == hall.pk)


@dataclass(frozen=True)
class Place:
    """A hall where an item can be handed in, how, and how near it is to the applicant
    (the number of code levels shared with their region: 5 = the same village)."""

    hall: ServiceHall
    modes: list[str]
    nearness: int


def _shared_levels(a: str, b: str) -> int:
    shared, cut = 0, 0
    for size in CODE_GROUPS:
        if a[cut : cut + size] != b[cut : cut + size]:
            break
        shared, cut = shared + 1, cut + size
    return shared


def where_to_apply(item: ServiceItem, near: str = "", limit: int = 5) -> list[Place]:
    """就近办: the halls that take the item in, nearest to `near` (the applicant's region,
    else the item's own) first; among equally near ones the higher hall (the county's
    centre before another town's)."""
    near = near if len(near) == 12 and near.isdigit() else item.region_id
    places = [
        Place(offer.hall, list(offer.modes), _shared_levels(offer.hall.region_id, near))
        for offer in HallItem.objects.filter(item=item).select_related("hall", "hall__region")
    ]
    places.sort(key=lambda p: (-p.nearness, len(p.hall.region.prefix), p.hall.name))
    return places[:limit]


def hall_register(hall: ServiceHall) -> tuple[list[int], dict[int, list[str]]]:
    """The hall's register as the console form edits it: department ids, {item id: modes}."""
    departments = list(
        HallDepartment.objects.filter(hall=hall).values_list("department_id", flat=True)
    )
    offers = {o.item_id: list(o.modes) for o in HallItem.objects.filter(hall=hall)}
    return departments, offers


def hall_candidates(hall: ServiceHall) -> QuerySet[ServiceItemVersion]:
    """The items in force a hall may register: those of its region and the regions above."""
    codes = [r.code for r in ancestors(hall.region)]
    return (
        current_versions()
        .filter(item__region_id__in=codes)
        .order_by("item__region_id", "item__department_id", "name")
    )


def form_fields() -> list[FormField]:
    """The city's 字段库, by key."""
    return list(FormField.objects.order_by("key"))


def form_field(key: str) -> FormField:
    row = FormField.objects.filter(key=key).first()
    if row is None:
        raise NotFound(f"字段库没有字段“{key}”", f"no field {key} in the field library")
    return row


def form_fields_exist(keys: list[str]) -> bool:
    return FormField.objects.filter(key__in=keys).exists()


def published_field_uses() -> dict[str, int]:
    """For each field key, how many published versions print it on a form: a field in use
    is part of what those versions published."""
    uses: dict[str, set[int]] = {}
    rows = MaterialRequirement.objects.filter(version__state=VersionState.PUBLISHED)
    for version_id, keys in rows.values_list("version_id", "fields"):
        for key in keys or []:
            uses.setdefault(key, set()).add(version_id)
    return {key: len(versions) for key, versions in uses.items()}
