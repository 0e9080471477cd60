"""Replayed traffic and the hand-over criterion.

A replayed ship follows its recorded track. The real ship reacted to the real own ship; once the
simulated own ship has deviated from what it did in reality, the recording may no longer be a
plausible reaction. The replayed ship is then handed to a reactive (COLREG-following) planner.

Criterion (checked every planner period, against every ship that is not replayed):
  1. the encounter is live: predicted TCPA between 0 and ``HANDOVER_TCPA_S`` and the predicted
     DCPA (constant velocities, current states) below ``HANDOVER_DCPA_M``; and
  2. the deviation matters: the other ship has a recorded track and the DCPA the replayed ship
     had against it in the recording at this instant exceeds the simulated DCPA by more than
     ``DCPA_WORSE_M`` (or the other ship has no recorded track at all, so nothing says the real
     ship would have held on).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autoship.dynamics.state import DELTA, ENV_CUR_E, ENV_CUR_N, PSI, E, N, R, U, V
from autoship.units import NAUTICAL_MILE

HANDOVER_DCPA_M = 0.5 * NAUTICAL_MILE
HANDOVER_TCPA_S = 15 * 60.0
DCPA_WORSE_M = 0.1 * NAUTICAL_MILE


def dcpa_tcpa(
    n1: float, e1: float, vn1: float, ve1: float, n2: float, e2: float, vn2: float, ve2: float
) -> tuple[float, float]:
    pn, pe = n2 - n1, e2 - e1
    vn, ve = vn2 - vn1, ve2 - ve1
    vv = vn * vn + ve * ve
    tcpa = 0.0 if vv < 1e-12 else -(pn * vn + pe * ve) / vv
    return math.hypot(pn + vn * tcpa, pe + ve * tcpa), tcpa


def handover_reason(
    actual_other: tuple[float, float, float, float],
    recorded_other: tuple[float, float, float, float] | None,
    target: tuple[float, float, float, float],
) -> str | None:
    """None, or a one-line reason to hand the replayed ``target`` over; tuples are
    (north, east, vn, ve) in the local frame."""
    dcpa, tcpa = dcpa_tcpa(*actual_other, *target)
    if not (0.0 < tcpa < HANDOVER_TCPA_S and dcpa < HANDOVER_DCPA_M):
        return None
    if recorded_other is not None:
        dcpa_rec, _ = dcpa_tcpa(*recorded_other, *target)
        if dcpa_rec - dcpa <= DCPA_WORSE_M:
            return None
        return (
            f"predicted CPA {dcpa / NAUTICAL_MILE:.2f} NM in {tcpa / 60:.1f} min, "
            f"recorded {dcpa_rec / NAUTICAL_MILE:.2f} NM"
        )
    return f"predicted CPA {dcpa / NAUTICAL_MILE:.2f} NM in {tcpa / 60:.1f} min"


def place_replayed(
    X: np.ndarray, ships: Sequence[Any], replaying: np.ndarray, t: float, env: np.ndarray
) -> None:
    """Put every replayed ship where its recording has it at time ``t``."""
    for i in np.flatnonzero(replaying):
        tn, te, th, tvn, tve = ships[i].track.state_at(t)
        X[N, i], X[E, i], X[PSI, i] = tn, te, th
        # The recorded ground velocity (COG/SOG) in the body frame, less the current. Course
        # over ground and heading differ by leeway, drift in a tidal stream or a crabbing
        # approach (10-20 deg for a slow yacht in the Solent); with the sway left at zero the
        # replayed ship would move along its heading, and the referee, which judges courses
        # from the ground velocity, would see turns the real ship never made.
        wn, we = tvn - env[ENV_CUR_N], tve - env[ENV_CUR_E]
        c, s = math.cos(th), math.sin(th)
        X[U, i] = wn * c + we * s
        X[V, i] = -wn * s + we * c
        X[R, i] = X[DELTA, i] = 0.0


def handover_trigger(
    j: int,
    X: np.ndarray,
    vn: np.ndarray,
    ve: np.ndarray,
    ships: Sequence[Any],
    replayed: np.ndarray,
    t: float,
) -> tuple[int, str] | None:
    """The first ship (never replayed itself) whose encounter makes replayed ship ``j`` hand
    over at time ``t``, with the reason; None when its recording still stands."""
    target = (X[N, j], X[E, j], vn[j], ve[j])
    for i in range(len(ships)):
        if replayed[i]:
            continue
        tr = ships[i].track
        rec = None
        if tr is not None:
            rn, re_, _, rvn, rve = tr.state_at(t)
            rec = (rn, re_, rvn, rve)
        why = handover_reason((X[N, i], X[E, i], vn[i], ve[i]), rec, target)
        if why is not None:
            return i, why
    return None


# Order of Track.state_at's result.
REC_ARRAYS = ("rec_north", "rec_east", "rec_heading", "rec_vn", "rec_ve")


def recorded_arrays(ships: Sequence[Any], t_rec: np.ndarray) -> dict[str, np.ndarray]:
    """What the recorded ships really did (``rec_*`` arrays, NaN where a ship has no recording
    or outside it), so the referee can score the recorded human beside the planner. Empty when
    no ship has a track."""
    if not any(s.track is not None for s in ships):
        return {}
    n_rec, n = t_rec.shape[0], len(ships)
    out = {k: np.full((n_rec, n), np.nan) for k in REC_ARRAYS}
    for i, s in enumerate(ships):
        tr = s.track
        if tr is None:
            continue
        for j in np.flatnonzero((t_rec >= tr.t[0]) & (t_rec <= tr.t[-1])):
            vals = tr.state_at(float(t_rec[j]))
            for k, v in zip(REC_ARRAYS, vals, strict=True):
                out[k][j, i] = v
    return out
