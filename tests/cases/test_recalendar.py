"""Across the new year on a provisional calendar, then the notice arrives: cases taken in on
2026-12-28 get (provisional) due dates in 2027, are decided across 元旦, and move when the
2027 notice is imported, each move in the history and the ledger and told to the applicant;
the walk over the cases resumes after a crash and never moves a case twice."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ninhaoban.accounts.notify import LogProvider
from ninhaoban.cases import clock, services
from ninhaoban.cases.models import CaseEvent, CaseStep, DueDateRecompute, Status, StepState
from ninhaoban.cases.services import recalendar
from ninhaoban.core import workdays
from ninhaoban.core.holiday_notice import parse_notice
from ninhaoban.ledger.models import LedgerEntry
from ninhaoban.regions import calendar as stored_calendar
from ninhaoban.regions import services as calendar_services
from ninhaoban.regions.models import WorkCalendar
from ninhaoban.regions.selectors import calendar_warning, year_states

from .conftest import CHONGYANG, staff, window_case

D = dt.date
NOTICE = Path(__file__).parents[1] / "core" / "notices" / "2027-madeup.txt"
DRUGS = "药品零售企业许可"  # 15 working days


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test's calendar changes are rolled back with its transaction: so is the cache."""
    stored_calendar.invalidate()
    yield
    stored_calendar.invalidate()


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_today_every_clock_reaching_2027_has_a_provisional_date():
    assert run("add", "2026-12-04", "20").strip() == "2027-01-04 预计/provisional"
    assert year_states(range(2026, 2030)) == {
        2026: "official",
        2027: "provisional",
        2028: "provisional",
        2029: "missing",
    }
    assert "2027  provisional" in run("status")
    assert calendar_warning(D(2026, 12, 4)) == 2027
    assert calendar_warning(D(2026, 9, 30)) is None  # from 1 October on


def test_healthz_says_the_calendar_is_provisional(client):
    assert client.get("/healthz").json()["calendar"] == "provisional for 2027"


def test_cases_across_the_new_year_then_the_notice_moves_them(
    today, django_capture_on_commit_callbacks, staff_client
):
    LogProvider.sent.clear()
    today(D(2026, 12, 28))
    clerk = staff("clerk.chongyang")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = window_case(DRUGS, CHONGYANG)  # not accepted yet: 第32条 clock
        early = window_case(DRUGS, CHONGYANG)
        services.accept(early, clerk)
    for case in (waiting, early):
        case.refresh_from_db()
        assert workdays.is_provisional(case.due_date)
    # 5 working days after 12-28: 29, 30, 31, (元旦 01-01 off), 01-04, 01-05
    assert waiting.due_date == D(2027, 1, 5)
    page = staff_client("clerk.chongyang").get(f"/console/cases/{waiting.case_no}/")
    assert "预计" in page.content.decode()
    assert early.due_date == D(2027, 1, 19)

    today(D(2027, 1, 6))  # the early case is decided across the new year
    approver = staff("approver.chongyang.market")
    step = CaseStep.objects.get(case=early, state=StepState.ACTIVE)
    services.complete_step(early, step.pk, approver, opinion="不符合条件")
    services.decide(early, staff("chief.chongyang.market"), outcome="denied", reason="不符合条件")
    early.refresh_from_db()
    assert early.status == Status.DECIDED and early.due_date == D(2027, 1, 20)  # 第44条

    today(D(2027, 1, 25))
    with django_capture_on_commit_callbacks(execute=True):
        late = window_case(DRUGS, CHONGYANG)
        services.accept(late, clerk)
    late.refresh_from_db()
    assert late.due_date == D(2027, 2, 17)  # 除夕 to 初三 off, no 调休 guessed

    before_entries = LedgerEntry.objects.filter(kind="case.recalendar").count()
    with django_capture_on_commit_callbacks(execute=True):
        out = run("import-notice", str(NOTICE))
    assert "due dates recomputed" in out
    late.refresh_from_db()
    # the official 春节 (02-05 to 02-13 off, 02-14 and 02-20 worked) moves it: the same 15
    # working days, as if it had been counted on the official calendar from the start
    assert late.due_date == D(2027, 2, 20) and not workdays.is_provisional(late.due_date)
    assert late.due_date == clock.decision_due(late.accepted_on, late.limit_days)
    early.refresh_from_db()
    assert early.due_date == D(2027, 1, 20)  # nothing changed in January
    event = CaseEvent.objects.get(case=late, action="recalendar")
    assert "2027年02月17日" in event.note and "2027年02月20日" in event.note
    assert LedgerEntry.objects.filter(kind="case.recalendar").count() == before_entries + 1
    told = [m.text for m in LogProvider.sent if late.case_no in m.text and "调整" in m.text]
    assert len(told) == 1
    assert not WorkCalendar.objects.filter(date__year=2027, provisional=True).exists()
    assert LedgerEntry.objects.filter(kind="calendar.notice_imported").exists()
    report = DueDateRecompute.objects.latest("pk")
    assert [late.case_no, "2027-02-17", "2027-02-20"] in report.moved
    assert report.finished_at is not None

    again = recalendar.run_recompute(report)  # idempotent: nothing moves twice
    assert again.moved == report.moved
    assert CaseEvent.objects.filter(case=late, action="recalendar").count() == 1


