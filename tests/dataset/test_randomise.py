"""Domain randomisation: draws land in the scenarios, inside the spec's ranges, seeded."""

from __future__ import annotations

from pathlib import Path

from autoship.dataset import parse_spec
from autoship.dataset.episodes import plan_episodes
from autoship.dataset.labels import label_episode
from autoship.scenario import parse_scenario
from autoship.units import KNOT
from tests.dataset.conftest import tiny_text

EXTRA = """
target_behaviour = ["keep-course", "rule-abiding", "duty-ignoring"]
visibility = ["good", "restricted"]
position_noise_m = [5.0, 20.0]
dropout = [0.0, 0.2]
"""


def _spec(tmp_path: Path, seed: int = 3, samples: int = 6):
    text = tiny_text(samples=samples).replace(
        'target_behaviour = ["keep-course", "rule-abiding"]\n', EXTRA
    )
    text = text.replace("seed = 3", f"seed = {seed}")
    return parse_spec(text, tmp_path / "r.toml")


def test_draws_reach_the_scenarios(tmp_path):
    eps, _ = plan_episodes(_spec(tmp_path))
    behaviours, vis = set(), set()
    for ep in eps:
        scen = parse_scenario(ep.text, tmp_path / f"{ep.episode_id}.toml")
        own = scen.ships[0]
        assert own.ship.name in ("generic-cargo", "container")
        assert 5.0 <= scen.sensors.position_noise_m <= 20.0
        assert 0.0 <= scen.sensors.dropout <= 0.2 and scen.sensors.model == "ais"
        assert 0.0 <= scen.environment.wind_speed <= 15.0 * KNOT + 1e-9
        vis.add(scen.visibility)
        for t in scen.ships[1:]:
            assert t.ship.name in ("generic-cargo", "ferry")
            if t.ignores_duty:
                behaviours.add("duty-ignoring")
                assert t.planner == "vo" and t.goal is not None
            elif t.planner == "vo":
                behaviours.add("rule-abiding")
            else:
                assert t.planner == "keep-course"
                behaviours.add("keep-course")
    assert len(behaviours) >= 2 and vis <= {"good", "restricted"}


def test_same_seed_same_episodes_other_seed_other(tmp_path):
    a, _ = plan_episodes(_spec(tmp_path))
    b, _ = plan_episodes(_spec(tmp_path))
    c, _ = plan_episodes(_spec(tmp_path, seed=4))
    assert a == b
    assert [e.text for e in a] != [e.text for e in c]


def test_randomised_episode_runs_with_ais_sensing(tmp_path):
    ep = plan_episodes(_spec(tmp_path, samples=1))[0][0]
    lab = label_episode(ep, "vo", None, 2)
    assert lab["episode"]["outcome"] != "error", lab["episode"]["error"]
    assert lab["episode"]["n_steps"] == 8
