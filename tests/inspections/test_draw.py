"""The draw as a pure function: conflict rules for any pool (hypothesis), determinism, a
known-answer vector for re-implementers (docs/inspections.md), and a different draw for any
change to the plan."""

import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ninhaoban.inspections import draw

ROOT = hashlib.sha256(b"a checkpoint root").digest()


def snapshot(objects: int = 40, inspectors: int = 10, count: int = 8, per: int = 2) -> dict:
    return {
        "version": 1,
        "plan": {
            "code": "SJ421202000001",
            "title": "食品经营者双随机抽查",
            "department": "11421202MB0000000X",
            "items": ["421202-food"],
            "industry": "",
            "object_region": "421202000000",
            "sample_count": count,
            "sample_ratio": None,
            "count": count,
            "inspectors_per_object": per,
            "start_date": "2026-12-01",
            "end_date": "2026-12-31",
        },
        "objects": [f"O{n:03d}" for n in range(objects)],
        "inspectors": [f"C{n:03d}" for n in range(inspectors)],
        "excluded": [["C000", "O000"], ["C001", "O000"]],
    }


@st.composite
def snapshots(draw_: Any) -> dict:
    objects = draw_(st.integers(1, 25))
    inspectors = draw_(st.integers(1, 8))
    data = snapshot(objects, inspectors, draw_(st.integers(1, objects)), draw_(st.integers(1, 3)))
    pairs = [[c, o] for c in data["inspectors"] for o in data["objects"]]
    data["excluded"] = sorted(draw_(st.lists(st.sampled_from(pairs), unique_by=tuple)))
    return data


@settings(max_examples=300, deadline=None)
@given(snapshots(), st.binary(min_size=32, max_size=32))
def test_conflict_rules_hold_for_any_pool(data, root):
    excluded = {tuple(p) for p in data["excluded"]}
    per = data["plan"]["inspectors_per_object"]
    possible = all(
        sum((c, o) not in excluded for c in data["inspectors"]) >= per for o in data["objects"]
    )
    if not possible:
        with pytest.raises(draw.DrawError):
            draw.draw(data, root)
        return
    seed, assignments = draw.draw(data, root)
    assert (seed, assignments) == draw.draw(copy.deepcopy(data), root)  # deterministic
    chosen = [a.object for a in assignments]
    assert len(chosen) == data["plan"]["count"] == len(set(chosen))
    assert set(chosen) <= set(data["objects"])
    for a in assignments:
        assert len(a.inspectors) == per == len(set(a.inspectors))
        assert set(a.inspectors) <= set(data["inspectors"])
        assert not any((c, a.object) in excluded for c in a.inspectors)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.integers(1, 2**40))
def test_uniform_integers_stay_in_range(seed, n):
    stream = draw.Stream(seed, "x")
    assert all(0 <= stream.below(n) < n for _ in range(5))


def test_known_answer_vector():
    """The vector of docs/inspections.md: an implementation in another language must
    produce exactly this."""
    seed, assignments = draw.draw(snapshot(objects=10, inspectors=4, count=3), ROOT)
    assert seed.hex() == "fdb74a15016fffbeb7b3828f7a792dcca6014278b499e37089319f84ac9b4f79"
    assert [a.as_dict() for a in assignments] == [
        {"object": "O004", "inspectors": ["C002", "C001"]},
        {"object": "O009", "inspectors": ["C000", "C003"]},
        {"object": "O007", "inspectors": ["C001", "C003"]},
    ]


def _as_documented(data: dict, root: bytes) -> list[dict]:
    """docs/inspections.md followed line by line, sharing no code with the module."""
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    seed = hashlib.sha256(
        b"ninhaoban/inspections/draw/v1\x00"
        + root
        + b"\x00"
        + data["plan"]["code"].encode()
        + b"\x00"
        + hashlib.sha256(body.encode()).digest()
    ).digest()

    def shuffle(label: str, pool: list[str], k: int) -> list[str]:
        pool, counter = list(pool), 0
        for i in range(k):
            n = len(pool) - i
            while True:
                block = hashlib.sha256(seed + label.encode() + b"\x00" + counter.to_bytes(8, "big"))
                counter += 1
                x = int.from_bytes(block.digest()[:8], "big")
                if x < 2**64 - 2**64 % n:
                    break
            j = i + x % n
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    excluded = [tuple(p) for p in data["excluded"]]
    per = data["plan"]["inspectors_per_object"]
    return [
        {
            "object": o,
            "inspectors": shuffle(
                "inspectors:" + o, [c for c in data["inspectors"] if (c, o) not in excluded], per
            ),
        }
        for o in shuffle("objects", data["objects"], data["plan"]["count"])
    ]


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.binary(min_size=32, max_size=32))
def test_the_documented_algorithm_is_the_one_implemented(data, root):
    try:
        _, assignments = draw.draw(data, root)
    except draw.DrawError:
        return
    assert [a.as_dict() for a in assignments] == _as_documented(data, root)


CHANGES = {
    "title": ("plan", "title", "食品经营者双随机抽查（修订）"),
    "items": ("plan", "items", ["421202-food", "421202-label"]),
    "industry": ("plan", "industry", "餐饮"),
    "count": ("plan", "count", 9),
    "per_object": ("plan", "inspectors_per_object", 3),
    "start": ("plan", "start_date", "2026-12-02"),
    "code": ("plan", "code", "SJ421202000002"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_to_the_plan_changes_the_draw(change):
    base = snapshot()
    seed, assignments = draw.draw(base, ROOT)
    section, key, value = CHANGES[change]
    changed = copy.deepcopy(base)
    changed[section][key] = value
    other_seed, other = draw.draw(changed, ROOT)
    assert other_seed != seed and other != assignments


@pytest.mark.parametrize("change", ["objects", "inspectors", "excluded", "root"])
def test_any_change_to_the_pool_or_the_checkpoint_changes_the_draw(change):
    base = snapshot()
    seed, assignments = draw.draw(base, ROOT)
    changed, root = copy.deepcopy(base), ROOT
    if change == "objects":
        changed["objects"] = changed["objects"][1:]
    elif change == "inspectors":
        changed["inspectors"] = changed["inspectors"][:-1]
    elif change == "excluded":
        changed["excluded"] = [*changed["excluded"], ["C002", "O000"]]
    else:
        root = hashlib.sha256(b"another root").digest()
    other_seed, other = draw.draw(changed, root)
    assert other_seed != seed and other != assignments


def test_unsorted_or_impossible_snapshots_are_refused():
    data = snapshot()
    data["objects"] = list(reversed(data["objects"]))
    with pytest.raises(draw.DrawError, match="sorted"):
        draw.draw(data, ROOT)
    with pytest.raises(draw.DrawError, match="draws"):
        draw.draw(snapshot(count=41), ROOT)


def test_sample_size_rounds_a_ratio_up_and_caps_a_count():
    assert draw.sample_size(14, None, 50) == 7
    assert draw.sample_size(15, None, 10) == 2
    assert draw.sample_size(3, 5, None) == 3
