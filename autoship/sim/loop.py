"""The headless run of one scenario (kept as the function every caller knows)."""

from __future__ import annotations

from autoship.scenario import Scenario
from autoship.sim.recorder import OnRecord
from autoship.sim.result import SimResult
from autoship.sim.simulation import Simulation

__all__ = ["SimResult", "simulate"]


def simulate(
    scen: Scenario,
    planner_override: str | None = None,
    seed: int | None = None,
    on_record: OnRecord | None = None,
) -> SimResult:
    """Run one scenario to the end and return everything a run folder holds.

    ``on_record(t, row)`` is called with every recorded row (arrays over ships, e.g. to stream
    the run as AIS while it runs); it must not modify the arrays.
    """
    return Simulation(scen, planner_override, seed, on_record).run()
