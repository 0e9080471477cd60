"""Closed-loop course-step sweep shared by the stability tests (not collected: no test_ prefix).

A ship holding its course at speed u is ordered onto a new course; the sweep reports the
overshoot beyond the new course and whether the heading has settled. All steps of one ship and
size run as columns of one Fleet so the kernels are called once per time step.
"""

from __future__ import annotations

import math

import numpy as np

from autoship.dynamics import Fleet
from autoship.dynamics.library import ShipDef
from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, NC, NENV, NX, PSI, E, N, U

STEPS_DEG = (5.0, 15.0, 30.0, 60.0)


def course_steps(sd: ShipDef, u: float, steps=STEPS_DEG) -> list[dict]:
    """Course steps to starboard from a steady run at u (m/s).

    Each result: step_deg, overshoot_deg (peak beyond the new course, 0 if never passed),
    final_error_deg, tail_swing_deg (heading range over the last quarter of the run: a
    diverging or limit-cycling loop swings, a settled one does not), speed_ratio (final u / u).
    The run lasts 60 L/U, at least 300 s, so slow small craft at low speed still settle.
    """
    n = len(steps)
    X0 = np.zeros((NX, n))
    X0[U] = u
    fleet = Fleet([sd] * n, X0)
    C = np.zeros((NC, n))
    C[CMD_COURSE] = np.radians(steps)
    C[CMD_SPEED] = u
    env = np.zeros(NENV)
    t_end = max(60.0 * sd.length_m / u, 300.0)
    dt = min(1.0, 0.1 * sd.length_m / u)
    k_end = int(t_end / dt)
    hist = np.empty((k_end, n))
    for k in range(k_end):
        fleet.step(C, dt, env)
        hist[k] = (fleet.X[PSI] + math.pi) % (2.0 * math.pi) - math.pi
    err = np.degrees((hist - C[CMD_COURSE] + math.pi) % (2.0 * math.pi) - math.pi)
    tail = err[int(0.75 * k_end) :]
    out = []
    for j, s in enumerate(steps):
        out.append(
            {
                "step_deg": s,
                "overshoot_deg": float(max(err[:, j].max(), 0.0)),
                "final_error_deg": float(abs(err[-1, j])),
                "tail_swing_deg": float(tail[:, j].max() - tail[:, j].min()),
                "speed_ratio": float(fleet.X[U, j] / u),
                "finite": bool(np.all(np.isfinite(fleet.X[[N, E, U], j]))),
            }
        )
    return out


def crash_stop(sd: ShipDef, u: float) -> dict:
    """Closed loop, speed order 0 from u: distance run (m) and time (s) until below 0.1 kn."""
    X0 = np.zeros((NX, 1))
    X0[U] = u
    fleet = Fleet([sd], X0)
    C = np.array([[0.0], [0.0]])
    env = np.zeros(NENV)
    dt = min(0.5, 0.05 * sd.length_m / u)
    t = 0.0
    while fleet.X[U, 0] > 0.05 and t < 3600.0:
        fleet.step(C, dt, env)
        t += dt
    return {"distance_m": float(math.hypot(fleet.X[N, 0], fleet.X[E, 0])), "time_s": t}
