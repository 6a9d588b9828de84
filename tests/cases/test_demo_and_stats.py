import datetime as dt
import json

import pytest
from django.core.management import call_command

from ninhaoban.cases.models import Case, Status
from ninhaoban.demo import cases as demo_cases
from tests.cases.conftest import window_case

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_status_with_warnings_and_overdue(capsys):
    summary = demo_cases.seed()
    assert "demo cases" in summary
    assert demo_cases.seed() == "cases: demo cases already present"
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    call_command("cases", "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert set(stats["by_status"]) == set(Status.values)
    assert stats["total"] == Case.objects.count()
    assert stats["warning"] > 0 and stats["overdue"] > 0


def test_stats_count_warning_and_overdue_by_working_days(today, capsys):
    today(dt.date(2026, 9, 28))
    window_case()  # acceptance due 2026-10-10
    today(dt.date(2026, 10, 9))
    call_command("cases", "stats", "--json")
    assert json.loads(capsys.readouterr().out)["warning"] == 1
    today(dt.date(2026, 10, 12))
    call_command("cases", "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert (stats["warning"], stats["overdue"]) == (0, 1)
    call_command("cases", "stats")
    assert "超期" in capsys.readouterr().out