def test_a_recompute_resumes_after_a_crash_and_moves_each_case_once(today, monkeypatch):
    today(D(2027, 1, 25))
    clerk = staff("clerk.chongyang")
    cases = [window_case(DRUGS, CHONGYANG) for _ in range(3)]
    for case in cases:
        services.accept(case, clerk)
    monkeypatch.setattr(recalendar, "BATCH", 1)
    notice = parse_notice(NOTICE.read_text(encoding="utf-8"))
    _, run_ = recalendar.change_calendar(
        lambda: calendar_services.import_notice(notice, actor="test"), reason="测试", actor="test"
    )
    ids = [pk for pk, _ in run_.items]
    assert {c.pk for c in cases} <= set(ids)
    real_log_event = recalendar.log_event
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(args[0].pk)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_log_event(*args, **kwargs)

    monkeypatch.setattr(recalendar, "log_event", crash_on_second)
    with pytest.raises(RuntimeError):
        recalendar.run_recompute(run_)
    run_.refresh_from_db()
    assert run_.done == 1 and run_.finished_at is None
    monkeypatch.setattr(recalendar, "log_event", real_log_event)
    call_command("workdays", "recompute", stdout=StringIO())
    run_.refresh_from_db()
    assert run_.finished_at is not None
    for case in cases:
        case.refresh_from_db()
        fresh = clock.decision_due(case.accepted_on, case.limit_days)
        assert case.due_date == fresh  # the same as counting on the official calendar
        assert CaseEvent.objects.filter(case=case, action="recalendar").count() == 1


def test_bad_notices_store_nothing(tmp_path):
    before = list(
        WorkCalendar.objects.filter(date__year__gte=2026).values_list("date", "is_working")
    )
    bad = tmp_path / "bad.txt"
    bad.write_text("关于2027年部分节假日安排\n一、元旦：1月4日（周一）放假。1月5日（周二）上班。")
    with pytest.raises(CommandError, match="第2行"):
        run("import-notice", str(bad))
    official = Path(__file__).parents[1] / "core" / "notices" / "2026.txt"
    with pytest.raises(CommandError, match="--replace"):
        run("import-notice", str(official))
    after = list(
        WorkCalendar.objects.filter(date__year__gte=2026).values_list("date", "is_working")
    )
    assert after == before


def test_dry_run_and_json_store_nothing():
    out = run("import-notice", str(NOTICE), "--dry-run", "--json")
    first = json.loads(out.splitlines()[0])
    assert first["year"] == 2027 and "2027-02-14" in first["workdays"]
    assert "17" in out.splitlines()[1]  # days whose working status would change
    assert not WorkCalendar.objects.filter(date__year=2027).exists()


def test_replacing_the_2026_notice_with_itself_changes_no_working_day():
    official = Path(__file__).parents[1] / "core" / "notices" / "2026.txt"
    out = run("import-notice", str(official), "--replace", "--dry-run")
    assert "0 of them" in out


def test_an_administrator_edits_one_day_with_a_reason(today):
    today(D(2027, 3, 1))
    case = window_case(DRUGS, CHONGYANG)
    services.accept(case, staff("clerk.chongyang"))
    case.refresh_from_db()
    due = case.due_date
    before = LedgerEntry.objects.filter(kind="calendar.day_changed").count()
    run("set-day", "2027-03-03", "--off", "--reason", "咸宁地方性假日（测试）")
    case.refresh_from_db()
    assert case.due_date == workdays.add_working_days(due, 1)
    day = WorkCalendar.objects.get(date=D(2027, 3, 3))
    assert (day.is_working, day.kind, day.provisional) == (False, "holiday", True)
    assert WorkCalendar.objects.filter(date__year=2027).count() == 365  # stored whole
    assert LedgerEntry.objects.filter(kind="calendar.day_changed").count() == before + 1
    with pytest.raises(CommandError, match="理由"):
        run("set-day", "2027-03-04", "--off", "--reason", " ")


@pytest.mark.parametrize("day", [D(2026, 12, 4), D(2026, 12, 28), D(2027, 12, 20)])
def test_every_demo_item_gets_its_dates_whatever_the_day(day):
    """The measurement of the issue: on 2026-12-04, 22 of the 273 items could get no due
    date, and from about 12-24 none could be taken in at all."""
    from ninhaoban.catalog.selectors import current_versions

    versions = list(current_versions(D(2026, 12, 4)))
    assert len(versions) >= 273
    for version in versions:
        received = clock.acceptance_due(day)
        due = clock.decision_due(received, max(version.legal_days, version.promised_days))
        clock.delivery_due(due)
