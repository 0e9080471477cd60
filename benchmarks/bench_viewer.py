"""Viewer speed: frames per second and the time to open a run folder.

1. FPS drawing 100 ships over the US4MD81M chart (Chesapeake Bay) at 1280x800, off-screen,
   playing at 10x (goal >= 60 fps), in the fit-to-tracks view and zoomed in following a ship.
2. Time to open a 1-hour run of real Solent AIS traffic (about 80 ships at 1 s records):
   load_scene + first frame in this process, and a cold `python -c` (imports included).
   Goal < 1 s.

The run folders are built here from the bundled data (charts/, tests/data/ais/) with the real
chart and AIS readers; the viewer itself only reads them. `--keep DIR` keeps them (the docs
screenshots are made from them: `autoship view DIR/solent --png docs/img/viewer-solent.png`).

    .venv/bin/python benchmarks/bench_viewer.py [--frames 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402

from autoship.record import ARRAY_NAMES, RunWriter  # noqa: E402
from autoship.units import kn_to_ms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ENC = ROOT / "charts" / "noaa_enc" / "US4MD81M" / "US4MD81M.000"
SOLENT_AIS = ROOT / "tests" / "data" / "ais" / "SolentAIS_20160112_130211.csv"
SOLENT_LAND = ROOT / "charts" / "solent_land" / "solent_land_osm.geojson"


def _ship(i: int, sid: str, role: str, length: float, beam: float, draught: float, replayed: bool):
    return {
        "id": sid,
        "index": i,
        "role": role,
        "model": "generic-cargo",
        "family": "replay" if replayed else "nomoto1",
        "length_m": length,
        "beam_m": beam,
        "draught_m": draught,
        "planner": "replay" if replayed else "keep-course",
        "category": "power-driven",
        "mmsi": None,
        "ship_type": None,
        "nav_status": None,
        "replayed": replayed,
        "goal": None,
    }


def _meta(sid: str, title: str, frame, dt: float, n_rec: int, ships: list, chart: str) -> dict:
    return {
        "autoship_version": "bench",
        "scenario": {"id": sid, "title": title, "source": "benchmark", "path": None},
        "frame": {"origin_lat_deg": frame.origin_lat_deg, "origin_lon_deg": frame.origin_lon_deg},
        "seed": 0,
        "dt_s": dt,
        "planner_period_s": dt,
        "record_period_s": dt,
        "duration_s": dt * (n_rec - 1),
        "n_records": n_rec,
        "visibility": "good",
        "profile": "large-ship",
        "environment": {},
        "chart": {"path": chart, "under_keel_clearance_m": 1.0},
        "ships": ships,
        "planner_latency_ms": {},
        "events": [],
    }


def _arrays(t, north, east, vn, ve, heading) -> dict[str, np.ndarray]:
    a = {k: np.full(north.shape, np.nan) for k in ARRAY_NAMES}
    a.update(north=north, east=east, vn=vn, ve=ve, heading=heading)
    a["u"] = np.hypot(vn, ve)
    for k in ("v", "r", "rudder", "shaft"):
        a[k] = np.zeros(north.shape)
    a["t"] = t
    return a


def chesapeake_run(out: Path, n_ships: int = 100, duration_s: float = 3600.0) -> Path:
    """100 ships on straight legs in the navigable water of US4MD81M, 10 s records."""
    from autoship.charts.chart import load_chart
    from autoship.geo import LocalFrame

    frame = LocalFrame(38.70, -76.31)
    chart = load_chart(ENC, frame)
    rng = np.random.default_rng(81)
    # Start points in water at least 8 m deep, a ship's draught plus margin.
    starts: list[tuple[float, float]] = []
    while len(starts) < n_ships:
        n = rng.uniform(-30000, 30000, 400)
        e = rng.uniform(-20000, 20000, 400)
        dmin, _ = chart.depth_at(n, e)
        ok = np.isfinite(dmin) & (dmin >= 8.0) & ~chart.is_land(n, e)
        starts += list(zip(n[ok], e[ok], strict=True))
    st = np.array(starts[:n_ships])
    dt = 10.0
    t = np.arange(0.0, duration_s + dt / 2, dt)
    course = rng.uniform(0, 2 * math.pi, n_ships)
    speed = kn_to_ms(rng.uniform(6.0, 15.0, n_ships))
    vn = np.broadcast_to(speed * np.cos(course), (t.size, n_ships)).copy()
    ve = np.broadcast_to(speed * np.sin(course), (t.size, n_ships)).copy()
    north = st[:, 0] + vn * t[:, None]
    east = st[:, 1] + ve * t[:, None]
    heading = np.broadcast_to(course, (t.size, n_ships)).copy()
    lengths = rng.uniform(40.0, 250.0, n_ships)
    ships = [
        _ship(
            i,
            "own" if i == 0 else f"t{i:03d}",
            "own" if i == 0 else "target",
            float(lengths[i]),
            float(lengths[i] / 6.5),
            8.0 if i == 0 else float(lengths[i] / 25),
            replayed=i % 2 == 0 and i > 0,
        )
        for i in range(n_ships)
    ]
    meta = _meta("chesapeake-100", "100 ships over US4MD81M", frame, dt, t.size, ships, str(ENC))
    RunWriter(out, force=True).write(
        meta, _arrays(t, north, east, vn, ve, heading), chart.to_viewer_json()
    )
    return out


def solent_run(out: Path, duration_s: float = 3600.0, dt: float = 1.0) -> Path:
    """The Solent AIS recording replayed for one hour at 1 s records; one ship is the own ship."""
    from autoship.ais.source import read_ais
    from autoship.ais.tracks import build_tracks, default_frame, resample, ticks
    from autoship.charts.chart import load_chart

    data = read_ais(SOLENT_AIS)
    frame = default_frame(data)
    ts = build_tracks(data, frame)
    tracks = ts.tracks
    t_start = min(tr.t_start for tr in tracks)
    tt = ticks(t_start, t_start + duration_s, dt)
    rs = resample(tracks, tt)
    # Keep tracks seen in this hour; the own ship is the one that moves farthest.
    seen = rs.valid.any(axis=0)
    cols = np.where(seen)[0]
    dist = np.array(
        [np.nansum(np.hypot(np.diff(rs.north[:, c]), np.diff(rs.east[:, c]))) for c in cols]
    )
    own = int(cols[int(np.argmax(dist))])
    order = [own, *[int(c) for c in cols if c != own]]
    sel = lambda a: a[:, order]  # noqa: E731
    heading = np.where(np.isfinite(sel(rs.heading)), sel(rs.heading), sel(rs.course))
    ships = [
        _ship(
            k,
            "own" if k == 0 else rs.keys[c],
            "own" if k == 0 else "target",
            120.0 if k == 0 else 60.0,
            20.0 if k == 0 else 10.0,
            8.0 if k == 0 else 3.0,
            replayed=k > 0,
        )
        for k, c in enumerate(order)
    ]
    meta = _meta(
        "solent-replay",
        "Solent AIS 2016-01-12, replayed",
        frame,
        dt,
        tt.size,
        ships,
        str(SOLENT_LAND),
    )
    chart = load_chart(SOLENT_LAND, frame).to_viewer_json()
    arrays = _arrays(tt - tt[0], sel(rs.north), sel(rs.east), sel(rs.vn), sel(rs.ve), heading)
    RunWriter(out, force=True).write(meta, arrays, chart)
    return out


def bench_fps(run_dir: Path, frames: int, follow: bool) -> float:
    from viewer._pg import pygame
    from viewer.render import Renderer, ViewState
    from viewer.scene import load_scene

    scene = load_scene(run_dir)
    r = Renderer(scene)
    surf = pygame.Surface((1280, 800))
    st = ViewState(t=scene.t0 + 60.0, viewport=r.default_viewport((1280, 800)), speed=10.0)
    if follow:
        st.follow = scene.own_index
        st.viewport.scale = 0.5  # hulls to scale
    r.draw(surf, st)  # warm caches
    t0 = time.perf_counter()
    for _ in range(frames):
        st.t += st.speed / 60.0
        r.draw(surf, st)
    return frames / (time.perf_counter() - t0)


def bench_open(run_dir: Path) -> tuple[float, float, float]:
    from viewer._pg import pygame
    from viewer.render import Renderer, ViewState
    from viewer.scene import load_scene

    t0 = time.perf_counter()
    scene = load_scene(run_dir)
    t1 = time.perf_counter()
    r = Renderer(scene)
    surf = pygame.Surface((1280, 800))
    r.draw(surf, ViewState(t=scene.t0, viewport=r.default_viewport((1280, 800))))
    t2 = time.perf_counter()
    code = (
        "import time; t=time.perf_counter(); from viewer._pg import pygame; "
        "from viewer.render import Renderer, ViewState; from viewer.scene import load_scene; "
        f"s=load_scene({str(run_dir)!r}); r=Renderer(s); f=pygame.Surface((1280,800)); "
        "r.draw(f, ViewState(t=s.t0, viewport=r.default_viewport((1280,800)))); "
        "print(time.perf_counter()-t)"
    )
    c0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cold_wall = time.perf_counter() - c0
    float(out.stdout.strip())
    return t1 - t0, t2 - t0, cold_wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--keep", type=Path, help="build the run folders here and keep them")
    ap.add_argument("--json", type=Path, help="write the numbers as JSON here")
    args = ap.parse_args(argv)
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="bench-viewer-") as tmp:
            return _run(args, Path(tmp))
    args.keep.mkdir(parents=True, exist_ok=True)
    return _run(args, args.keep)


def _run(args: argparse.Namespace, base: Path) -> int:
    print("building run folders ...", flush=True)
    ches = chesapeake_run(base / "chesapeake")
    sol = solent_run(base / "solent")
    meta = json.loads((sol / "meta.json").read_text())
    n_sol = len(meta["ships"])
    npz_mb = (sol / "track.npz").stat().st_size / 1e6
    res = {}
    res["fps_100_ships_fit"] = bench_fps(ches, args.frames, follow=False)
    res["fps_100_ships_follow_zoomed"] = bench_fps(ches, args.frames, follow=True)
    res["fps_solent_fit"] = bench_fps(sol, args.frames, follow=False)
    load_s, first_frame_s, cold_s = bench_open(sol)
    res.update(open_load_s=load_s, open_first_frame_s=first_frame_s, open_cold_process_s=cold_s)
    print(f"US4MD81M, 100 ships, 1280x800 off-screen, {args.frames} frames at 10x:")
    print(f"  fit view:           {res['fps_100_ships_fit']:7.1f} fps   (goal >= 60)")
    print(f"  zoomed, following:  {res['fps_100_ships_follow_zoomed']:7.1f} fps")
    print(f"Solent AIS, {n_sol} ships, 1 h at 1 s records ({npz_mb:.0f} MB track.npz):")
    print(f"  fit view:           {res['fps_solent_fit']:7.1f} fps")
    print(f"  open (load_scene):  {load_s:7.3f} s")
    print(f"  open + first frame: {first_frame_s:7.3f} s   (goal < 1 s)")
    print(f"  cold process (python -c, imports + open + first frame): {cold_s:.3f} s")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
