"""Planner benchmark: decision latency (Numba vs NumPy) and the random encounter set.

    .venv/bin/python benchmarks/bench_planner.py                  # latency + 500 encounters
    .venv/bin/python benchmarks/bench_planner.py --encounters 0   # latency only
    .venv/bin/python benchmarks/bench_planner.py --encounters 500 --planners sbmpc,vo --skip-latency

Latency: one ``sbmpc`` planner decides on synthetic scenes with 1, 10 and 80 moving targets
spread over 12 km around the own ship (every target inside the horizon's reach, so none is
pruned); each decision is timed end to end (``plan()``), first with the Numba kernel, then with
the NumPy twin of the same candidate evaluation swapped in. Single process, one core.

Encounters: the seeded DNV-style set of ``autoship.sweep.generators.random_cases`` (the one
generator ``autoship sweep`` uses; own ship 10 kn, one to three targets); each run is simulated
with the planner as the own ship's and scored with the large-ship profile. Rates carry Wilson
95 % score intervals.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import defaultdict

import numpy as np

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from autoship.colregs import load_profile  # noqa: E402
from autoship.metrics import score_tracks  # noqa: E402
from autoship.planner import Observation, PlannerContext, make_planner  # noqa: E402
from autoship.planner._reference import evaluate_candidates_numpy  # noqa: E402
from autoship.sim import simulate  # noqa: E402
from autoship.sweep.generators import random_cases  # noqa: E402
from autoship.units import KNOT  # noqa: E402


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def _scene(rng: np.random.Generator, n_targets: int, radius: float = 22500.0) -> dict:
    n = n_targets + 1
    r = np.sqrt(rng.uniform(0.05 * (12000.0 / radius) ** 2, 1.0, n)) * radius
    b = rng.uniform(0, 2 * np.pi, n)
    north = r * np.cos(b)
    east = r * np.sin(b)
    north[0] = east[0] = 0.0
    sp = rng.uniform(4.0, 8.0, n)
    cs = rng.uniform(0, 2 * np.pi, n)
    sp[0], cs[0] = 6.0, 0.0
    return dict(north=north, east=east, vn=sp * np.cos(cs), ve=sp * np.sin(cs), heading=cs)


def _obs(scene: dict, t: float) -> Observation:
    n = scene["north"].shape[0]
    return Observation(
        t=t,
        own=0,
        ids=tuple(f"s{i}" for i in range(n)),
        north=scene["north"] + scene["vn"] * t,
        east=scene["east"] + scene["ve"] * t,
        heading=scene["heading"],
        vn=scene["vn"],
        ve=scene["ve"],
        length=np.full(n, 150.0),
        beam=np.full(n, 25.0),
        categories=("power-driven",) * n,
        valid=np.ones(n, dtype=bool),
        own_u=6.0,
        own_r=0.0,
    )


def _planner(numpy_eval: bool):
    p = make_planner("sbmpc", {})
    p.reset(
        PlannerContext(
            ship_index=0, ship_id="s0", length=150.0, beam=25.0, draught=8.5, start=(0.0, 0.0),
            initial_course=0.0, cruise_speed=6.0, max_speed=18 * KNOT, goal=(50000.0, 0.0),
            dt=1.0, planner_period=5.0, visibility="good", category="power-driven",
            rng=np.random.default_rng(0),
        )
    )  # fmt: skip
    if numpy_eval:
        p.evaluate = evaluate_candidates_numpy
    return p


def latency(reps_numba: int = 300, reps_numpy: int = 20) -> list[dict]:
    """p50/p99 of plan() per scene, in CPU time of this process (other processes on a shared
    machine do not count) and in wall time."""
    rows = []
    for nt, radius in ((1, 12000.0), (10, 12000.0), (80, 12000.0), (80, 22500.0)):
        scene = _scene(np.random.default_rng(nt), nt, radius)
        out = {"targets": nt, "radius_km": radius / 1000.0}
        for label, numpy_eval, reps in (("numba", False, reps_numba), ("numpy", True, reps_numpy)):
            p = _planner(numpy_eval)
            p.plan(_obs(scene, 0.0))  # compile / warm up
            cpu, wall = [], []
            for k in range(reps):
                obs = _obs(scene, 5.0 * (k % 20))
                c0 = time.process_time()
                t0 = time.perf_counter()
                p.plan(obs)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            c = np.array(cpu) * 1e3
            a = np.array(wall) * 1e3
            out[label] = (float(np.percentile(c, 50)), float(np.percentile(c, 99)))
            out[label + "_wall"] = (float(np.percentile(a, 50)), float(np.percentile(a, 99)))
            out["candidates"] = int(p.dchi.size)
            out["steps"] = int(p.nsteps)
            out["in_reach"] = int(p.select_targets(_obs(scene, 0.0)).size)
        out["speedup_p50"] = out["numpy"][0] / out["numba"][0]
        rows.append(out)
    return rows


def command_changes(cmd_course: np.ndarray, threshold_deg: float = 5.0) -> int:
    """Course orders that differ from the order before by more than ``threshold_deg`` (a
    decision that does not hold shows as many changes; one avoidance manoeuvre and the return
    to the route are about two to four)."""
    c = np.unwrap(cmd_course[np.isfinite(cmd_course)])
    return int(np.count_nonzero(np.abs(np.diff(c)) > np.radians(threshold_deg)))


def run_set(n: int, planners: list[str], seed: int) -> dict:
    cases = random_cases(n, seed, n_targets=(1, 2, 3), planner="sbmpc", profile="large-ship")
    profile = load_profile("large-ship")
    results = {}
    for planner in planners:
        stats = defaultdict(int)
        rule_scores = defaultdict(list)
        rule_pass = defaultdict(lambda: [0, 0])
        fails = []
        lat = []
        changes = []
        t0 = time.perf_counter()
        for case in cases:
            res = simulate(case.scenario, planner_override=planner)
            sc = score_tracks(res.arrays, res.meta["ships"], profile, "good", res.events)
            own_coll = any(e["kind"] == "collision" and "os" in e["ships"] for e in res.events)
            pi, pj = sc["pair_i"], sc["pair_j"]
            own_pairs = (pi == 0) | (pj == 0)
            sep = float(np.min(sc["pair_min_range"][own_pairs])) if own_pairs.any() else np.inf
            n_t = case.params["n_targets"]
            stats["runs"] += 1
            stats["collision_free"] += int(not own_coll)
            stats["separation_ok"] += int(sep >= profile.gates.min_separation_m)
            stats["separation_rmin"] += int(sep >= profile.safety.r_min_m)
            stats[f"targets_{n_t}"] += 1
            ok_rules = True
            for e in sc["encounters"]:
                if e["own"] != "os":
                    continue
                for rule, s in e["rules"].items():
                    if s is None:
                        continue
                    rule_scores[rule].append(s)
                    good = s >= profile.gates.min_rule_score
                    rule_pass[rule][0] += int(good)
                    rule_pass[rule][1] += 1
                    ok_rules &= good
            stats["rules_ok"] += int(ok_rules)
            if own_coll or sep < profile.gates.min_separation_m:
                types = [t["encounter"] for t in case.params["targets"]]
                fails.append((case.scenario_id, types, round(float(sep))))
            lat.append(res.meta["planner_latency_ms"]["os"]["p50"])
            changes.append(command_changes(res.arrays["cmd_course"][:, 0]))
        results[planner] = dict(
            stats=dict(stats),
            rule_scores={k: float(np.mean(v)) for k, v in rule_scores.items()},
            rule_pass={k: tuple(v) for k, v in rule_pass.items()},
            fails=fails,
            wall_s=time.perf_counter() - t0,
            latency_p50_ms=float(np.median(lat)) if lat else None,
            changes=np.asarray(changes, dtype=float),
        )
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encounters", type=int, default=500)
    ap.add_argument("--planners", default="sbmpc,vo")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--skip-latency", action="store_true")
    args = ap.parse_args(argv)
    if not args.skip_latency:
        print("decision latency, sbmpc plan() end to end, one core; CPU ms (wall ms)")
        print(f"{'targets':>8} {'within':>7} {'in reach':>8} {'numba p50':>16} {'numba p99':>16} "
              f"{'numpy p50':>16} {'numpy p99':>16} {'speed-up':>9}")  # fmt: skip
        for r in latency():
            cells = [
                f"{r[k][q]:.3f} ({r[k + '_wall'][q]:.3f})"
                for k in ("numba", "numpy")
                for q in (0, 1)
            ]
            print(
                f"{r['targets']:>8} {r['radius_km']:>5.1f}km {r['in_reach']:>8} "
                + " ".join(f"{c:>16}" for c in cells)
                + f" {r['speedup_p50']:>8.0f}x"
            )
        print(f"({r['candidates']} candidates x {r['steps']} steps of {r['steps'] and 10} s)")
    if args.encounters > 0:
        planners = [p.strip() for p in args.planners.split(",") if p.strip()]
        res = run_set(args.encounters, planners, args.seed)
        for planner, r in res.items():
            s = r["stats"]
            n = s["runs"]
            print(f"\n{planner}: {n} random encounters (seed {args.seed}), {r['wall_s']:.0f} s")
            for key, label in (
                ("collision_free", "collision-free"),
                ("separation_ok", "separation >= gate"),
                ("separation_rmin", "separation >= R_min"),
                ("rules_ok", "every rule score >= gate"),
            ):
                k = s[key]
                lo, hi = wilson(k, n)
                print(f"  {label:<26} {k}/{n} = {100 * k / n:6.2f} %  (Wilson 95 %: "
                      f"{100 * lo:.2f} - {100 * hi:.2f} %)")  # fmt: skip
            for rule in sorted(r["rule_scores"], key=lambda x: (len(x), x)):
                k, m = r["rule_pass"][rule]
                lo, hi = wilson(k, m)
                print(f"  rule {rule:<4} mean score {r['rule_scores'][rule]:.3f}; >= gate {k}/{m} "
                      f"(Wilson 95 %: {100 * lo:.1f} - {100 * hi:.1f} %)")  # fmt: skip
            print(f"  planner latency p50 (median over runs) {r['latency_p50_ms']:.3f} ms")
            ch = r["changes"]
            print(f"  course order changes > 5 deg per run: median {np.median(ch):.0f}, "
                  f"p90 {np.percentile(ch, 90):.0f}, max {ch.max():.0f}")  # fmt: skip
            if r["fails"]:
                print(f"  unsafe runs (index, types, min separation m): {r['fails'][:20]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
