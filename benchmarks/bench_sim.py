"""Simulation loop speed: simulated time / wall time for 2, 20 and 80 ships, our loop against a
plain NumPy loop of the same model and checks, and the cold start of `autoship run` on one Imazu
case with the Numba cache warm. Ratios are measured in one run on this machine.

    python -m benchmarks.bench_sim
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from autoship.dynamics import load_ship
from autoship.scenario import parse_scenario
from autoship.sim import simulate

ROOT = Path(__file__).resolve().parents[1]


def crowd_scenario(n: int, duration_s: float = 3600.0) -> str:
    """n ships on a grid 3 km apart, all keep-course on random headings: open water, no goals."""
    rng = np.random.default_rng(n)
    side = math.ceil(math.sqrt(n))
    lines = [
        "[scenario]",
        f'id = "crowd-{n}"',
        'title = "bench"',
        'source = "benchmark"',
        "seed = 1",
        f"duration_s = {duration_s}",
        "dt_s = 1.0",
        "planner_period_s = 5.0",
        'visibility = "good"',
        "[frame]",
        "origin_lat_deg = 45.0",
        "origin_lon_deg = -30.0",
    ]
    for i in range(n):
        lines += [
            "[[ship]]",
            f'id = "s{i}"',
            f'role = "{"own" if i == 0 else "target"}"',
            'model = "generic-cargo"',
            f"start = {{ north_m = {3000.0 * (i // side)}, east_m = {3000.0 * (i % side)} }}",
            f"course_deg = {rng.uniform(0, 360):.1f}",
            f"speed_kn = {rng.uniform(8, 16):.1f}",
            'planner = "keep-course"',
        ]
    return "\n".join(lines) + "\n"


def _deriv(u, r, uc, delta, L, Kp, Tp, Tu):
    ua = np.maximum(np.abs(u), 0.3)
    return r, (uc - u) / Tu, (Kp * ua / L * delta - r) / (Tp * L / ua)


def numpy_loop(n: int, n_ticks: int, dt: float = 1.0) -> None:
    """The same model (first-order Nomoto + PD autopilot, RK4) and the same continuous pairwise
    distance check as the simulation loop, written as plain vectorised NumPy per tick (without
    the loop's planner calls, hull-rectangle tests and recording, so it flatters NumPy)."""
    d = load_ship("generic-cargo")
    m = d.model
    L, Kp, Tp, Tu = d.length_m, m["K_prime"], m["T_prime"], m["speed_time_constant_s"]
    dmax, drate = math.radians(m["rudder_max_deg"]), math.radians(m["rudder_rate_deg_s"])
    umax, wn_p, zeta = m["max_speed_kn"] * 1852 / 3600, m["autopilot_wn_prime"], m["autopilot_zeta"]
    rng = np.random.default_rng(n)
    north = rng.uniform(0, 3e4, n)
    east = rng.uniform(0, 3e4, n)
    psi = rng.uniform(0, 2 * np.pi, n)
    u = rng.uniform(4, 8, n)
    r = np.zeros(n)
    delta = np.zeros(n)
    course_cmd = psi.copy()
    u_cmd = u.copy()
    iu, ju = np.triu_indices(n, 1)
    pn1, pe1 = north[ju] - north[iu], east[ju] - east[iu]
    pair_min = np.hypot(pn1, pe1)
    for _ in range(n_ticks):
        uu = np.maximum(np.abs(u), 0.3)
        K = Kp * uu / L
        T = Tp * L / uu
        wn = wn_p * uu / L
        err = (course_cmd - psi + np.pi) % (2 * np.pi) - np.pi
        kp = T * wn * wn / K
        kd = np.maximum((2 * zeta * wn * T - 1) / K, 0)
        dc = np.clip(kp * err - kd * r, -dmax, dmax)
        step = drate * dt
        delta = delta + np.clip(dc - delta, -step, step)
        uc = np.minimum(u_cmd, umax)
        a = _deriv(u, r, uc, delta, L, Kp, Tp, Tu)
        b = _deriv(u + dt / 2 * a[1], r + dt / 2 * a[2], uc, delta, L, Kp, Tp, Tu)
        c = _deriv(u + dt / 2 * b[1], r + dt / 2 * b[2], uc, delta, L, Kp, Tp, Tu)
        e = _deriv(u + dt * c[1], r + dt * c[2], uc, delta, L, Kp, Tp, Tu)
        north = north + dt * u * np.cos(psi)
        east = east + dt * u * np.sin(psi)
        psi = psi + dt * (a[0] + 2 * b[0] + 2 * c[0] + e[0]) / 6
        u = u + dt * (a[1] + 2 * b[1] + 2 * c[1] + e[1]) / 6
        r = r + dt * (a[2] + 2 * b[2] + 2 * c[2] + e[2]) / 6
        # Same continuous pair check as the loop: closest point of the relative motion in the tick.
        pn, pe = pn1, pe1
        pn1, pe1 = north[ju] - north[iu], east[ju] - east[iu]
        dn, de = pn1 - pn, pe1 - pe
        dd = np.maximum(dn * dn + de * de, 1e-300)
        sc = np.clip(-(pn * dn + pe * de) / dd, 0.0, 1.0)
        np.minimum(pair_min, np.hypot(pn + sc * dn, pe + sc * de), out=pair_min)


def main(argv: list[str] | None = None) -> None:
    # Warm up (compile or load the cached kernels) before timing.
    simulate(parse_scenario(crowd_scenario(2, 60.0), ROOT / "bench.toml"))
    print(f"{'ships':>5} {'sim/wall (ours)':>16} {'sim/wall (numpy)':>17} {'ratio':>7}")
    for n in (2, 20, 80):
        duration = 3600.0
        scen = parse_scenario(crowd_scenario(n, duration), ROOT / "bench.toml")
        t0 = time.perf_counter()
        simulate(scen)
        ours = duration / (time.perf_counter() - t0)
        ticks = 600
        t0 = time.perf_counter()
        numpy_loop(n, ticks)
        base = ticks / (time.perf_counter() - t0)
        print(f"{n:>5} {ours:>15.0f}x {base:>16.0f}x {ours / base:>6.1f}x")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "autoship",
            "run",
            str(ROOT / "scenarios/imazu/imazu-01.toml"),
            "--planner",
            "keep-course",
            "--out",
        ]
        subprocess.run([*cmd, f"{tmp}/warm"], capture_output=True, check=False)
        t0 = time.perf_counter()
        subprocess.run([*cmd, f"{tmp}/cold"], capture_output=True, check=False)
        print(
            f"cold start of `autoship run` on imazu-01 (Numba cache warm): "
            f"{time.perf_counter() - t0:.2f} s"
        )


if __name__ == "__main__":
    main()
