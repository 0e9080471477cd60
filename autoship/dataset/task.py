"""A shard as a sweep ``Task``: the sweep executors (local worker processes, Dask) run it, and
the worker calls ``run_in_worker`` instead of simulating one scenario. The worker returns the
shard's Parquet files as bytes; the parent alone writes them, so a Dask cluster needs no shared
folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autoship.dataset.episodes import Episode
from autoship.dataset.spec import Views
from autoship.sweep.worker import Task


@dataclass(frozen=True)
class ShardTask(Task):
    shard: int = 0
    episodes: tuple[Episode, ...] = ()
    n_targets: int = 4
    views: Views = Views()

    def run_in_worker(self) -> dict[str, Any]:
        from autoship.dataset.labels import label_episode
        from autoship.dataset.parquet import shard_tables

        labelled = [
            label_episode(
                ep, self.planner or "sbmpc", self.profile, self.n_targets, views=self.views
            )
            for ep in self.episodes
        ]
        n_steps = sum(len(lab["steps"]["step"]) for lab in labelled)
        return {"shard": self.shard, "files": shard_tables(labelled, self.shard), "steps": n_steps}
