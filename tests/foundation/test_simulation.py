"""The Simulation object: stepping, observing, ordering and resetting a run."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from autoship.dynamics.state import CMD_SPEED, PSI, E, N
from autoship.errors import AutoshipError
from autoship.planner import Command, register
from autoship.scenario import load_scenario
from autoship.sim import Simulation, simulate

ROOT = Path(__file__).resolve().parents[2]
AIS = ROOT / "tests" / "data" / "golden" / "ais-sensors.toml"
IMAZU = ROOT / "scenarios" / "imazu" / "imazu-05.toml"

SHOWN: list = []


@register("test-sim-spy")
class _Spy:
    """Keeps course and keeps every observation it is shown."""

    def __init__(self, params):
        pass

    def reset(self, ctx):
        self.ctx = ctx

    def plan(self, obs):
        SHOWN.append(obs)
        return Command(self.ctx.initial_course, self.ctx.cruise_speed)


def _same_arrays(a: dict, b: dict) -> list[str]:
    return [k for k in a if a[k].tobytes() != b[k].tobytes()]


def test_stepping_and_observing_do_not_change_the_run():
    scen = load_scenario(AIS)
    ref = simulate(scen)
    sim = Simulation(scen)
    steps = 0
    while not sim.done:
        # Observing reads the AIS picture; it must draw nothing from the sensor stream.
        sim.observe("os")
        sim.observe(1)
        sim.step()
        steps += 1
    assert steps == math.ceil(scen.n_ticks / scen.planner_every)
    res = sim.result()
    assert res.arrays.keys() == ref.arrays.keys()
    assert not _same_arrays(ref.arrays, res.arrays)
    assert res.events == ref.events


def test_observe_shows_what_the_planner_is_shown():
    SHOWN.clear()
    sim = Simulation(load_scenario(AIS), planner_override="test-sim-spy")
    mine = []
    for _ in range(12):
        mine.append(sim.observe("os"))
        sim.step()
    assert len(SHOWN) == 12
    for a, b in zip(mine, SHOWN, strict=True):
        assert a.t == b.t and a.own == b.own == 0 and a.own_u == b.own_u
        for k in ("north", "east", "heading", "vn", "ve", "valid"):
            assert np.array_equal(getattr(a, k), getattr(b, k), equal_nan=k != "valid"), k
    # With 30 s AIS reports the target is not always heard: the picture is the sensed one.
    assert not all(o.valid[1] for o in mine)


def test_orders_replace_the_planner_for_one_decision():
    scen = load_scenario(IMAZU)
    held = simulate(scen, planner_override="keep-course")
    sim = Simulation(scen)  # own ship on its sbmpc, which would turn away
    own = scen.ships[0]
    while not sim.done:
        sim.step({"os": Command(own.course, own.speed)})
    got = sim.result()
    assert not _same_arrays(held.arrays, got.arrays)
    assert [e["kind"] for e in got.events] == [e["kind"] for e in held.events]
    # Never asked: the ordered ship's planner was not consulted.
    assert got.meta["planner_latency_ms"]["os"]["n"] == 0


def test_one_turn_order_changes_the_course_command():
    scen = load_scenario(IMAZU)
    sim = Simulation(scen, planner_override="keep-course")
    sim.step({0: Command(scen.ships[0].course + 2 * math.pi + 0.5, -3.0)})
    c = sim.result().arrays
    assert c["cmd_course"][0, 0] == pytest.approx((scen.ships[0].course + 0.5) % (2 * math.pi))
    assert c["cmd_speed"][0, 0] == 0.0  # negative speed orders clamp to stopping, as commands do
    sim.step()
    assert sim.C[CMD_SPEED, 0] == pytest.approx(scen.ships[0].speed)  # back on its planner


def test_reset_repeats_the_run_and_a_new_seed_changes_the_sensor_stream():
    scen = load_scenario(AIS)
    sim = Simulation(scen)
    first = sim.run()
    sim.reset()
    assert sim.t == 0.0 and not sim.done
    again = sim.run()
    assert not _same_arrays(first.arrays, again.arrays)
    sim.reset(seed=scen.seed + 1)
    other = sim.run()
    assert other.meta["seed"] == scen.seed + 1
    assert _same_arrays(first.arrays, other.arrays)  # noisy AIS reports, so the planner differs


def test_mid_run_result_is_a_snapshot():
    sim = Simulation(load_scenario(IMAZU), planner_override="keep-course")
    sim.step()
    snap = sim.result()
    north = snap.arrays["north"].copy()
    sim.step()
    assert np.array_equal(snap.arrays["north"], north, equal_nan=True)
    assert np.isnan(north[-1]).all()  # rows not reached yet


def test_bad_ship_and_stepping_past_the_end_are_clear_errors():
    sim = Simulation(load_scenario(IMAZU), planner_override="keep-course")
    with pytest.raises(AutoshipError) as exc:
        sim.observe("nobody")
    assert str(exc.value).startswith(f"{IMAZU}: ship: no ship 'nobody'; ships: os, ts1")
    with pytest.raises(AutoshipError, match="no ship 7"):
        sim.step({7: Command(0.0, 1.0)})
    sim.run()
    with pytest.raises(AutoshipError, match="the run is over"):
        sim.step()


def test_a_grounded_ship_ignores_orders_and_stays_put():
    sim = Simulation(load_scenario(ROOT / "scenarios/solent-chart/grounding-wootton.toml"))
    while not sim.grounding.grounded[0]:
        sim.step()
    where = sim.fleet.X[[N, E, PSI], 0].copy()
    sim.step({"drifter": Command(1.0, 5.0)})
    assert sim.C[CMD_SPEED, 0] == 0.0  # speed order refused
    assert np.array_equal(sim.fleet.X[[N, E, PSI], 0], where)


def test_a_replayed_ship_takes_no_orders():
    sim = Simulation(load_scenario(ROOT / "scenarios/solent/ais-solentais-20160112-130211-01.toml"))
    replayed = sim.ids[1]
    with pytest.raises(AutoshipError, match=f"ship.{replayed}: {replayed} is replaying"):
        sim.step({replayed: Command(0.0, 1.0)})
    assert sim.t == 0.0  # refused before anything moved
