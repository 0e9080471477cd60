"""The simulation loop: sense, decide, control+integrate, check, record; integer ticks."""

from __future__ import annotations

import hashlib
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autoship.colregs.profile import AUTO_PROFILE, choose_profile
from autoship.dynamics import Fleet
from autoship.dynamics.state import (
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    ENV_CUR_E,
    ENV_CUR_N,
    ENV_WIND_FROM,
    ENV_WIND_SPEED,
    NC,
    NENV,
    NPROP,
    NX,
    PSI,
    E,
    N,
    R,
    U,
    V,
)
from autoship.errors import AutoshipError
from autoship.planner import Observation, PlannerContext, make_planner
from autoship.scenario import Scenario
from autoship.sim.contact import contact_kernel
from autoship.sim.replay import handover_reason
from autoship.sim.sensors import AisPicture
from autoship.units import KNOT


@dataclass
class SimResult:
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    chart_json: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


def _versions() -> dict[str, str]:
    import numba

    from autoship import __version__

    return {
        "autoship": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
    }


def _seed_sequence(seed: int, scenario_id: str) -> np.random.SeedSequence:
    # Streams depend on (seed, scenario id) only, never on process or worker order.
    digest = hashlib.sha256(scenario_id.encode()).digest()
    return np.random.SeedSequence([seed, int.from_bytes(digest[:8], "little")])


def _route_of(planner: Any) -> list[list[float]] | None:
    wp = getattr(getattr(planner, "route", None), "waypoints", None)
    if wp is None:
        return None
    return [[round(float(n), 1), round(float(e), 1)] for n, e in np.asarray(wp)]


def _recorded(scen: Scenario, t_rec: np.ndarray) -> dict[str, np.ndarray]:
    """What the recorded ships really did (``rec_*`` arrays, NaN where a ship has no recording
    or outside it), so the referee can score the recorded human beside the planner. Empty when
    no ship has a track."""
    if not any(s.track is not None for s in scen.ships):
        return {}
    n_rec, n = t_rec.shape[0], len(scen.ships)
    out = {k: np.full((n_rec, n), np.nan) for k in REC_ARRAYS}
    for i, s in enumerate(scen.ships):
        tr = s.track
        if tr is None:
            continue
        for j in np.flatnonzero((t_rec >= tr.t[0]) & (t_rec <= tr.t[-1])):
            vals = tr.state_at(float(t_rec[j]))
            for k, v in zip(REC_ARRAYS, vals, strict=True):
                out[k][j, i] = v
    return out


# Order of Track.state_at's result.
REC_ARRAYS = ("rec_north", "rec_east", "rec_heading", "rec_vn", "rec_ve")


def _latency_stats(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "p50": None, "p99": None, "max": None}  # type: ignore[dict-item]
    a = np.array(samples) * 1e3
    return {
        "n": int(a.size),
        "p50": float(np.percentile(a, 50)),
        "p99": float(np.percentile(a, 99)),
        "max": float(a.max()),
    }


def _own_view(
    i: int, seen: tuple, X: np.ndarray, vn: np.ndarray, ve: np.ndarray, copy: bool
) -> dict[str, np.ndarray]:
    """The picture for ship ``i``: everyone as sensed, itself as it truly is (own sensors)."""
    north, east, heading, svn, sve, valid = seen
    if copy:
        north, east, heading = north.copy(), east.copy(), heading.copy()
        svn, sve, valid = svn.copy(), sve.copy(), valid.copy()
        north[i], east[i], heading[i] = X[N, i], X[E, i], X[PSI, i]
        svn[i], sve[i], valid[i] = vn[i], ve[i], True
    return {"north": north, "east": east, "heading": heading, "vn": svn, "ve": sve, "valid": valid}


def _default_handover() -> str:
    """The most capable registered COLREG-following planner for replayed ships handed over."""
    from autoship.planner import planner_names

    names = planner_names()
    return next(p for p in ("sbmpc", "vo", "waypoint") if p in names)


