"""The run's recorded arrays: one row per record period, one column per ship."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, DELTA, NPROP, PSI, E, N, R, U, V
from autoship.record.run import ARRAY_NAMES

# Recorded per ship and row, in run-folder order (the run folder's own list).
RECORDED = ARRAY_NAMES

OnRecord = Callable[[float, dict[str, np.ndarray]], None]


class Recorder:
    """Preallocated arrays (NaN until written) and the optional per-row callback."""

    def __init__(self, n_rows: int, n_ships: int, on_record: OnRecord | None = None) -> None:
        self.t = np.zeros(n_rows)
        self.arrays = {k: np.full((n_rows, n_ships), np.nan) for k in RECORDED}
        self.on_record = on_record

    def record(
        self, j: int, t: float, X: np.ndarray, vn: np.ndarray, ve: np.ndarray, C: np.ndarray
    ) -> None:
        """Row ``j`` at time ``t`` from the states ``X``, ground velocity and commands ``C``."""
        arr = self.arrays
        self.t[j] = t
        arr["north"][j] = X[N]
        arr["east"][j] = X[E]
        arr["heading"][j] = X[PSI]
        arr["u"][j] = X[U]
        arr["v"][j] = X[V]
        arr["r"][j] = X[R]
        arr["rudder"][j] = X[DELTA]
        arr["shaft"][j] = X[NPROP]
        arr["vn"][j] = vn
        arr["ve"][j] = ve
        arr["cmd_course"][j] = C[CMD_COURSE]
        arr["cmd_speed"][j] = C[CMD_SPEED]
        if self.on_record is not None:
            self.on_record(t, {k: v[j] for k, v in arr.items()})
