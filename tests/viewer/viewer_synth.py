"""Synthetic run folders for the viewer tests, written with the real RunWriter."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from autoship.record import ARRAY_NAMES, RunWriter
from autoship.units import NAUTICAL_MILE, kn_to_ms

# Imazu case 2 geometry (Sawada et al. 2021 Table 4): own ship from (-6, 0) NM heading 000,
# target from (0, +6) NM heading 270, both 12 kn, so they would meet at the origin after 30 min.
SPEED = kn_to_ms(12.0)
DT = 10.0
DURATION = 1800.0
TURN_T = 600.0  # own ship turns 30 deg to starboard here
TURN = math.radians(30.0)

# An island south-east of the tracks (east/north metres), and a shallow patch.
ISLAND = [[7000.0, -9000.0], [9000.0, -9000.0], [9000.0, -7000.0], [7000.0, -7000.0]]
SHOAL = [[2000.0, -9000.0], [4000.0, -9000.0], [4000.0, -7000.0], [2000.0, -7000.0]]


def tracks(turn: bool = True) -> dict[str, np.ndarray]:
    t = np.arange(0.0, DURATION + DT / 2, DT)
    n = t.size
    arrays = {k: np.zeros((n, 3)) for k in ARRAY_NAMES}
    # Own ship: north at 12 kn, then course 030 from TURN_T.
    psi = np.where((t < TURN_T) | (not turn), 0.0, TURN)
    vn = SPEED * np.cos(psi)
    ve = SPEED * np.sin(psi)
    north = -6 * NAUTICAL_MILE + np.concatenate([[0.0], np.cumsum(vn[:-1] * DT)])
    east = np.concatenate([[0.0], np.cumsum(ve[:-1] * DT)])
    arrays["north"][:, 0], arrays["east"][:, 0] = north, east
    arrays["heading"][:, 0], arrays["vn"][:, 0], arrays["ve"][:, 0] = psi, vn, ve
    arrays["rudder"][:, 0] = np.where((t >= TURN_T) & (t < TURN_T + 60), math.radians(10), 0.0)
    # Target T1: west at 12 kn.
    arrays["north"][:, 1] = 0.0
    arrays["east"][:, 1] = 6 * NAUTICAL_MILE - SPEED * t
    arrays["heading"][:, 1] = 1.5 * math.pi
    arrays["ve"][:, 1] = -SPEED
    # Replayed AIS target A1: south at 8 kn far to the east.
    arrays["north"][:, 2] = 4 * NAUTICAL_MILE - kn_to_ms(8.0) * t
    arrays["east"][:, 2] = 3 * NAUTICAL_MILE
    arrays["heading"][:, 2] = math.pi
    arrays["vn"][:, 2] = -kn_to_ms(8.0)
    for k in ("u",):
        arrays[k] = np.hypot(arrays["vn"], arrays["ve"])
    arrays["cmd_course"][:] = np.nan
    arrays["cmd_speed"][:] = np.nan
    arrays["t"] = t
    return arrays


def meta(events: list[dict] | None = None) -> dict:
    ship = {
        "model": "generic-cargo",
        "family": "nomoto1",
        "category": "power-driven",
        "mmsi": None,
        "ship_type": None,
        "nav_status": None,
        "goal": None,
    }
    return {
        "autoship_version": "0.1.0",
        "scenario": {
            "id": "synthetic-crossing",
            "title": "Crossing from starboard (test)",
            "source": "tests",
            "path": None,
            "sha256": None,
            "text": "",
        },
        "frame": {"origin_lat_deg": 50.0, "origin_lon_deg": -1.0},
        "seed": 0,
        "dt_s": DT,
        "planner_period_s": DT,
        "record_period_s": DT,
        "duration_s": DURATION,
        "n_records": int(DURATION / DT) + 1,
        "visibility": "good",
        "profile": "large-ship",
        "environment": {},
        "chart": {"path": "synthetic", "under_keel_clearance_m": 1.0},
        "ships": [
            {
                **ship,
                "id": "OS",
                "index": 0,
                "role": "own",
                "length_m": 150.0,
                "beam_m": 24.0,
                "draught_m": 8.0,
                "planner": "waypoint",
                "replayed": False,
            },
            {
                **ship,
                "id": "T1",
                "index": 1,
                "role": "target",
                "length_m": 120.0,
                "beam_m": 20.0,
                "draught_m": 7.0,
                "planner": "keep-course",
                "replayed": False,
            },
            {
                **ship,
                "id": "A1",
                "index": 2,
                "role": "target",
                "length_m": 80.0,
                "beam_m": 14.0,
                "draught_m": 5.0,
                "planner": None,
                "replayed": True,
            },
        ],
        "planner_latency_ms": {},
        "events": events
        if events is not None
        else [
            {"t_s": 900.0, "kind": "handover", "ships": ["A1", "OS"], "detail": "within 2 NM"},
            {"t_s": 1500.0, "kind": "fallback", "ships": ["OS"], "detail": "planner timeout"},
        ],
    }


CHART = {
    "polygons": [
        {
            "kind": "depth",
            "drval1": 20.0,
            "drval2": 50.0,
            "rings": [[[-20000, -20000], [20000, -20000], [20000, 20000], [-20000, 20000]]],
        },
        {"kind": "depth", "drval1": 2.0, "drval2": 5.0, "rings": [SHOAL]},
        {"kind": "land", "drval1": None, "drval2": None, "rings": [ISLAND]},
    ],
    "points": [{"kind": "wreck", "east": 1000.0, "north": -8000.0, "depth_m": 3.0}],
}

SCORE = {
    "scenario_id": "synthetic-crossing",
    "planner": "waypoint",
    "seed": 0,
    "passed": False,
    "collision": False,
    "grounding": False,
    "min_separation_m": 1510.0,
    "score": 0.62,
    "gates": {"no_collision": True, "no_grounding": True, "rule_score": False},
    "encounters": [
        {
            "own": "OS",
            "target": "T1",
            "type": "crossing",
            "own_role": "give-way",
            "cpa_m": 1510.0,
            "tcpa_s": 1500.0,
            "t_start_s": 300.0,
            "t_end_s": 1600.0,
            "rules": {"15": 0.7, "16": 0.6},
            "first_manoeuvre_t_s": 600.0,
            "penalties": [{"t_s": 700.0, "rule": 16, "kind": "delay", "value": 0.3}],
        },
    ],
    "events": [{"t_s": 1450.0, "kind": "near_miss", "ships": ["OS", "T1"], "detail": ""}],
}


def make_run(
    path: Path,
    chart: bool = True,
    score: bool = False,
    events: list | None = None,
    turn: bool = True,
) -> Path:
    RunWriter(path).write(meta(events), tracks(turn), CHART if chart else None)
    if score:
        (path / "score.json").write_text(json.dumps(SCORE))
    return path
