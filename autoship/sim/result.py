"""What one run produces: the run folder's contents in memory."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autoship.record import Run, RunWriter, in_memory_run


@dataclass
class SimResult:
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    chart_json: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def write(self, path: str | os.PathLike[str], force: bool = False) -> Path:
        """Write the run folder (meta.json, track.npz, chart.json) atomically; an existing
        folder is replaced only with ``force``. Returns the folder."""
        return RunWriter(path, force=force).write(self.meta, self.arrays, self.chart_json)

    def to_run(self, path: str | os.PathLike[str]) -> Run:
        """The run as ``load_run`` would read it back from the folder ``write(path)`` writes,
        without writing it (scoring in memory sees the same values as scoring the folder)."""
        return in_memory_run(Path(path), self.meta, self.arrays, self.chart_json)
