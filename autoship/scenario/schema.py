"""Scenario data model: frozen dataclasses, SI inside (the loader converts from file units)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoship.dynamics.library import ShipDef
from autoship.geo import LocalFrame
from autoship.scenario.track import Track

VISIBILITY = ("good", "restricted")
ROLES = ("own", "target")
# Rule 18 categories (COLREG 3 and 18); the COLREG engine maps AIS status/type onto these.
CATEGORIES = (
    "power-driven",
    "sailing",
    "fishing",
    "restricted-manoeuvrability",
    "not-under-command",
    "constrained-by-draught",
    "seaplane",
    "wig",
)
DEFAULT_PROFILE = "large-ship"


@dataclass(frozen=True)
class ShipSpec:
    id: str
    role: str
    ship: ShipDef
    start_north: float
    start_east: float
    course: float  # rad, clockwise from north
    speed: float  # m/s through the water
    goal: tuple[float, float] | None  # (north, east) m
    planner: str
    planner_params: dict[str, Any] = field(default_factory=dict)
    category: str = "power-driven"
    mmsi: int | None = None
    ship_type: int | None = None
    nav_status: int | None = None
    ignores_duty: bool = False
    track: Track | None = None  # recorded track: followed when planner == "replay"
    handover_planner: str | None = None  # takes a replayed ship over when it must react
    ais_class: str | None = None  # "A" or "B" for AIS out; None: from the ship type
    # Planned route (north, east) m after the start, the last point being the goal; planners
    # follow it instead of planning one (a mined ship's recorded path).
    route: tuple[tuple[float, float], ...] | None = None
    handover: bool = True  # false: a replayed ship is never handed over (moored, anchored)
    # The scenario's ``model`` value: a library name, or a ship file's absolute path. Kept so
    # scenario.dump can write the ship back; not part of what is simulated (compare=False).
    model_ref: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ChartSpec:
    path: Path
    under_keel_clearance_m: float


@dataclass(frozen=True)
class Environment:
    current_n: float = 0.0  # m/s, flowing to
    current_e: float = 0.0
    wind_speed: float = 0.0  # m/s
    wind_from: float = 0.0  # rad, coming from

    def to_dict(self) -> dict[str, float]:
        return {
            "current_n_ms": self.current_n,
            "current_e_ms": self.current_e,
            "wind_speed_ms": self.wind_speed,
            "wind_from_rad": self.wind_from,
        }


@dataclass(frozen=True)
class SensorSpec:
    """How planners see other ships (see autoship/sim/sensors.py)."""

    model: str = "perfect"  # "perfect" | "ais"
    report_interval_s: float = 10.0
    position_noise_m: float = 0.0  # 1-sigma, per axis
    dropout: float = 0.0  # probability a report is lost
    stale_after_s: float = 180.0

    def to_dict(self) -> dict[str, float | str]:
        return {
            "model": self.model,
            "report_interval_s": self.report_interval_s,
            "position_noise_m": self.position_noise_m,
            "dropout": self.dropout,
            "stale_after_s": self.stale_after_s,
        }


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    source: str
    seed: int
    duration_s: float
    dt_s: float
    planner_period_s: float
    record_period_s: float
    visibility: str
    frame: LocalFrame
    ships: tuple[ShipSpec, ...]
    profile: str = DEFAULT_PROFILE
    chart: ChartSpec | None = None
    environment: Environment = field(default_factory=Environment)
    provenance: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str = ""
    expect: tuple[str, ...] = ()
    start_utc: str | None = None  # wall-clock time of t = 0 (ISO 8601, UTC), e.g. for AIS out
    sensors: SensorSpec = field(
        default_factory=SensorSpec
    )  # failures this scenario exists to provoke (negative test)

    @property
    def n_ticks(self) -> int:
        return int(round(self.duration_s / self.dt_s))

    @property
    def planner_every(self) -> int:
        return max(1, int(round(self.planner_period_s / self.dt_s)))

    @property
    def record_every(self) -> int:
        return max(1, int(round(self.record_period_s / self.dt_s)))

    def ship_index(self, ship_id: str) -> int:
        for i, s in enumerate(self.ships):
            if s.id == ship_id:
                return i
        raise KeyError(ship_id)
