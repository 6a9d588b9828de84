import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ninhaoban.catalog import selectors, services
from ninhaoban.catalog.models import (
    BaseItem,
    MaterialRequirement,
    PublishedVersionFrozen,
    ServiceItem,
    VersionState,
)
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.core.errors import Conflict
from ninhaoban.ledger.models import LedgerSubject
from ninhaoban.regions.models import Department, Region

pytestmark = pytest.mark.django_db

CITY = "421200000000"


def demo_item(name: str, region: str = CITY) -> ServiceItem:
    version = (
        selectors.list_items(region=region)
        .filter(item__base__name=name)
        .get(item__region_id=region)
    )
    return version.item


def content_of(item: ServiceItem) -> dict:
    return selectors.version_content(selectors.current_version(item))


def test_demo_catalog_has_the_required_items():
    names = set(BaseItem.objects.values_list("name", flat=True))
    for name in [
        "个体工商户设立登记",
        "企业设立登记",
        "食品经营许可",
        "社会保险个人权益记录（参保缴费证明）打印",
        "国有建设用地使用权及房屋所有权首次登记",
        "建设项目用地预审与选址意见书",
        "特种设备使用登记",
    ]:
        assert name in names
    assert selectors.current_versions().count() >= 150
    assert ServiceItem.objects.values("region").distinct().count() >= 7


def test_implementation_code_is_uscc_level_digit_and_base_code():
    item = demo_item("企业设立登记")
    assert item.code == f"{item.department.uscc}3{item.base.code}"
    assert len(item.code) <= 36
    county = demo_item("企业设立登记", "421223000000")
    assert county.code[18] == "4"


def test_published_version_cannot_be_edited():
    item = demo_item("结婚登记")
    version = selectors.current_version(item)
    with pytest.raises(Conflict):
        services.update_draft(version, content_of(item), actor="system")
    version.promised_days = 0
    with pytest.raises(PublishedVersionFrozen):
        version.save()
    material = version.materials.first()
    material.name = "别的材料"
    with pytest.raises(PublishedVersionFrozen):
        material.save()
    with pytest.raises(PublishedVersionFrozen):
        MaterialRequirement.objects.get(pk=material.pk).delete()
    assert selectors.current_version(item).materials.first().name != "别的材料"


def test_published_content_is_read_once_per_process_and_a_draft_every_time():
    item = demo_item("结婚登记")
    published = selectors.current_version(item)
    names = [m.name for m in published.materials.order_by("position")]
    assert [m.name for m in selectors.materials_of(published)] == names
    with CaptureQueriesContext(connection) as ctx:
        assert [m.name for m in selectors.materials_of(published)] == names
        assert selectors.steps_of(published) == list(published.steps.order_by("position"))
    assert len(ctx.captured_queries) == 1  # the comparison's own read of the steps
    draft = services.create_draft(item, actor="system")
    selectors.steps_of(draft)
    changed = content_of(item)
    changed["steps"] = [{"name": "受理即办", "role": "clerk", "working_days": 0}]
    services.update_draft(draft, changed, actor="system")
    assert [s.name for s in selectors.steps_of(draft)] == ["受理即办"]


def test_publishing_ends_the_previous_version_without_gap_or_overlap():
    item = demo_item("个人住房公积金提取")
    before = selectors.current_version(item)
    changed = content_of(item)
    changed["promised_days"] = 0
    changed["case_kind"] = "immediate"
    changed["steps"] = [{"name": "受理即办", "role": "clerk", "working_days": 0}]
    draft = services.create_draft(item, actor="staff:1", content=changed)
    assert draft.state == VersionState.DRAFT and draft.number == before.number + 1
    start = dt.date(2026, 6, 1)
    services.publish(draft, actor="staff:1", valid_from=start)
    before.refresh_from_db()
    draft.refresh_from_db()
    assert before.valid_to == start == draft.valid_from and draft.valid_to is None
    assert selectors.version_on(item, start - dt.timedelta(days=1)) == before
    assert selectors.version_on(item, start) == draft
    assert LedgerSubject.objects.filter(
        subject=f"item:{item.code}", entry__kind="catalog.published"
    ).exists()


