"""MMG ship-steps per second on one core: the factory-built kernel against the one it replaced.

Issue 19 row "MMG ship-steps per second, one core" (goal >= 2 M). The baseline is the MMG module
as it was before the kernel factory (``tests/dynamics/legacy/mmg.py``, kept verbatim as the
test oracle), run on the same ships, states and demands in the same process. KVLCC2 at full
scale, dt = 1 s (one RK4 sub-step, four force evaluations per ship-step), 10,000 ships in
random manoeuvring states:

- open loop: the family's open-loop kernel with rudder and shaft demands, the rudder demand
  changed every tick (so the steering gear is always moving, as under an autopilot);
- closed loop: the closed-loop kernel with course and speed commands (autopilot and speed PI).

Rates are the best of repeated >= 50 ms batches; the two implementations alternate in rounds
(each going first in every other round) and the speed-up is the median of the per-round ratios,
so both see the same load on a shared machine. Numba runs single-threaded here (no prange in
these kernels).

    python -m benchmarks.bench_mmg [--quick] [--ships N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autoship.dynamics import load_ship  # noqa: E402
from autoship.dynamics.fleet import FAMILIES, pack_family  # noqa: E402
from autoship.dynamics.state import (  # noqa: E402
    AUX3,
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    NC,
    NENV,
    NPROP,
    NX,
    PSI,
    E,
    N,
    R,
    U,
    V,
)
from tests.dynamics.legacy import mmg as legacy_mmg  # noqa: E402

DT = 1.0
SHIP = "kvlcc2"
GOAL = 2e6


def _timed(fn, n_ships: int, budget_s: float) -> float:
    """Best ship-steps per second of fn (one tick of n_ships) over >= 50 ms batches."""
    fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    ticks = max(1, int(0.05 / one))
    best = 0.0
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(ticks):
            fn()
        best = max(best, n_ships * ticks / (time.perf_counter() - t0))
        if time.perf_counter() - start >= budget_s:
            return best


def _setup(n: int):
    sd = load_ship(SHIP)
    fam = FAMILIES["mmg"]
    P_new = np.ascontiguousarray(np.repeat(pack_family("mmg", [sd]), n, axis=0))
    P_old = np.ascontiguousarray(legacy_mmg.pack_params([sd]))
    K, T = fam.get_autopilot(P_new, 0)
    legacy_mmg.set_autopilot(P_old, 0, K, T)
    P_old = np.ascontiguousarray(np.repeat(P_old, n, axis=0))
    rng = np.random.default_rng(7)
    Us = sd.service_speed
    X = np.zeros((NX, n))
    X[N] = rng.uniform(-5e3, 5e3, n)
    X[E] = rng.uniform(-5e3, 5e3, n)
    X[PSI] = rng.uniform(0, 2 * math.pi, n)
    X[U] = Us * rng.uniform(0.6, 1.0, n)
    idx = np.arange(n, dtype=np.int64)
    fam.init_state(X, P_new, idx)
    X[V] = Us * rng.uniform(-0.05, 0.05, n)
    X[R] = Us / sd.length_m * rng.uniform(-0.3, 0.3, n)
    X[DELTA] = rng.uniform(-0.3, 0.3, n)
    X[AUX3] = X[NPROP]
    return sd, fam, P_new, P_old, X, idx, rng


def run(n: int, budget_s: float) -> dict:
    sd, fam, P_new, P_old, X0, idx, rng = _setup(n)
    env = np.array([0.2, -0.1, 8.0, 1.0])[:NENV]
    # Two rudder demand sets swapped every tick: the rudder ramps in every sub-step.
    Da = np.zeros((2, n))
    Da[0] = rng.uniform(-0.3, 0.3, n)
    Da[1] = X0[NPROP]
    Db = Da.copy()
    Db[0] = -Da[0]
    C = np.zeros((NC, n))
    C[CMD_COURSE] = (X0[PSI] + rng.uniform(-1.0, 1.0, n)) % (2 * math.pi)
    C[CMD_SPEED] = sd.service_speed * 0.8
    cases = {}
    for label, kernel_open, kernel, P in (
        ("factory", fam.open_kernel, fam.kernel, P_new),
        ("legacy", legacy_mmg.step_mmg_open, legacy_mmg.step_mmg, P_old),
    ):
        Xo = X0.copy()
        Xc = X0.copy()
        flip = [0]

        def open_tick(Xo=Xo, kernel_open=kernel_open, P=P, flip=flip):
            flip[0] ^= 1
            kernel_open(Xo, P, Da if flip[0] else Db, idx, DT, env)

        def closed_tick(Xc=Xc, kernel=kernel, P=P):
            kernel(Xc, P, C, idx, DT, env)

        cases[label] = (open_tick, closed_tick)
    rounds = 6
    rates: dict[str, list[float]] = {f"{k}_{m}": [] for k in cases for m in ("open", "closed")}
    for k in range(rounds):
        # Alternate which implementation goes first, so neither gains from the order.
        for label in sorted(cases, reverse=bool(k % 2)):
            open_tick, closed_tick = cases[label]
            rates[f"{label}_open"].append(_timed(open_tick, n, budget_s / rounds))
            rates[f"{label}_closed"].append(_timed(closed_tick, n, budget_s / rounds))

    def ratio(mode: str) -> float:
        r = sorted(
            a / b for a, b in zip(rates[f"factory_{mode}"], rates[f"legacy_{mode}"], strict=True)
        )
        return r[rounds // 2]

    out = {k: max(v) for k, v in rates.items()}
    out.update(n_ships=n, ratio_open=ratio("open"), ratio_closed=ratio("closed"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short timings (CI smoke run)")
    ap.add_argument("--ships", type=int, default=10_000)
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    args = ap.parse_args(argv)
    r = run(args.ships, 0.5 if args.quick else 4.0)
    print(f"MMG {SHIP}, {r['n_ships']:,} ships, dt = {DT:g} s, one core (ship-steps/s)")
    print(f"{'':8} {'factory':>12} {'legacy':>12} {'ratio':>7}")
    for mode in ("open", "closed"):
        print(
            f"{mode:8} {r[f'factory_{mode}']:>12,.0f} {r[f'legacy_{mode}']:>12,.0f} "
            f"{r[f'ratio_{mode}']:>6.2f}x"
        )
    best = r["factory_closed"]
    print(
        f"goal >= {GOAL:,.0f} ship-steps/s (closed loop, what a simulation runs): {best:,.0f} "
        f"({'met' if best >= GOAL else 'NOT met'})"
    )
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
