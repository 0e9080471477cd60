"""The own ship's response as the planner's prediction sees it, identified from the ship's model.

The candidate prediction (``_kernels.own_track``) is a dead time followed by first-order lags in
course over ground and in speed. Rather than guess the lags from the ship's size, they are read
off the ship's own dynamics at the start of a run: a course step and a stop order through the
same kernel the simulation uses, from steady running at the given speed, with the autopilot and
speed controller of the ship's model. The fit is the classical one for a first-order system with
dead time: the dead time is when the response has moved 2 % of the step, the time constant is
the further time to 63.2 % of it (Astrom and Hagglund 1995, PID Controllers, section 2.7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from autoship.dynamics.fleet import Fleet
from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, NC, NENV, NX, PSI, U, V

# The course step used to identify the turn response (rad) and the longest time looked at (s).
STEP_RAD = math.radians(30.0)
T_MAX_S = 1200.0


@dataclass(frozen=True)
class Response:
    """Lags of the prediction model, s."""

    course_tc_s: float
    speed_tc_s: float
    delay_s: float


def _run(ship: Any, speed: float, course_cmd: float, speed_cmd: float, dt: float) -> np.ndarray:
    """(t, course over ground rad, speed over ground m/s) rows of one step response."""
    X0 = np.zeros((NX, 1))
    X0[U, 0] = speed
    fleet = Fleet([ship], X0)
    C = np.zeros((NC, 1))
    C[CMD_COURSE, 0] = course_cmd
    C[CMD_SPEED, 0] = speed_cmd
    env = np.zeros(NENV)
    n = int(round(T_MAX_S / dt))
    out = np.empty((n + 1, 3))
    for k in range(n + 1):
        X = fleet.X
        u, v, psi = float(X[U, 0]), float(X[V, 0]), float(X[PSI, 0])
        out[k] = (k * dt, psi + math.atan2(v, u) if u > 0.05 else psi, math.hypot(u, v))
        fleet.step(C, dt, env)
    return out


def _first(t: np.ndarray, hit: np.ndarray) -> float:
    k = np.flatnonzero(hit)
    return float(t[k[0]]) if k.size else math.inf


_CACHE: dict[tuple, Response | None] = {}


def _identify(ship: Any, speed: float) -> Response | None:
    dt = 1.0
    turn = _run(ship, speed, STEP_RAD, speed, dt)
    t = turn[:, 0]
    frac = turn[:, 1] / STEP_RAD
    delay = _first(t, frac >= 0.02)
    t63 = _first(t, frac >= 0.632)
    stop = _run(ship, speed, 0.0, 0.0, dt)
    t_u = _first(stop[:, 0], stop[:, 2] <= (1.0 - 0.632) * speed)
    if not (math.isfinite(delay) and math.isfinite(t63) and math.isfinite(t_u)):
        return None
    return Response(course_tc_s=max(t63 - delay, dt), speed_tc_s=max(t_u, dt), delay_s=delay)


def identify_response(ship: Any, speed: float) -> Response | None:
    """Lags of ``ship`` (a ``dynamics.library.ShipDef``) running at ``speed`` m/s; None when
    the model does not settle onto the step within ``T_MAX_S`` (then the caller keeps its
    size-based guess). Cached per ship and speed: every planner of one ship type shares it."""
    if speed <= 0.1:
        return None
    speed = round(float(speed), 3)
    key = (ship.name, ship.family, ship.length_m, ship.beam_m, ship.draught_m,
           repr(sorted(ship.model.items())), speed)  # fmt: skip
    if key not in _CACHE:
        _CACHE[key] = _identify(ship, speed)
    return _CACHE[key]
