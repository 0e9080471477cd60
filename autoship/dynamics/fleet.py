"""A fleet: many ships of several model families stepped together, one kernel call per family."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from autoship.dynamics import nomoto1
from autoship.dynamics.library import ShipDef
from autoship.dynamics.state import ENV_CUR_E, ENV_CUR_N, NX, PSI, U, V


@dataclass(frozen=True)
class Family:
    kernel: Callable  # kernel(X, P, C, idx, dt, env), steps columns idx in place
    pack_params: Callable[[list[ShipDef]], np.ndarray]


FAMILIES: dict[str, Family] = {
    "nomoto1": Family(nomoto1.step_nomoto1, nomoto1.pack_params),
}


class Fleet:
    """State ``X`` (NX, n) of every ship plus per-family parameter blocks."""

    def __init__(self, defs: Sequence[ShipDef], X0: np.ndarray) -> None:
        if X0.shape != (NX, len(defs)):
            raise ValueError(f"X0 shape {X0.shape} != {(NX, len(defs))}")
        self.defs = list(defs)
        self.X = np.ascontiguousarray(X0, dtype=np.float64).copy()
        self.length = np.array([d.length_m for d in defs])
        self.beam = np.array([d.beam_m for d in defs])
        self.draught = np.array([d.draught_m for d in defs])
        self._groups: list[tuple[Callable, np.ndarray, np.ndarray]] = []
        for name, fam in FAMILIES.items():
            idx = np.array([i for i, d in enumerate(defs) if d.family == name], dtype=np.int64)
            if idx.size:
                P = np.ascontiguousarray(fam.pack_params([defs[i] for i in idx]))
                self._groups.append((fam.kernel, P, idx))
        unknown = {d.family for d in defs} - set(FAMILIES)
        if unknown:
            raise ValueError(f"no kernel for model families {sorted(unknown)}")
        self.active = np.ones(len(defs), dtype=bool)

    @property
    def n(self) -> int:
        return self.X.shape[1]

    def step(self, C: np.ndarray, dt: float, env: np.ndarray) -> None:
        for kernel, P, idx in self._groups:
            kernel(self.X, P, C, idx, dt, env)

    def ground_velocity(self, env: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        psi = self.X[PSI]
        u = self.X[U]
        v = self.X[V]
        c, s = np.cos(psi), np.sin(psi)
        return u * c - v * s + env[ENV_CUR_N], u * s + v * c + env[ENV_CUR_E]
