"""双随机 draw: time to draw and to verify, next to a baseline measured in the same run.

The draw (and every public recomputation of it) is pure Python: SHA-256 blocks, rejection
sampling and a forward Fisher–Yates shuffle, per object a second shuffle of the inspectors.
Figure: one draw of COUNT objects from a pool of POOL with PER inspectors each from
INSPECTORS, and the same draw verified; baseline: Python's own `random.Random(seed).sample`
of the same objects and inspectors (Mersenne Twister, not verifiable from a checkpoint).
Bounded by count (POOL objects, a few repetitions), no database.

Run: .venv/bin/python bench/inspections.py
"""

import hashlib
import random
import time

from ninhaoban.inspections import draw

POOL, COUNT, INSPECTORS, PER, REPEAT = 20_000, 2_000, 200, 2, 5


def snapshot() -> dict:
    objects = [f"91421202{n:09d}X" for n in range(POOL)]
    inspectors = [f"4202{n:06d}" for n in range(INSPECTORS)]
    excluded = sorted([inspectors[n % INSPECTORS], objects[n * 7 % POOL]] for n in range(POOL))
    return {
        "version": 1,
        "plan": {"code": "SJ421202000001", "count": COUNT, "inspectors_per_object": PER},
        "objects": objects,
        "inspectors": inspectors,
        "excluded": excluded,
    }


def best(run) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    data = snapshot()
    root = hashlib.sha256(b"checkpoint").digest()
    excluded = {tuple(p) for p in data["excluded"]}

    def baseline() -> None:
        rng = random.Random(root)
        for obj in rng.sample(data["objects"], COUNT):
            rng.sample([c for c in data["inspectors"] if (c, obj) not in excluded], PER)

    base = best(baseline)
    drawn = best(lambda: draw.draw(data, root))
    _, published = draw.draw(data, root)

    def verify() -> None:
        if draw.draw(data, root)[1] != published:
            raise SystemExit("the draw is not reproducible")

    verified = best(verify)
    print(f"draw of {COUNT} of {POOL} objects, {PER} of {INSPECTORS} inspectors each")
    print(f"  baseline random.sample:  {base * 1000:8.1f} ms")
    print(f"  SHA-256 Fisher-Yates:    {drawn * 1000:8.1f} ms  ratio {drawn / base:5.2f}")
    print(f"  recompute and compare:   {verified * 1000:8.1f} ms  ratio {verified / base:5.2f}")


if __name__ == "__main__":
    main()
