"""Step a scenario by hand: watch the own ship's picture each planner period, order a turn,
then let the planners finish the run.

    python examples/simulation_api.py [SCENARIO]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from autoship.planner import Command
from autoship.scenario import load_scenario
from autoship.sim import Simulation

ROOT = Path(__file__).resolve().parents[1]


def main(path: Path) -> None:
    scen = load_scenario(path)
    sim = Simulation(scen)
    own = sim.index(next(s.id for s in scen.ships if s.role == "own"))
    while sim.t < 600.0:
        obs = sim.observe(own)  # what the own ship's planner is shown now
        rng = np.hypot(obs.north - obs.north[own], obs.east - obs.east[own])
        rng[own] = np.inf
        if sim.t % 120.0 == 0.0:
            print(f"t={sim.t:5.0f} s  nearest {obs.ids[int(np.argmin(rng))]} at {rng.min():.0f} m")
        sim.step()
    # Take the helm for one minute: 20 deg to starboard of the heading, same speed.
    heading = float(sim.fleet.X[2, own])
    turn = Command(heading + math.radians(20.0), scen.ships[own].speed)
    for _ in range(int(60.0 / scen.planner_period_s)):
        sim.step({own: turn})
    result = sim.run()  # the planners carry on to the end
    print(f"{len(result.arrays['t'])} records, events: {[e['kind'] for e in result.events]}")
    closest = np.delete(result.arrays["pair_min_distance"][own], own).min()
    print(f"closest approach to the own ship: {closest:.0f} m")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios/imazu/imazu-02.toml")
