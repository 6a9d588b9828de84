"""全市通办 at the window: a clerk offers every item of the city, says which office decides,
and the case goes to that office with the clock of the item's own version."""

import io

from pypdf import PdfReader

from ninhaoban.cases import clock
from ninhaoban.cases.documents import Receipt
from ninhaoban.cases.models import Case, Status
from ninhaoban.catalog import selectors as catalog
from tests.cases.conftest import (
    CHONGYANG,
    GETIHU,
    TONGSHAN,
    files_for,
    item,
    person,
    window_case,
)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_picker_offers_every_city_item_own_ones_first():
    rows = catalog.window_items([CHONGYANG])
    in_force = catalog.current_versions().filter(item__region__code__startswith="4212")
    assert len(rows) == in_force.count()
    local = [r for r in rows if r.local]
    assert rows[: len(local)] == local
    assert {r.version.item.region_id for r in local} == {"421200000000", CHONGYANG}
    assert any(r.version.item.region_id == TONGSHAN and not r.local for r in rows)


def test_a_town_window_counts_its_county_items_as_its_own():
    rows = catalog.window_items(["421223100000"])
    own = {r.version.item.region_id[:6] for r in rows if r.local}
    assert own <= {"421200", "421223"} and "421223" in own


def test_a_window_takes_another_countys_item_and_the_case_goes_there(today, staff_client):
    clerk = staff_client("clerk.chongyang")
    code = item(GETIHU, TONGSHAN).code
    found = {"id_number": person().identifier, "item": code, "step": "find"}
    page = clerk.post("/console/cases/new/", found).content.decode()
    assert "全市通办" in page and "通山县市场监督管理局审批" in page
    assert 'id="decider"' in page
    data = {"id_number": person().identifier, "item": code, "accept": "1", "step": "submit"}
    data["form-legal_representative"] = "李四"
    for key, f in files_for(GETIHU, TONGSHAN).items():
        data[f"file-{key}"] = _upload(f.name, f.data)
    assert clerk.post("/console/cases/new/", data).status_code == 302
    case = Case.objects.latest("pk")
    version = catalog.version_on(item(GETIHU, TONGSHAN), case.received_on)
    assert case.status == Status.ACCEPTED
    assert (case.region_id, case.intake_region_id) == (TONGSHAN, CHONGYANG)
    assert case.department_id == item(GETIHU, TONGSHAN).department_id
    assert case.limit_days == version.promised_days
    assert case.due_date == clock.decision_due(case.accepted_on, version.promised_days)
    receipt = clerk.get(f"/console/cases/{case.case_no}/receipt/", {"format": "pdf"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "全市通办" in text and "通山县市场监督管理局审批决定" in text
    own = staff_client("clerk.xianan").post("/console/cases/new/", found).content.decode()
    assert "全市通办：本窗口收件受理" in own


def test_a_case_of_the_windows_own_county_is_not_marked_citywide(today):
    case = window_case()
    assert case.intake_region_id == case.region_id == CHONGYANG
    assert "全市通办" not in dict(Receipt.of(case).pairs)


def test_the_receipts_handling_office_names_the_region_once(today):
    case = window_case()
    office = dict(Receipt.of(case).pairs)["承办单位"]
    assert office == case.department.name and office.count(case.region.name) == 1
