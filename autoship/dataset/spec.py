"""The dataset spec file: what episodes to generate, which planner is the expert and what to
randomise. Parsed strictly (unknown keys, bad ranges are one-line errors naming FILE: KEY).

The episode source reuses the sweep file's sections: ``[scenario]``, ``[own]`` and
``[target]`` are a sweep file's, and ``[source]`` is a sweep file's ``[generator]`` (kinds
grid, random, files) plus ``kind = "folder"`` (every ``*.toml`` in a folder). The sweep parser
checks them, so a dataset accepts exactly what a sweep accepts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autoship._strict import StrictTable, parse_toml, read_text
from autoship.errors import AutoshipError, ScenarioError

SECTIONS = ("dataset", "source", "scenario", "own", "target", "randomise", "views")
BEHAVIOURS = ("keep-course", "rule-abiding", "duty-ignoring")
VISIBILITIES = ("good", "restricted")
_ID = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_EPISODES = 100_000


class DatasetSpecError(ScenarioError):
    """A dataset spec file is malformed (a scenario-definition error, like a sweep file's)."""


@dataclass(frozen=True)
class Randomise:
    """Per-episode draws; an empty tuple / None leaves the generated scenario's value."""

    own_models: tuple[str, ...] = ()
    target_models: tuple[str, ...] = ()
    wind_speed_kn: tuple[float, float] | None = None
    wind_from_deg: tuple[float, float] | None = None
    current_speed_kn: tuple[float, float] | None = None
    current_to_deg: tuple[float, float] | None = None
    target_behaviour: tuple[str, ...] = ()
    rule_abiding_planner: str = "vo"
    visibility: tuple[str, ...] = ()
    position_noise_m: tuple[float, float] | None = None  # AIS sensing of the other ships
    dropout: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "own_models": list(self.own_models),
            "target_models": list(self.target_models),
            "wind_speed_kn": self.wind_speed_kn and list(self.wind_speed_kn),
            "wind_from_deg": self.wind_from_deg and list(self.wind_from_deg),
            "current_speed_kn": self.current_speed_kn and list(self.current_speed_kn),
            "current_to_deg": self.current_to_deg and list(self.current_to_deg),
            "target_behaviour": list(self.target_behaviour),
            "rule_abiding_planner": self.rule_abiding_planner,
            "visibility": list(self.visibility),
            "position_noise_m": self.position_noise_m and list(self.position_noise_m),
            "dropout": self.dropout and list(self.dropout),
        }


@dataclass(frozen=True)
class Views:
    """Sensor views written per step (``autoship.dataset.views``); both off by default."""

    birdseye: bool = False
    radar: bool = False
    ais: bool = False
    birdseye_size: int = 64
    birdseye_half_width_m: float = 5556.0
    radar_range_m: float = 11112.0
    radar_bearings: int = 256
    radar_ranges: int = 128

    @property
    def any(self) -> bool:
        """Per-step images (the views table); AIS is per episode (its own table)."""
        return self.birdseye or self.radar

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class DatasetSpec:
    id: str
    seed: int
    expert: str
    profile: str | None
    episodes_per_shard: int
    max_episodes: int | None
    n_targets: int  # target slots of the gym observation stored with every step
    time_limit_s: float
    source_kind: str
    sweep: Any  # autoship.sweep.generators.SweepSpec built from the source sections
    randomise: Randomise
    views: Views
    path: Path | None
    text: str
    sha256: str


def _pair(r: StrictTable, key: str, lo: float, hi: float) -> tuple[float, float] | None:
    v = r.raw(key)
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = [v, v]
    if (
        not isinstance(v, list)
        or len(v) != 2
        or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
    ):
        raise r.fail(key, "must be a number or [min, max]")
    a, b = float(v[0]), float(v[1])
    if not (lo <= a <= b <= hi):
        raise r.fail(key, f"[{a:g}, {b:g}] is impossible (need {lo:g} <= min <= max <= {hi:g})")
    return (a, b)


def _strings(r: StrictTable, key: str, check) -> tuple[str, ...]:
    v = r.raw(key)
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise r.fail(key, "must be a string or a non-empty array of strings")
    for x in v:
        msg = check(x)
        if msg:
            raise r.fail(key, msg)
    return tuple(v)


def _model_problem(name: str) -> str | None:
    from autoship.dynamics.library import load_ship

    try:
        load_ship(name)
    except AutoshipError as exc:
        return exc.message
    return None


def _planner_problem(name: str) -> str | None:
    from autoship.planner import planner_names

    if name not in planner_names():
        return f"unknown planner {name!r}; known: {', '.join(planner_names())}"
    return None


def _rename(exc: AutoshipError, file: str) -> AutoshipError:
    """A sweep-parser error as the dataset file's: its [sweep]/[generator] keys are this file's
    [dataset]/[source] keys."""
    field = exc.field or ""
    for old, new in (("generator", "source"), ("sweep", "dataset")):
        if field == old or field.startswith(old + "."):
            field = new + field[len(old) :]
    if field == "dataset.planner":
        field = "dataset.expert"
    return DatasetSpecError(exc.message, file=file, field=field or None)


