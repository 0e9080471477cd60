"""Typed run records: run metadata, ships, events and report entries, with exact JSON round trips.

The run folder's ``meta.json`` and the report JSON are read and written as plain dicts
everywhere; these dataclasses are their typed form. ``Cls.from_json(d)`` checks every known key's
type (one ``RunFolderError`` naming the file and the dotted key on anything wrong) and
``rec.to_json()`` gives back the same dict: ``Cls.from_json(d).to_json() == d`` for every dict
this version of autoship writes and for older ones, because

- keys this version does not know are kept in ``extra`` (written after the known keys), so a
  newer writer's additions survive a read-modify-write by an older reader, and
- a record read from JSON remembers the source's keys in order (``source_keys``): known keys
  the source lacked are left out again on writing, so an old run folder is written back as it
  was, key for key.

Backward compatibility: ``ShipRecord.under_test`` is explicit from this version on. Run folders
written before it have no ``under_test`` key; for them it is derived with the rule the referee
used until then (``legacy_under_test``: own ship, or a ship on an avoiding planner that is
neither replayed traffic nor told to ignore its duty), so old folders score as they always did.
The versioned JSON Schemas of these documents are in ``autoship/record/schemas`` (see
``autoship.record.schemas``).

This module imports only the standard library (the record layer is read by the viewer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from autoship.errors import RunFolderError

# Planners that do not avoid anything: a ship driven by one is the test's traffic, not a system
# under test. The referee's list (autoship.metrics.score.PASSIVE_PLANNERS) as it stood when the
# explicit flag was introduced; it decides only for run folders written before the flag.
PASSIVE_PLANNERS = frozenset({"", "none", "keep-course", "keep_course", "waypoint", "replay"})


def under_test_rule(role: str, planner: str | None, replayed: bool, ignores_duty: bool) -> bool:
    """Whether the referee judges a ship: the own ship, or a ship driven by an avoiding planner
    (all-autonomous runs). Replayed traffic and ships told to ignore their duty are the test's
    traffic, not systems under test. The simulator writes this into every ship record."""
    if role == "own":
        return True
    if replayed or ignores_duty:
        return False
    return str(planner or "").lower() not in PASSIVE_PLANNERS


def legacy_under_test(ship: Mapping[str, Any]) -> bool:
    """``under_test_rule`` applied to a ship record without ``under_test`` (a run folder written
    before the flag), as the referee decided for it then."""
    return under_test_rule(
        str(ship.get("role") or ""),
        ship.get("planner"),
        bool(ship.get("replayed")),
        bool(ship.get("ignores_duty")),
    )


def ship_under_test(ship: Mapping[str, Any]) -> bool:
    """Whether a ship record (a ``meta.json`` ``ships`` entry) is under test: its explicit
    ``under_test`` flag, or for older run folders without it, ``legacy_under_test``."""
    flag = ship.get("under_test")
    if isinstance(flag, bool):
        return flag
    return legacy_under_test(ship)


# -- generic typed reading ---------------------------------------------------------------------

# A key's kind: a JSON type name ("str", "int", "num", "bool", "list", "dict", "any"), with a
# trailing "?" when null is allowed; or a record class, or ("list", RecordClass).
Kind = Any

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "num": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}
_TYPE_WORDS = {
    "str": "a string",
    "int": "an integer",
    "num": "a number",
    "bool": "true or false",
    "list": "an array",
    "dict": "an object",
}

R = TypeVar("R", bound="_Record")


def _json_name(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}.get(
        type(v), "object" if isinstance(v, dict) else type(v).__name__
    )


def _convert(kind: Kind, v: Any, file: str | None, key: str) -> Any:
    if isinstance(kind, str):
        nullable = kind.endswith("?")
        base = kind.rstrip("?")
        if v is None and nullable:
            return None
        if base == "any":
            return v
        ok = isinstance(v, _JSON_TYPES[base]) and not (isinstance(v, bool) and base != "bool")
        if not ok:
            null = " or null" if nullable else ""
            raise RunFolderError(
                f"must be {_TYPE_WORDS[base]}{null}, got {_json_name(v)}", file=file, field=key
            )
        return v
    if isinstance(kind, tuple):  # ("list", RecordClass)
        if not isinstance(v, list):
            raise RunFolderError(f"must be an array, got {_json_name(v)}", file=file, field=key)
        return [kind[1].from_json(x, file=file, prefix=f"{key}[{i}]") for i, x in enumerate(v)]
    if v is None:
        return None
    return kind.from_json(v, file=file, prefix=key)


def _unconvert(v: Any) -> Any:
    if isinstance(v, _Record):
        return v.to_json()
    if isinstance(v, list):
        return [_unconvert(x) for x in v]
    return v


class _Record:
    """Base of the records: ``KINDS`` maps each JSON key (a dataclass field of the same name) to
    its kind; fields without a default are required keys."""

    KINDS: ClassVar[dict[str, Kind]] = {}

    # Declared by every subclass as dataclass fields (here for the type checker).
    extra: dict[str, Any]
    source_keys: tuple[str, ...] | None

    @classmethod
    def from_json(cls: type[R], d: Any, *, file: str | None = None, prefix: str | None = None) -> R:
        """The record of JSON object ``d``; ``file`` and ``prefix`` name it in errors."""

        def dotted(k: str) -> str:
            return f"{prefix}.{k}" if prefix else k

        if not isinstance(d, dict):
            raise RunFolderError(f"must be an object, got {_json_name(d)}", file=file, field=prefix)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name not in cls.KINDS:
                continue
            if f.name not in d:
                required = (
                    f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                )
                if required:
                    raise RunFolderError("missing key", file=file, field=dotted(f.name))
                continue
            values[f.name] = _convert(cls.KINDS[f.name], d[f.name], file, dotted(f.name))
        values["extra"] = {k: v for k, v in d.items() if k not in cls.KINDS}
        values["source_keys"] = tuple(d)
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON object. Built in code: the known keys in declaration order, then ``extra``.
        Read from JSON: the source's keys in the source's order (known keys it lacked stay out),
        then any key added to ``extra`` since."""
        kinds = type(self).KINDS
        if self.source_keys is None:
            out = {k: _unconvert(getattr(self, k)) for k in kinds}
            out.update(self.extra)
            return out
        out = {}
        for k in self.source_keys:
            if k in kinds:
                out[k] = _unconvert(getattr(self, k))
            elif k in self.extra:
                out[k] = self.extra[k]
        for k, v in self.extra.items():
            out.setdefault(k, v)
        return out


