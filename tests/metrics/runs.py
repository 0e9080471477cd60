"""Constructed recordings: kinematic tracks (straight legs and constant-rate turns) written as
run folders with autoship.record.RunWriter, so scoring is tested on hand-made geometry."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from autoship.record import RunWriter
from autoship.units import KNOT


def track(
    t: np.ndarray,
    n0: float,
    e0: float,
    course_deg: float,
    speed_kn: float,
    turn_at_s: float | None = None,
    turn_deg: float = 0.0,
    rate_deg_s: float = 1.0,
    speed_to_kn: float | None = None,
    speed_at_s: float | None = None,
) -> dict[str, np.ndarray]:
    """One ship: course changes by turn_deg (positive starboard) at rate_deg_s from turn_at_s;
    speed steps to speed_to_kn at speed_at_s. Positions integrate the velocity exactly per step
    (trapezoid), velocities are over ground."""
    chi = np.full(t.shape, math.radians(course_deg))
    if turn_at_s is not None and turn_deg:
        dur = abs(turn_deg) / rate_deg_s
        frac = np.clip((t - turn_at_s) / dur, 0.0, 1.0)
        chi = chi + math.radians(turn_deg) * frac
    u = np.full(t.shape, speed_kn * KNOT)
    if speed_to_kn is not None and speed_at_s is not None:
        u = np.where(t >= speed_at_s, speed_to_kn * KNOT, u)
    vn = u * np.cos(chi)
    ve = u * np.sin(chi)
    dt = np.diff(t)
    north = n0 + np.concatenate(([0.0], np.cumsum(0.5 * (vn[1:] + vn[:-1]) * dt)))
    east = e0 + np.concatenate(([0.0], np.cumsum(0.5 * (ve[1:] + ve[:-1]) * dt)))
    return {
        "north": north,
        "east": east,
        "heading": chi % (2 * math.pi),
        "vn": vn,
        "ve": ve,
        "u": u,
    }


def ship(
    sid: str,
    role: str = "target",
    planner: str = "keep-course",
    length_m: float = 200.0,
    beam_m: float = 32.0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": sid,
        "role": role,
        "model": "kinematic",
        "family": "kinematic",
        "length_m": length_m,
        "beam_m": beam_m,
        "draught_m": 10.0,
        "planner": planner,
        "category": extra.pop("category", "power-driven"),
        "mmsi": None,
        "ship_type": extra.pop("ship_type", None),
        "nav_status": extra.pop("nav_status", None),
        "replayed": False,
        "goal": None,
        **extra,
    }


def write_run(
    path: Path,
    t: np.ndarray,
    tracks: list[dict[str, np.ndarray]],
    ships: list[dict[str, Any]],
    scenario_id: str = "constructed",
    events: list[dict[str, Any]] | None = None,
    visibility: str = "good",
    profile: str = "large-ship",
    seed: int = 1,
    environment: dict[str, Any] | None = None,
    expect: list[str] | None = None,
    chart: dict[str, Any] | None = None,
) -> Path:
    for k, s in enumerate(ships):
        s["index"] = k
    cols = {
        name: np.stack([tr[name] for tr in tracks], axis=1)
        for name in ("north", "east", "heading", "vn", "ve", "u")
    }
    n_rec, m = cols["north"].shape
    zeros = np.zeros((n_rec, m))
    arrays = {
        "t": t,
        **cols,
        "v": zeros,
        "r": zeros,
        "rudder": zeros,
        "shaft": zeros,
        "cmd_course": np.full((n_rec, m), np.nan),
        "cmd_speed": np.full((n_rec, m), np.nan),
    }
    meta = {
        "autoship_version": "test",
        "versions": {},
        "scenario": {
            "id": scenario_id,
            "title": scenario_id,
            "source": "test",
            "path": None,
            "expect": expect or [],
        },
        "frame": {"origin_lat_deg": 0.0, "origin_lon_deg": 0.0},
        "seed": seed,
        "dt_s": float(t[1] - t[0]),
        "planner_period_s": 5.0,
        "record_period_s": float(t[1] - t[0]),
        "duration_s": float(t[-1]),
        "n_records": int(n_rec),
        "visibility": visibility,
        "profile": profile,
        "environment": environment or {},
        "chart": None,
        "ships": ships,
        "planner_latency_ms": {},
        "events": events or [],
    }
    return RunWriter(path).write(meta, arrays, chart)
