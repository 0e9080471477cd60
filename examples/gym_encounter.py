"""A hand-written policy in the Gymnasium environment: hold the goal bearing, and turn to
starboard while any target is closing inside 1 NM (a crude rule 8/14/15 give-way).

    python examples/gym_encounter.py [SCENARIO]
"""

from __future__ import annotations

import sys
from pathlib import Path

import gymnasium
import numpy as np

import autoship.gym  # noqa: F401  registers autoship/Encounter-v0
from autoship.gym import OWN_FEATURES, TARGET_FEATURES

ROOT = Path(__file__).resolve().parents[1]
NM_FRACTION = 1852.0 / autoship.gym.AgentConfig().obs_range_m  # 1 NM as an observed range


def policy(obs: np.ndarray, n_targets: int) -> np.ndarray:
    own = dict(zip(OWN_FEATURES, obs[: len(OWN_FEATURES)], strict=True))
    targets = obs[len(OWN_FEATURES) :][: n_targets * len(TARGET_FEATURES)]
    targets = targets.reshape(n_targets, len(TARGET_FEATURES))
    col = {name: k for k, name in enumerate(TARGET_FEATURES)}
    risky = (targets[:, col["present"]] > 0) & (targets[:, col["dcpa"]] < NM_FRACTION)
    risky &= targets[:, col["tcpa"]] > 0
    # Course change as a fraction of the largest one-step turn: toward the goal, or starboard.
    steer = 0.5 if risky.any() else float(np.clip(2.0 * own["sin_goal_bearing"], -1.0, 1.0))
    return np.array([steer, 0.6], dtype=np.float32)


def main(path: Path) -> None:
    env = gymnasium.make("autoship/Encounter-v0", scenario=str(path), max_steps=400)
    obs, info = env.reset(seed=7)
    n_targets = env.unwrapped.cfg.n_targets
    total, done = 0.0, False
    while not done:
        obs, reward, terminated, truncated, info = env.step(policy(obs, n_targets))
        total += reward
        done = terminated or truncated
    print(f"episode over at t={info['t_s']:.0f} s ({'terminated' if terminated else 'truncated'})")
    print("last reward terms:", {k: round(v, 3) for k, v in info["reward_terms"].items()})
    for enc in info["encounters"]:
        print(f"  {enc['target']}: {enc['type']}, rule score {enc['score']}")
    print(f"total reward {total:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios/imazu/imazu-03.toml")