def _keep() -> Any:
    """``extra``: keys unknown to this version, kept for the round trip."""
    return field(default_factory=dict, repr=False)


def _source_keys() -> Any:
    """``source_keys``: the keys of the JSON object a record was read from, in order (None when
    built in code); how it is written back, not part of its value."""
    return field(default=None, repr=False, compare=False)


# -- run folder: meta.json ---------------------------------------------------------------------


@dataclass
class EventRecord(_Record):
    """One event of a run (``meta.json`` ``events``): a collision, grounding, handover, planner
    error or planner fallback at ``t_s`` (s of simulated time), naming the ships involved."""

    t_s: float
    kind: str
    ships: list[str] = field(default_factory=list)
    detail: str = ""
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "t_s": "num",
        "kind": "str",
        "ships": "list",
        "detail": "str",
    }


@dataclass
class ShipRecord(_Record):
    """One ship of a run (``meta.json`` ``ships``), its facts as simulated.

    ``under_test`` says whether the referee judges the ship (a system under test) or it is the
    test's traffic; the simulator sets it (``autoship.sim.meta``) and the referee and viewer read
    it. Read from a run folder written before the flag existed, it is derived by
    ``legacy_under_test`` and left out again on writing (the folder round-trips unchanged)."""

    id: str
    index: int
    role: str
    model: str
    planner: str
    under_test: bool
    family: str | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    category: str = "power-driven"
    mmsi: int | None = None
    ship_type: int | None = None
    nav_status: int | None = None
    ais_class: str | None = None
    min_clearance_m: float | None = None  # m to the nearest charted hazard; None: no chart
    replayed: bool = False
    handover_t_s: float | None = None
    ignores_duty: bool = False
    goal: dict[str, float] | None = None  # {"north_m", "east_m"} in the local frame
    route: list[list[float]] | None = None  # [[north_m, east_m], ...] waypoints
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    # The order meta.json has always used, with under_test after planner.
    KINDS: ClassVar[dict[str, Kind]] = {
        "id": "str",
        "index": "int",
        "role": "str",
        "model": "str",
        "family": "str?",
        "length_m": "num?",
        "beam_m": "num?",
        "draught_m": "num?",
        "planner": "str",
        "under_test": "bool",
        "category": "str",
        "mmsi": "int?",
        "ship_type": "int?",
        "nav_status": "int?",
        "ais_class": "str?",
        "min_clearance_m": "num?",
        "replayed": "bool",
        "handover_t_s": "num?",
        "ignores_duty": "bool",
        "goal": "dict?",
        "route": "list?",
    }

    @classmethod
    def from_json(cls, d: Any, *, file: str | None = None, prefix: str | None = None) -> ShipRecord:
        if isinstance(d, dict) and "under_test" not in d:
            # A run folder from before the flag: the referee's old rule decides (and the key
            # stays absent when the record is written back).
            rec = super().from_json({**d, "under_test": False}, file=file, prefix=prefix)
            rec.under_test = legacy_under_test(d)
            rec.source_keys = tuple(d)
            return rec
        return super().from_json(d, file=file, prefix=prefix)


