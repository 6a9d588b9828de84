"""Plans, publication, the draw and its public verification, results on their clock, scope
and bad input, against the database."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from ninhaoban.core import workdays
from ninhaoban.core.errors import Conflict, InvalidInput
from ninhaoban.inspections import selectors, services
from ninhaoban.inspections.models import (
    Avoidance,
    DrawnObject,
    InspectionObject,
    Inspector,
    Plan,
    PlanStatus,
)
from ninhaoban.ledger import keys
from ninhaoban.ledger.services import sequence
from tests.conftest import NewEntries
from tests.inspections.conftest import CHONGYANG, XIANAN, api_body, chief, post, user

pytestmark = pytest.mark.django_db
API = "/api/v1/inspections"


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(user(name))
    return client


def drawn_plan(make_plan, **changes) -> Plan:
    plan = services.publish_plan(chief(), make_plan(**changes))
    sequence()
    return services.draw_plan(chief(), plan)


def verify_offline(bundle: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    """The public bundle, checked by another process with no settings and no database: the
    verifier must not even import Django."""
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    script = (
        "import sys\n"
        "from ninhaoban.inspections import draw\n"
        f"code = draw.main([{str(path)!r}, '--key', {keys.log_verifier().encoded()!r}])\n"
        "assert 'django' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_publish_draw_and_verify_from_public_data_in_another_process(registers, tmp_path):
    client = signed_in("chief.xianan.market")
    created = post(client, f"{API}/plans", api_body(registers[XIANAN]))
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert post(client, f"{API}/plans/{code}/publish").status_code == 200
    entries = NewEntries()
    early = post(client, f"{API}/plans/{code}/draw")
    assert early.status_code == 409 and "检查点" in early.json()["message"]
    assert entries.kinds == [] and not DrawnObject.objects.filter(plan__code=code).exists()
    sequence()
    drawn = post(client, f"{API}/plans/{code}/draw")
    assert drawn.status_code == 200 and len(drawn.json()["drawn"]) == 5
    assert entries.kinds[-1] == "inspection.drawn"

    bundle = Client().get(f"{API}/public/plans/{code}/bundle").json()
    ok = verify_offline(bundle, tmp_path)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("MATCH"), ok.stdout + ok.stderr

    for tamper in ("title", "swap", "seed", "pool"):
        bad = json.loads(json.dumps(bundle))
        if tamper == "title":
            bad["snapshot"]["plan"]["title"] += "（改）"
        elif tamper == "swap":
            first = bad["result"]["assignments"][0]
            first["inspectors"] = list(reversed(first["inspectors"]))
        elif tamper == "seed":
            bad["result"]["seed"] = "00" * 32
        else:
            bad["snapshot"]["objects"] = bad["snapshot"]["objects"][1:]
        refused = verify_offline(bad, tmp_path)
        assert refused.returncode == 1 and "MISMATCH" in refused.stdout, (tamper, refused.stdout)


def test_the_command_and_the_page_recompute_the_draw(make_plan):
    plan = drawn_plan(make_plan)
    out = io.StringIO()
    call_command("inspections", "verify", plan.code, stdout=out)
    assert f"{plan.code} MATCH" in out.getvalue()
    call_command("inspections", "verify", "--all", stdout=out)
    page = Client().get(f"/inspections/plans/{plan.code}/verify/")
    assert page.status_code == 200 and "一致" in page.content.decode()
    # a stored draw changed behind the ledger's back no longer verifies
    row = DrawnObject.objects.filter(plan=plan).order_by("position").first()
    row.inspector_order = list(reversed(row.inspector_order))
    row.save()
    with pytest.raises(CommandError, match="do not verify"):
        call_command("inspections", "verify", "--all", stdout=io.StringIO())
    assert "不一致" in Client().get(f"/inspections/plans/{plan.code}/verify/").content.decode()


def test_a_plan_changed_after_publication_is_refused_and_nothing_written(registers, make_plan):
    plan = services.publish_plan(chief(), make_plan())
    client = signed_in("chief.xianan.market")
    entries = NewEntries()
    changed = post(client, f"{API}/plans/{plan.code}", api_body(registers[XIANAN], sample_count=6))
    assert changed.status_code == 409 and "已公布" in changed.json()["message"]
    again = post(client, f"{API}/plans/{plan.code}/publish")
    assert again.status_code == 409
    assert entries.kinds == []
    plan.refresh_from_db()
    assert plan.sample_count == 5 and json.loads(plan.snapshot)["plan"]["count"] == 5


def test_a_draft_changes_and_bad_plans_are_refused(registers, make_plan):
    client = signed_in("chief.xianan.market")
    body = api_body(registers[XIANAN])
    plan = make_plan()
    assert post(client, f"{API}/plans/{plan.code}", {**body, "title": "新名称"}).status_code == 200
    entries = NewEntries()
    for bad in (
        {"items": ["421223-food"]},  # another department's item
        {"object_region": "421223000000"},  # objects outside the department's region
        {"sample_count": None},  # neither count nor ratio
        {"sample_ratio": 10},  # both
        {"inspectors_per_object": 0},
        {"end_date": "2026-11-01"},
        {"title": ""},
    ):
        answer = post(client, f"{API}/plans", {**body, **bad})
        assert answer.status_code == 422, (bad, answer.content)
    assert entries.kinds == []


def test_a_plan_that_cannot_be_drawn_is_not_published(registers, make_plan):
    # five inspectors, and the first is 回避 for one object: four per object is impossible
    plan = make_plan(inspectors_per_object=5)
    entries = NewEntries()
    answer = post(signed_in("chief.xianan.market"), f"{API}/plans/{plan.code}/publish")
    assert answer.status_code == 422 and "回避" in answer.json()["message"]
    assert entries.kinds == [] and Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_avoidance_and_last_years_pairs_are_never_drawn(make_plan):
    first = drawn_plan(make_plan, sample_count=None, sample_ratio=100)
    avoid = Avoidance.objects.get(inspector__department=first.department)
    for row in DrawnObject.objects.filter(plan=first).prefetch_related("inspectors"):
        if row.target_id == avoid.target_id:
            assert avoid.inspector not in row.inspectors.all()
    pairs = {
        (c, row.target.uscc)
        for row in DrawnObject.objects.filter(plan=first)
        for c in row.inspector_order
    }
    second = services.publish_plan(chief(), make_plan(sample_count=3, inspectors_per_object=1))
    excluded = {tuple(p) for p in json.loads(second.snapshot)["excluded"]}
    assert pairs <= excluded
    sequence()
    second = services.draw_plan(chief(), second)
    for row in DrawnObject.objects.filter(plan=second):
        assert not {(c, row.target.uscc) for c in row.inspector_order} & pairs


def test_scope_decides_who_sees_and_runs_a_plan(registers, make_plan):
    plan = make_plan()
    other = signed_in("chief.chongyang.market")
    assert post(other, f"{API}/plans/{plan.code}/publish").status_code == 404
    assert plan.code not in [p["code"] for p in other.get(f"{API}/plans").json()]
    assert plan.code in [p["code"] for p in signed_in("supervisor").get(f"{API}/plans").json()]
    supervisor = signed_in("supervisor")  # reads the whole city, runs nothing
    assert post(supervisor, f"{API}/plans/{plan.code}/publish").status_code == 403
    clerk = signed_in("clerk.xianan")
    assert clerk.get(f"{API}/plans").json() == []
    assert post(clerk, f"{API}/plans", api_body(registers[XIANAN])).status_code == 403
    assert Client().get(f"{API}/plans").status_code == 401
    mine = post(other, f"{API}/plans", api_body(registers[CHONGYANG], CHONGYANG))
    assert mine.status_code == 201
    assert post(other, f"{API}/plans", api_body(registers[XIANAN])).status_code == 403


def test_results_run_on_a_20_working_day_clock(make_plan, monkeypatch):
    plan = drawn_plan(make_plan)
    row = DrawnObject.objects.filter(plan=plan).order_by("position").first()
    inspected = dt.date(2026, 9, 25)
    row = services.record_result(chief(), row, finding="rectify", inspected_on=inspected)
    assert row.due_date == workdays.add_working_days(inspected, 20) == dt.date(2026, 10, 29)
    assert selectors.alert_of(row.due_date, False, dt.date(2026, 10, 20)) == selectors.OK
    assert selectors.alert_of(row.due_date, False, dt.date(2026, 10, 27)) == selectors.WARNING
    assert selectors.alert_of(row.due_date, False, dt.date(2026, 11, 2)) == selectors.OVERDUE
    public = Client().get(f"{API}/public/plans").json()
    shown = next(p for p in public if p["code"] == plan.code)["drawn"][0]
    assert shown["finding"] == "" and shown["due_date"] is None  # not published yet
    services.publish_result(chief(), row, today=dt.date(2026, 10, 28))
    public = Client().get(f"{API}/public/plans").json()
    assert next(p for p in public if p["code"] == plan.code)["drawn"][0]["finding"] == "rectify"
    with pytest.raises(Conflict):
        services.record_result(chief(), row, finding="qualified", inspected_on=inspected)
    figures = selectors.inspection_figures(
        region_code="421202000000", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
    )
    assert (figures.results_published, figures.published_on_time) == (1, 1)


def test_a_calendar_change_moves_open_result_deadlines(make_plan, fresh_calendar):
    plan = drawn_plan(make_plan)
    row = DrawnObject.objects.filter(plan=plan).order_by("position").first()
    row = services.record_result(
        chief(), row, finding="qualified", inspected_on=dt.date(2026, 12, 1)
    )
    due = row.due_date
    call_command(
        "workdays",
        "set-day",
        "2026-12-10",
        "--off",
        "--reason",
        "地方性假日（测试）",
        stdout=io.StringIO(),
    )
    row.refresh_from_db()
    assert row.due_date == workdays.add_working_days(due, 1) != due


def test_objects_come_from_a_workbook_all_or_nothing(registers):
    org = InspectionObject.objects.filter(region__code__startswith=XIANAN).first().organization
    good = Workbook()
    good.active.append(["统一社会信用代码", "行业"])
    good.active.append([org.identifier, "建材"])
    raw = io.BytesIO()
    good.save(raw)
    assert services.import_objects_xlsx(raw.getvalue(), actor="system") == 1
    assert InspectionObject.objects.get(organization=org).industry == "建材"
    good.active.append(["91420000MA0000000X", "餐饮"])
    bad = io.BytesIO()
    good.save(bad)
    entries = NewEntries()
    with pytest.raises(InvalidInput, match="第3行"):
        services.import_objects_xlsx(bad.getvalue(), actor="system")
    with pytest.raises(InvalidInput):
        services.import_objects_xlsx(b"not a workbook", actor="system")
    assert entries.kinds == []


def test_figures_count_plans_draws_and_inspectors_are_public_by_name_and_number(make_plan):
    plan = drawn_plan(make_plan)
    today = timezone.localdate(plan.drawn_at)
    figures = selectors.inspection_figures(region_code="421202000000", start=today, end=today)
    assert (figures.plans, figures.objects_drawn) == (1, 5)
    page = Client().get(f"/inspections/plans/{plan.code}/").content.decode()
    inspector = Inspector.objects.get(
        cert_no=DrawnObject.objects.filter(plan=plan)[0].inspector_order[0]
    )
    assert inspector.cert_no in page and inspector.name in page
    assert inspector.staff.phone == "" or inspector.staff.phone not in page
