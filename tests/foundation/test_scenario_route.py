"""Scenario keys ``route`` (a ship's planned route; planners follow it) and ``handover = false``
(a replayed ship that is never handed over)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from autoship.errors import ScenarioError
from autoship.scenario import load_scenario
from autoship.sim.loop import simulate

ROOT = Path(__file__).resolve().parents[2]


def _scen(tmp_path: Path, own_extra: str) -> Path:
    text = (ROOT / "scenarios" / "imazu" / "imazu-01.toml").read_text()
    i = text.find('role = "own"')
    j = text.find("[[ship]]", i)
    own = text[i:j]
    own = "\n".join(ln for ln in own.splitlines() if not ln.startswith(("goal", "planner")))
    own += f'\nplanner = "waypoint"\n{own_extra}\n\n'
    p = tmp_path / "s.toml"
    p.write_text(text[:i] + own + text[j:])
    return p


def test_route_is_parsed_and_its_end_is_the_goal(tmp_path):
    p = _scen(
        tmp_path,
        "route = [{ north_m = -8000.0, east_m = 2000.0 }, { north_m = 0.0, east_m = 2000.0 }]",
    )
    scen = load_scenario(p)
    own = next(s for s in scen.ships if s.role == "own")
    assert own.route == ((-8000.0, 2000.0), (0.0, 2000.0))
    assert own.goal == (0.0, 2000.0)


@pytest.mark.parametrize(
    "extra,field,msg",
    [
        ("route = []", "route", "non-empty list"),
        ('route = ["north"]', "route[0]", "must be a table"),
        ("route = [{ north_m = 1.0 }]", "route[0].east_m", "missing"),
        ("route = [{ north_m = 1.0, east_m = 1.0 }]\ngoal = { north_m = 5.0, east_m = 5.0 }",
         "goal", "differs from the last route point"),
        ("handover = false", "handover", 'planner = "replay"'),
    ],
)  # fmt: skip
def test_bad_route_and_handover_keys(tmp_path, extra, field, msg):
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scen(tmp_path, extra))
    assert err.value.field.endswith(field) and msg in err.value.message


def test_waypoint_planner_follows_the_route(tmp_path):
    # A dog-leg: 2 km east of the straight line and back. The straight run to the goal would
    # never leave east = 0.
    p = _scen(
        tmp_path,
        "route = [{ north_m = -6000.0, east_m = 2000.0 }, { north_m = -2000.0, east_m = 2000.0 },"
        " { north_m = 2000.0, east_m = 0.0 }]",
    )
    res = simulate(load_scenario(p))
    i = next(k for k, s in enumerate(res.meta["ships"]) if s["role"] == "own")
    east = res.arrays["east"][:, i]
    north = res.arrays["north"][:, i]
    k = int(np.argmin(np.abs(north + 4000.0)))
    assert east[k] == pytest.approx(2000.0, abs=150.0)
    assert res.meta["ships"][i]["route"][1] == [-6000.0, 2000.0]
    assert math.hypot(north[-1] - 2000.0, east[-1]) < 3000.0 or north[-1] > 2000.0


def test_handover_false_keeps_a_replayed_ship_replayed(tmp_path):
    # Solent case 07 hands a recorded ship over to a planner when sbmpc departs from the
    # recording; with handover = false on every recorded ship, none is.
    src = ROOT / "scenarios" / "solent"
    shutil.copytree(src, tmp_path / "scenarios" / "solent")
    shutil.copytree(ROOT / "charts", tmp_path / "charts")
    p = tmp_path / "scenarios" / "solent" / "ais-solentais-20160112-130211-07.toml"
    before = simulate(load_scenario(p))
    assert any(e["kind"] == "handover" for e in before.events)
    # (Moored ships already say handover = false.)
    text = p.read_text().replace("handover = false\n", "")
    text = text.replace('planner = "replay"', 'planner = "replay"\nhandover = false')
    p.write_text(text)
    after = simulate(load_scenario(p))
    assert not any(e["kind"] == "handover" for e in after.events)
    assert all(s["replayed"] for s in after.meta["ships"] if s["role"] == "target")