@dataclass
class ScenarioInfo(_Record):
    """The scenario as run (``meta.json`` ``scenario``): its id, origin and full text."""

    id: str
    title: str = ""
    source: str = ""
    path: str | None = None
    sha256: str = ""
    text: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    expect: list[str] = field(default_factory=list)  # "collision" / "grounding" (negative test)
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "id": "str",
        "title": "str",
        "source": "str",
        "path": "str?",
        "sha256": "str",
        "text": "str",
        "provenance": "dict",
        "expect": "list",
    }


@dataclass
class RunMeta(_Record):
    """A run folder's ``meta.json``: everything but the arrays (docs/architecture.md)."""

    scenario: ScenarioInfo
    frame: dict[str, float]  # {"origin_lat_deg", "origin_lon_deg"}
    dt_s: float
    ships: list[ShipRecord]
    events: list[EventRecord]
    format: str = "autoship-run"
    format_version: int = 1
    autoship_version: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    planner_period_s: float | None = None
    record_period_s: float | None = None
    duration_s: float | None = None
    n_records: int | None = None
    visibility: str = "good"
    profile: str | None = None
    profile_choice: str | None = None
    start_utc: str | None = None
    environment: dict[str, float] | None = None
    sensors: dict[str, Any] | None = None
    chart: dict[str, Any] | None = None  # {"path", "under_keel_clearance_m"}; None: no chart
    # Per ship id: {"n", "p50", "p99", "max"} (ms of wall time per decision).
    planner_latency_ms: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "format": "str",
        "format_version": "int",
        "autoship_version": "str?",
        "versions": "dict",
        "scenario": ScenarioInfo,
        "frame": "dict",
        "seed": "int?",
        "dt_s": "num",
        "planner_period_s": "num?",
        "record_period_s": "num?",
        "duration_s": "num?",
        "n_records": "int?",
        "visibility": "str",
        "profile": "str?",
        "profile_choice": "str?",
        "start_utc": "str?",
        "environment": "dict?",
        "sensors": "dict?",
        "chart": "dict?",
        "ships": ("list", ShipRecord),
        "planner_latency_ms": "dict",
        "events": ("list", EventRecord),
    }

    def ship(self, ship_id: str) -> ShipRecord:
        for s in self.ships:
            if s.id == ship_id:
                return s
        raise KeyError(ship_id)

    @property
    def under_test_ids(self) -> list[str]:
        """The ships the referee judges, in ship order."""
        return [s.id for s in self.ships if s.under_test]


# -- the report ---------------------------------------------------------------------------------


