"""``autoship warm-up``: compile and cache every Numba kernel a run uses, once, at set-up.

Numba compiles a kernel on its first call and caches it on disk (``cache=True`` in
``autoship/_jit.py``); without this step the user's first ``autoship run`` pays that compile
(about 14 s on a 2-core machine) and every later run loads the cache (about 1 s). The warm-up
runs one short, self-contained scenario through the same path as ``autoship run`` (scenario
loading, chart distance field, every ship model in the library, every planner, contact
detection, recording and scoring) in a temporary folder that is deleted afterwards, so it needs
no bundled file and writes nothing but the cache.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
import time
from pathlib import Path

# Open water; small islands at opposite corners give the chart kernels (distance field,
# grounding check) something to compile on and span the chart's coverage over every ship's
# start and goal.
_LAT0, _LON0 = 45.0, -30.0
_ISLANDS_M = (
    ((-17000.0, -17000.0), (-16000.0, -16000.0)),  # (north, east) corners
    ((24000.0, 16000.0), (25000.0, 17000.0)),
    # Across the own ship's straight line to its goal: the global route (A*) goes round it.
    ((14000.0, -1500.0), (15000.0, 1500.0)),
)


def _island_geojson() -> dict:
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(_LAT0))

    def ll(n: float, e: float) -> list[float]:
        return [_LON0 + e / m_per_deg_lon, _LAT0 + n / m_per_deg_lat]

    features = []
    for (n0, e0), (n1, e1) in _ISLANDS_M:
        ring = [ll(n0, e0), ll(n0, e1), ll(n1, e1), ll(n1, e0), ll(n0, e0)]
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "land", "source": "autoship warm-up"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _ship_models() -> list[str]:
    from autoship.dynamics.library import library_names

    return library_names()


def warmup_scenario(models: list[str], planners: list[str]) -> str:
    """TOML of one short scenario: an own ship meeting a ship head-on, and one more ship per
    library model spread on a ring 6 km out."""
    lines = [
        "[scenario]",
        'id = "warm-up"',
        'title = "autoship warm-up (compiles the Numba kernels)"',
        'source = "synthetic"',
        "seed = 1",
        "duration_s = 600.0",
        "dt_s = 1.0",
        "planner_period_s = 5.0",
        'visibility = "good"',
        "",
        "[frame]",
        f"origin_lat_deg = {_LAT0}",
        f"origin_lon_deg = {_LON0}",
        "",
        "[chart]",
        'path = "island.geojson"',
        "",
        "[scoring]",
        'profile = "large-ship"',
        "",
        "[[ship]]",
        'id = "own"',
        'role = "own"',
        'model = "kvlcc2"',
        "start = { north_m = 0.0, east_m = 0.0 }",
        "course_deg = 0.0",
        "speed_kn = 10.0",
        "goal = { north_m = 20000.0, east_m = 0.0 }",
        'planner = "sbmpc"',
        "",
        # A head-on ship 5 km ahead: an encounter to classify and score (the referee's kernels).
        "[[ship]]",
        'id = "head-on"',
        'role = "target"',
        'model = "container"',
        "start = { north_m = 5000.0, east_m = 0.0 }",
        "course_deg = 180.0",
        "speed_kn = 10.0",
        'planner = "keep-course"',
    ]
    for k, model in enumerate(models):
        bearing = 2.0 * math.pi * (k + 0.5) / len(models)
        n, e = 6000.0 * math.cos(bearing), 6000.0 * math.sin(bearing)
        planner = planners[k % len(planners)]
        lines += [
            "",
            "[[ship]]",
            f'id = "t{k}"',
            'role = "target"',
            f'model = "{model}"',
            f"start = {{ north_m = {n:.1f}, east_m = {e:.1f} }}",
            f"course_deg = {math.degrees(bearing):.1f}",
            "speed_kn = 6.0",
        ]
        if planner != "keep-course":
            # A goal straight on: the planners' own guidance is what gets compiled.
            lines.append(
                f"goal = {{ north_m = {n + 8000.0 * math.cos(bearing):.1f}, "
                f"east_m = {e + 8000.0 * math.sin(bearing):.1f} }}"
            )
        lines.append(f'planner = "{planner}"')
    return "\n".join(lines) + "\n"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "warm-up",
        help="compile and cache the Numba kernels once (the set-up step runs it)",
        description="Run one short built-in scenario with every ship model and planner so that "
        "every Numba kernel is compiled into the on-disk cache; later runs start in about a "
        "second. Writes nothing but the cache.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.sweep.batch import plan_jobs, run_jobs

    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="autoship-warmup-"))
    try:
        (tmp / "island.geojson").write_text(json.dumps(_island_geojson()))
        planners = ["keep-course", "vo", "waypoint", "sbmpc"]
        scen = tmp / "warm-up.toml"
        scen.write_text(warmup_scenario(_ship_models(), planners))
        # Own ship once on each planner that can be the own ship's, so each own-ship path
        # (observation, route, handover) is compiled too.
        failures = []
        for own in ("sbmpc", "vo"):
            jobs = plan_jobs([scen], tmp / own, own, None, False)
            for _job, outcome in run_jobs(jobs, 1):
                if not outcome["ok"]:
                    failures.append(str(outcome.get("error")))
        if failures:
            # The built-in scenario failing is a defect of autoship, not of the user's input.
            raise RuntimeError(f"warm-up scenario failed: {failures[0]}")
        _warm_ais()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"autoship warm-up: kernels compiled and cached in {time.perf_counter() - t0:.1f} s")
    return 0


def _warm_ais() -> None:
    """The bulk NMEA decoder's kernels (``autoship ais ...`` reads files through them): a few
    sentences from our own encoder, a position report and static data of both classes."""
    import numpy as np

    from autoship.ais.emit import ShipIdentity, emit_reports, format_lines
    from autoship.ais.fastnmea import decode_nmea_bytes

    ships = [ShipIdentity(999000001, "A", name="WARM UP"), ShipIdentity(999000002, "B")]
    one = np.ones((1, 2))
    msgs = emit_reports(
        np.zeros(1), 50.0 * one, -1.0 * one, 5.0 * one, 90.0 * one, 90.0 * one, 0.0 * one,
        ships, start_utc_s=1.6e9,
    )  # fmt: skip
    lines = format_lines(msgs, tag_blocks=True) + ["$PGHP,1,2020,9,13,12,26,40,0,,,,1,00*00"]
    out = decode_nmea_bytes(("\n".join(lines) + "\n").encode(), "<warm-up>")
    if len(out.positions) != 2:
        raise RuntimeError("warm-up: the NMEA decoder did not read its own two reports")
