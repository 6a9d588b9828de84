"""The 进驻 register (应进必进): which departments are stationed at a hall and which items it
takes in, and how. The console sends a hall's whole register at once, so a change is one
replacement checked as a whole, never a half-applied list."""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from ninhaoban.catalog.models import HallDepartment, HallItem, OfferMode, ServiceItem
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.services import record
from ninhaoban.regions.models import ServiceHall, code_prefix
from ninhaoban.regions.selectors import departments_by_id, lock_hall


@dataclass(frozen=True)
class RegisterChange:
    hall_id: int
    departments: int
    items: int


def _serves(hall: ServiceHall, region_code: str) -> bool:
    """A hall stations and takes in what belongs to its own region or a region above it
    (a village station takes in the county's items: 受理在村、审批在县)."""
    return hall.region_id.startswith(code_prefix(region_code))


def _modes(item: ServiceItem, given: Sequence[str]) -> list[str]:
    modes = list(dict.fromkeys(given))
    if not modes or any(m not in OfferMode.values for m in modes):
        raise InvalidInput(
            f"事项“{item.base.name}”的进驻方式无效：请选择部门窗口、综合窗口或视频帮办",
            f"item {item.code}: choose how it is offered (department or general window, video)",
            field="modes",
        )
    return [m for m in OfferMode.values if m in modes]


@transaction.atomic
def set_hall_register(
    hall: ServiceHall,
    *,
    department_ids: Iterable[int],
    offers: Mapping[int, Sequence[str]],
    actor: str,
) -> RegisterChange:
    """Replace the hall's register: `department_ids` stationed, `offers` {item id: modes}.
    An item offered at a department's own window needs that department stationed."""
    hall = lock_hall(hall.pk)
    wanted = set(department_ids)
    departments = departments_by_id(wanted)
    if len(departments) != len(wanted):
        raise InvalidInput(
            "所选部门不存在", "a chosen department does not exist", field="departments"
        )
    for dept in departments.values():
        if not _serves(hall, dept.region_id):
            raise InvalidInput(
                f"{dept.name}不属于{hall.name}所在区划或其上级，不能进驻",
                f"{dept.name} is not of the hall's region or above it",
                field="departments",
            )
    items = ServiceItem.objects.select_related("base").in_bulk(list(offers))
    if len(items) != len(offers):
        raise InvalidInput("所选事项不存在", "a chosen item does not exist", field="items")
    rows = []
    for item_id, given in offers.items():
        item = items[item_id]
        if not _serves(hall, item.region_id):
            raise InvalidInput(
                f"事项“{item.base.name}”属于其他区划，{hall.name}不能进驻（可通过全市通办收件）",
                f"item {item.code} belongs to another region; the hall takes it in as 通办 only",
                field="items",
            )
        modes = _modes(item, given)
        if OfferMode.DEPARTMENT in modes and item.department_id not in wanted:
            raise InvalidInput(
                f"事项“{item.base.name}”在部门窗口办理，须先进驻{item.department.name}",
                f"item {item.code} is offered at its department's window: station "
                "the department first",
                field="items",
            )
        rows.append(HallItem(hall=hall, item=item, modes=modes))
    HallDepartment.objects.filter(hall=hall).delete()
    HallItem.objects.filter(hall=hall).delete()
    HallDepartment.objects.bulk_create(HallDepartment(hall=hall, department_id=d) for d in wanted)
    HallItem.objects.bulk_create(rows)
    register = {
        "departments": sorted(wanted),
        "items": {str(r.item_id): r.modes for r in sorted(rows, key=lambda r: r.item_id)},
    }
    digest = hashlib.sha256(
        json.dumps(register, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    record(
        "catalog.hall_register_set",
        f"hall:{hall.pk}",
        actor,
        {"departments": len(wanted), "items": len(rows), "digest": digest},
    )
    return RegisterChange(hall.pk, len(wanted), len(rows))
