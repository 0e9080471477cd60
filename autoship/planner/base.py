"""The planner protocol: observations in, course-and-speed commands out.

Planners see observations, never the simulator. They run every ``planner_period_s``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from autoship.errors import AutoshipError


@dataclass(frozen=True)
class Command:
    course: float  # rad, clockwise from north
    speed: float  # m/s through the water


@dataclass
class PlannerContext:
    """What a planner knows about its own ship and the run, fixed for the whole run."""

    ship_index: int
    ship_id: str
    length: float
    beam: float
    draught: float
    start: tuple[float, float]  # (north, east) m
    initial_course: float  # rad
    cruise_speed: float  # m/s, the ship's speed at the start
    max_speed: float  # m/s
    goal: tuple[float, float] | None
    dt: float
    planner_period: float
    visibility: str
    category: str
    rng: np.random.Generator
    params: dict[str, Any] = field(default_factory=dict)
    hazards: Any = None  # autoship.charts Hazards for this ship's draught, or None
    # The scenario's planned route after the start (north, east) m, ending at the goal; when
    # given, planners follow it rather than plan their own (a mined ship's recorded path).
    route: tuple[tuple[float, float], ...] | None = None
    ignores_duty: bool = False
    profile: str | None = None  # the scenario's scoring profile (planners size margins on it)
    # The ship's model (``dynamics.library.ShipDef``) when the simulator knows it: planners may
    # identify its turn and speed response from it (``planner.ownship``).
    ship: Any = None


@dataclass
class Observation:
    """The picture a ship has at time ``t``: every ship's sensed state, own ship at ``own``.

    Arrays have one entry per ship in the scenario; ``valid`` is False for ships not currently
    observed (e.g. an AIS dropout). Velocities are over ground.
    """

    t: float
    own: int
    ids: tuple[str, ...]
    north: np.ndarray
    east: np.ndarray
    heading: np.ndarray
    vn: np.ndarray
    ve: np.ndarray
    length: np.ndarray
    beam: np.ndarray
    categories: tuple[str, ...]
    valid: np.ndarray
    own_u: float  # own speed through the water, m/s
    own_r: float  # own yaw rate, rad/s

    @property
    def own_sog(self) -> float:
        return float(np.hypot(self.vn[self.own], self.ve[self.own]))

    @property
    def own_cog(self) -> float:
        return float(np.arctan2(self.ve[self.own], self.vn[self.own]) % (2 * np.pi))


class Planner(Protocol):
    name: str

    def reset(self, ctx: PlannerContext) -> None: ...

    def plan(self, obs: Observation) -> Command: ...


_REGISTRY: dict[str, Callable[[dict[str, Any]], Planner]] = {}


def register(name: str) -> Callable:
    """Class decorator registering a planner under a short name."""

    def deco(cls):
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def planner_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def make_planner(name: str, params: dict[str, Any] | None = None) -> Planner:
    _load_builtin()
    if name not in _REGISTRY:
        raise AutoshipError(
            f"unknown planner {name!r}; known: {', '.join(sorted(_REGISTRY))}", field="planner"
        )
    return _REGISTRY[name](dict(params or {}))


def _load_builtin() -> None:
    # Importing registers them; done lazily so that loading a scenario compiles no planner.
    import autoship.planner.sbmpc  # noqa: F401
    import autoship.planner.simple  # noqa: F401
    import autoship.planner.vo  # noqa: F401
