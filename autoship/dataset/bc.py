"""Closing the loop: a behaviour-cloning policy fitted on a dataset's (observation, order)
pairs with NumPy alone, driven back through the simulator and judged by the same referee as
the expert (``label_episode`` with a policy)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autoship.dataset.episodes import Episode
from autoship.geometry import wrap_2pi
from autoship.planner import Command


@dataclass(frozen=True)
class LinearPolicy:
    """Ridge regression from the gym observation (plus its squares: turning away depends on
    which side a target is, not only how far) to the course change and the speed order."""

    weights: np.ndarray  # (2 * width + 1, 2)
    max_turn_rad: float = math.radians(30.0)
    name: str = "bc-linear"

    @staticmethod
    def features(X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        return np.hstack([X, X * X, np.ones((X.shape[0], 1))])

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, ridge: float = 1e-2) -> LinearPolicy:
        F = cls.features(X)
        A = F.T @ F + ridge * F.shape[0] * np.eye(F.shape[1])
        return cls(weights=np.linalg.solve(A, F.T @ np.asarray(y, dtype=np.float64)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.features(X) @ self.weights

    def __call__(self, obs: np.ndarray, heading: float) -> Command:
        change, speed = self.predict(obs)[0]
        change = float(np.clip(change, -self.max_turn_rad, self.max_turn_rad))
        return Command(wrap_2pi(heading + change), max(0.0, float(speed)))


def training_arrays(out: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of a dataset folder: observations and the expert's (course change, speed)."""
    from autoship.dataset.parquet import read_table

    steps = read_table(Path(out), "steps")
    obs = steps.column("obs").combine_chunks()
    width = len(obs[0]) if len(obs) else 0
    X = obs.flatten().to_numpy(zero_copy_only=False).reshape(-1, width)
    y = np.column_stack(
        [
            steps.column("order_course_change_rad").to_numpy(),
            steps.column("order_speed_mps").to_numpy(),
        ]
    )
    return X, y


def closed_loop(
    episodes: list[Episode], policy: LinearPolicy, profile: str | None, n_targets: int
) -> list[dict]:
    """The referee's episode rows for ``policy`` steering each episode's own ship."""
    from autoship.dataset.labels import label_episode

    return [
        label_episode(ep, policy.name, profile, n_targets, policy=policy)["episode"]
        for ep in episodes
    ]


def summary(rows: list[dict]) -> dict[str, float | int]:
    n = len(rows)
    scores = [r["score"] for r in rows if r["score"] is not None]
    return {
        "episodes": n,
        "passed": sum(bool(r["passed"]) for r in rows),
        "collisions": sum(bool(r["collision"]) for r in rows),
        "errors": sum(r["outcome"] == "error" for r in rows),
        "mean_score": round(float(np.mean(scores)), 3) if scores else float("nan"),
    }