def parse_spec(text: str, path: Path | None = None) -> DatasetSpec:
    from autoship.scenario.dump import dumps_document
    from autoship.sweep.generators import parse_sweep

    file = str(path) if path is not None else "<dataset>"
    doc = parse_toml(text, file, DatasetSpecError)
    for sec in doc:
        if sec not in SECTIONS:
            raise DatasetSpecError(
                f"unknown section (known: {', '.join(SECTIONS)})", file=file, field=sec
            )
    for sec in ("dataset", "source"):
        if sec not in doc:
            raise DatasetSpecError("missing required section", file=file, field=sec)

    d = StrictTable(file, doc["dataset"], "dataset", DatasetSpecError)
    did = d.string("id", pattern=_ID)
    seed = d.integer("seed", 0, 2**63 - 1)
    expert = d.string("expert", default="sbmpc")
    msg = _planner_problem(expert)  # type: ignore[arg-type]
    if msg:
        raise d.fail("expert", msg)
    profile = d.string("profile", required=False)
    per_shard = d.integer("episodes_per_shard", 1, 10_000, required=False, default=8)
    max_eps = d.integer("max_episodes", 1, MAX_EPISODES, required=False)
    n_targets = d.integer("n_targets", 1, 32, required=False, default=4)
    time_limit = d.number("time_limit_s", 0.1, 7 * 86400.0, required=False, default=600.0)
    d.finish()
    if profile is not None:
        from autoship.colregs import load_profile

        try:
            load_profile(profile)
        except AutoshipError as exc:
            raise d.fail("profile", exc.message) from None

    src = dict(doc["source"]) if isinstance(doc["source"], dict) else doc["source"]
    if not isinstance(src, dict):
        raise DatasetSpecError("must be a table", file=file, field="source")
    kind = src.get("kind")
    gen = dict(src)
    if kind == "folder":
        s = StrictTable(file, src, "source", DatasetSpecError)
        s.string("kind")
        folder = s.path("folder")
        pattern = s.string("pattern", required=False, default="*.toml")
        s.finish()
        base = path.parent if path is not None else Path.cwd()
        q = Path(folder)  # type: ignore[arg-type]
        q = q if q.is_absolute() else base / q
        if not q.is_dir():
            raise s.fail("folder", f"no such folder: {q}")
        files = sorted(p for p in q.glob(pattern) if p.is_file())  # type: ignore[arg-type]
        if not files:
            raise s.fail("folder", f"no {pattern} scenario files in {q}")
        gen = {"kind": "files", "paths": [str(p) for p in files]}
    elif "folder" in src:
        raise DatasetSpecError("only for kind = 'folder'", file=file, field="source.folder")
    sweep_doc: dict[str, Any] = {
        "sweep": {
            "id": did,
            "seed": seed,
            "planner": expert,
            "time_limit_s": time_limit,
            **({"profile": profile} if profile else {}),
        }
    }
    for sec in ("scenario", "own", "target"):
        if sec in doc:
            sweep_doc[sec] = doc[sec]
    sweep_doc["generator"] = gen
    try:
        sweep = parse_sweep(dumps_document(sweep_doc), path)
    except AutoshipError as exc:
        raise _rename(exc, file) from None
    except (TypeError, ValueError) as exc:  # a value the TOML writer cannot write back
        raise DatasetSpecError(str(exc), file=file, field="source") from None

    r = StrictTable(file, doc.get("randomise", {}), "randomise", DatasetSpecError)
    rnd = Randomise(
        own_models=_strings(r, "own_models", _model_problem),
        target_models=_strings(r, "target_models", _model_problem),
        wind_speed_kn=_pair(r, "wind_speed_kn", 0.0, 150.0),
        wind_from_deg=_pair(r, "wind_from_deg", 0.0, 360.0),
        current_speed_kn=_pair(r, "current_speed_kn", 0.0, 15.0),
        current_to_deg=_pair(r, "current_to_deg", 0.0, 360.0),
        target_behaviour=_strings(
            r,
            "target_behaviour",
            lambda b: None if b in BEHAVIOURS else f"{b!r} is not one of {', '.join(BEHAVIOURS)}",
        ),
        rule_abiding_planner=r.string("rule_abiding_planner", required=False, default="vo"),  # type: ignore[arg-type]
        visibility=_strings(
            r,
            "visibility",
            lambda v: None if v in VISIBILITIES else f"{v!r} is not one of good, restricted",
        ),
        position_noise_m=_pair(r, "position_noise_m", 0.0, 1000.0),
        dropout=_pair(r, "dropout", 0.0, 0.95),
    )
    msg = _planner_problem(rnd.rule_abiding_planner)
    if msg:
        raise r.fail("rule_abiding_planner", msg)
    r.finish()
    v = StrictTable(file, doc.get("views", {}), "views", DatasetSpecError)
    views = Views(
        birdseye=v.boolean("birdseye", False),
        radar=v.boolean("radar", False),
        ais=v.boolean("ais", False),
        birdseye_size=v.integer("birdseye_size", 8, 512, required=False, default=64),  # type: ignore[arg-type]
        birdseye_half_width_m=v.number(
            "birdseye_half_width_m", 100.0, 100_000.0, required=False, default=5556.0
        ),
        radar_range_m=v.number("radar_range_m", 500.0, 100_000.0, required=False, default=11112.0),
        radar_bearings=v.integer("radar_bearings", 16, 2048, required=False, default=256),  # type: ignore[arg-type]
        radar_ranges=v.integer("radar_ranges", 16, 2048, required=False, default=128),  # type: ignore[arg-type]
    )
    v.finish()
    return DatasetSpec(
        id=did,  # type: ignore[arg-type]
        seed=seed,  # type: ignore[arg-type]
        expert=expert,  # type: ignore[arg-type]
        profile=profile,
        episodes_per_shard=per_shard,  # type: ignore[arg-type]
        max_episodes=max_eps,
        n_targets=n_targets,  # type: ignore[arg-type]
        time_limit_s=time_limit,
        source_kind=str(kind),
        sweep=sweep,
        randomise=rnd,
        views=views,
        path=path,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def load_spec(path: str | Path) -> DatasetSpec:
    p = Path(path)
    return parse_spec(read_text(p, str(p), DatasetSpecError), p)
