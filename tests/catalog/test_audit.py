import pytest

from ninhaoban.catalog import audit, selectors, services, stats
from ninhaoban.catalog.models import ProcessStep, ServiceItem

pytestmark = pytest.mark.django_db

CITY = "421200000000"
XIANAN, JIAYU, TONGCHENG, CHONGYANG, TONGSHAN, CHIBI = (
    "421202000000",
    "421221000000",
    "421222000000",
    "421223000000",
    "421224000000",
    "421281000000",
)


def findings_by(kind: str) -> set[tuple[str, str]]:
    return {(f.base_name, f.region_code) for f in audit.run_audit() if f.kind == kind}


@pytest.mark.parametrize(
    ("kind", "name", "region"),
    [
        ("materials", "食品经营许可", CHONGYANG),
        ("materials", "最低生活保障申请", JIAYU),
        ("promised_days", "个体工商户设立登记", TONGSHAN),
        ("promised_days", "不动产转移登记", CHIBI),
        ("legal_days", "不动产转移登记", CHIBI),
        ("promised_over_legal", "不动产转移登记", CHIBI),
        ("fees", "居住证申领", XIANAN),
        ("visits", "居民身份证换领", JIAYU),
        ("steps", "建筑工程施工许可证核发", CHONGYANG),
        ("type_label", "食品经营许可", TONGCHENG),
        ("denied_proof", "最低生活保障申请", JIAYU),
    ],
)
def test_audit_finds_each_seeded_deviation(kind, name, region):
    assert (name, region) in findings_by(kind)


def test_a_finding_names_region_and_majority_baseline():
    finding = next(
        f for f in audit.run_audit() if f.kind == "materials" and f.base_name == "食品经营许可"
    )
    assert finding.region_name == "崇阳县"
    assert (finding.value, finding.baseline) == ("7项", "5项")
    assert "从业人员健康证明" in finding.detail and "经营场所房屋租赁合同" in finding.detail


def test_identical_implementations_give_no_findings():
    names = {f.base_name for f in audit.run_audit()}
    assert ServiceItem.objects.filter(base__name="结婚登记").count() == 7
    assert "结婚登记" not in names and "企业设立登记" not in names
    reported = {f.item_code for f in audit.run_audit()}
    clean = selectors.list_items().exclude(item__code__in=reported)
    assert clean.count() > 200


def test_audit_only_reports_differences_from_the_majority():
    findings = [f for f in audit.run_audit() if f.base_name == "食品经营许可"]
    assert {f.region_code for f in findings} == {CHONGYANG, TONGCHENG}


def test_a_community_issued_proof_is_flagged():
    item = (
        selectors.list_items(region=CITY)
        .get(item__base__name="门诊慢特病待遇认定", item__region_id=CITY)
        .item
    )
    content = selectors.version_content(selectors.current_version(item))
    content["materials"].append(
        {"name": "居住情况证明", "source": "government", "issuer": "和平社区居委会"}
    )
    draft = services.create_draft(item, actor="system", content=content)
    services.publish(draft, actor="system")
    kinds = {f.kind for f in audit.run_audit() if f.item_code == item.code}
    assert {"community_proof", "materials"} <= kinds


def test_region_filter_keeps_findings_of_that_subtree():
    findings = audit.run_audit(region=JIAYU)
    assert findings and all(f.region_code.startswith("421221") for f in findings)


def test_csv_has_a_header_and_one_row_per_finding():
    findings = audit.run_audit()
    lines = audit.to_csv(findings).strip().splitlines()
    assert lines[0].startswith("base_code,base_name,item_code")
    assert len(lines) == len(findings) + 1


def test_stats_count_shares_per_level_region_and_department():
    data = stats.catalog_stats()
    total = data["total"]
    assert total["items"] == selectors.current_versions().count()
    immediate = selectors.current_versions().filter(case_kind="immediate").count()
    assert total["immediate"] == immediate
    assert total["immediate_share"] == round(100 * immediate / total["items"], 1)
    assert sum(r["items"] for r in data["by_level"]) == total["items"]
    assert sum(r["items"] for r in data["by_region"]) == total["items"]
    assert sum(r["items"] for r in data["by_department"]) == total["items"]
    assert total["zero_visits"] <= total["at_most_one_visit"] <= total["items"]
    county = stats.catalog_stats(region=CHONGYANG)["total"]["items"]
    assert county == selectors.list_items(region=CHONGYANG).count() < total["items"]


def test_steps_longer_than_promised_are_flagged_in_legacy_data():
    """Services refuse such a version; rows written before the rule (or by hand in the
    database) are what the audit is for."""
    version = selectors.list_items(region=CITY).get(
        item__base__name="特种设备使用登记", item__region_id=CITY
    )
    ProcessStep.objects.filter(version=version, name="审查").update(working_days=9)
    kinds = {f.kind for f in audit.run_audit() if f.item_code == version.item.code}
    assert {"steps_over_promised", "steps"} <= kinds
