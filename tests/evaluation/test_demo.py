"""The demo's 好差评 and `ninhaoban evaluation stats --json`: every region's and department's
好评率 and 差评整改率 equal a count made straight from the demo's ratings (not from the
tallies the command reads), an upheld appeal left out."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from ninhaoban.demo import cases as demo_cases
from ninhaoban.demo import evaluation as demo_evaluation
from ninhaoban.demo import licences as demo_licences
from ninhaoban.evaluation.models import Evaluation
from ninhaoban.regions.models import code_prefix

pytestmark = pytest.mark.django_db
DONE = {"rectified", "answered", "followed_up"}


def _recount(ratings: list[Evaluation], key) -> dict:
    """{key: (ratings, good, bad, bad rectified)} straight from the rows."""
    counts: Counter = Counter()
    for ev in ratings:
        k = key(ev)
        if k is None:
            continue
        rect = getattr(ev, "rectification", None)
        counts[(k, "ratings")] += 1
        counts[(k, "good")] += ev.level >= 3
        counts[(k, "bad")] += ev.level <= 2
        counts[(k, "done")] += ev.level <= 2 and rect is not None and rect.state in DONE
    return counts


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def test_the_stats_command_prints_the_demo_ratings_figures():
    demo_licences.seed_types()
    demo_cases.seed()
    demo_evaluation.seed()
    counted = [
        ev
        for ev in Evaluation.objects.select_related("appeal", "rectification")
        if getattr(ev, "appeal", None) is None or ev.appeal.decision != "upheld"
    ]
    assert len(counted) < Evaluation.objects.count()  # the demo's upheld appeal
    out = StringIO()
    call_command("evaluation", "stats", "--json", stdout=out)
    data = json.loads(out.getvalue())

    regions = data["regions"]
    assert regions[0]["code"] == "421200000000" and len(regions) > 1
    for row in regions:
        prefix = code_prefix(row["code"])
        counts = _recount(counted, lambda ev, p=prefix: "r" if ev.region_id.startswith(p) else None)
        assert row["ratings"] == counts[("r", "ratings")], row["name"]
        assert row["good_rate"] == _rate(counts[("r", "good")], counts[("r", "ratings")])
        assert row["rectification_rate"] == _rate(counts[("r", "done")], counts[("r", "bad")])
    assert regions[0]["ratings"] == len(counted)
    assert 0 < regions[0]["good_rate"] < 1 and 0 < regions[0]["rectification_rate"] < 1

    counts = _recount(counted, lambda ev: ev.department_id)
    departments = {d["id"]: d for d in data["departments"]}
    assert set(departments) == {k for k, f in counts if f == "ratings"}
    for pk, row in departments.items():
        assert row["ratings"] == counts[(pk, "ratings")], row["name"]
        assert row["good_rate"] == _rate(counts[(pk, "good")], counts[(pk, "ratings")])
        assert row["rectification_rate"] == _rate(counts[(pk, "done")], counts[(pk, "bad")])
    assert any(row["rectification_rate"] is not None for row in departments.values())
