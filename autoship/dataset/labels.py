"""One episode run with the expert and labelled step by step.

The own-ship-frame view is the gym's observation (``ShipAgent.observe``), the geometry is
``colregs.geometry`` (CPA/TCPA, encounter angles), the encounter labels are the profile's
classifier and stages, and the episode's verdict is ``score_run`` on the SimResult (the sweep
worker's in-memory path): one implementation of each concept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autoship.dataset.episodes import Episode

_ENCOUNTER_KEYS = (
    "own",
    "target",
    "type",
    "own_role",
    "score",
    "safety_score",
    "cpa_m",
    "tcpa_s",
    "min_range_m",
    "rules",
    "manoeuvre",
    "t_cpa_s",
    "near_miss",
    "collision",
)


def _new_cols(names: tuple[str, ...]) -> dict[str, list]:
    return {n: [] for n in names}


# A policy steering the own ship in place of the expert: (gym observation, heading rad) -> order.
Policy = Callable[[np.ndarray, float], Any]


def label_episode(
    ep: Episode,
    expert: str,
    profile_name: str | None,
    n_targets: int,
    policy: Policy | None = None,
    views: Any = None,
) -> dict[str, Any]:
    """{"steps": columns, "pairs": columns, "episode": row}; an episode that cannot run is one
    row with outcome "error" and no steps (the same every time: nothing is random about it).

    With ``policy`` the own ship follows the policy's orders instead of the expert's (a learned
    policy closed-loop, judged by the same referee); ``expert`` then only names it."""
    from autoship.errors import AutoshipError

    try:
        return _label(ep, expert, profile_name, n_targets, policy, views)
    except (AutoshipError, ValueError, RuntimeError, FloatingPointError) as exc:
        msg = exc.one_line() if isinstance(exc, AutoshipError) else f"{type(exc).__name__}: {exc}"
        if ep.path:  # the data must not depend on where the scenario folder lies
            msg = msg.replace(str(Path(ep.path)), Path(ep.path).name)
        from autoship.dataset.schema import EPISODES, PAIRS, STEPS

        row = {name: None for name in EPISODES.names}
        row.update(
            episode_id=ep.episode_id,
            scenario_id=ep.scenario_id,
            seed=ep.seed,
            expert=expert,
            n_steps=0,
            outcome="error",
            passed=False,
            collision=False,
            grounding=False,
            target_models=[],
            target_planners=[],
            failed_gates=[],
            params_json=ep.params,
            error=msg,
        )
        return {
            "steps": _new_cols(tuple(STEPS.names)),
            "pairs": _new_cols(tuple(PAIRS.names)),
            "episode": row,
        }


def _label(
    ep: Episode,
    expert: str,
    profile_name: str | None,
    n_targets: int,
    policy: Policy | None,
    views: Any,
) -> dict[str, Any]:
    from autoship.colregs import load_profile
    from autoship.colregs.classify import CODE_NAMES, CODE_ROLE, classify, stage_of
    from autoship.dataset.schema import PAIRS, STEPS
    from autoship.dynamics.state import (
        CMD_COURSE,
        CMD_SPEED,
        DELTA,
        ENV_CUR_E,
        ENV_CUR_N,
        ENV_WIND_FROM,
        ENV_WIND_SPEED,
        NPROP,
        PSI,
        E,
        N,
        R,
        U,
        V,
    )
    from autoship.geometry import cpa_tcpa, encounter_angles, wrap_2pi, wrap_pi
    from autoship.gym.agent import AgentConfig, ShipAgent
    from autoship.metrics import score_run
    from autoship.metrics.duties import risk_distance
    from autoship.scenario import parse_scenario
    from autoship.sim import Simulation

    path = Path(ep.path) if ep.path else Path(f"{ep.scenario_id}.toml")
    scen = parse_scenario(ep.text, path)
    # With a policy the own ship keeps the scenario's planner object, which is never asked.
    sim = Simulation(scen, planner_override=None if policy else expert, seed=ep.seed)
    profile = load_profile(profile_name or sim.profile)
    i = next(k for k, s in enumerate(scen.ships) if s.role == "own")
    agent = ShipAgent(sim, i, profile, AgentConfig(n_targets=n_targets))
    others = np.array([k for k in range(sim.n) if k != i], dtype=np.int64)
    other_ids = [sim.ids[k] for k in others]
    r_risk = np.array([risk_distance(sim.length[i], sim.length[k], profile) for k in others])
    tcpa_max = profile.risk.tcpa_max_s
    hz = sim.hazards[i]
    r1 = profile.stages.r1_m

    steps = _new_cols(tuple(STEPS.names))
    pairs = _new_cols(tuple(PAIRS.names))
    obs_flat: list[np.ndarray] = []
    cams = _Cameras(sim, i, others, ep.seed, views) if views is not None and views.any else None
    step = 0
    while not sim.done:
        t = sim.t
        X = sim.fleet.X
        vn, ve = sim.fleet.ground_velocity(sim.env)
        sog = math.hypot(vn[i], ve[i])
        cog = math.atan2(ve[i], vn[i])
        o = agent.observe()
        obs_flat.append(o)
        if cams is not None:
            cams.shoot(ep.episode_id, step)
        for name, v in (
            ("episode_id", ep.episode_id),
            ("step", step),
            ("t_s", t),
            ("own_north_m", X[N, i]),
            ("own_east_m", X[E, i]),
            ("own_heading_rad", X[PSI, i]),
            ("own_u_mps", X[U, i]),
            ("own_v_mps", X[V, i]),
            ("own_r_radps", X[R, i]),
            ("own_rudder_rad", X[DELTA, i]),
            ("own_shaft", X[NPROP, i]),
            ("own_sog_mps", sog),
            ("own_cog_rad", wrap_2pi(cog)),
            (
                "own_clearance_m",
                None if hz is None else float(hz.clearance(X[N, i : i + 1], X[E, i : i + 1])[0]),
            ),
            ("n_targets", others.size),
        ):
            steps[name].append(v)
        if others.size:
            pn, pe = X[N, others] - X[N, i], X[E, others] - X[E, i]
            rng = np.hypot(pn, pe)
            dcpa, tcpa = cpa_tcpa(pn, pe, vn[others] - vn[i], ve[others] - ve[i])
            cog_t = np.arctan2(ve[others], vn[others])
            beta, alpha = encounter_angles(pn, pe, np.full(pn.shape, cog), cog_t)
            sog_t = np.hypot(vn[others], ve[others])
            codes = classify(beta, alpha, np.full(pn.shape, sog), sog_t, profile)
            stage = stage_of(rng, profile)
            # The referee's rule-7 test (docs/referee.md section 1), at this instant.
            risk = (dcpa < r_risk) & (tcpa > 0.0) & (tcpa <= tcpa_max) & (rng <= r1)
            for k, tid in enumerate(other_ids):
                c = int(codes[k])
                pairs["episode_id"].append(ep.episode_id)
                pairs["step"].append(step)
                pairs["t_s"].append(t)
                pairs["target_id"].append(tid)
                pairs["range_m"].append(float(rng[k]))
                pairs["bearing_rad"].append(float(beta[k]))
                pairs["aspect_rad"].append(float(alpha[k]))
                pairs["dcpa_m"].append(float(dcpa[k]))
                pairs["tcpa_s"].append(float(tcpa[k]))
                pairs["encounter"].append(CODE_NAMES[c])
                pairs["role"].append(CODE_ROLE[c])
                pairs["stage"].append(int(stage[k]))
                pairs["risk"].append(bool(risk[k]))
        heading = float(X[PSI, i])
        if policy is None:
            sim.step()
        else:
            sim.step({i: policy(o, heading)})
        # The command the decision just stepped applied: the expert's (or the policy's) order.
        course = float(sim.C[CMD_COURSE, i])
        steps["order_course_rad"].append(course)
        steps["order_speed_mps"].append(float(sim.C[CMD_SPEED, i]))
        steps["order_course_change_rad"].append(wrap_pi(course - heading))
        step += 1

    result = sim.result()
    run = result.to_run(Path(ep.episode_id))
    entry = score_run(Path(ep.episode_id), profile, run=run)
    encs = [e for e in entry["encounters"] if e["own"] == sim.ids[i]]
    by_target = {e["target"]: e for e in encs}
    for name in ("ref_type", "ref_role", "ref_score", "ref_rules"):
        pairs[name] = []
    for tid, t in zip(pairs["target_id"], pairs["t_s"], strict=True):
        e = by_target.get(tid)
        pairs["ref_type"].append(None if e is None else e["type"])
        pairs["ref_role"].append(None if e is None else e["own_role"])
        pairs["ref_score"].append(None if e is None else e["score"])
        pairs["ref_rules"].append(None if e is None else _rules_served(e, t))
    steps["obs"] = obs_flat

    if entry["collision"]:
        outcome = "collision"
    elif entry["grounding"]:
        outcome = "grounding"
    else:
        outcome = "passed" if entry["passed"] else "failed"
    env = sim.env
    row = {
        "episode_id": ep.episode_id,
        "scenario_id": ep.scenario_id,
        "source": scen.source,
        "source_ref": _text_or_none(scen.provenance.get("source_ref")),
        "seed": ep.seed,
        "expert": expert,
        "profile": profile.name,
        "own_id": sim.ids[i],
        "own_model": scen.ships[i].ship.name,
        "target_models": [scen.ships[k].ship.name for k in others],
        "target_planners": [sim.planner_names[k] for k in others],
        "wind_speed_mps": float(env[ENV_WIND_SPEED]),
        "wind_from_rad": float(env[ENV_WIND_FROM]),
        "current_n_mps": float(env[ENV_CUR_N]),
        "current_e_mps": float(env[ENV_CUR_E]),
        "n_steps": step,
        "outcome": outcome,
        "passed": bool(entry["passed"]),
        "collision": bool(entry["collision"]),
        "grounding": bool(entry["grounding"]),
        "score": entry["score"],
        "min_separation_m": entry["min_separation_m"],
        "failed_gates": list(entry["failed_gates"]),
        "encounters_json": json.dumps(
            [{k: e.get(k) for k in _ENCOUNTER_KEYS} for e in encs], sort_keys=True
        ),
        "params_json": ep.params,
        "error": None,
    }
    out = {"steps": steps, "pairs": pairs, "episode": row}
    if views is not None and views.ais:
        out["ais"] = _nmea(run)
    if cams is not None:
        out["views"] = cams.cols
        out["view_shapes"] = cams.shapes
    return out


def _text_or_none(v: Any) -> str | None:
    return None if v is None else str(v)


def _rules_served(enc: dict[str, Any], t: float) -> str | None:
    """The rules the referee scored this encounter's manoeuvre under ("8,15,16"), for the
    steps from the manoeuvre's start (the referee's) to the CPA; None outside that window or
    when the own ship never manoeuvred for it."""
    t0 = (enc.get("manoeuvre") or {}).get("t_s")
    t1 = enc.get("t_cpa_s")
    rules = enc.get("rules") or {}
    if t0 is None or t1 is None or not rules or not (t0 <= t <= t1):
        return None
    return ",".join(sorted(rules, key=lambda r: (len(r), r)))


def _nmea(run: Any) -> dict[str, Any]:
    """The run as AIS NMEA, exactly as ``autoship ais emit`` writes it to a file."""
    from datetime import UTC, datetime

    from autoship.ais.emit import emit_reports, format_lines, reports_from_run

    text = str(run.meta.get("start_utc") or "2000-01-01T00:00:00Z").replace("Z", "+00:00")
    start = datetime.fromisoformat(text)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    rep = reports_from_run(run.meta, run.arrays)
    msgs = emit_reports(
        rep.t_s, rep.lat_deg, rep.lon_deg, rep.sog_kn, rep.cog_deg, rep.heading_deg,
        rep.rot_deg_min, rep.ships, start_utc_s=start.timestamp(),
    )  # fmt: skip
    lines = format_lines(msgs, tag_blocks=True)
    return {"n_messages": len(msgs), "nmea": "".join(x + "\r\n" for x in lines)}


class _Cameras:
    """The spec's sensor views of the own ship, one per step (``autoship.dataset.views``)."""

    def __init__(self, sim: Any, i: int, others: np.ndarray, seed: int, views: Any) -> None:
        from autoship.dataset.views import BirdseyeParams, RadarParams

        self.sim, self.i, self.others, self.seed, self.views = sim, i, others, seed, views
        self.bp = BirdseyeParams(half_width_m=views.birdseye_half_width_m, size=views.birdseye_size)
        self.rp = RadarParams(
            range_m=views.radar_range_m,
            n_bearings=views.radar_bearings,
            n_ranges=views.radar_ranges,
        )
        h = sim.hazards[i]
        self.land = None if h is None else h.distance_field().sample
        self.tracks: list[tuple[np.ndarray, np.ndarray]] = []
        self.cols: dict[str, list] = {"episode_id": [], "step": [], "birdseye": [], "radar": []}
        self.shapes: dict[str, tuple[int, ...]] = {}
        if views.birdseye:
            self.shapes["birdseye"] = (3, self.bp.size, self.bp.size)
        if views.radar:
            self.shapes["radar"] = (self.rp.n_bearings, self.rp.n_ranges)

    def shoot(self, episode_id: str, step: int) -> None:
        from autoship.dataset.views import birdseye_image, radar_image
        from autoship.dynamics.state import PSI, E, N

        sim, i, k = self.sim, self.i, self.others
        X = sim.fleet.X
        own = (float(X[N, i]), float(X[E, i]), float(X[PSI, i]))
        ships = {
            "north": X[N, k],
            "east": X[E, k],
            "heading": X[PSI, k],
            "length": sim.length[k],
            "beam": sim.beam[k],
            "draught": np.array([sim.defs[j].draught_m for j in k]),
        }
        self.tracks.append((X[N].copy(), X[E].copy()))
        self.tracks = self.tracks[-self.bp.track_steps :]
        self.cols["episode_id"].append(episode_id)
        self.cols["step"].append(step)
        bird = radar = None
        if self.views.birdseye:
            bird = birdseye_image(own, ships, self.tracks, self.land, self.bp).tobytes()
        if self.views.radar:
            # Speckle from (episode seed, step): the same image whatever worker draws it.
            rng = np.random.default_rng([self.seed, step])
            radar = radar_image(own, ships, self.land, self.rp, rng).tobytes()
        self.cols["birdseye"].append(bird)
        self.cols["radar"].append(radar)