@dataclass
class EncounterEntry(_Record):
    """One encounter of a scored run (a report run's ``encounters``), from ``own``'s point of
    view: its classification, role, closest approach and rule scores (docs/referee.md). Keys
    beyond these (timing, stages, manoeuvre, domains) are kept in ``extra``."""

    own: str
    target: str
    type: str  # "head-on", "crossing", "overtaking", "overtaken", ...
    own_role: str | None = None  # "give-way", "stand-on", "both", ...
    cpa_m: float | None = None
    tcpa_s: float | None = None
    min_range_m: float | None = None
    rules: dict[str, float] = field(default_factory=dict)  # COLREG rule number -> score 0..1
    penalties: list[dict[str, Any]] = field(default_factory=list)
    score: float | None = None
    safety_score: float | None = None
    breaches: list[Any] = field(default_factory=list)
    near_miss: bool = False
    collision: bool = False
    hull_contact: bool = False
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "own": "str",
        "target": "str",
        "type": "str",
        "own_role": "str?",
        "cpa_m": "num?",
        "tcpa_s": "num?",
        "min_range_m": "num?",
        "rules": "dict",
        "penalties": "list",
        "score": "num?",
        "safety_score": "num?",
        "breaches": "list",
        "near_miss": "bool",
        "collision": "bool",
        "hull_contact": "bool",
    }


@dataclass
class RunReport(_Record):
    """One scored run (a report's ``runs`` entry, ``score.json``; ``score_run``'s result).
    A sweep's failed run has only its identification and the error (``error``, ``error_kind``
    in ``extra``)."""

    scenario_id: str | None = None
    planner: str | None = None
    seed: int | None = None
    run_dir: str | None = None
    passed: bool = False
    collision: bool = False
    grounding: bool = False
    min_separation_m: float | None = None
    score: float | None = None
    encounters: list[EncounterEntry] = field(default_factory=list)
    failed_gates: list[str] = field(default_factory=list)
    negative_test: dict[str, Any] | None = None
    progress: dict[str, Any] | None = None
    human: dict[str, Any] | None = None
    gates_vs_recording: bool = False
    profile_choice: str | None = None
    min_clearance_m: float | None = None
    profile: str | None = None
    profile_version: int | None = None
    profile_hash: str | None = None
    visibility: str | None = None
    n_ships: int | None = None
    autonomous_ships: list[str] = field(default_factory=list)
    collisions: list[dict[str, Any]] = field(default_factory=list)
    groundings: list[dict[str, Any]] = field(default_factory=list)
    planner_latency_ms: dict[str, Any] | None = None
    autoship_version: str | None = None
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "scenario_id": "str?",
        "planner": "str?",
        "seed": "int?",
        "run_dir": "str?",
        "passed": "bool",
        "collision": "bool",
        "grounding": "bool",
        "min_separation_m": "num?",
        "score": "num?",
        "encounters": ("list", EncounterEntry),
        "failed_gates": "list",
        "negative_test": "dict?",
        "progress": "dict?",
        "human": "dict?",
        "gates_vs_recording": "bool",
        "profile_choice": "str?",
        "min_clearance_m": "num?",
        "profile": "str?",
        "profile_version": "int?",
        "profile_hash": "str?",
        "visibility": "str?",
        "n_ships": "int?",
        "autonomous_ships": "list",
        "collisions": "list",
        "groundings": "list",
        "planner_latency_ms": "dict?",
        "autoship_version": "str?",
    }


@dataclass
class Report(_Record):
    """The report JSON (``autoship run --json``, ``autoship report``): the scored runs, their
    summary and the readiness gates (docs/referee.md)."""

    runs: list[RunReport]
    autoship_version: str | None = None
    profile: str | None = None  # "mixed" when runs were scored under several profiles
    profile_version: int | None = None
    profile_hash: str | None = None
    profiles: list[dict[str, Any]] | None = None  # only for "mixed"
    summary: dict[str, int] = field(default_factory=dict)
    readiness: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = _keep()
    source_keys: tuple[str, ...] | None = _source_keys()

    KINDS: ClassVar[dict[str, Kind]] = {
        "autoship_version": "str?",
        "profile": "str?",
        "profile_version": "int?",
        "profile_hash": "str?",
        "profiles": "list?",
        "runs": ("list", RunReport),
        "summary": "dict",
        "readiness": "dict",
    }
