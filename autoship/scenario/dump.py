"""The one scenario writer: a ``Scenario`` (or a document in file units) back to TOML text.

``load -> dump -> load`` gives an equal Scenario: every float is written as its shortest exact
``repr``, and values the loader converts (knots, degrees, the current's speed and direction) are
written as the file value whose conversion gives back the stored SI value bit for bit, so a
dumped scenario simulates exactly as the one it came from.

Two layers, so writers that think in file units (generators, AIS mining, random encounters) use
the same text writer without a detour through SI: ``to_document`` (Scenario -> dict of file
values, the loader's input) and ``dumps_document`` (that dict -> TOML).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from autoship._strict import toml_key, toml_value
from autoship.dynamics.library import SHIPS_DIR, ShipDef, library_names, load_ship
from autoship.errors import ScenarioError
from autoship.scenario.schema import DEFAULT_PROFILE, Scenario, SensorSpec, ShipSpec
from autoship.units import DEG, KNOT

__all__ = ["dump", "dump_file", "dumps_document", "to_document"]

# Section order of a scenario file (the loader's _SECTIONS); [[ship]] tables come last.
_SECTION_ORDER = ("scenario", "frame", "chart", "environment", "sensors", "scoring")
_TWO_PI = 2.0 * math.pi


# --- TOML text -------------------------------------------------------------------------------


def _table_lines(tbl: Mapping[str, Any]) -> list[str]:
    # Nested tables are written inline: a scenario's nested values (start, goal, route points,
    # planner_params) are small, and inline keeps each ship one [[ship]] block.
    return [f"{toml_key(k)} = {toml_value(v)}" for k, v in tbl.items() if v is not None]


def dumps_document(doc: Mapping[str, Any], header: str | None = None) -> str:
    """TOML text of a scenario document in file units (what ``parse_scenario`` reads).

    ``doc`` maps section names to tables and ``"ship"`` to a list of ship tables; ``None``
    values are left out. ``header`` becomes leading ``#`` comment lines.
    """
    lines: list[str] = [f"# {h}" for h in header.splitlines()] if header else []
    first = True
    order = [s for s in _SECTION_ORDER if s in doc] + [
        s for s in doc if s not in _SECTION_ORDER and s != "ship"
    ]
    for sec in order:
        tbl = doc[sec]
        if tbl is None:
            continue
        if not first:
            lines.append("")
        first = False
        lines.append(f"[{toml_key(sec)}]")
        lines += _table_lines(tbl)
    for ship in doc.get("ship", ()):
        lines += ["[[ship]]"] if first else ["", "[[ship]]"]
        first = False
        lines += _table_lines(ship)
    return "\n".join(lines) + "\n"


# --- Scenario -> document --------------------------------------------------------------------


def _exact(target: float, forward: Callable[[float], float], guess: float) -> float:
    """The file value x near ``guess`` with ``forward(x) == target`` exactly, if one is a few
    ulps away (it nearly always is); else ``guess``. Keeps load -> dump -> load bit-exact."""
    if forward(guess) == target:
        return guess
    lo = hi = guess
    for _ in range(8):
        lo = math.nextafter(lo, -math.inf)
        hi = math.nextafter(hi, math.inf)
        for x in (lo, hi):
            if forward(x) == target:
                return x
    return guess


def _neighbours(x: float, k: int = 4) -> list[float]:
    out = [x]
    lo = hi = x
    for _ in range(k):
        lo = math.nextafter(lo, -math.inf)
        hi = math.nextafter(hi, math.inf)
        out += [lo, hi]
    return out


def _knots(speed_ms: float) -> float:
    return _exact(speed_ms, lambda kn: kn * KNOT, speed_ms / KNOT)


def _course_deg(course: float) -> float:
    guess = math.degrees(course) % 360.0
    x = _exact(course, lambda d: (d * DEG) % _TWO_PI, guess)
    return x if 0.0 <= x <= 360.0 else guess


def _current(n: float, e: float) -> tuple[float, float]:
    """(speed kn, towards deg) whose conversion in the loader gives back (n, e) exactly."""
    if n == 0.0 and e == 0.0:
        return 0.0, 0.0
    cs0 = math.hypot(n, e) / KNOT
    cd0 = math.degrees(math.atan2(e, n)) % 360.0

    def fwd(cs: float, cd: float) -> tuple[float, float]:
        return cs * KNOT * math.cos(cd * DEG), cs * KNOT * math.sin(cd * DEG)

    # Two unknowns: try the few-ulp neighbourhood of both.
    for cs in _neighbours(cs0):
        for cd in _neighbours(cd0):
            if 0.0 <= cd <= 360.0 and fwd(cs, cd) == (n, e):
                return cs, cd
    return cs0, cd0


def _model_ref(ship: ShipSpec) -> tuple[str, ShipDef]:
    """The ``model`` value for a ship and the ship it names before scaling to the scenario's
    dimensions. Loaded scenarios record it; for hand-built specs the library is searched."""
    ref = ship.model_ref
    if ref:
        return ref, load_ship(ref)  # a .toml model_ref is absolute (the loader resolves it)
    for name in library_names():
        lib = load_ship(name)
        if lib.name == ship.ship.name and lib.family == ship.ship.family:
            return name, lib
    raise ScenarioError(
        f"ship model {ship.ship.name!r} is not in the ship library ({SHIPS_DIR}) and the ship "
        "spec does not say which file it came from (model_ref)",
        field=f"ship.{ship.id}.model",
    )


def _path_text(p: Path, base_dir: Path | None) -> str:
    """``p`` as the file will say it: relative to the folder the file is written to (so the
    pair can be moved together) when one is given, else absolute."""
    if base_dir is None:
        return p.resolve().as_posix() if not p.is_absolute() else p.as_posix()
    try:
        return Path(os.path.relpath(p, base_dir)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return p.as_posix()


def _point(p: tuple[float, float]) -> dict[str, float]:
    return {"north_m": float(p[0]), "east_m": float(p[1])}


def _ship_table(sp: ShipSpec, base_dir: Path | None) -> dict[str, Any]:
    ref, lib = _model_ref(sp)
    model = _path_text(Path(ref), base_dir) if ref.endswith(".toml") else ref
    t: dict[str, Any] = {"id": sp.id, "role": sp.role, "model": model}
    sd = sp.ship
    # Dimensions only where they differ from the model's: the loader rescales from the model.
    if (sd.length_m, sd.beam_m, sd.draught_m) != (lib.length_m, lib.beam_m, lib.draught_m):
        t["length_m"] = sd.length_m
        t["beam_m"] = sd.beam_m
        t["draught_m"] = sd.draught_m
    if sp.track is not None:
        t["track"] = _path_text(sp.track.path, base_dir)
    t["start"] = _point((sp.start_north, sp.start_east))
    t["course_deg"] = _course_deg(sp.course)
    t["speed_kn"] = _knots(sp.speed)
    if sp.route is not None:
        t["route"] = [_point(p) for p in sp.route]  # its last point is the goal
    elif sp.goal is not None:
        t["goal"] = _point(sp.goal)
    t["planner"] = sp.planner
    if sp.planner_params:
        t["planner_params"] = dict(sp.planner_params)
    if sp.handover_planner is not None:
        t["handover_planner"] = sp.handover_planner
    if not sp.handover:
        t["handover"] = False
    if sp.category != "power-driven":
        t["category"] = sp.category
    t["mmsi"] = sp.mmsi
    t["ship_type"] = sp.ship_type
    t["nav_status"] = sp.nav_status
    t["ais_class"] = sp.ais_class
    if sp.ignores_duty:
        t["ignores_duty"] = True
    return t


def to_document(scenario: Scenario, base_dir: Path | None = None) -> dict[str, Any]:
    """The scenario as a document in file units: ``dumps_document(to_document(s))`` is
    ``dump(s)``. Chart and track paths are relative to ``base_dir`` when given, else absolute.
    """
    sc = scenario
    head: dict[str, Any] = {
        "id": sc.id,
        "title": sc.title,
        "source": sc.source,
        "seed": sc.seed,
        "duration_s": sc.duration_s,
        "dt_s": sc.dt_s,
        "planner_period_s": sc.planner_period_s,
        "record_period_s": sc.record_period_s,
        "visibility": sc.visibility,
        "start_utc": sc.start_utc,
    }
    for k, v in sc.provenance.items():
        head[k] = list(v) if k == "known_issues" else v
    doc: dict[str, Any] = {
        "scenario": head,
        "frame": {
            "origin_lat_deg": sc.frame.origin_lat_deg,
            "origin_lon_deg": sc.frame.origin_lon_deg,
        },
    }
    if sc.chart is not None:
        doc["chart"] = {
            "path": _path_text(sc.chart.path, base_dir),
            "under_keel_clearance_m": sc.chart.under_keel_clearance_m,
        }
    env = sc.environment
    if (env.current_n, env.current_e, env.wind_speed, env.wind_from) != (0.0, 0.0, 0.0, 0.0):
        cs, cd = _current(env.current_n, env.current_e)
        doc["environment"] = {
            "current_speed_kn": cs,
            "current_to_deg": cd,
            "wind_speed_kn": _knots(env.wind_speed),
            "wind_from_deg": _exact(env.wind_from, lambda d: d * DEG, math.degrees(env.wind_from)),
        }
    if sc.sensors != SensorSpec():
        se = sc.sensors
        doc["sensors"] = {
            "model": se.model,
            "report_interval_s": se.report_interval_s,
            "position_noise_m": se.position_noise_m,
            "dropout": se.dropout,
            "stale_after_s": se.stale_after_s,
        }
    if sc.profile != DEFAULT_PROFILE or sc.expect:
        doc["scoring"] = {"profile": sc.profile}
        if sc.expect:
            doc["scoring"]["expect"] = list(sc.expect)
    doc["ship"] = [_ship_table(sp, base_dir) for sp in sc.ships]
    return doc


def dump(scenario: Scenario, base_dir: str | Path | None = None, header: str | None = None) -> str:
    """Scenario file text that loads (from a file in ``base_dir``) to an equal Scenario.

    Relative chart and track paths in the text are relative to ``base_dir``; without it they
    are absolute, so the text loads the same from anywhere.
    """
    base = Path(base_dir).resolve() if base_dir is not None else None
    return dumps_document(to_document(scenario, base), header=header)


def dump_file(
    scenario: Scenario, path: str | Path, overwrite: bool = False, header: str | None = None
) -> Path:
    """Write the scenario to ``path`` (paths inside relative to its folder).

    Refuses an existing file unless ``overwrite``: a scenario someone wrote is never lost to a
    generated one. Raises ScenarioError naming the file.
    """
    p = Path(path)
    text = dump(scenario, base_dir=p.parent, header=header)
    try:
        # "x" creates or fails in one step, so no file appearing in between is overwritten.
        with open(p, "w" if overwrite else "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScenarioError(
            "file exists; not overwritten (pass overwrite=True to replace it)", file=str(p)
        ) from None
    except OSError as exc:
        raise ScenarioError(f"cannot write: {exc.strerror or exc}", file=str(p)) from None
    return p
