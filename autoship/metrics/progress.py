"""Mission progress of ships under test: did the ship do its job, not only stay safe?

A ship that stops at the start never collides; the referee must not call that a pass. Each
ship under test has a mission: its goal when the scenario gives one, else to keep making way
along its initial course. Reported per ship: goal reached (and when), path length against the
nominal (straight-line) distance, the distance made good. The gate fails a ship that neither
reached its goal nor made good ``progress.min_fraction`` of what its reference speed would have
given in the time it was recorded (capped at the whole distance), so waiting for traffic or a
detour around land passes while stopping forever does not.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship.colregs.profile import Profile


def _r(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if math.isfinite(x) else None


def ship_progress(
    t: np.ndarray,
    north: np.ndarray,
    east: np.ndarray,
    sog: np.ndarray,
    cog: np.ndarray,
    length: float,
    goal: tuple[float, float] | None,
    profile: Profile,
) -> dict[str, Any] | None:
    """Progress facts of one ship (its record rows); None when it has no recorded position."""
    ok = np.isfinite(north) & np.isfinite(east)
    idx = np.nonzero(ok)[0]
    if idx.size == 0:
        return None
    a, b = int(idx[0]), int(idx[-1])
    pg = profile.progress
    n, e = north[idx], east[idx]
    path = float(np.sum(np.hypot(np.diff(n), np.diff(e)))) if idx.size > 1 else 0.0
    duration = float(t[b] - t[a])
    u0 = float(sog[a]) if math.isfinite(sog[a]) else 0.0
    u_ref = max(u0, pg.min_ref_speed_mps)
    radius = max(pg.goal_radius_m, pg.goal_radius_lengths * length)
    out: dict[str, Any] = {"mission": "goal" if goal is not None else "course"}
    if goal is not None:
        gn, ge = goal
        d = np.hypot(n - gn, e - ge)
        d0 = float(d[0])
        hit = np.nonzero(d <= radius)[0]
        reached = bool(hit.size) or d0 <= radius
        made_good = d0 - float(d[-1])
        expected = max(0.0, min(d0 - radius, u_ref * duration))
        out.update(
            goal_reached=reached,
            t_goal_s=_r(float(t[idx[hit[0]]])) if hit.size else None,
            nominal_length_m=_r(d0),
            remaining_m=_r(float(d[-1])),
        )
    else:
        c0 = float(cog[a])
        made_good = float((n[-1] - n[0]) * math.cos(c0) + (e[-1] - e[0]) * math.sin(c0))
        expected = u_ref * duration
        reached = False
        out.update(goal_reached=None, t_goal_s=None, nominal_length_m=None, remaining_m=None)
    passed = reached or made_good >= pg.min_fraction * expected - 1e-6
    out.update(
        path_length_m=_r(path),
        made_good_m=_r(made_good),
        expected_m=_r(expected),
        reference_speed_mps=_r(u_ref, 2),
        nominal_time_s=_r(out["nominal_length_m"] / u_ref) if goal is not None else None,
        passed=bool(passed),
    )
    return out
