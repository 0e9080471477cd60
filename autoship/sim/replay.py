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