def test_the_version_in_force_is_read_once_then_only_checked_and_follows_publication():
    item = demo_item("个人住房公积金提取", "421223000000")
    day = dt.date(2026, 6, 1)
    first = selectors.version_in_force(item.code, day)
    assert first == selectors.version_on(item, day)
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.version_in_force(item.code, day)
        assert again.item.region.parent_id and again.item.department.name
    assert again is first and len(ctx.captured_queries) == 1  # the check, not the join
    draft = services.create_draft(item, actor="system", content=content_of(item))
    services.publish(draft, actor="system", valid_from=day)
    assert selectors.version_in_force(item.code, day) == draft
    assert selectors.version_in_force(item.code, day - dt.timedelta(days=1)) == first
    assert selectors.version_in_force("no-such-item", day) is None


def test_a_start_that_would_overlap_is_refused():
    item = demo_item("个人住房公积金缴存证明")
    draft = services.create_draft(item, actor="system")
    with pytest.raises(Conflict):
        services.publish(draft, actor="system", valid_from=dt.date(2025, 12, 31))
    with pytest.raises(Conflict):
        services.create_draft(item, actor="system")


def test_ending_an_item_closes_its_version():
    item = demo_item("不动产登记资料查询")
    services.end_item(item, actor="system", on=dt.date(2026, 3, 1))
    assert selectors.version_on(item, dt.date(2026, 3, 1)) is None
    assert selectors.version_on(item, dt.date(2026, 2, 28)) is not None
    draft = services.create_draft(item, actor="system")
    with pytest.raises(Conflict):
        services.publish(draft, actor="system", valid_from=dt.date(2026, 2, 1))
    services.publish(draft, actor="system", valid_from=dt.date(2026, 4, 1))
    assert selectors.version_on(item, dt.date(2026, 3, 15)) is None
    assert selectors.version_on(item, dt.date(2026, 4, 1)) == draft


def test_unknown_type_label_is_refused_with_the_label():
    item = demo_item("药品零售企业许可")
    content = content_of(item)
    content["type_label"] = "批办"
    with pytest.raises(CatalogRejected) as refused:
        services.create_draft(item, actor="system", content=content)
    assert "批办" in refused.value.message_zh and refused.value.field == "type_label"
    content["type_label"] = "审批"
    assert services.create_draft(item, actor="system", content=content).type_label == "审批"


def test_a_label_of_another_type_is_refused():
    item = demo_item("药品零售企业许可")
    content = content_of(item)
    content["type_label"] = "备案"
    with pytest.raises(CatalogRejected, match="其他行政权力"):
        services.create_draft(item, actor="system", content=content)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"promised_days": 12, "legal_days": 10}, "promised_days"),
        ({"steps": [{"name": "审查", "role": "approver", "working_days": 9}]}, "steps"),
        ({"materials": []}, "materials"),
        ({"case_kind": "later"}, "case_kind"),
    ],
)
def test_rules_refuse_inconsistent_content(change, field):
    item = demo_item("食品经营许可")
    content = {**content_of(item), **change}
    with pytest.raises(CatalogRejected) as refused:
        services.create_draft(item, actor="system", content=content)
    assert field in {p.field for p in refused.value.problems}
    assert selectors.draft_of(item) is None


def test_create_service_item_in_a_new_region():
    base = demo_item("门诊慢特病待遇认定").base
    region = Region.objects.get(code="421223100000")
    department = Department.objects.get(region_id="421223000000", dept_type="healthcare_security")
    version = services.create_service_item(
        base=base,
        region=region,
        department=department,
        content=content_of(demo_item("门诊慢特病待遇认定")),
        actor="system",
    )
    assert version.item.code == f"{department.uscc}5{base.code}"
    assert selectors.current_version(version.item) is None
    services.publish(version, actor="system")
    assert selectors.current_version(version.item) == version
    other = Department.objects.get(region_id="421224000000", dept_type="healthcare_security")
    with pytest.raises(CatalogRejected):
        services.create_service_item(
            base=base, region=region, department=other, content={}, actor="system"
        )
