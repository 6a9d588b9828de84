import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from ninhaoban.catalog import selectors, transfer
from ninhaoban.catalog.models import BaseItem, Bundle, ServiceItem, ServiceItemVersion
from ninhaoban.catalog.services import CatalogRejected
from ninhaoban.core.errors import InvalidInput
from ninhaoban.ledger.models import LedgerEntry
from tests.conftest import NewEntries

pytestmark = pytest.mark.django_db


def sheets(raw: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(raw), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def wipe_catalog() -> None:
    Bundle.objects.all().delete()
    ServiceItemVersion.objects.all().delete()
    ServiceItem.objects.all().delete()
    BaseItem.objects.all().delete()


def edit(raw: bytes, sheet: str, row: int, column: str, value) -> bytes:
    """`raw` with one cell changed: `column` is a field name, found by its label."""
    book = load_workbook(io.BytesIO(raw))
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    kind = next(k for k, name in transfer.SHEETS.items() if name == sheet)
    label = transfer.COLUMN_LABELS[kind][column]
    ws.cell(row=row, column=header.index(label) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_export_import_export_is_identical():
    first = transfer.export_file("catalog.xlsx")
    wipe_catalog()
    assert selectors.current_versions().count() == 0
    added = NewEntries()
    result = transfer.import_file(first, "catalog.xlsx", actor="system")
    assert result.items_created >= 150 and result.base_created >= 30
    second = transfer.export_file("catalog.xlsx")
    assert sheets(first) == sheets(second)
    assert added.kinds.count("catalog.imported") == 1


def test_json_export_import_export_is_identical():
    first = transfer.export_file("catalog.json")
    wipe_catalog()
    transfer.import_file(first, "catalog.json", actor="system")
    assert json.loads(transfer.export_file("catalog.json")) == json.loads(first)


def test_importing_an_export_again_changes_nothing():
    before = ServiceItemVersion.objects.count()
    result = transfer.import_file(transfer.export_file("c.xlsx"), "c.xlsx", actor="system")
    assert result.versions_published == 0 and result.unchanged >= 150
    assert ServiceItemVersion.objects.count() == before


def test_an_import_with_one_bad_row_changes_nothing_and_names_the_row():
    raw = transfer.export_file("catalog.xlsx")
    raw = edit(raw, "实施清单", 2, "conditions", "新的受理条件")
    raw = edit(raw, "实施清单", 2, "valid_from", "2026-12-01")
    assert transfer.read_xlsx(raw)[0]["service_items"][0]["conditions"] == "新的受理条件"
    raw = edit(raw, "申请材料", 7, "source", "neighbour")
    versions = ServiceItemVersion.objects.count()
    ledger = LedgerEntry.objects.count()
    with pytest.raises(CatalogRejected) as refused:
        transfer.import_file(raw, "catalog.xlsx", actor="system")
    problems = refused.value.problems
    assert [(p.where, p.field) for p in problems] == [("申请材料 第7行", "材料来源")]
    assert "neighbour" in problems[0].message_zh
    assert ServiceItemVersion.objects.count() == versions
    assert LedgerEntry.objects.count() == ledger
    assert not ServiceItemVersion.objects.filter(conditions="新的受理条件").exists()


def test_a_changed_row_publishes_a_new_version_from_its_date():
    raw = transfer.export_file("catalog.xlsx")
    code = sheets(raw)["实施清单"][1][0]
    raw = edit(raw, "实施清单", 2, "conditions", "新的受理条件")
    overlapping = raw
    with pytest.raises(CatalogRejected, match="重叠"):
        transfer.import_file(overlapping, "catalog.xlsx", actor="system")
    raw = edit(raw, "实施清单", 2, "valid_from", "2026-11-01")
    result = transfer.import_file(raw, "catalog.xlsx", actor="system")
    assert result.versions_published == 1
    current = selectors.current_version(selectors.get_item(code))
    assert current.conditions == "新的受理条件" and current.number == 2


def test_an_import_lists_every_error_by_sheet_row_and_field():
    raw = transfer.export_file("catalog.xlsx")
    raw = edit(raw, "实施清单", 3, "type_label", "批办")
    raw = edit(raw, "基本目录", 4, "item_type", "许可审批")
    raw = edit(raw, "办理流程", 5, "working_days", "three")
    raw = edit(raw, "收费项目", 2, "item_code", "NO-SUCH-ITEM")
    with pytest.raises(CatalogRejected) as refused:
        transfer.import_file(raw, "catalog.xlsx", actor="system")
    found = {(p.where, p.field) for p in refused.value.problems}
    assert {
        ("实施清单 第3行", "事项类型名称"),
        ("基本目录 第4行", "事项类型"),
        ("办理流程 第5行", "环节时限（工作日）"),
        ("收费项目 第2行", "实施编码"),
    } <= found
    messages = " ".join(p.message_zh for p in refused.value.problems)
    assert "批办" in messages and "许可审批" in messages


def test_json_import_names_the_object_path():
    data = transfer.export_data()
    data["service_items"][2]["materials"][1]["copies"] = -1
    with pytest.raises(CatalogRejected) as refused:
        transfer.import_file(json.dumps(data).encode(), "x.json", actor="system")
    assert refused.value.problems[0].where == "service_items[2].materials[1]"


@pytest.mark.parametrize(
    ("raw", "name"),
    [(b"not a zip", "c.xlsx"), (b"{", "c.json"), (b"[]", "c.json"), (b"", "c.csv")],
)
def test_unreadable_files_are_refused(raw, name):
    with pytest.raises(InvalidInput):
        transfer.import_file(raw, name, actor="system")


def test_cli_export_import_stats_and_audit(tmp_path, capsys):
    target = tmp_path / "catalog.xlsx"
    call_command("catalog", "export", str(target))
    call_command("catalog", "import", str(target))
    assert '"unchanged"' in capsys.readouterr().out
    call_command("catalog", "stats", "--json")
    assert json.loads(capsys.readouterr().out)["total"]["items"] >= 150
    call_command("catalog", "audit", "--json")
    assert json.loads(capsys.readouterr().out)["summary"]["denied_proof"] >= 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"service_items": [{"base_code": "X"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("catalog", "import", str(bad))
