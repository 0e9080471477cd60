"""Episodes of a dataset: the sweep generator's scenarios (or a folder's), each with its domain
randomisation drawn from a stream seeded by (dataset seed, episode id) only, so an episode is
the same whatever shard, worker or order it runs in."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np

from autoship.dataset.spec import DatasetSpec
from autoship.units import KNOT


@dataclass(frozen=True)
class Episode:
    """One episode as plain data (it travels to worker processes and Dask workers)."""

    episode_id: str
    scenario_id: str
    seed: int
    text: str  # the scenario as run, randomisation applied
    path: str | None  # the original scenario file (anchors relative chart paths)
    params: str  # JSON: the generator's parameters and the randomisation drawn


def _max_speed_kn(model: str) -> float:
    from autoship.dynamics.library import load_ship

    return float(load_ship(model).model.get("max_speed_kn", 30.0))


def _choose_model(rng: np.random.Generator, models: tuple[str, ...], speed_kn: float) -> str | None:
    # A model that cannot make the generated speed would change the encounter's geometry.
    fit = [m for m in models if _max_speed_kn(m) >= speed_kn]
    return fit[int(rng.integers(len(fit)))] if fit else None


def _uniform(rng: np.random.Generator, lo_hi: tuple[float, float] | None) -> float | None:
    if lo_hi is None:
        return None
    lo, hi = lo_hi
    return float(round(lo + (hi - lo) * float(rng.random()), 6))


def randomise(spec: DatasetSpec, episode_id: str, text: str) -> tuple[str, dict[str, Any]]:
    """The scenario text with the spec's randomisation applied, and what was drawn."""
    from autoship.scenario.dump import dumps_document
    from autoship.sweep.generators import scenario_rng

    r = spec.randomise
    if r == type(r)(rule_abiding_planner=r.rule_abiding_planner):
        return text, {}  # nothing to draw: the scenario exactly as generated or written
    rng = scenario_rng(spec.seed, episode_id, "dataset")
    doc = tomllib.loads(text)
    drawn: dict[str, Any] = {}
    ships = doc.get("ship", [])
    for ship in ships:
        sid, role = ship.get("id"), ship.get("role")
        speed = float(ship.get("speed_kn", 0.0))
        models = r.own_models if role == "own" else r.target_models
        if models:
            m = _choose_model(rng, models, speed)
            if m is not None:
                ship["model"] = m
                ship.pop("ship", None)
        drawn[f"model.{sid}"] = ship.get("model")
        if role != "own" and r.target_behaviour:
            b = r.target_behaviour[int(rng.integers(len(r.target_behaviour)))]
            if ship.get("planner", "keep-course") in ("keep-course", r.rule_abiding_planner):
                # Duty-ignoring: the rule-abiding planner told to ignore traffic (it holds its
                # route; the referee counts it as traffic, not as a ship under test).
                sails = b in ("rule-abiding", "duty-ignoring")
                ship["planner"] = r.rule_abiding_planner if sails else "keep-course"
                if b == "duty-ignoring":
                    ship["ignores_duty"] = True
                else:
                    ship.pop("ignores_duty", None)
                if sails and "goal" not in ship:
                    # Route-following planners steer for a goal: far ahead on the course.
                    c = math.radians(float(ship.get("course_deg", 0.0)))
                    st = ship.get("start", {})
                    far = 2.0 * float(ship.get("speed_kn", 0.0)) * KNOT * 3600.0 + 1000.0
                    ship["goal"] = {
                        "north_m": round(float(st.get("north_m", 0.0)) + far * math.cos(c), 3),
                        "east_m": round(float(st.get("east_m", 0.0)) + far * math.sin(c), 3),
                    }
            drawn[f"behaviour.{sid}"] = b
    env = dict(doc.get("environment", {}))
    for key, lo_hi in (
        ("wind_speed_kn", r.wind_speed_kn),
        ("wind_from_deg", r.wind_from_deg),
        ("current_speed_kn", r.current_speed_kn),
        ("current_to_deg", r.current_to_deg),
    ):
        v = _uniform(rng, lo_hi)
        if v is not None:
            env[key] = min(v, 359.999999) if key.endswith("_deg") else v
            drawn[key] = env[key]
    if env:
        doc["environment"] = env
    if r.visibility:
        vis = r.visibility[int(rng.integers(len(r.visibility)))]
        doc.setdefault("scenario", {})["visibility"] = vis
        drawn["visibility"] = vis
    noise, dropout = _uniform(rng, r.position_noise_m), _uniform(rng, r.dropout)
    if noise is not None or dropout is not None:
        # Other ships are then sensed by AIS (sim/sensors.py), with this noise and dropout.
        sensors = dict(doc.get("sensors", {}))
        sensors["model"] = "ais"
        if noise is not None:
            sensors["position_noise_m"] = drawn["position_noise_m"] = noise
        if dropout is not None:
            sensors["dropout"] = drawn["dropout"] = dropout
        doc["sensors"] = sensors
    return dumps_document(doc), drawn


def plan_episodes(spec: DatasetSpec) -> tuple[list[Episode], list[tuple[str, str]]]:
    """Every episode of the dataset in order, and the generator's dropped draws."""
    import json

    from autoship.sweep.generators import derive_seed, generate

    gen = generate(spec.sweep)
    cases = gen.cases
    if spec.max_episodes is not None:
        cases = cases[: spec.max_episodes]
    out = []
    for case in cases:
        eid = case.scenario_id
        text, drawn = randomise(spec, eid, case.text)
        # The absolute source path would make the data depend on where the spec lies.
        gparams = {k: v for k, v in case.params.items() if k != "source_file"}
        params = {"generator": gparams, "randomised": drawn}
        out.append(
            Episode(
                episode_id=eid,
                scenario_id=case.scenario_id,
                seed=derive_seed(spec.seed, eid, 0),
                text=text,
                path=None if case.path is None else str(case.path),
                params=json.dumps(params, sort_keys=True, default=str),
            )
        )
    return out, list(gen.dropped)
