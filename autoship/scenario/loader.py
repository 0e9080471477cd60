"""Strict TOML scenario loader: each problem is one ScenarioError naming file and dotted key."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autoship._strict import StrictTable, check_path_text, parse_toml, read_text
from autoship.dynamics.library import ShipDef, load_ship
from autoship.errors import AutoshipError, ScenarioError
from autoship.geo import LocalFrame
from autoship.geometry import hulls_overlap, wrap_2pi
from autoship.scenario.schema import (
    CATEGORIES,
    DEFAULT_PROFILE,
    ROLES,
    VISIBILITY,
    ChartSpec,
    Environment,
    Scenario,
    SensorSpec,
    ShipSpec,
)
from autoship.scenario.track import load_track
from autoship.units import DEG, KNOT

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
MAX_SPEED_KN = 60.0
# Input limits (docs/architecture.md, "Input limits"). Positions: the local frame is an
# azimuthal-equidistant projection at the origin, fine to a few hundred km; the charts refuse an
# origin more than 200 km away for the same reason, so ship positions share that bound.
MAX_RANGE_M = 200_000.0
# Time steps: below 10 ms the models only accumulate rounding; above 60 s they are unstable.
MIN_DT_S = 0.01
# A run's work and memory grow with ticks and with records x ships (14 float64 arrays per cell):
# 2 million ticks is 23 days at 1 s; 4 million record cells is about 450 MB of track arrays.
MAX_TICKS = 2_000_000
MAX_RECORD_CELLS = 4_000_000
MAX_SHIPS = 500
# Hull dimensions a scenario may give (the ship library's own ranges, data-formats of AIS fit).
LENGTH_RANGE_M = (1.0, 500.0)
BEAM_RANGE_M = (0.3, 100.0)
DRAUGHT_RANGE_M = (0.05, 30.0)
# Failures a scenario may declare as its purpose (a negative test of the detectors).
EXPECTABLE = ("collision", "grounding")

_SECTIONS = ("scenario", "frame", "chart", "environment", "sensors", "ship", "scoring")
_REQUIRED_SECTIONS = ("scenario", "frame", "ship")


class _Ctx:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.file, field=key)


def _table(ctx: _Ctx, tbl: Any, prefix: str) -> StrictTable:
    return StrictTable(ctx.file, tbl, prefix, ScenarioError)


def _position(ctx: _Ctx, t: StrictTable | None, frame: LocalFrame) -> tuple[float, float] | None:
    if t is None:
        return None
    if t.has("north_m") or t.has("east_m"):
        n = t.number("north_m", -MAX_RANGE_M, MAX_RANGE_M, unit=" m")
        e = t.number("east_m", -MAX_RANGE_M, MAX_RANGE_M, unit=" m")
        t.finish()
    elif t.has("lat_deg") or t.has("lon_deg"):
        lat = t.number("lat_deg", -89.0, 89.0)
        lon = t.number("lon_deg", -180.0, 180.0)
        t.finish()
        n, e = (float(v) for v in frame.to_local(lat, lon))
    else:
        raise ctx.fail(t.prefix, "needs north_m and east_m, or lat_deg and lon_deg")
    d = math.hypot(n, e)
    if not d <= MAX_RANGE_M:
        raise ctx.fail(
            t.prefix,
            f"{d / 1000.0:.0f} km from the frame origin (limit {MAX_RANGE_M / 1000.0:.0f} km; "
            "move [frame] closer)",
        )
    return n, e


def _ship(ctx: _Ctx, raw: Any, k: int, frame: LocalFrame, base: Path) -> ShipSpec:
    t = _table(ctx, raw, f"ship[{k}]")
    sid = t.string("id", pattern=ID_RE)
    t.prefix = f"ship.{sid}"  # name the ship in later messages, which is what a user searches for
    role = t.string("role", choices=ROLES)
    model = t.path("model")
    try:
        sdef: ShipDef = load_ship(model, base_dir=base)  # type: ignore[arg-type]
    except AutoshipError as exc:
        where = f"{exc.file}: {exc.field}: " if exc.file else ""
        raise ctx.fail(t.key("model"), f"{where}{exc.message}") from None
    L = t.number("length_m", *LENGTH_RANGE_M, required=False, unit=" m")
    B = t.number("beam_m", *BEAM_RANGE_M, required=False, unit=" m")
    D = t.number("draught_m", *DRAUGHT_RANGE_M, required=False, unit=" m")
    L = sdef.length_m if L is None else L
    B = sdef.beam_m if B is None else B
    D = sdef.draught_m if D is None else D
    if B >= L:
        raise ctx.fail(t.key("beam_m"), f"beam {B:g} m is not smaller than length {L:g} m")
    if not sdef.scalable:
        for key, given, lib in (("length_m", L, sdef.length_m), ("beam_m", B, sdef.beam_m)):
            if abs(given - lib) > 0.01 * lib:
                raise ctx.fail(
                    t.key(key),
                    f"{given:g} m differs from model {model!r} "
                    f"({lib:g} m); omit it or use a scalable model",
                )
    sdef = sdef.with_dimensions(L, B, D)
    track_path = t.path("track", required=False)
    track = None
    if track_path is not None:
        tp = Path(track_path)
        track = load_track(tp if tp.is_absolute() else base / tp, frame, t.key("track"), ctx.file)
    # A recorded track gives the start state; explicit start/course/speed are then optional.
    start = _position(ctx, t.table("start", required=track is None), frame)
    course_deg = t.number("course_deg", 0.0, 360.0, required=track is None)
    speed_kn = t.number("speed_kn", 0.0, MAX_SPEED_KN, required=track is None, unit=" kn")
    if track is not None:
        n0, e0, h0, vn0, ve0 = track.state_at(0.0)
        start = start if start is not None else (n0, e0)
        course_deg = course_deg if course_deg is not None else math.degrees(h0)
        speed_kn = speed_kn if speed_kn is not None else math.hypot(vn0, ve0) / KNOT
        if speed_kn > MAX_SPEED_KN:
            raise ctx.fail(t.key("track"), f"speed at t=0 {speed_kn:.1f} kn is impossible")
    assert start is not None and course_deg is not None and speed_kn is not None
    course = course_deg * DEG
    goal = _position(ctx, t.table("goal"), frame)
    route = _route(ctx, t, frame)
    if route is not None:
        if goal is not None and math.hypot(goal[0] - route[-1][0], goal[1] - route[-1][1]) > 1.0:
            raise ctx.fail(t.key("goal"), "differs from the last route point (omit one of them)")
        goal = route[-1]
    if track is not None:
        default_planner = "replay"
    elif role == "own" and goal is not None:
        default_planner = "waypoint"
    else:
        default_planner = "keep-course"
    planner = t.string("planner", required=False, default=default_planner, pattern=ID_RE)
    if planner == "replay" and track is None:
        raise ctx.fail(t.key("planner"), 'planner "replay" needs a recorded track (track = ...)')
    handover = t.string("handover_planner", required=False, pattern=ID_RE)
    if handover is not None and planner != "replay":
        raise ctx.fail(
            t.key("handover_planner"), 'only a ship with planner = "replay" can be handed over'
        )
    params_t = t.raw("planner_params")
    if params_t is not None and not isinstance(params_t, dict):
        raise ctx.fail(t.key("planner_params"), "must be a table")
    category = t.string("category", required=False, default="power-driven", choices=CATEGORIES)
    mmsi = t.integer("mmsi", 1, 999_999_999, required=False)
    ship_type = t.integer("ship_type", 0, 99, required=False)
    nav_status = t.integer("nav_status", 0, 15, required=False)
    ais_class = t.string("ais_class", required=False, choices=("A", "B"))
    ignores = t.boolean("ignores_duty", False)
    allow_handover = t.boolean("handover", True)
    if not allow_handover and planner != "replay":
        raise ctx.fail(t.key("handover"), 'only a ship with planner = "replay" is handed over')
    if not allow_handover and handover is not None:
        raise ctx.fail(t.key("handover_planner"), "given for a ship with handover = false")
    t.finish()
    return ShipSpec(
        id=sid,
        role=role,
        ship=sdef,
        start_north=start[0],
        start_east=start[1],  # type: ignore[arg-type]
        course=wrap_2pi(course),
        speed=speed_kn * KNOT,
        goal=goal,
        planner=planner,
        planner_params=dict(params_t or {}),  # type: ignore[arg-type]
        category=category,
        mmsi=mmsi,
        ship_type=ship_type,
        nav_status=nav_status,  # type: ignore[arg-type]
        ignores_duty=ignores,
        ais_class=ais_class,
        track=track,
        handover_planner=handover,
        route=route,
        handover=allow_handover,
        model_ref=_model_ref(model, base),  # type: ignore[arg-type]
    )


def _model_ref(model: str, base: Path) -> str:
    """A ship file's path made absolute (the file names it relative to its folder)."""
    if not model.endswith(".toml"):
        return model
    p = Path(model)
    return str((p if p.is_absolute() else base / p).resolve())


