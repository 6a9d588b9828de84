"""The relevance set (relevance.json, against the demo catalog): colloquial, official, pinyin,
initials and one-typo queries with the items a person asking them wants.

recall@5 is, per query, the share of its expected results found in the first five, averaged;
MRR is the mean of 1/rank of the first expected result (0 when none is in the first five).
"""

import json
from pathlib import Path

import pytest

from ninhaoban.guidance import selectors

CASES = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


def test_the_set_is_large_and_varied():
    kinds = {case["type"] for case in CASES}
    assert len(CASES) >= 80
    assert {"official", "colloquial", "pinyin", "initials", "typo", "event"} <= kinds


def test_relevance(synonyms, capsys):
    recall, reciprocal, misses = 0.0, 0.0, []
    by_type: dict[str, list[float]] = {}
    for case in CASES:
        names = [
            r.name for r in selectors.search(case["q"], region=case.get("region", ""), limit=5)
        ]
        expected = set(case["expect"])
        found = len(expected & set(names)) / len(expected)
        rank = next((i for i, name in enumerate(names, start=1) if name in expected), None)
        recall += found
        reciprocal += 1 / rank if rank else 0.0
        by_type.setdefault(case["type"], []).append(found)
        if found < 1:
            misses.append((case["q"], sorted(expected - set(names)), names))
    recall /= len(CASES)
    mrr = reciprocal / len(CASES)
    with capsys.disabled():
        print(f"\nrelevance: {len(CASES)} queries, recall@5 = {recall:.3f}, MRR = {mrr:.3f}")
        for kind, values in sorted(by_type.items()):
            print(
                f"  {kind:10} {len(values):3} queries, recall@5 = {sum(values) / len(values):.3f}"
            )
        for miss in misses:
            print("  missed:", miss)
    assert recall >= 0.95
    assert mrr >= 0.9


@pytest.mark.parametrize(
    "case", [c for c in CASES if "first" in c], ids=lambda c: f"{c['type']}:{c['q']}"
)
def test_the_one_right_answer_comes_first(synonyms, case):
    """Official names, life events and the clearest colloquial words must rank first."""
    results = selectors.search(case["q"], region=case.get("region", ""), limit=5)
    assert results[0].name == case["first"]
