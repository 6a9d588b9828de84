"""The registers kept by a department's staff on the console, the API and the CLI: the
随机抽查事项清单 (add, edit, retire), the 执法检查人员名录库 (add, deactivate), the 回避 list,
and tender projects with their announcements and bidders. Each change is a ledger entry
under the staff member; another county's department is not theirs (403/404); bad input is a
4xx in Chinese and English with nothing written."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from ninhaoban.accounts import services as accounts
from ninhaoban.core.errors import Conflict, Forbidden, InvalidInput
from ninhaoban.inspections import selectors, services
from ninhaoban.inspections.models import (
    Announcement,
    Avoidance,
    Bidder,
    CheckItem,
    Inspector,
    TenderProject,
)
from tests.conftest import NewEntries
from tests.inspections.conftest import CHONGYANG, XIANAN, chief, demo_objects, post, user

pytestmark = pytest.mark.django_db


def console(username: str = "chief.xianan.market") -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_check_items_are_added_edited_and_retired_on_the_console(registers):
    department = registers[XIANAN]
    client = console()
    entries = NewEntries()
    added = client.post(
        "/console/inspections/registers/new/item/",
        {
            "department": department.pk,
            "code": "421202-fire",
            "name": "消防安全检查",
            "legal_basis": "《消防法》第五十三条",
        },
    )
    assert added.status_code == 302
    item = CheckItem.objects.get(code="421202-fire")
    assert item.department == department and item.active
    path = "/console/inspections/registers/items/421202-fire"
    edited = client.post(f"{path}/edit/", {"name": "消防安全抽查", "legal_basis": "《消防法》"})
    assert edited.status_code == 302
    assert client.post(f"{path}/retire/").status_code == 302
    item.refresh_from_db()
    assert (item.name, item.legal_basis, item.active) == ("消防安全抽查", "《消防法》", False)
    assert client.post(f"{path}/retire/").status_code == 409
    assert entries.kinds == [
        "inspection.item_registered",
        "inspection.item_edited",
        "inspection.item_retired",
    ]
    page = client.get("/console/inspections/registers/").content.decode()
    assert "消防安全抽查" in page and "已停用" in page
    # a retired item is no longer offered for a plan
    assert "421202-fire" not in client.get("/console/inspections/").content.decode()


def test_registers_are_scoped_to_the_staff_members_department(registers):
    xianan, chongyang = registers[XIANAN], registers[CHONGYANG]
    entries = NewEntries()
    with pytest.raises(Forbidden):
        services.add_check_item(
            chief(CHONGYANG), xianan, code="x-1", name="检查", legal_basis="依据"
        )
    with pytest.raises(Forbidden):
        services.add_project(chief(CHONGYANG), xianan, code="ZB-X", name="项目")
    supervisor = user("supervisor.chongyang")
    with pytest.raises(Forbidden):  # a supervisor reads, never keeps, the registers
        services.add_check_item(supervisor, chongyang, code="x-2", name="检查", legal_basis="依据")
    other = console("chief.chongyang.market")
    assert other.post("/console/inspections/registers/items/421202-food/retire/").status_code == 404
    inspector = Inspector.objects.filter(department=xianan).first()
    path = f"/console/inspections/registers/inspectors/{inspector.cert_no}/deactivate/"
    assert other.post(path).status_code == 404
    bad_department = other.post(
        "/console/inspections/registers/new/item/",
        {"department": xianan.pk, "code": "y", "name": "n", "legal_basis": "b"},
    )
    assert bad_department.status_code == 422
    assert entries.kinds == []
    mine = {i.code for i in selectors.all_check_items_of(chief(CHONGYANG))}
    assert mine and all(code.startswith(CHONGYANG) for code in mine)


def test_inspectors_are_added_and_deactivated_and_drop_out_of_the_next_snapshot(
    registers, make_plan
):
    department = registers[XIANAN]
    accounts.create_staff(username="inspector.new", name="赵新", password="Xianning-2026")
    client = console()
    entries = NewEntries()
    added = client.post(
        "/console/inspections/registers/new/inspector/",
        {
            "department": department.pk,
            "username": "inspector.new",
            "cert_no": "42020099001",
            "region": demo_objects(XIANAN)[0].region_id,
        },
    )
    assert added.status_code == 302
    new = Inspector.objects.get(cert_no="42020099001")
    assert new.name == "赵新" and new.region_id == demo_objects(XIANAN)[0].region_id
    plan = make_plan()
    assert "42020099001" in services.snapshot_of(plan)["inspectors"]
    path = "/console/inspections/registers/inspectors/42020099001/deactivate/"
    assert client.post(path).status_code == 302
    assert client.post(path).status_code == 409
    assert "42020099001" not in services.snapshot_of(plan)["inspectors"]
    assert entries.kinds == [
        "inspection.inspector_registered",
        "inspection.plan_created",
        "inspection.inspector_deactivated",
    ]
    for bad, field in (
        ({"username": "nobody"}, "用户名"),
        ({"region": f"{CHONGYANG}000000"}, "辖区"),
        ({"cert_no": ""}, "执法证号"),
    ):
        body = {
            "department": department.pk,
            "username": "inspector.new",
            "cert_no": "42020099002",
            "region": "",
            **bad,
        }
        refused = client.post("/console/inspections/registers/new/inspector/", body)
        assert refused.status_code == 422 and field in refused.content.decode(), bad


def test_avoidances_are_added_and_ended_and_hold_in_the_snapshot(registers, make_plan):
    department = registers[XIANAN]
    inspector = Inspector.objects.filter(department=department).order_by("cert_no").last()
    target = demo_objects(XIANAN)[3]
    client = console()
    entries = NewEntries()
    avoid = {"cert_no": inspector.cert_no, "uscc": target.uscc, "reason": "曾在该企业任职"}
    assert client.post("/console/inspections/registers/avoidances/new/", avoid).status_code == 302
    assert client.post("/console/inspections/registers/avoidances/new/", avoid).status_code == 409
    unknown = client.post(
        "/console/inspections/registers/avoidances/new/", {**avoid, "uscc": "9142"}
    )
    assert unknown.status_code == 422
    pair = [inspector.cert_no, target.uscc]
    assert pair in services.snapshot_of(make_plan())["excluded"]
    avoidance = Avoidance.objects.get(inspector=inspector, target=target)
    path = f"/console/inspections/registers/avoidances/{avoidance.pk}/end/"
    assert console("chief.chongyang.market").post(path).status_code == 404
    assert client.post(path).status_code == 302
    assert pair not in services.snapshot_of(make_plan())["excluded"]
    assert entries.kinds[0] == "inspection.avoidance_added"
    assert "inspection.avoidance_removed" in entries.kinds


def test_projects_announcements_and_bidders_through_the_api(registers):
    department = registers[XIANAN]
    client = console()
    today = timezone.localdate()
    entries = NewEntries()
    made = post(
        client,
        "/api/v1/inspections/projects",
        {"department": department.pk, "code": "ZB-API-1", "name": "学校改扩建工程"},
    )
    assert made.status_code == 201, made.content
    path = "/api/v1/inspections/projects/ZB-API-1"
    early = post(
        client, f"{path}/announcements", {"kind": "candidates", "published_on": str(today)}
    )
    assert early.status_code == 422 and "in order" in early.json()["message_en"]
    for kind, days in (("tender_notice", 30), ("bid_opening", 10), ("candidates", 2)):
        day = (today - dt.timedelta(days=days)).isoformat()
        answer = post(client, f"{path}/announcements", {"kind": kind, "published_on": day})
        assert answer.status_code == 200, answer.content
    future = (today + dt.timedelta(days=1)).isoformat()
    refused = post(client, f"{path}/announcements", {"kind": "candidates", "published_on": future})
    assert refused.status_code == 422 and "今天" in refused.json()["message"]
    reversed_ = (today - dt.timedelta(days=40)).isoformat()
    refused = post(
        client, f"{path}/announcements", {"kind": "bid_opening", "published_on": reversed_}
    )
    assert refused.status_code == 422
    bidder = demo_objects(XIANAN)[0]
    assert post(client, f"{path}/bidders", {"uscc": bidder.uscc}).status_code == 200
    assert post(client, f"{path}/bidders", {"uscc": "911234"}).status_code == 422
    listed = client.get("/api/v1/inspections/projects").json()
    project = next(p for p in listed if p["code"] == "ZB-API-1")
    assert [a["kind"] for a in project["announcements"]] == [
        "tender_notice",
        "bid_opening",
        "candidates",
    ]
    assert project["bidders"] == [bidder.uscc]
    assert entries.kinds == [
        "tender.project_registered",
        "tender.announced",
        "tender.announced",
        "tender.announced",
        "tender.bid",
    ]
    other = console("chief.chongyang.market")
    assert post(other, f"{path}/bidders", {"uscc": bidder.uscc}).status_code == 404
    assert "ZB-API-1" not in str(other.get("/api/v1/inspections/projects").json())


def test_a_step_complained_about_keeps_its_date(registers):
    department = registers[XIANAN]
    today = timezone.localdate()
    project = services.add_project(chief(), department, code="ZB-KEEP", name="项目")
    services.announce_step(chief(), project, "tender_notice", today - dt.timedelta(days=5))
    bidder = demo_objects(XIANAN)[0]
    services.register_bidder(chief(), project, uscc=bidder.uscc)
    services.file_complaint(
        chief(),
        project,
        complainant=bidder.uscc,
        about="tender_notice",
        known_on=today - dt.timedelta(days=4),
        grounds="资格条件排斥潜在投标人",
    )
    with pytest.raises(Conflict):
        services.announce_step(chief(), project, "tender_notice", today - dt.timedelta(days=6))
    assert Announcement.objects.get(project=project).published_on == today - dt.timedelta(days=5)


def test_api_items_and_inspectors_with_bilingual_refusals(registers):
    department = registers[XIANAN]
    client = console()
    body = {"department": department.pk, "code": "421202-new", "name": "检查", "legal_basis": ""}
    refused = post(client, "/api/v1/inspections/items", body)
    assert refused.status_code == 422
    assert refused.json()["message"] and refused.json()["message_en"]
    assert not CheckItem.objects.filter(code="421202-new").exists()
    assert (
        post(client, "/api/v1/inspections/items", {**body, "legal_basis": "依据"}).status_code
        == 201
    )
    dup = post(client, "/api/v1/inspections/items", {**body, "legal_basis": "依据"})
    assert dup.status_code == 409
    edited = post(
        client, "/api/v1/inspections/items/421202-new", {"name": "新名称", "legal_basis": "新依据"}
    )
    assert edited.json()["name"] == "新名称"
    assert post(client, "/api/v1/inspections/items/421202-new/retire").json()["active"] is False
    codes = [i["code"] for i in client.get("/api/v1/inspections/items").json()]
    assert "421202-new" in codes and not any(c.startswith(CHONGYANG) for c in codes)
    accounts.create_staff(username="inspector.api", name="钱多", password="Xianning-2026")
    made = post(
        client,
        "/api/v1/inspections/inspectors",
        {"department": department.pk, "username": "inspector.api", "cert_no": "42020099100"},
    )
    assert made.status_code == 201 and made.json()["region"] == department.region_id
    gone = post(client, "/api/v1/inspections/inspectors/42020099100/deactivate")
    assert gone.json()["active"] is False
    inspector = Inspector.objects.filter(department=department, active=True).first()
    target = demo_objects(XIANAN)[5]
    a = post(
        client,
        "/api/v1/inspections/avoidances",
        {"cert_no": inspector.cert_no, "uscc": target.uscc, "reason": "亲属"},
    )
    assert a.status_code == 201
    assert post(client, f"/api/v1/inspections/avoidances/{a.json()['id']}/end").status_code == 200
    assert not Avoidance.objects.filter(pk=a.json()["id"]).exists()


def test_the_cli_keeps_the_registers_in_a_staff_members_name(registers):
    department = registers[XIANAN]
    out = io.StringIO()
    entries = NewEntries()
    call_command(
        "inspections", "item", "add", "421202-cli", "--as", "chief.xianan.market",
        "--department", department.uscc, "--name", "价格检查", "--basis", "《价格法》",
        stdout=out,
    )  # fmt: skip
    call_command(
        "inspections", "project", "add", "ZB-CLI", "--as", "chief.xianan.market",
        "--department", department.uscc, "--name", "道路工程", stdout=out,
    )  # fmt: skip
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    call_command(
        "inspections", "project", "announce", "ZB-CLI", "--as", "chief.xianan.market",
        "--kind", "tender_notice", "--on", day, stdout=out,
    )  # fmt: skip
    bidder = demo_objects(XIANAN)[1]
    call_command(
        "inspections", "project", "bid", "ZB-CLI", "--as", "chief.xianan.market",
        "--uscc", bidder.uscc, stdout=out,
    )  # fmt: skip
    call_command(
        "inspections", "item", "retire", "421202-cli", "--as", "chief.xianan.market", stdout=out
    )
    assert not CheckItem.objects.get(code="421202-cli").active
    assert Bidder.objects.filter(project__code="ZB-CLI", organization=bidder.organization).exists()
    assert entries.kinds == [
        "inspection.item_registered",
        "tender.project_registered",
        "tender.announced",
        "tender.bid",
        "inspection.item_retired",
    ]
    with pytest.raises(CommandError, match="您没有"):
        call_command(
            "inspections", "project", "add", "ZB-CLI-2", "--as", "chief.chongyang.market",
            "--department", department.uscc, "--name", "道路工程", stdout=out,
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command("inspections", "item", "retire", "421202-food", "--as", "nobody", stdout=out)
    assert not TenderProject.objects.filter(code="ZB-CLI-2").exists()


def test_bad_register_input_is_refused_before_anything_is_written(registers):
    department = registers[XIANAN]
    entries = NewEntries()
    with pytest.raises(InvalidInput) as caught:
        services.add_check_item(chief(), department, code="", name="n", legal_basis="b")
    assert caught.value.message_en
    with pytest.raises(Conflict):
        services.add_check_item(chief(), department, code="421202-food", name="n", legal_basis="b")
    with pytest.raises(InvalidInput):
        services.announce_step(
            chief(),
            services.add_project(chief(), department, code="ZB-BAD", name="项目"),
            "lunch",
            timezone.localdate(),
        )
    assert entries.kinds == ["tender.project_registered"]


def test_the_cli_takes_a_complaint_through_its_steps(registers):
    department = registers[XIANAN]
    today = timezone.localdate()
    project = services.add_project(chief(), department, code="ZB-CLI-C", name="项目")
    services.announce_step(chief(), project, "tender_notice", today - dt.timedelta(days=3))
    bidder = demo_objects(XIANAN)[0]
    services.register_bidder(chief(), project, uscc=bidder.uscc)
    complaint = services.file_complaint(
        chief(),
        project,
        complainant=bidder.uscc,
        about="tender_notice",
        known_on=today - dt.timedelta(days=2),
        grounds="设置不合理条件",
    )
    out = io.StringIO()
    as_chief = ["--as", "chief.xianan.market"]
    call_command("inspections", "complaint", "accept", complaint.number, *as_chief, stdout=out)
    with pytest.raises(CommandError, match="检验"):
        call_command(
            "inspections", "complaint", "pause", complaint.number, *as_chief, "--kind", "nap",
            stdout=out,
        )  # fmt: skip
    call_command(
        "inspections", "complaint", "decide", complaint.number, *as_chief,
        "--outcome", "upheld", "--reason", "投诉成立，责令改正。", stdout=out,
    )  # fmt: skip
    complaint.refresh_from_db()
    assert complaint.status == "decided" and complaint.outcome == "upheld"
    with pytest.raises(CommandError, match="不存在"):
        call_command(
            "inspections", "complaint", "resume", complaint.number,
            "--as", "chief.chongyang.market", stdout=out,
        )  # fmt: skip
