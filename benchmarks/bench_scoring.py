"""Benchmark: score a 1-hour recording of 80 ships (all 3,160 pairs) at 1 s.

Compares, in one run, the numba path (``autoship.metrics.score_tracks``) with a plain NumPy
version of the same scoring (the test oracle in tests/metrics/metrics_oracle.py, vectorised over
records for each pair, swapped in for the two kernels; everything else identical).
Goal: under 2 s and at least 50x.

    .venv/bin/python benchmarks/bench_scoring.py [--ships 80] [--hours 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "metrics"))

import metrics_oracle  # noqa: E402

from autoship.colregs import classification_params, load_profile  # noqa: E402
from autoship.colregs.domains import domain_params  # noqa: E402
from autoship.metrics import score as S  # noqa: E402, N812


def traffic(m: int, duration_s: float, dt: float = 1.0, seed: int = 7) -> dict[str, np.ndarray]:
    """m ships at 10-16 kn in a 24 NM square, on random courses with occasional alterations
    (so the recording holds every encounter type, manoeuvres and re-encounters)."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, duration_s + dt / 2, dt)
    n = t.shape[0]
    half = 12 * 1852.0
    chi0 = rng.uniform(0, 2 * math.pi, m)
    # Alterations: each ship turns a few times by +-10..60 deg at 0.5 deg/s.
    rate = np.zeros((n, m))
    for s in range(m):
        for _ in range(rng.integers(0, 4)):
            start = rng.integers(0, n - 200)
            turn = math.radians(rng.uniform(10, 60)) * rng.choice([-1, 1])
            steps = int(abs(math.degrees(turn)) / 0.5 / dt)
            rate[start : start + steps, s] += turn / max(steps, 1)
    chi = chi0 + np.cumsum(rate, axis=0)
    u = rng.uniform(10, 16, m) * 1852.0 / 3600.0
    u = np.broadcast_to(u, (n, m)).copy()
    vn, ve = u * np.cos(chi), u * np.sin(chi)
    north = rng.uniform(-half, half, m) + np.cumsum(vn, axis=0) * dt
    east = rng.uniform(-half, half, m) + np.cumsum(ve, axis=0) * dt
    return {
        "t": t,
        "north": north,
        "east": east,
        "vn": vn,
        "ve": ve,
        "heading": chi % (2 * math.pi),
    }


def numpy_scan(tr, pair_i, pair_j, profile, length=None):
    if length is None:
        length = np.zeros(tr.north.shape[0])
    d_risk = np.maximum(
        profile.risk.dcpa_m, profile.risk.dcpa_lengths * np.maximum(length[pair_i], length[pair_j])
    )
    return metrics_oracle.scan_np(
        tr.t, tr.north, tr.east, tr.vn, tr.ve, tr.cog, tr.sog, pair_i, pair_j,
        classification_params(profile), S.scan_params(profile), d_risk,
    )  # fmt: skip


def numpy_measure(tr, length, own, tgt, k0, kcpa, k1, code, profile):
    m = profile.manoeuvre
    mp = [math.radians(m.course_detect_deg), m.speed_detect_mps, profile.stages.r2_m,
          profile.stages.r3_m, profile.stages.r4_m]  # fmt: skip
    return metrics_oracle.measure_np(
        tr.north, tr.east, tr.cog, tr.sog, tr.heading, length, own, tgt, k0, kcpa, k1,
        np.isin(code, (4, 5)), mp, domain_params(profile),
    )  # fmt: skip


def timed(fn, repeat: int) -> tuple[float, object]:
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ships", type=int, default=80)
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", default="large-ship")
    args = ap.parse_args()
    prof = load_profile(args.profile)
    arrays = traffic(args.ships, args.hours * 3600.0)
    ships = [
        {"id": f"s{k:02d}", "role": "own" if k == 0 else "target", "planner": "sbmpc",
         "length_m": 200.0, "beam_m": 32.0}
        for k in range(args.ships)
    ]  # fmt: skip
    n_pairs = args.ships * (args.ships - 1) // 2
    n_rec = arrays["t"].shape[0]

    def numba_run():
        return S.score_tracks(arrays, ships, prof)

    numba_run()  # compile / load the cache
    t_numba, res = timed(numba_run, args.repeat)
    tr = S.Tracks.from_arrays(arrays)
    ii, jj = np.triu_indices(args.ships, 1)
    t_scan, _ = timed(lambda: S.scan(tr, ii, jj, prof), args.repeat)

    t_scan_np, _ = timed(lambda: numpy_scan(tr, ii, jj, prof), 1)
    orig = (S.scan, S.measure)
    S.scan, S.measure = numpy_scan, numpy_measure
    try:
        t_np, res_np = timed(numba_run, 1)
    finally:
        S.scan, S.measure = orig
    same = [
        (e["own"], e["target"], e["type"], e["own_role"], e["rules"]) for e in res["encounters"]
    ] == [
        (e["own"], e["target"], e["type"], e["own_role"], e["rules"]) for e in res_np["encounters"]
    ]
    n_enc = sum(1 for e in res["encounters"] if e["type"] != "none")
    print(
        f"{args.ships} ships, {n_pairs} pairs, {n_rec} records ({args.hours:g} h at 1 s), "
        f"profile {prof.name}: {n_enc} encounter sides, {len(res['encounters'])} report entries"
    )
    print(f"  numba score_tracks:             {t_numba:8.3f} s  (pair scan kernel {t_scan:.3f} s)")
    print(f"  plain NumPy, same scoring:      {t_np:8.3f} s")
    print(f"  pair scan alone: numba {t_scan:.3f} s, NumPy {t_scan_np:.3f} s: "
          f"{t_scan_np / t_scan:.1f} x")  # fmt: skip
    print(f"  speed-up, whole scoring:        {t_np / t_numba:8.1f} x")
    print(f"  identical encounters and rule scores: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
