"""Decisions that hold (issue 14 item 2): course-order changes per encounter of the ships under
test, read from recorded run folders.

For each encounter the referee scored (``score.json``) between a ship under test and another
ship, the ship's commanded course (``cmd_course`` in ``track.npz``) is read from the time the risk
was first seen to the end of the encounter, at the run's planner period. A *change* is a step of
the order by at least ``--deg`` degrees between successive decisions; a *reversal* is a change
against the direction of the previous change (the flip-flop a watch officer would not make).
Route following moves the order by less than a few degrees a decision and is not counted.

    python -m benchmarks.planner_orders out/dnv1000 [--deg 5]

Prints the distribution over encounters (median, 90th percentile, max) of changes and reversals.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np


def encounter_orders(run_dir: Path, deg: float) -> list[tuple[int, int]]:
    """(changes, reversals) of each scored encounter of a ship under test in one run folder."""
    score = json.loads((run_dir / "score.json").read_text())
    meta = json.loads((run_dir / "meta.json").read_text())
    d = np.load(run_dir / "track.npz")
    ids = [s["id"] for s in meta["ships"]]
    period = float(meta.get("planner_period_s") or 5.0)
    dt = float(d["t"][1] - d["t"][0]) if d["t"].shape[0] > 1 else 1.0
    stride = max(1, int(round(period / dt)))
    auto = set(score.get("autonomous_ships") or [])
    out = []
    for e in score.get("encounters", []):
        own = e.get("own")
        if own not in auto or e.get("type") in (None, "none", "routing"):
            continue
        t0 = e.get("t_detect_s")
        t1 = e.get("t_end_s")
        if t0 is None or t1 is None:
            continue
        i = ids.index(own)
        k0 = int(np.searchsorted(d["t"], t0))
        k1 = int(np.searchsorted(d["t"], t1))
        cmd = d["cmd_course"][k0 : k1 + 1 : stride, i]
        cmd = cmd[np.isfinite(cmd)]
        if cmd.size < 2:
            out.append((0, 0))
            continue
        step = (np.diff(cmd) + math.pi) % (2.0 * math.pi) - math.pi
        big = step[np.abs(step) >= math.radians(deg)]
        rev = int(np.sum(np.sign(big[1:]) != np.sign(big[:-1]))) if big.size > 1 else 0
        out.append((int(big.size), rev))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path, help="a run folder or a folder of run folders")
    ap.add_argument("--deg", type=float, default=5.0, help="smallest order change counted (deg)")
    a = ap.parse_args(argv)
    runs = sorted({p.parent for p in a.root.rglob("score.json")})
    rows = [x for r in runs for x in encounter_orders(r, a.deg)]
    if not rows:
        print(f"no scored encounters of ships under test under {a.root}")
        return 1
    ch = np.array([r[0] for r in rows])
    rv = np.array([r[1] for r in rows])
    print(
        f"{len(rows)} encounters in {len(runs)} runs: course-order changes >= {a.deg:g} deg "
        f"median {np.median(ch):.0f}, p90 {np.percentile(ch, 90):.0f}, max {ch.max()}; "
        f"reversals median {np.median(rv):.0f}, p90 {np.percentile(rv, 90):.0f}, max {rv.max()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
