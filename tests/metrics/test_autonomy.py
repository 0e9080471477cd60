"""Which ships are systems under test: the own ship and avoiding planners, not traffic."""

import json
from pathlib import Path

import pytest

from autoship.metrics import is_autonomous


@pytest.mark.parametrize(
    "ship,expected",
    [
        ({"role": "own", "planner": "keep-course"}, True),
        ({"role": "target", "planner": "sbmpc"}, True),
        ({"role": "target", "planner": "sbmpc", "ignores_duty": True}, False),
        ({"role": "target", "planner": "keep-course"}, False),
        ({"role": "target", "planner": "sbmpc", "replayed": True}, False),
    ],
)
def test_systems_under_test(ship, expected):
    assert is_autonomous(ship) is expected


@pytest.mark.parametrize(
    "ship,expected",
    [
        # The simulator's explicit flag decides over the planner's name ...
        ({"role": "target", "planner": "keep-course", "under_test": True}, True),
        ({"role": "target", "planner": "sbmpc", "under_test": False}, False),
        # ... which decides only for run folders written before the flag.
        ({"role": "target", "planner": "sbmpc"}, True),
        ({"role": "target", "planner": "waypoint"}, False),
    ],
)
def test_the_under_test_flag_decides(ship, expected):
    assert is_autonomous(ship) is expected


def test_flagging_a_target_puts_it_under_test(tmp_path):
    # imazu-03: own ship on sbmpc overtaking a keep-course target. Flag the target as under
    # test and the referee judges it too: the encounter appears from its point of view.
    from autoship.metrics import score_run
    from autoship.scenario import load_scenario
    from autoship.sim import simulate

    root = Path(__file__).resolve().parents[2]
    folder = simulate(load_scenario(root / "scenarios/imazu/imazu-03.toml")).write(tmp_path / "r")
    assert score_run(folder)["autonomous_ships"] == ["os"]
    meta = json.loads((folder / "meta.json").read_text())
    assert [s["under_test"] for s in meta["ships"]] == [True, False]
    meta["ships"][1]["under_test"] = True
    (folder / "meta.json").write_text(json.dumps(meta))
    entry = score_run(folder)
    assert entry["autonomous_ships"] == ["os", "ts1"]
    assert {e["own"] for e in entry["encounters"]} == {"os", "ts1"}
