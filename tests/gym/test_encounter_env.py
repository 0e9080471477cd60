"""The Gymnasium and PettingZoo environments: API checks, seeding, the episode an expert steps
equals the scenario's own run, observation geometry, reward terms and clear input errors."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test, parallel_seed_test

import autoship.gym
from autoship.errors import AutoshipError, ScenarioError
from autoship.gym import OWN_FEATURES, TARGET_FEATURES, EncounterEnv
from autoship.gym.parallel import ParallelEncounterEnv, parallel_env
from autoship.planner import Command
from autoship.record.run import load_run
from autoship.scenario import load_scenario
from autoship.sim import Simulation

ROOT = Path(__file__).resolve().parents[2]
IMAZU1 = ROOT / "scenarios" / "imazu" / "imazu-01.toml"
IMAZU3 = ROOT / "scenarios" / "imazu" / "imazu-03.toml"
AIS = ROOT / "tests" / "data" / "golden" / "ais-sensors.toml"
CHARTED = ROOT / "scenarios" / "planner" / "shore-or-port.toml"
CROWD = ROOT / "scenarios" / "crowds" / "swap-10.toml"
NO, NT = len(OWN_FEATURES), len(TARGET_FEATURES)


@pytest.mark.parametrize("action", ["continuous", "discrete"])
def test_gymnasium_checker_passes(action):
    env = gymnasium.make(autoship.gym.ENV_ID, scenario=str(IMAZU1), action=action)
    check_env(env.unwrapped, skip_render_check=True)
    assert env.observation_space.shape == (NO + 4 * NT,)


def _episode(path: Path, seed: int, steps: int) -> tuple[np.ndarray, float]:
    env = gymnasium.make(autoship.gym.ENV_ID, scenario=str(path))
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    out, total = [obs], 0.0
    for _ in range(steps):
        obs, r, term, trunc, _ = env.step(env.action_space.sample())
        out.append(obs)
        total += r
        if term or trunc:
            break
    return np.concatenate(out), total


def test_seeded_episodes_repeat_and_other_seeds_differ():
    a, b = _episode(AIS, 3, 60), _episode(AIS, 3, 60)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    c = _episode(AIS, 4, 60)  # other actions and other AIS noise
    assert not np.array_equal(a[0], c[0])


def test_reset_without_seed_draws_the_next_simulation_seed_from_the_env_stream():
    env = EncounterEnv(AIS)
    env.reset(seed=11)
    assert env.sim.seed == 11
    env.reset()
    first = env.sim.seed
    env.reset(seed=11)
    env.reset()
    assert env.sim.seed == first != 11


@pytest.mark.parametrize("path", [IMAZU3, AIS], ids=["imazu-03", "ais-sensors"])
def test_expert_episode_equals_the_scenario_run(path):
    scen = load_scenario(path)
    ref = Simulation(scen).run()
    env = EncounterEnv(path)
    env.reset(seed=scen.seed)
    steps, done = 0, False
    while not done:
        _, _, term, trunc, info = env.step(env.planner_order())
        done = term or trunc
        steps += 1
    assert trunc and not term and steps == math.ceil(scen.n_ticks / scen.planner_every)
    got = env.sim.result()
    assert [k for k in ref.arrays if ref.arrays[k].tobytes() != got.arrays[k].tobytes()] == []
    assert "rules" in info["reward_terms"]


def test_expert_episode_equals_the_run_folder_of_autoship_run(tmp_path):
    out = tmp_path / "runs"
    done = subprocess.run(
        [sys.executable, "-m", "autoship", "run", str(IMAZU3), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    run = load_run(out / "imazu-03")
    env = EncounterEnv(IMAZU3)
    env.reset(seed=load_scenario(IMAZU3).seed)
    while not any(env.step(env.planner_order())[2:4]):
        pass
    got = env.sim.result().arrays
    assert run.arrays.keys() == got.keys()
    assert [k for k in got if run.arrays[k].tobytes() != got[k].tobytes()] == []


def test_target_dead_ahead_is_seen_head_on_in_the_own_frame():
    env = EncounterEnv(IMAZU1)
    obs, _ = env.reset(seed=1)
    own, t1 = obs[:NO], obs[NO : NO + NT]
    feat = dict(zip(TARGET_FEATURES, t1, strict=True))
    assert own[OWN_FEATURES.index("cos_goal_bearing")] == pytest.approx(1.0)
    assert feat["present"] == 1.0 and feat["x"] > 0.99 and abs(feat["y"]) < 1e-6
    assert feat["vx"] < 0.0 and feat["dcpa"] < 1e-3 and feat["tcpa"] > 0.9
    roles = {k: v for k, v in feat.items() if k.startswith("role_")}
    assert roles.pop("role_head-on") == 1.0 and set(roles.values()) == {0.0}
    assert np.all(obs[NO + NT :] == 0.0)  # no second target: empty slots


def test_holding_course_into_a_head_on_ends_in_a_collision_penalty():
    scen = load_scenario(IMAZU1)
    env = EncounterEnv(IMAZU1, w_collision=50.0)
    env.reset(seed=1)
    hold = Command(scen.ships[0].course, scen.ships[0].speed)
    separation = []
    while True:
        _, r, term, trunc, info = env.step(hold)
        separation.append(info["reward_terms"]["separation"])
        if term or trunc:
            break
    assert term and not trunc
    terms = info["reward_terms"]
    assert terms["collision"] == -50.0 and terms["rules"] < 0.0
    assert r == pytest.approx(sum(terms.values()))
    assert any(e["kind"] == "collision" for e in info["events"])
    assert min(separation) < 0.0 and separation[0] == 0.0
    with pytest.raises(AutoshipError, match="episode is over"):
        env.step(hold)


def test_discrete_actions_order_course_offsets_and_speed_fractions():
    env = EncounterEnv(IMAZU1, action="discrete")
    env.reset(seed=1)
    speed = load_scenario(IMAZU1).ships[0].speed
    order = env.agent.discrete_order(14)  # +30 deg, full cruise speed
    assert order.course == pytest.approx(math.radians(30.0))
    assert order.speed == pytest.approx(speed)
    assert env.agent.discrete_order(0).speed == 0.0


def test_chart_rays_stop_at_the_first_hazard():
    env = EncounterEnv(CHARTED, n_rays=16)
    obs, _ = env.reset(seed=1)
    rays = obs[NO + 4 * NT :]
    assert rays.shape == (16,) and np.all((rays >= 0.0) & (rays <= 1.0))
    assert rays.min() < 1.0  # the coast is within the ray range
    sim, i = env.sim, env.agent.i
    hz = sim.hazards[i]
    n0, e0 = sim.fleet.X[0, i], sim.fleet.X[1, i]
    psi = sim.fleet.X[2, i]
    res = hz.distance_field().res
    for k, frac in enumerate(rays):
        d = float(frac) * env.cfg.ray_range_m
        ang = psi + k * 2 * math.pi / 16
        before = np.linspace(0.0, max(d - 2 * res, 0.0), 50)
        clear = hz.clearance(n0 + before * math.cos(ang), e0 + before * math.sin(ang))
        assert np.all(clear > 0.0), k  # open water up to the ray's end
        if frac < 1.0:
            at = hz.clearance(
                np.array([n0 + (d + 2 * res) * math.cos(ang)]),
                np.array([e0 + (d + 2 * res) * math.sin(ang)]),
            )
            assert at[0] <= 3 * res, k  # and a hazard right behind it


def test_vector_environment_steps_copies_in_lockstep():
    envs = gymnasium.make_vec(
        autoship.gym.ENV_ID, num_envs=2, vectorization_mode="sync", scenario=str(IMAZU1)
    )
    obs, _ = envs.reset(seed=[5, 5])
    assert obs.shape == (2, NO + 4 * NT) and np.array_equal(obs[0], obs[1])
    act = np.array([[0.5, 0.2], [0.5, 0.2]], dtype=np.float32)
    for _ in range(5):
        obs, rew, *_ = envs.step(act)
    assert np.array_equal(obs[0], obs[1]) and rew[0] == rew[1]
    envs.close()


def test_pettingzoo_every_autonomous_ship_is_an_agent():
    env = ParallelEncounterEnv(CROWD, max_steps=30)
    parallel_api_test(env, num_cycles=30)
    assert env.possible_agents == [f"s{k:02d}" for k in range(10)]
    imazu = parallel_env(IMAZU1, action="discrete")
    assert imazu.possible_agents == ["os"]  # keep-course traffic is not under test
    assert imazu.action_space("os").n == 15


def test_pettingzoo_seeded_episodes_repeat():
    parallel_seed_test(lambda: ParallelEncounterEnv(CROWD, max_steps=40))


def test_pettingzoo_agents_leave_when_their_episode_ends():
    env = ParallelEncounterEnv(IMAZU1)
    env.reset(seed=1)
    s = load_scenario(IMAZU1).ships[0]
    while env.agents:
        _, rew, term, _, info = env.step({"os": Command(s.course, s.speed)})
    assert term["os"] and info["os"]["reward_terms"]["collision"] < 0.0
    with pytest.raises(AutoshipError, match="not a live agent"):
        env.step({"os": Command(0.0, 1.0)})


def test_bad_inputs_are_one_line_errors_naming_file_and_field(tmp_path):
    with pytest.raises(ScenarioError, match="nope.toml: file not found"):
        gymnasium.make(autoship.gym.ENV_ID, scenario=str(tmp_path / "nope.toml"))
    with pytest.raises(AutoshipError) as exc:
        EncounterEnv(IMAZU1, ship="ghost")
    assert str(exc.value) == f"{IMAZU1}: ship: no ship 'ghost'; ships: os, ts1"
    with pytest.raises(AutoshipError, match=r"imazu-01.toml: action: unknown action type"):
        EncounterEnv(IMAZU1, action="joystick")
    with pytest.raises(AutoshipError, match=r"imazu-01.toml: n_target: unknown option"):
        EncounterEnv(IMAZU1, n_target=3)


SWEEP = """
[sweep]
id = "gym"
seed = 11
planner = "waypoint"

[scenario]
dt_s = 2.0
planner_period_s = 10.0

[own]
speed_kn = 10.0

[generator]
kind = "grid"
bearing_deg = [-3.0, 45.0, 90.0]
speed_ratio = [1.0]
tcpa_min = [4.0]
offset_m = [0.0, 600.0]
"""


def test_a_sweep_file_draws_one_generated_scenario_per_episode(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    env = gymnasium.make(autoship.gym.ENV_ID, scenario=str(path))
    check_env(env.unwrapped, skip_render_check=True)
    drawn = []
    for seed in range(8):
        _, info = env.reset(seed=seed)
        drawn.append(info["scenario"])
        assert env.unwrapped.sim.planner_names[0] == "waypoint"  # the sweep's own planner
    assert len(set(drawn)) > 1 and all(d.startswith("gym-g") for d in drawn)
    again = [env.reset(seed=seed)[1]["scenario"] for seed in range(8)]
    assert again == drawn
    with pytest.raises(AutoshipError, match="sweep.toml: scenario: the parallel environment"):
        ParallelEncounterEnv(path)