MAX_ROUTE_POINTS = 10_000


def _route(ctx: _Ctx, t: StrictTable, frame: LocalFrame) -> tuple[tuple[float, float], ...] | None:
    """``route = [{lat_deg, lon_deg} | {north_m, east_m}, ...]``: at least one point, each as a
    start or goal is given, consecutive points apart."""
    raw = t.raw("route")
    if raw is None:
        return None
    key = t.key("route")
    if not isinstance(raw, list) or not raw:
        raise ctx.fail(key, "must be a non-empty list of points ({lat_deg, lon_deg} tables)")
    if len(raw) > MAX_ROUTE_POINTS:
        raise ctx.fail(key, f"{len(raw)} points (limit {MAX_ROUTE_POINTS})")
    pts: list[tuple[float, float]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ctx.fail(f"{key}[{i}]", "must be a table {lat_deg, lon_deg} or {north_m, east_m}")
        p = _position(ctx, _table(ctx, item, f"{key}[{i}]"), frame)
        assert p is not None
        pts.append(p)
    return tuple(pts)


def _multiple(ctx: _Ctx, key: str, value: float, dt: float) -> None:
    ratio = value / dt
    if abs(ratio - round(ratio)) > 1e-6 * max(1.0, ratio):
        raise ctx.fail(key, f"{value:g} s is not a whole multiple of dt_s ({dt:g} s)")


def parse_scenario(
    text: str, path: Path | None = None, check_chart: Callable[[Scenario], None] | None = None
) -> Scenario:
    """Parse scenario TOML text; ``path`` names the file in errors and anchors relative paths."""
    file = str(path) if path is not None else "<scenario>"
    ctx = _Ctx(file)
    doc = parse_toml(text, file, ScenarioError)
    for sec in doc:
        if sec not in _SECTIONS:
            raise ctx.fail(sec, f"unknown section (known: {', '.join(_SECTIONS)})")
    for sec in _REQUIRED_SECTIONS:
        if sec not in doc:
            raise ctx.fail(sec, "missing required section")
    base = path.parent if path is not None else Path.cwd()

    s = _table(ctx, doc["scenario"], "scenario")
    sid = s.string("id", pattern=ID_RE)
    title = s.string("title")
    source = s.string("source")
    seed = s.integer("seed", 0, 2**63 - 1)
    duration = s.number("duration_s", 0.0, 7 * 86400.0, lo_open=True, unit=" s")
    dt = s.number("dt_s", MIN_DT_S, 60.0, unit=" s")
    if dt > duration:
        raise ctx.fail("scenario.dt_s", f"{dt:g} s is longer than duration_s ({duration:g} s)")
    if duration / dt > MAX_TICKS:
        raise ctx.fail(
            "scenario.dt_s",
            f"duration_s / dt_s = {duration / dt:.3g} steps is more than {MAX_TICKS} (a run "
            "that long needs a coarser dt_s or several scenarios)",
        )
    _multiple(ctx, "scenario.duration_s", duration, dt)
    pperiod = s.number("planner_period_s", dt, 3600.0, unit=" s")
    _multiple(ctx, "scenario.planner_period_s", pperiod, dt)
    rperiod = s.number("record_period_s", dt, 3600.0, required=False, default=dt, unit=" s")
    _multiple(ctx, "scenario.record_period_s", rperiod, dt)
    visibility = s.string("visibility", choices=VISIBILITY)
    provenance: dict[str, Any] = {}
    for k in ("encoding", "source_ref", "transcription", "checksum", "description"):
        v = s.string(k, required=False)
        if v is not None:
            provenance[k] = v
    start_utc = s.string("start_utc", required=False)
    if start_utc is not None:
        try:
            stamp = datetime.fromisoformat(start_utc.replace("Z", "+00:00"))
        except ValueError:
            raise ctx.fail(
                "scenario.start_utc",
                f"{start_utc!r} is not an ISO 8601 time (e.g. 2016-01-12T13:55:01Z)",
            ) from None
        if stamp.tzinfo is None:
            raise ctx.fail("scenario.start_utc", f"{start_utc!r} has no time zone (end with Z)")
        try:
            stamp = stamp.astimezone(UTC)
        except (OverflowError, ValueError):
            stamp = None
        # The AIS clock (autoship.ais) accepts 2000-2099; a start outside it cannot be emitted.
        if stamp is None or not 2000 <= stamp.year <= 2099:
            raise ctx.fail("scenario.start_utc", f"{start_utc!r} is outside the years 2000-2099")
        start_utc = stamp.isoformat().replace("+00:00", "Z")
    case = s.integer("case", 0, 10_000, required=False)
    if case is not None:
        provenance["case"] = case
    known = s.raw("known_issues")
    if known is not None:
        if not isinstance(known, list) or not all(isinstance(x, str) for x in known):
            raise ctx.fail("scenario.known_issues", "must be an array of strings")
        provenance["known_issues"] = list(known)
    s.finish()

    f = _table(ctx, doc["frame"], "frame")
    lat = f.number("origin_lat_deg", -89.0, 89.0)
    lon = f.number("origin_lon_deg", -180.0, 180.0)
    f.finish()
    frame = LocalFrame(lat, lon)

    chart = None
    if "chart" in doc:
        c = _table(ctx, doc["chart"], "chart")
        cpath = c.path("path")
        ukc = c.number("under_keel_clearance_m", 0.0, 50.0, required=False, default=0.5)
        c.finish()
        p = Path(cpath)  # type: ignore[arg-type]
        p = p if p.is_absolute() else (base / p)
        if not p.exists():
            raise ctx.fail("chart.path", f"chart file not found: {p}")
        chart = ChartSpec(path=p.resolve(), under_keel_clearance_m=ukc)

    env = Environment()
    if "environment" in doc:
        en = _table(ctx, doc["environment"], "environment")
        cs = en.number("current_speed_kn", 0.0, 15.0, required=False, default=0.0, unit=" kn")
        cd = en.number("current_to_deg", 0.0, 360.0, required=False, default=0.0)
        ws = en.number("wind_speed_kn", 0.0, 150.0, required=False, default=0.0, unit=" kn")
        wd = en.number("wind_from_deg", 0.0, 360.0, required=False, default=0.0)
        en.finish()
        env = Environment(
            cs * KNOT * math.cos(cd * DEG), cs * KNOT * math.sin(cd * DEG), ws * KNOT, wd * DEG
        )

    sensors = SensorSpec()
    if "sensors" in doc:
        se = _table(ctx, doc["sensors"], "sensors")
        model = se.string("model", choices=("perfect", "ais"))
        interval = se.number(
            "report_interval_s", 0.1, 600.0, required=False, default=10.0, unit=" s"
        )
        noise = se.number("position_noise_m", 0.0, 1000.0, required=False, default=0.0, unit=" m")
        dropout = se.number("dropout", 0.0, 0.95, required=False, default=0.0)
        stale = se.number(
            "stale_after_s",
            interval,
            3600.0,
            required=False,
            default=max(180.0, 3.0 * interval),
            unit=" s",
        )
        se.finish()
        sensors = SensorSpec(model, interval, noise, dropout, stale)  # type: ignore[arg-type]

    profile = DEFAULT_PROFILE
    expect: tuple[str, ...] = ()
    if "scoring" in doc:
        sc = _table(ctx, doc["scoring"], "scoring")
        profile = sc.string("profile", pattern=ID_RE)  # type: ignore[assignment]
        raw_expect = sc.raw("expect")
        if raw_expect is not None:
            if not isinstance(raw_expect, list) or not all(
                isinstance(x, str) and x in EXPECTABLE for x in raw_expect
            ):
                raise ctx.fail("scoring.expect", f"must be a list of {', '.join(EXPECTABLE)}")
            expect = tuple(sorted(set(raw_expect)))
        sc.finish()

    raw_ships = doc["ship"]
    if not isinstance(raw_ships, list) or not raw_ships:
        raise ctx.fail("ship", "must be an array of tables ([[ship]]) with at least one ship")
    if len(raw_ships) > MAX_SHIPS:
        raise ctx.fail("ship", f"{len(raw_ships)} ships is more than {MAX_SHIPS}")
    cells = (int(round(duration / rperiod)) + 1) * len(raw_ships)
    if cells > MAX_RECORD_CELLS:
        raise ctx.fail(
            "scenario.record_period_s",
            f"{cells} recorded ship states (records x ships) is more than {MAX_RECORD_CELLS}; "
            "record less often (record_period_s) or shorten the run",
        )
    ships: list[ShipSpec] = []
    for k, raw in enumerate(raw_ships):
        spec = _ship(ctx, raw, k, frame, base)
        if any(o.id == spec.id for o in ships):
            raise ctx.fail(f"ship.{spec.id}.id", "two ships have this id")
        ships.append(spec)
    if not any(sp.role == "own" for sp in ships):
        raise ctx.fail("ship", 'no ship has role = "own"')
    hulls = [
        (sp.start_north, sp.start_east, sp.course, sp.ship.length_m, sp.ship.beam_m) for sp in ships
    ]
    for i in range(len(ships)):
        for j in range(i + 1, len(ships)):
            if hulls_overlap(*hulls[i], *hulls[j]):
                raise ctx.fail(
                    f"ship.{ships[j].id}.start",
                    f"starts inside ship {ships[i].id!r} (hulls overlap)",
                )

    scen = Scenario(
        id=sid,
        title=title,
        source=source,
        seed=seed,
        duration_s=duration,
        dt_s=dt,  # type: ignore[arg-type]
        planner_period_s=pperiod,
        record_period_s=rperiod,
        visibility=visibility,  # type: ignore[arg-type]
        frame=frame,
        ships=tuple(ships),
        profile=profile,
        chart=chart,
        environment=env,
        provenance=provenance,
        path=path,
        text=text,
        expect=expect,
        sensors=sensors,
        start_utc=start_utc,
    )
    if check_chart is not None and chart is not None:
        check_chart(scen)
    return scen


def load_scenario(
    path: str | Path, check_chart: Callable[[Scenario], None] | None = None
) -> Scenario:
    p = Path(path)
    text = read_text(p, str(p), ScenarioError)
    return parse_scenario(text, p, check_chart=check_chart)


def find_scenarios(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, *.toml, sorted) into scenario files."""
    out: list[Path] = []
    for raw in paths:
        check_path_text(str(raw), str(raw), None, ScenarioError)
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.toml") if q.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise ScenarioError("no such file or folder", file=str(p))
    if not out:
        raise ScenarioError("no scenario files (*.toml) found", file=", ".join(map(str, paths)))
    return out
