"""Environment speed: decisions per second of ``autoship/Encounter-v0`` (single and a sync
vector of 4) against the same scenario run by ``Simulation.run()``, and the API's overhead per
step (observation, reward and order on top of the simulation's own period).

    python -m benchmarks.bench_gym
"""

from __future__ import annotations

import time
from pathlib import Path

import gymnasium
import numpy as np

import autoship.gym
from autoship.scenario import load_scenario
from autoship.sim import Simulation

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios/imazu/imazu-03.toml"


def _expert_episode() -> tuple[int, float]:
    env = autoship.gym.EncounterEnv(SCENARIO)
    env.reset(seed=load_scenario(SCENARIO).seed)
    n, t0 = 0, time.perf_counter()
    while True:
        *_, term, trunc, _ = env.step(env.planner_order())
        n += 1
        if term or trunc:
            return n, time.perf_counter() - t0


def _random_steps(envs: gymnasium.vector.VectorEnv, steps: int) -> float:
    envs.reset(seed=1)
    envs.action_space.seed(1)
    t0 = time.perf_counter()
    for _ in range(steps):
        envs.step(envs.action_space.sample())
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    scen = load_scenario(SCENARIO)
    Simulation(scen).run()  # load the cached kernels before timing
    _expert_episode()
    t0 = time.perf_counter()
    Simulation(scen).run()
    run_s = time.perf_counter() - t0
    decisions = int(np.ceil(scen.n_ticks / scen.planner_every))
    n, env_s = _expert_episode()
    print(f"{'what':<40} {'decisions/s':>12} {'per step (ms)':>14}")
    print(f"{'Simulation.run() (sbmpc own ship)':<40} {decisions / run_s:>12.0f} "
          f"{1e3 * run_s / decisions:>14.2f}")  # fmt: skip
    print(f"{'Encounter-v0 with the planner orders':<40} {n / env_s:>12.0f} "
          f"{1e3 * env_s / n:>14.2f}")  # fmt: skip
    print(f"API overhead per step: {1e3 * (env_s / n - run_s / decisions):.2f} ms")
    for num in (1, 4):
        envs = gymnasium.make_vec(
            autoship.gym.ENV_ID, num_envs=num, vectorization_mode="sync", scenario=str(SCENARIO)
        )
        steps = 300
        s = _random_steps(envs, steps)
        label = f"random actions, sync vector x{num}"
        print(f"{label:<40} {num * steps / s:>12.0f} {1e3 * s / (num * steps):>14.2f}")
        envs.close()


if __name__ == "__main__":
    main()