def simulate(
    scen: Scenario,
    planner_override: str | None = None,
    seed: int | None = None,
    on_record: Callable[[float, dict[str, np.ndarray]], None] | None = None,
) -> SimResult:
    """Run one scenario to the end and return everything a run folder holds.

    ``on_record(t, row)`` is called with every recorded row (arrays over ships, e.g. to stream
    the run as AIS while it runs); it must not modify the arrays.
    """
    seed = scen.seed if seed is None else seed
    n = len(scen.ships)
    defs = [s.ship for s in scen.ships]
    X0 = np.zeros((NX, n))
    for i, s in enumerate(scen.ships):
        X0[N, i] = s.start_north
        X0[E, i] = s.start_east
        X0[PSI, i] = s.course
        X0[U, i] = s.speed
    fleet = Fleet(defs, X0)
    env = np.zeros(NENV)
    env[ENV_CUR_N] = scen.environment.current_n
    env[ENV_CUR_E] = scen.environment.current_e
    env[ENV_WIND_SPEED] = scen.environment.wind_speed
    env[ENV_WIND_FROM] = scen.environment.wind_from

    chart_json = None
    hazards: list[Any] = [None] * n
    if scen.chart is not None:
        from autoship.charts import load_chart

        chart = load_chart(scen.chart.path, scen.frame)
        ukc = scen.chart.under_keel_clearance_m
        for i, s in enumerate(scen.ships):
            hazards[i] = chart.hazards(s.ship.draught_m, ukc)
        deepest_own = max(s.ship.draught_m for s in scen.ships if s.role == "own")
        chart_json = chart.to_viewer_json(draught_m=deepest_own, ukc_m=ukc)
    profile_name, profile_choice = scen.profile, "named by the scenario"
    if scen.profile == AUTO_PROFILE:
        own_idx = [i for i, s in enumerate(scen.ships) if s.role == "own"]
        shore = [
            float(hazards[i].clearance(X0[N, i : i + 1], X0[E, i : i + 1])[0])
            for i in own_idx
            if hazards[i] is not None
        ]
        profile_name, profile_choice = choose_profile(
            [scen.ships[i].ship.length_m for i in own_idx], min(shore) if shore else None
        )
    # Ships of one draught share a Hazards object: one vectorised query per group and tick.
    hazard_groups: list[tuple[Any, np.ndarray]] = []
    for hz in {id(h): h for h in hazards if h is not None}.values():
        idx = np.array([i for i in range(n) if hazards[i] is hz], dtype=np.int64)
        hazard_groups.append((hz, idx))
    min_clearance = np.full(n, np.inf)

    streams = _seed_sequence(seed, scen.id).spawn(n + 1)
    planners: list[Any] = []
    planner_names: list[str] = []

    def build_planner(
        i: int,
        name: str,
        params: dict,
        start: tuple[float, float],
        course: float,
        speed: float,
        goal: tuple[float, float] | None,
        route: tuple[tuple[float, float], ...] | None = None,
    ) -> Any:
        s = scen.ships[i]

        def named(exc: AutoshipError) -> AutoshipError:
            # Planner errors name the scenario file and the ship's key, like loader errors.
            field = f"ship.{s.id}.{exc.field or 'planner'}"
            return AutoshipError(exc.message, file=str(scen.path or ""), field=field)

        try:
            p = make_planner(name, params)
        except AutoshipError as exc:
            raise named(exc) from None
        ctx = PlannerContext(
            ship_index=i,
            ship_id=s.id,
            length=s.ship.length_m,
            beam=s.ship.beam_m,
            draught=s.ship.draught_m,
            start=start,
            initial_course=course,
            cruise_speed=speed,
            max_speed=float(s.ship.model.get("max_speed_kn", 30.0)) * KNOT,
            goal=goal,
            route=route,
            dt=scen.dt_s,
            planner_period=scen.planner_period_s,
            visibility=scen.visibility,
            category=s.category,
            rng=np.random.default_rng(streams[i]),
            params=dict(params),
            hazards=hazards[i],
            ignores_duty=s.ignores_duty,
            profile=profile_name,
        )
        try:
            p.reset(ctx)
        except AutoshipError as exc:
            raise named(exc) from None
        return p

    replaying = np.zeros(n, dtype=bool)
    handover_t: list[float | None] = [None] * n
    for i, s in enumerate(scen.ships):
        name, params = s.planner, s.planner_params
        if planner_override is not None and s.role == "own":
            if planner_override != s.planner:
                params = {}
            name = planner_override
        if name == "replay":
            replaying[i] = True
            planners.append(None)
        else:
            start = (s.start_north, s.start_east)
            planners.append(
                build_planner(i, name, params, start, s.course, s.speed, s.goal, s.route)
            )
        planner_names.append(name)
    replayed = replaying.copy()

    n_ticks = scen.n_ticks
    rec_every = scen.record_every
    n_rec = n_ticks // rec_every + 1
    arr = {
        k: np.full((n_rec, n), np.nan)
        for k in (
            "north",
            "east",
            "heading",
            "u",
            "v",
            "r",
            "rudder",
            "shaft",
            "vn",
            "ve",
            "cmd_course",
            "cmd_speed",
        )
    }
    t_rec = np.zeros(n_rec)
    C = np.full((NC, n), np.nan)
    length = np.array([d.length_m for d in defs])
    beam = np.array([d.beam_m for d in defs])
    for hz, idx in hazard_groups:
        min_clearance[idx] = hz.hull_clearance(
            fleet.X[N, idx], fleet.X[E, idx], fleet.X[PSI, idx], length[idx], beam[idx]
        )
    ids = tuple(s.id for s in scen.ships)
    cats = tuple(s.category for s in scen.ships)
    active = np.ones(n, dtype=np.bool_)
    contact = np.zeros((n, n), dtype=np.bool_)
    touched = np.zeros((n, n), dtype=np.bool_)
    grounded = np.zeros(n, dtype=bool)
    # Centre-to-centre minimum per pair, exact over the linear motion inside each tick.
    pair_min = np.full((n, n), np.inf)
    np.fill_diagonal(pair_min, 0.0)
    prev = np.empty((3, n))
    events: list[dict[str, Any]] = []
    latency: list[list[float]] = [[] for _ in range(n)]
    failed_planner = [False] * n

    def record(j: int, t: float) -> None:
        vn, ve = fleet.ground_velocity(env)
        X = fleet.X
        t_rec[j] = t
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
        if on_record is not None:
            on_record(t, {k: v[j] for k, v in arr.items()})

    def _set_replayed(t: float) -> None:
        X = fleet.X
        for i in np.flatnonzero(replaying):
            tn, te, th, tvn, tve = scen.ships[i].track.state_at(t)
            X[N, i], X[E, i], X[PSI, i] = tn, te, th
            # Speed through the water, so ground velocity (with current) matches the recording.
            X[U, i] = math.hypot(tvn - env[ENV_CUR_N], tve - env[ENV_CUR_E])
            X[V, i] = X[R, i] = X[DELTA, i] = 0.0

    def _check_handovers(t: float) -> None:
        vn, ve = fleet.ground_velocity(env)
        X = fleet.X
        for j in np.flatnonzero(replaying):
            if not scen.ships[j].handover:
                continue  # moored or anchored in the recording: stays replayed (handover = false)
            target = (X[N, j], X[E, j], vn[j], ve[j])
            for i in range(n):
                if replayed[i]:
                    continue
                tr = scen.ships[i].track
                rec = None
                if tr is not None:
                    rn, re_, _, rvn, rve = tr.state_at(t)
                    rec = (rn, re_, rvn, rve)
                why = handover_reason((X[N, i], X[E, i], vn[i], ve[i]), rec, target)
                if why is None:
                    continue
                s = scen.ships[j]
                name = s.handover_planner or _default_handover()
                sog = math.hypot(vn[j], ve[j])
                start = (float(X[N, j]), float(X[E, j]))
                goal = (float(s.track.north[-1]), float(s.track.east[-1]))
                if math.hypot(goal[0] - start[0], goal[1] - start[1]) < 2.0 * length[j]:
                    # Handed over near the end of its recording: carry on along its heading.
                    ahead = 10.0 * 1852.0
                    goal = (
                        start[0] + ahead * math.cos(X[PSI, j]),
                        start[1] + ahead * math.sin(X[PSI, j]),
                    )
                try:
                    planners[j] = build_planner(j, name, {}, start, float(X[PSI, j]), sog, goal)
                except Exception as exc:  # never stop a run: fall back to holding course
                    events.append(
                        {
                            "t_s": t,
                            "kind": "planner_error",
                            "ships": [ids[j]],
                            "detail": f"{name} could not take over: {exc}",
                        }
                    )
                    name = "keep-course"
                    planners[j] = build_planner(j, name, {}, start, float(X[PSI, j]), sog, None)
                planner_names[j] = name
                replaying[j] = False
                handover_t[j] = t
                # Shaft and controller states were never stepped while replaying: trim them
                # so the ship carries on at its replayed speed instead of lurching.
                fleet.trim([j])
                events.append(
                    {
                        "t_s": t,
                        "kind": "handover",
                        "ships": [ids[j], ids[i]],
                        "detail": f"{ids[j]} handed to {name} because of {ids[i]}: {why}",
                    }
                )
                break

    dt = scen.dt_s
    if replaying.any():
        _set_replayed(0.0)
    ais = None
    if scen.sensors.model == "ais":
        ais = AisPicture(scen.sensors, n, np.random.default_rng(streams[n]))
        vn0, ve0 = fleet.ground_velocity(env)
        ais.update(0.0, fleet.X[N], fleet.X[E], vn0, ve0, fleet.X[PSI])
    for k in range(n_ticks):
        t = k * dt
        if k % scen.planner_every == 0:
            vn, ve = fleet.ground_velocity(env)
            X = fleet.X
            if ais is None:
                seen = (X[N].copy(), X[E].copy(), X[PSI].copy(), vn, ve, active.copy())
            else:
                seen = ais.picture(t)
            obs_common = dict(
                t=t,
                ids=ids,
                length=length,
                beam=beam,
                categories=cats,
            )
            if replaying.any():
                _check_handovers(t)
            for i, p in enumerate(planners):
                if grounded[i]:
                    C[CMD_SPEED, i] = 0.0
                    continue
                if p is None:
                    continue
                obs = Observation(
                    own=i,
                    own_u=float(X[U, i]),
                    own_r=float(X[R, i]),
                    **obs_common,
                    **_own_view(i, seen, X, vn, ve, ais is not None),
                )
                t0 = time.perf_counter()
                try:
                    cmd = p.plan(obs)
                    C[CMD_COURSE, i] = float(cmd.course) % (2 * np.pi)
                    C[CMD_SPEED, i] = max(0.0, float(cmd.speed))
                except Exception as exc:  # a planner never stops a run: keep the last command
                    if not failed_planner[i]:
                        events.append(
                            {
                                "t_s": t,
                                "kind": "planner_error",
                                "ships": [ids[i]],
                                "detail": f"{type(exc).__name__}: {exc}",
                            }
                        )
                        failed_planner[i] = True
                latency[i].append(time.perf_counter() - t0)
                if hasattr(p, "drain_events"):
                    for ev in p.drain_events():
                        events.append({"t_s": t, "ships": [ids[i]], **ev})
        if k == 0:
            record(0, 0.0)
        prev[0] = fleet.X[N]
        prev[1] = fleet.X[E]
        prev[2] = fleet.X[PSI]
        fleet.step(C, dt, env)
        if replaying.any():
            _set_replayed((k + 1) * dt)
        if grounded.any():  # a grounded ship stays where it took the ground
            g = np.flatnonzero(grounded)
            fleet.X[N, g] = prev[0, g]
            fleet.X[E, g] = prev[1, g]
            fleet.X[PSI, g] = prev[2, g]
            fleet.X[U, g] = 0.0
            fleet.X[V, g] = 0.0
            fleet.X[R, g] = 0.0
        X = fleet.X
        if ais is not None:
            gvn, gve = fleet.ground_velocity(env)
            ais.update((k + 1) * dt, X[N], X[E], gvn, gve, X[PSI])
        contact_kernel(
            prev[0], prev[1], prev[2], X[N], X[E], X[PSI], length, beam, active, contact, pair_min
        )
        new = contact & ~touched
        if new.any():
            for i, j in zip(*np.nonzero(np.triu(new, 1)), strict=True):
                events.append(
                    {
                        "t_s": (k + 1) * dt,
                        "kind": "collision",
                        "ships": [ids[i], ids[j]],
                        "detail": f"hull contact between {ids[i]} and {ids[j]}",
                    }
                )
            touched |= new
        for hz, idx in hazard_groups:
            # A replayed ship is where it really was: a chart that puts it on land (a harbour
            # edge, a hovercraft slipway) is the chart's limit, not a grounding.
            live = idx[~grounded[idx] & ~replaying[idx]]
            if live.size == 0:
                continue
            hit = hz.swept_hits(
                prev[0, live],
                prev[1, live],
                X[N, live],
                X[E, live],
                prev[2, live],
                X[PSI, live],
                length[live],
                beam[live],
            )
            for i in live[np.asarray(hit, dtype=bool)]:
                grounded[i] = True
                min_clearance[i] = 0.0
                events.append(
                    {
                        "t_s": (k + 1) * dt,
                        "kind": "grounding",
                        "ships": [ids[i]],
                        "detail": f"{ids[i]} took the ground (draught {defs[i].draught_m:g} m)",
                    }
                )
            # Exact hull clearance only where the distance field says the running minimum could
            # fall (the field is exact to about one grid cell).
            live = idx[~grounded[idx] & ~replaying[idx]]
            field = hz.distance_field()
            centre = field.sample(X[N, live], X[E, live])
            reach = 0.5 * np.hypot(length[live], beam[live]) + 2.0 * field.res
            near = live[centre - reach < min_clearance[live]]
            if near.size:
                c = hz.hull_clearance(
                    X[N, near], X[E, near], X[PSI, near], length[near], beam[near]
                )
                np.minimum.at(min_clearance, near, c)
        if (k + 1) % rec_every == 0:
            record((k + 1) // rec_every, (k + 1) * dt)

    meta = {
        "autoship_version": _versions()["autoship"],
        "versions": _versions(),
        "scenario": {
            "id": scen.id,
            "title": scen.title,
            "source": scen.source,
            "path": str(scen.path) if scen.path else None,
            "sha256": hashlib.sha256(scen.text.encode()).hexdigest(),
            "text": scen.text,
            "provenance": scen.provenance,
            "expect": list(scen.expect),
        },
        "frame": scen.frame.to_dict(),
        "seed": seed,
        "dt_s": scen.dt_s,
        "planner_period_s": scen.planner_period_s,
        "record_period_s": scen.record_period_s,
        "duration_s": scen.duration_s,
        "n_records": n_rec,
        "visibility": scen.visibility,
        "profile": profile_name,
        "profile_choice": profile_choice,
        "start_utc": scen.start_utc,
        "environment": scen.environment.to_dict(),
        "sensors": scen.sensors.to_dict(),
        "chart": None
        if scen.chart is None
        else {
            "path": str(scen.chart.path),
            "under_keel_clearance_m": scen.chart.under_keel_clearance_m,
        },
        "ships": [
            {
                "id": s.id,
                "index": i,
                "role": s.role,
                "model": s.ship.name,
                "family": s.ship.family,
                "length_m": s.ship.length_m,
                "beam_m": s.ship.beam_m,
                "draught_m": s.ship.draught_m,
                "planner": planner_names[i],
                "category": s.category,
                "mmsi": s.mmsi,
                "ship_type": s.ship_type,
                "nav_status": s.nav_status,
                "ais_class": s.ais_class,
                "min_clearance_m": (float(min_clearance[i]) if hazards[i] is not None else None),
                "replayed": bool(replayed[i]),
                "handover_t_s": handover_t[i],
                "ignores_duty": s.ignores_duty,
                "goal": None if s.goal is None else {"north_m": s.goal[0], "east_m": s.goal[1]},
                # The planner's route (north, east waypoints), so the referee can tell a turn
                # that follows it from an avoiding manoeuvre; None without one.
                "route": _route_of(planners[i]),
            }
            for i, s in enumerate(scen.ships)
        ],
        "planner_latency_ms": {ids[i]: _latency_stats(latency[i]) for i in range(n)},
        "events": sorted(events, key=lambda e: e["t_s"]),
    }
    return SimResult(
        meta=meta,
        arrays={"t": t_rec, **arr, "pair_min_distance": pair_min, **_recorded(scen, t_rec)},
        chart_json=chart_json,
        events=meta["events"],
    )
