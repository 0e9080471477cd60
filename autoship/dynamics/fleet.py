"""A fleet: many ships of several model families stepped together, one kernel call per family."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from autoship.dynamics import abkowitz, fossen3, mmg, nomoto1, nomoto2, sonnomoto
from autoship.dynamics.library import ShipDef
from autoship.dynamics.state import ENV_CUR_E, ENV_CUR_N, NC, NENV, NX, PSI, U, V
from autoship.errors import AutoshipError, ShipModelError


@dataclass(frozen=True)
class Family:
    """What the fleet and the trials need from a model family.

    kernel(X, P, C, idx, dt, env): closed loop, course/speed commands, steps columns idx in place.
    open_kernel(X, P, D, idx, dt, env): open loop, D[0] rudder demand (rad), D[1] propulsion
        demand (shaft rev/s for propeller families, speed m/s for Nomoto families).
    pack_params(defs) -> P; init_state(X, P, idx) trims internal states for the start speed.
    propulsion_demand(P, j, u, order) -> D[1] value for "trim" (hold speed u) or "astern".
    needs_fit: the autopilot's Nomoto K', T' are fitted from the model when the file omits them.
    """

    kernel: Callable
    open_kernel: Callable
    pack_params: Callable[[list[ShipDef]], np.ndarray]
    init_state: Callable[[np.ndarray, np.ndarray, np.ndarray], None]
    propulsion_demand: Callable[[np.ndarray, int, float, str], float]
    needs_fit: bool = False
    get_autopilot: Callable | None = None  # (P, j) -> (K', T')
    set_autopilot: Callable | None = None  # (P, j, K', T')


FAMILIES: dict[str, Family] = {
    "nomoto1": Family(
        nomoto1.step_nomoto1,
        nomoto1.step_nomoto1_open,
        nomoto1.pack_params,
        nomoto1.init_state,
        nomoto1.propulsion_demand,
    ),
    "nomoto2": Family(
        nomoto2.step_nomoto2,
        nomoto2.step_nomoto2_open,
        nomoto2.pack_params,
        nomoto2.init_state,
        nomoto2.propulsion_demand,
    ),
    "fossen3": Family(
        fossen3.step_fossen3,
        fossen3.step_fossen3_open,
        fossen3.pack_params,
        fossen3.init_state,
        fossen3.propulsion_demand,
        needs_fit=True,
        get_autopilot=fossen3.get_autopilot,
        set_autopilot=fossen3.set_autopilot,
    ),
    "mmg": Family(
        mmg.step_mmg,
        mmg.step_mmg_open,
        mmg.pack_params,
        mmg.init_state,
        mmg.propulsion_demand,
        needs_fit=True,
        get_autopilot=mmg.get_autopilot,
        set_autopilot=mmg.set_autopilot,
    ),
    "abkowitz": Family(
        abkowitz.step_abkowitz,
        abkowitz.step_abkowitz_open,
        abkowitz.pack_params,
        abkowitz.init_state,
        abkowitz.propulsion_demand,
        needs_fit=True,
        get_autopilot=abkowitz.get_autopilot,
        set_autopilot=abkowitz.set_autopilot,
    ),
    "sonnomoto": Family(
        sonnomoto.step_sonnomoto,
        sonnomoto.step_sonnomoto_open,
        sonnomoto.pack_params,
        sonnomoto.init_state,
        sonnomoto.propulsion_demand,
        needs_fit=True,
        get_autopilot=sonnomoto.get_autopilot,
        set_autopilot=sonnomoto.set_autopilot,
    ),
}


def pack_family(name: str, defs: Sequence[ShipDef]) -> np.ndarray:
    """Parameter block of one family, with autopilot tuning filled in where the file omits it."""
    fam = FAMILIES[name]
    P = np.ascontiguousarray(fam.pack_params(list(defs)))
    if fam.needs_fit:
        from autoship.dynamics.trials import autopilot_tuning

        for j, d in enumerate(defs):
            autopilot_tuning(d, P, j)
    return P


class Fleet:
    """State ``X`` (NX, n) of every ship plus per-family parameter blocks.

    The caller sets rows N, E, PSI and U of ``X0``; the constructor trims each family's internal
    state (rudder, shaft speed, controller integrals) for steady running at that speed.
    """

    def __init__(self, defs: Sequence[ShipDef], X0: np.ndarray) -> None:
        if X0.shape != (NX, len(defs)):
            raise ShipModelError(f"initial state shape {X0.shape} != {(NX, len(defs))}")
        unknown = {d.family for d in defs} - set(FAMILIES)
        if unknown:
            raise ShipModelError(f"no kernel for model families {sorted(unknown)}")
        self.defs = list(defs)
        self.X = np.ascontiguousarray(X0, dtype=np.float64).copy()
        self.length = np.array([d.length_m for d in defs])
        self.beam = np.array([d.beam_m for d in defs])
        self.draught = np.array([d.draught_m for d in defs])
        self._groups: list[tuple[Callable, np.ndarray, np.ndarray]] = []
        self._families: list[Family] = []
        for name, fam in FAMILIES.items():
            idx = np.array([i for i, d in enumerate(defs) if d.family == name], dtype=np.int64)
            if idx.size:
                P = _pack_dedup(name, [defs[i] for i in idx])
                fam.init_state(self.X, P, idx)
                self._groups.append((fam.kernel, P, idx))
                self._families.append(fam)
        self.active = np.ones(len(defs), dtype=bool)

    @property
    def n(self) -> int:
        return self.X.shape[1]

    def step(self, C: np.ndarray, dt: float, env: np.ndarray) -> None:
        """Advance every ship by dt (s) under commands C (NC, n) in environment env (NENV,)."""
        if C.shape != (NC, self.n) or env.shape != (NENV,):
            raise AutoshipError(
                f"commands {C.shape} / environment {env.shape} do not match "
                f"{(NC, self.n)} / {(NENV,)}",
                field="fleet.step",
            )
        if not (dt > 0.0 and math.isfinite(dt)):
            raise AutoshipError(f"time step must be a positive number of seconds, got {dt}")
        for kernel, P, idx in self._groups:
            kernel(self.X, P, C, idx, float(dt), env)

    def trim(self, ships: Sequence[int] | np.ndarray) -> None:
        """Re-trim ships (column indices) for steady straight running at their current X[U].

        For a ship whose state was set from outside (e.g. an AIS replay handed over to a
        planner): sway, yaw rate and rudder go to zero, the shaft to its equilibrium speed and
        the controller states are reset, so the model continues smoothly at that speed.
        """
        want = np.zeros(self.n, dtype=bool)
        want[np.asarray(ships, dtype=np.int64)] = True
        for fam, (_, P, idx) in zip(self._families, self._groups, strict=True):
            sel = np.flatnonzero(want[idx])
            if sel.size:
                fam.init_state(self.X, P[sel], idx[sel])

    def ground_velocity(self, env: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        psi = self.X[PSI]
        u = self.X[U]
        v = self.X[V]
        c, s = np.cos(psi), np.sin(psi)
        return u * c - v * s + env[ENV_CUR_N], u * s + v * c + env[ENV_CUR_E]


def _pack_dedup(name: str, defs: list[ShipDef]) -> np.ndarray:
    # Crowds share a few ship types: pack (and fit the autopilot of) each distinct one once.
    keys = [_key(d) for d in defs]
    uniq: dict[tuple, int] = {}
    for k in keys:
        uniq.setdefault(k, len(uniq))
    firsts: list[ShipDef] = [None] * len(uniq)  # type: ignore[list-item]
    for k, d in zip(keys, defs, strict=True):
        if firsts[uniq[k]] is None:
            firsts[uniq[k]] = d
    Pu = pack_family(name, firsts)
    rows = np.array([uniq[k] for k in keys], dtype=np.int64)
    return np.ascontiguousarray(Pu[rows])


def _key(d: ShipDef) -> tuple:
    return (
        d.name,
        d.family,
        d.length_m,
        d.beam_m,
        d.draught_m,
        tuple(sorted(d.model.items())),
        d.wind,
    )
