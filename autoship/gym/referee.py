"""The referee's verdict on a run so far, in memory (no run folder written)."""

from __future__ import annotations

from typing import Any

from autoship.colregs.profile import Profile
from autoship.metrics import score_tracks
from autoship.sim import Simulation

# Arrays that are not one row per record (the pairwise minimum distance is one n x n matrix).
_NOT_PER_ROW = {"pair_min_distance"}


def encounters_so_far(sim: Simulation, profile: Profile) -> list[dict[str, Any]]:
    """The referee's encounter entries (with rule scores) for the rows recorded so far."""
    res = sim.result()
    rows = 0 if sim.k == 0 else sim.k // sim.scenario.record_every + 1
    if rows < 2:
        return []
    arrays = {k: (v if k in _NOT_PER_ROW else v[:rows]) for k, v in res.arrays.items()}
    scored = score_tracks(
        arrays,
        res.meta["ships"],
        profile,
        visibility=sim.scenario.visibility,
        events=res.events,
        environment=res.meta["environment"],
        chart=res.chart_json,
    )
    return scored["encounters"]
