"""Environment speed: steps per second of ``autoship/Encounter-v0`` (single and vector) against
the same scenario run by the ``autoship run`` loop, and the API's overhead per step.

    python -m benchmarks.bench_env                      # imazu-03, 5 interleaved rounds
    python -m benchmarks.bench_env --rounds 9 --scenario scenarios/imazu/imazu-12.toml

One process, one scenario (default imazu-03: an sbmpc own ship against keep-course traffic).
Each round measures, in an order rotated from round to round so that load from other jobs and
the machine's clock states fall on every variant alike:

- ``loop``: ``Simulation.step()`` to the end, the loop ``autoship run`` drives (``Simulation``
  is what ``simulate`` and ``autoship.run_scenario`` run; writing the folder and scoring happen
  once per run and are not per-step costs);
- ``env``: ``gymnasium.make('autoship/Encounter-v0')`` stepped with the scenario's own planner
  orders (``env.unwrapped.planner_order()``), so it simulates exactly what ``loop`` simulates
  (bit-identical, tests/gym) and the difference per step is what the API adds: the
  observation, the reward terms, converting the order, Gymnasium's wrappers, and at the end
  the referee's rule scores;
- ``random``: the same environment with random actions (episodes that end in a collision or
  reach the goal are reset, inside the timing, as a training loop would);
- ``sync x4`` / ``async x2``: ``gymnasium.make_vec`` with random actions, steps counted per
  environment (async: one process per environment; the machine's cores bound it).

Times are wall clock (``time.perf_counter``); the table gives the median over rounds and the
spread (min - max). The overhead is the median of the per-round differences env - loop.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import gymnasium
import numpy as np

import autoship.gym
from autoship.scenario import Scenario, load_scenario
from autoship.sim import Simulation

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios/imazu/imazu-03.toml"


def _loop(scen: Scenario, n_steps: int) -> tuple[int, float]:
    """The run loop alone for the env episode's length (an env episode may end at the goal
    before the scenario does; comparing the same periods keeps the per-step costs alike)."""
    sim = Simulation(scen)
    n, t0 = 0, time.perf_counter()
    while n < n_steps:
        n += 1
        if sim.step():
            break
    return n, time.perf_counter() - t0


def _env_planner(scen_path: Path, seed: int) -> tuple[int, float]:
    env = gymnasium.make(autoship.gym.ENV_ID, scenario=str(scen_path))
    env.reset(seed=seed)
    order = env.unwrapped.planner_order
    n, t0 = 0, time.perf_counter()
    while True:
        *_, term, trunc, _ = env.step(order())
        n += 1
        if term or trunc:
            dt = time.perf_counter() - t0
            env.close()
            return n, dt


def _env_random(scen_path: Path, steps: int) -> tuple[int, float]:
    env = gymnasium.make(autoship.gym.ENV_ID, scenario=str(scen_path))
    env.reset(seed=1)
    env.action_space.seed(1)
    t0 = time.perf_counter()
    for _ in range(steps):
        *_, term, trunc, _ = env.step(env.action_space.sample())
        if term or trunc:
            env.reset()
    dt = time.perf_counter() - t0
    env.close()
    return steps, dt


def _vector(scen_path: Path, num: int, mode: str, steps: int) -> tuple[int, float]:
    envs = gymnasium.make_vec(
        autoship.gym.ENV_ID, num_envs=num, vectorization_mode=mode, scenario=str(scen_path)
    )
    try:
        envs.reset(seed=1)
        envs.action_space.seed(1)
        t0 = time.perf_counter()
        for _ in range(steps):
            envs.step(envs.action_space.sample())
        return num * steps, time.perf_counter() - t0
    finally:
        envs.close()


def _observe_us(scen_path: Path, seed: int, at_step: int, reps: int = 2000) -> float:
    """One observation (the largest part of the overhead) timed alone, mid-episode."""
    env = autoship.gym.EncounterEnv(scen_path)
    env.reset(seed=seed)
    for _ in range(at_step):
        env.step(env.planner_order())
    t0 = time.perf_counter()
    for _ in range(reps):
        env.agent.observe()
    return 1e6 * (time.perf_counter() - t0) / reps


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=SCENARIO)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=300, help="random-action steps per round")
    ap.add_argument("--no-async", action="store_true", help="skip the async vector")
    args = ap.parse_args(argv)
    scen = load_scenario(args.scenario)
    seed = scen.seed
    # Warm up: numba caches, the planners' first calls, Gymnasium's registry.
    n_env, _ = _env_planner(args.scenario, seed)
    _loop(scen, n_env)
    _env_random(args.scenario, 20)
    variants: dict[str, Callable[[], tuple[int, float]]] = {
        "loop": lambda: _loop(scen, n_env),
        "env": lambda: _env_planner(args.scenario, seed),
        "random": lambda: _env_random(args.scenario, args.steps),
        "sync x4": lambda: _vector(args.scenario, 4, "sync", args.steps // 4),
    }
    if not args.no_async:
        variants["async x2"] = lambda: _vector(args.scenario, 2, "async", args.steps // 2)
    names = list(variants)
    per_step: dict[str, list[float]] = {k: [] for k in names}
    steps_of: dict[str, int] = {}
    for r in range(args.rounds):
        for k in names[r % len(names) :] + names[: r % len(names)]:
            n, dt = variants[k]()
            per_step[k].append(dt / n)
            steps_of[k] = n
    overhead = [e - lo for e, lo in zip(per_step["env"], per_step["loop"], strict=True)]
    obs_us = _observe_us(args.scenario, seed, n_env // 2)

    where = args.scenario.resolve()
    name = where.relative_to(ROOT) if where.is_relative_to(ROOT) else where
    period = f"{scen.planner_period_s:g} s"
    print(f"{name}: {n_env} decisions of {period} per episode; {args.rounds} rounds")
    labels = {
        "loop": "Simulation loop (autoship run)",
        "env": "Encounter-v0, planner orders",
        "random": "Encounter-v0, random actions",
        "sync x4": "sync vector x4, random actions",
        "async x2": "async vector x2, random actions",
    }
    print(f"{'what':<34} {'steps/s':>9} {'us/step':>9} {'spread (us/step)':>20} {'steps':>6}")
    for k in names:
        v = np.array(per_step[k]) * 1e6
        med = float(np.median(v))
        print(
            f"{labels[k]:<34} {1e6 / med:>9.0f} {med:>9.0f} "
            f"{f'{v.min():.0f} - {v.max():.0f}':>20} {steps_of[k]:>6}"
        )
    ov = [1e6 * x for x in overhead]
    print(
        f"API overhead per step (env - loop, median of rounds): {statistics.median(ov):.0f} us "
        f"(rounds {min(ov):.0f} - {max(ov):.0f}); one observation alone {obs_us:.0f} us"
    )


if __name__ == "__main__":
    main()
