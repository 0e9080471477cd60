"""The planner protocol: observations in, course-and-speed commands out.

Planners see observations, never the simulator. They run every ``planner_period_s``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from autoship.errors import AutoshipError
from autoship.geometry import wrap_2pi


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
    # The chart's traffic lanes, separation zones and channels (autoship.charts.routing.Routing)
    # for rules 9 and 10, or None.
    routing: Any = None
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
        return float(wrap_2pi(math.atan2(self.ve[self.own], self.vn[self.own])))


class Planner(Protocol):
    name: str

    def reset(self, ctx: PlannerContext) -> None: ...

    def plan(self, obs: Observation) -> Command: ...


_REGISTRY: dict[str, Callable[[dict[str, Any]], Planner]] = {}

# Planners of other packages: an entry point in this group names a planner class (or a factory
# taking the ``planner_params`` dict), e.g. ``slow-down = my_planner.planner:SlowDown``; the
# entry point's name is the planner's name. docs/plugins.md is the user's side of it.
ENTRY_POINT_GROUP = "autoship.planners"

# name -> the entry points declaring it, read on first need (a run whose planners are all built
# in never scans the installed packages); plugin modules are imported only when used.
_plugin_eps: dict[str, list[Any]] | None = None
_plugin_factories: dict[str, Callable[[dict[str, Any]], Planner]] = {}


class PlannerPluginWarning(UserWarning):
    """A planner plugin was left out (it declares a built-in planner's name)."""


def register(name: str) -> Callable:
    """Class decorator registering a planner under a short name."""

    def deco(cls):
        old = _REGISTRY.get(name)
        # A second class under a taken name would silently replace the first (a plugin module
        # decorating its class with a built-in's name would change every run using it).
        if old is not None and _qualname(old) != _qualname(cls):
            raise AutoshipError(
                f"planner name {name!r} is already registered by {_qualname(old)}; "
                f"{_qualname(cls)} must use another name",
                field="planner",
            )
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def planner_names() -> list[str]:
    """Built-in and plugin planner names (plugins are listed, not imported)."""
    _load_builtin()
    return sorted(set(_REGISTRY) | set(_plugins()))


def make_planner(name: str, params: dict[str, Any] | None = None) -> Planner:
    _load_builtin()
    factory = _REGISTRY.get(name)
    if factory is not None:
        return factory(dict(params or {}))
    return _make_plugin(name, _plugin_factory(name), dict(params or {}))


def _load_builtin() -> None:
    # Importing registers them; done lazily so that loading a scenario compiles no planner.
    import autoship.planner.sbmpc  # noqa: F401
    import autoship.planner.simple  # noqa: F401
    import autoship.planner.vo  # noqa: F401


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _describe(ep: Any) -> str:
    dist = getattr(ep, "dist", None)
    where = f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"
    return f"entry point {ep.name} = {ep.value} (group {ENTRY_POINT_GROUP}, from {where})"


def _plugins() -> dict[str, list[Any]]:
    """Plugin entry points by planner name, built-in names left out with a warning: a built-in
    always wins, so a scenario naming it means the same planner whatever is installed."""
    global _plugin_eps
    if _plugin_eps is None:
        import warnings
        from importlib.metadata import entry_points

        _load_builtin()
        found: dict[str, list[Any]] = {}
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in _REGISTRY:
                warnings.warn(
                    f"autoship: ignoring planner plugin {_describe(ep)}: "
                    f"{ep.name!r} is a built-in planner's name",
                    PlannerPluginWarning,
                    stacklevel=2,
                )
                continue
            found.setdefault(ep.name, []).append(ep)
        _plugin_eps = found
    return _plugin_eps


def _forget_plugins() -> None:
    """Scan the entry points again at next need (for tests that change sys.path)."""
    global _plugin_eps
    _plugin_eps = None
    _plugin_factories.clear()


def _plugin_factory(name: str) -> Callable[[dict[str, Any]], Planner]:
    cached = _plugin_factories.get(name)
    if cached is not None:
        return cached
    eps = _plugins().get(name)
    if not eps:
        raise AutoshipError(
            f"unknown planner {name!r}; known: {', '.join(planner_names())} "
            f"(other packages add planners through entry point group {ENTRY_POINT_GROUP})",
            field="planner",
        )
    if len(eps) > 1:
        raise AutoshipError(
            f"planner {name!r} is declared by more than one plugin: "
            + "; ".join(_describe(ep) for ep in eps),
            field="planner",
        )
    ep = eps[0]
    try:
        obj = ep.load()
    except Exception as exc:
        raise AutoshipError(
            f"planner plugin {_describe(ep)} failed to load: {type(exc).__name__}: {exc}",
            field="planner",
        ) from None
    if not callable(obj) or (
        isinstance(obj, type)
        and not (callable(getattr(obj, "reset", None)) and callable(getattr(obj, "plan", None)))
    ):
        raise AutoshipError(
            f"planner plugin {_describe(ep)} is not a planner: it must be a class with "
            "reset(ctx) and plan(obs) methods (or a factory returning such an object), "
            "built from the planner_params dict",
            field="planner",
        )
    _plugin_factories[name] = obj
    return obj


def _make_plugin(name: str, factory: Callable, params: dict[str, Any]) -> Planner:
    ep = _plugins()[name][0]
    try:
        planner = factory(params)
    except AutoshipError:
        raise
    except Exception as exc:
        # Plugin authors need not import autoship's errors: whatever the constructor raises
        # about its parameters is reported like a built-in's bad planner_params.
        field = "planner_params"
        raise AutoshipError(
            f"planner {name!r} ({_describe(ep)}): {type(exc).__name__}: {exc}", field=field
        ) from None
    if not (callable(getattr(planner, "reset", None)) and callable(getattr(planner, "plan", None))):
        raise AutoshipError(
            f"planner plugin {_describe(ep)} is not a planner: it built a "
            f"{type(planner).__name__} without reset(ctx) and plan(obs) methods",
            field="planner",
        )
    return planner
