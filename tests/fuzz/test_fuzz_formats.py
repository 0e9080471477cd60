"""Fuzz every file format a user writes or brings, through the CLI, against the contract:
exit 2 with one line ``autoship: error: FILE: KEY: message``, or accepted with a sane result.

Inputs are seeded mutations of bundled files (see engine.py); the same seed gives the same
inputs on every machine. The default suite runs a few hundred inputs in total;
``AUTOSHIP_FUZZ_LONG=1`` runs AUTOSHIP_FUZZ_N (10,000) per format.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import numpy as np
import pytest

from .engine import (
    ROOT,
    Campaign,
    absolutize_paths,
    budget,
    maybe_gzip,
    mutate_csv,
    mutate_geojson,
    mutate_nmea,
    mutate_toml,
    run_cli,
)

SCENARIO_SEEDS = [
    "scenarios/imazu/imazu-01.toml",
    "scenarios/imazu/imazu-12.toml",
    "scenarios/crowds/crowd-10.toml",
    "scenarios/planner/headland-route.toml",
    "scenarios/solent/ais-solentais-20160112-130211-01.toml",
    "scenarios/solent-chart/crossing-off-cowes.toml",
]
SWEEP_SEEDS = ["sweeps/ci.toml", "sweeps/dnv-grid.toml", "sweeps/imazu.toml"]
SHIP_SEEDS = sorted(p.name for p in (ROOT / "autoship" / "ships").glob("*.toml"))
NMEA_SEEDS = [
    "tests/data/ais/ais-nmea.log",
    "tests/data/ais/ais-18-27.log",
    "tests/data/ais/sample.aivdm",
    "tests/data/ais/nmea_data_sample.txt",
    "tests/data/ais/stream_example.txt",
    "tests/data/ais/ais-raw-messages.log",
]
CSV_SEEDS = [
    "tests/data/ais/SolentAIS_20160112_130211.csv",
    "tests/charts/data/solent_ais_moving_sample.csv",
]
GEOJSON_SEEDS = [
    "scenarios/planner/charts/synthetic-coast.geojson",
    "charts/solent_land/solent_land_osm.geojson",
]
MAX_SEED_LINES = 200  # seeds are cut to this many lines: the mutations, not the size, matter


def _head(path: str, n: int = MAX_SEED_LINES) -> bytes:
    return b"\n".join((ROOT / path).read_bytes().split(b"\n")[:n])


# --------------------------------------------------------------------------- scenario TOML


def _scenario_oracle(path: Path):
    def oracle(_outcome) -> str | None:
        from autoship.scenario import load_scenario
        from autoship.scenario.loader import (
            BEAM_RANGE_M,
            DRAUGHT_RANGE_M,
            LENGTH_RANGE_M,
            MAX_RANGE_M,
            MAX_SHIPS,
            MAX_TICKS,
            MIN_DT_S,
        )
        from autoship.sweep.generators import check_planners

        scen = load_scenario(path)
        check_planners(scen)
        if not (MIN_DT_S <= scen.dt_s <= 60.0 and 0 < scen.n_ticks <= MAX_TICKS):
            return f"dt_s {scen.dt_s} / {scen.n_ticks} ticks outside the limits"
        if not 1 <= len(scen.ships) <= MAX_SHIPS:
            return f"{len(scen.ships)} ships"
        for s in scen.ships:
            d = s.ship
            if not (
                LENGTH_RANGE_M[0] <= d.length_m <= LENGTH_RANGE_M[1]
                and BEAM_RANGE_M[0] <= d.beam_m <= BEAM_RANGE_M[1]
                and DRAUGHT_RANGE_M[0] <= d.draught_m <= DRAUGHT_RANGE_M[1]
                and d.beam_m < d.length_m
            ):
                return f"ship {s.id}: dimensions {d.length_m} x {d.beam_m} x {d.draught_m}"
            if not math.hypot(s.start_north, s.start_east) <= MAX_RANGE_M:
                return f"ship {s.id}: start {s.start_north}, {s.start_east}"
            if s.goal is not None and not math.hypot(*s.goal) <= MAX_RANGE_M:
                return f"ship {s.id}: goal {s.goal}"
            if not (math.isfinite(s.speed) and 0 <= s.speed <= 60 * 1852 / 3600 + 1e-9):
                return f"ship {s.id}: speed {s.speed}"
            if not (math.isfinite(s.course) and 0 <= s.course < 2 * math.pi):
                return f"ship {s.id}: course {s.course}"
            tr = s.track
            if tr is not None:
                arrays = (tr.t, tr.north, tr.east, tr.vn, tr.ve, tr.heading)
                if not all(np.all(np.isfinite(a)) for a in arrays):
                    return f"ship {s.id}: track with non-finite values"
                if np.any(np.diff(tr.t) <= 0) or np.any(np.hypot(tr.north, tr.east) > MAX_RANGE_M):
                    return f"ship {s.id}: track not increasing or too far"
        return None

    return oracle


def test_fuzz_scenario_toml(tmp_path):
    camp = Campaign("scenario TOML (scenario check)")
    seeds = [absolutize_paths((ROOT / s).read_text(), (ROOT / s).parent) for s in SCENARIO_SEEDS]
    for i in range(budget(240)):
        rng = random.Random(f"scenario-{i}")
        path = tmp_path / "s.toml"
        text = seeds[i % len(seeds)]
        tracks = re.findall(r'^track = "([^"]+)"', text, flags=re.M)
        if tracks and rng.random() < 0.5:  # a damaged recorded track instead of damaged TOML
            src = rng.choice(tracks)
            dst = tmp_path / "track.csv"
            dst.write_bytes(mutate_csv(rng, Path(src).read_bytes()))
            text = text.replace(f'track = "{src}"', f'track = "{dst}"')
        else:
            text = mutate_toml(rng, text)
        path.write_text(text, encoding="utf-8", errors="replace")
        out = camp.check(i, run_cli(["scenario", "check", str(path)]), _scenario_oracle(path))
        camp.record(i, out, path, tmp_path.parent)
    camp.assert_clean()


# --------------------------------------------------------------------------- ship TOML


def _ship_oracle(path: Path):
    def oracle(_outcome) -> str | None:
        from autoship.dynamics import Fleet
        from autoship.dynamics.library import load_ship
        from autoship.dynamics.state import NC, NENV, NX, PSI, U

        sdef = load_ship(str(path))
        for k, v in sdef.model.items():
            if not math.isfinite(float(v)):
                return f"model.{k} = {v}"
        # A ship file that is accepted must also sail: one minute at its service speed.
        X0 = np.zeros((NX, 1))
        X0[U, 0] = min(sdef.service_speed, 5.0)
        fleet = Fleet([sdef], X0)
        C = np.zeros((NC, 1))
        C[1, 0] = X0[U, 0]
        for _ in range(60):
            fleet.step(C, 1.0, np.zeros(NENV))
        if not np.all(np.isfinite(fleet.X)):
            return "state not finite after 60 s"
        del PSI
        return None

    return oracle


def test_fuzz_ship_toml(tmp_path):
    camp = Campaign("ship TOML (scenario check)")
    scen = (ROOT / "scenarios/imazu/imazu-01.toml").read_text()
    ship = tmp_path / "ship.toml"
    scen = scen.replace('model = "generic-cargo"', f'model = "{ship}"', 1)
    scen = scen.replace('model = "container"', f'model = "{ship}"', 1)
    spath = tmp_path / "s.toml"
    spath.write_text(scen)
    seeds = [(ROOT / "autoship" / "ships" / s).read_text() for s in SHIP_SEEDS]
    for i in range(budget(150)):
        rng = random.Random(f"ship-{i}")
        if ship.is_dir():
            ship.rmdir()
        elif ship.exists():
            ship.unlink()
        r = rng.random()
        if r < 0.03:
            ship.mkdir()  # a model path that is a folder
        elif r < 0.06:
            ship.write_bytes(b"\xff\xfe[ship]\nname = \x80\n")  # not UTF-8
        else:
            text = mutate_toml(rng, seeds[i % len(seeds)])
            ship.write_text(text, encoding="utf-8", errors="replace")
        out = run_cli(["scenario", "check", str(spath)])
        out = camp.check(i, out, _ship_oracle(ship))
        camp.record(i, out, ship if ship.is_file() else spath, tmp_path.parent)
    camp.assert_clean()


# --------------------------------------------------------------------------- sweep TOML


def _sweep_oracle(path: Path):
    def oracle(outcome) -> str | None:
        from autoship.scenario.loader import parse_scenario
        from autoship.sweep.generators import MAX_RUNS, check_planners, load_sweep
        from autoship.sweep.runner import plan

        spec = load_sweep(path)
        planned = plan(spec)
        n = len(planned.tasks)
        if not 1 <= n <= MAX_RUNS:
            return f"{n} runs"
        if spec.kind == "random" and n != spec.samples * spec.replicates:
            return f"{n} runs for samples = {spec.samples} x {spec.replicates}"
        if f": {n} runs" not in outcome.out:
            return f"dry run printed {outcome.out[:100]!r} for {n} runs"
        # What a run will load: the first few generated scenarios must pass the loader.
        for case in list(planned.cases.values())[:3]:
            scen = parse_scenario(case.text, case.path)
            check_planners(scen, spec.planner)
        return None

    return oracle


def test_fuzz_sweep_toml(tmp_path):
    camp = Campaign("sweep TOML (sweep --dry-run)")
    seeds = []
    for s in SWEEP_SEEDS:
        text = absolutize_paths((ROOT / s).read_text(), (ROOT / s).parent)
        # Small seeds: the fuzz is about the file's keys, not about generating 1000 scenarios.
        seeds.append(text.replace("samples = 100", "samples = 4").replace("replicates = 5", ""))
    for i in range(budget(100)):
        rng = random.Random(f"sweep-{i}")
        path = tmp_path / "w.toml"
        path.write_text(mutate_toml(rng, seeds[i % len(seeds)]), encoding="utf-8", errors="replace")
        argv = ["sweep", str(path), "--out", str(tmp_path / "out"), "--dry-run"]
        out = camp.check(i, run_cli(argv), _sweep_oracle(path))
        camp.record(i, out, path, tmp_path.parent)
    camp.assert_clean()


# --------------------------------------------------------------------------- AIS


def _ais_oracle(path: Path, kind: str):
    def oracle(outcome) -> str | None:
        from autoship.ais.records import (
            MAX_BEAM_M,
            MAX_DRAUGHT_M,
            MAX_LENGTH_M,
            MMSI_MAX,
            T_MAX_S,
            T_MIN_S,
        )
        from autoship.ais.source import read_ais

        doc = json.loads(outcome.out)
        data = read_ais(path)
        p = data.positions
        t = p.t[np.isfinite(p.t)]
        if np.any(np.isinf(p.t)) or np.any((t < T_MIN_S) | (t >= T_MAX_S)):
            return "a report time outside 2000-2099 was accepted"
        if np.any((p.mmsi < 1) | (p.mmsi > MMSI_MAX)):
            return f"MMSI {p.mmsi.min()}..{p.mmsi.max()} accepted"
        if not (np.all(np.abs(p.lat_deg) <= 90) and np.all(np.abs(p.lon_deg) <= 180)):
            return "a position off the globe was accepted"
        for name in ("sog", "cog", "heading", "rot"):
            a = getattr(p, name)
            if np.any(np.isinf(a)):
                return f"{name} infinite"
        cog = p.cog[np.isfinite(p.cog)]
        if np.any((cog < 0) | (cog >= 2 * math.pi)):
            return "cog outside [0, 2 pi)"
        for sh in data.ships.values():
            for v, hi in ((sh.length_m, MAX_LENGTH_M), (sh.beam_m, MAX_BEAM_M)):
                if v is not None and not 0 < v <= hi:
                    return f"ship {sh.mmsi} dimension {v}"
            if sh.draught_m is not None and not 0 < sh.draught_m <= MAX_DRAUGHT_M:
                return f"ship {sh.mmsi} draught {sh.draught_m}"
        s = data.summary
        if doc["position_reports"] != len(p) or doc["dropped"] != s.dropped:
            return "JSON summary disagrees with the data"
        if kind == "csv" and s.layout != "nmea":
            rows = s.lines - 1
            used = s.messages + s.dropped + s.skipped.get("blank", 0)
            if rows != used:
                return f"{rows} data rows but {used} used, dropped or blank: rows vanished"
        return None

    return oracle


def _ais_campaign(tmp_path, name: str, seeds: list[bytes], mutate, n: int, kind: str) -> None:
    camp = Campaign(name)
    for i in range(budget(n)):
        rng = random.Random(f"{kind}-{i}")
        data, gz = maybe_gzip(rng, mutate(rng, seeds[i % len(seeds)]))
        path = tmp_path / (f"a.{kind}.gz" if gz else f"a.{kind}")
        for old in tmp_path.glob("a.*"):
            old.unlink()
        path.write_bytes(data)
        out = camp.check(i, run_cli(["ais", "info", str(path), "--json"]), _ais_oracle(path, kind))
        camp.record(i, out, path, tmp_path.parent)
    camp.assert_clean()


def test_fuzz_nmea(tmp_path):
    seeds = [_head(s) for s in NMEA_SEEDS]
    _ais_campaign(tmp_path, "NMEA (ais info)", seeds, mutate_nmea, 400, "nmea")


def test_fuzz_ais_csv(tmp_path):
    seeds = [_head(s) for s in CSV_SEEDS]
    _ais_campaign(tmp_path, "AIS CSV (ais info)", seeds, mutate_csv, 400, "csv")


# --------------------------------------------------------------------------- GeoJSON charts


def _count_features(raw: bytes) -> int | None:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        return len(doc.get("features") or [])
    return 1


def _chart_oracle(raw: bytes):
    def oracle(outcome) -> str | None:
        info = json.loads(outcome.out)
        n_file = _count_features(raw)
        n_read = sum(info["layers"].values())
        if n_file is not None and n_read != n_file:
            return f"{n_file} features in the file, {n_read} read"
        h = info["hazards"]
        n_used = h["land"] + h["depth_areas_total"] + h["obstructions_total"]
        n_dropped = sum(info["dropped"].values())
        if n_used + n_dropped < n_read - n_dropped and n_dropped == 0:
            # Coastlines are kept for rendering only; anything else unused must be counted.
            pass
        if n_dropped and not any("skipped" in w for w in info["warnings"]):
            return "features dropped without a warning"
        ex = info["extent"]
        if not (-90 <= ex["lat_min"] <= ex["lat_max"] <= 90):
            return f"extent lat {ex}"
        if not (-180 <= ex["lon_min"] <= ex["lon_max"] <= 180):
            return f"extent lon {ex}"
        if not (math.isfinite(h["area_km2"]) and h["area_km2"] >= 0):
            return f"hazard area {h['area_km2']}"
        # Nothing on the globe is bigger than the chart's own coverage box.
        cov = info["coverage_bbox"]
        dlat = (cov["lat_max"] - cov["lat_min"]) * 111.2
        dlon = (cov["lon_max"] - cov["lon_min"]) * 111.2
        if h["area_km2"] > 1.05 * dlat * max(dlon, 1e-9) + 1.0:
            return f"hazard area {h['area_km2']} km2 larger than the chart coverage"
        return None

    return oracle


@pytest.mark.filterwarnings("ignore")
def test_fuzz_geojson(tmp_path):
    camp = Campaign("GeoJSON (chart info)")
    seeds = [(ROOT / s).read_bytes() for s in GEOJSON_SEEDS]
    for i in range(budget(200)):
        rng = random.Random(f"geojson-{i}")
        raw = mutate_geojson(rng, seeds[i % len(seeds)])
        path = tmp_path / f"c{i % 2}.geojson"  # alternate names: no cache between inputs
        path.write_bytes(raw)
        out = camp.check(i, run_cli(["chart", "info", str(path), "--json"]), _chart_oracle(raw))
        camp.record(i, out, path, tmp_path.parent)
    camp.assert_clean()


# --------------------------------------------------------------------------- ais extract


def _encounter_csv() -> bytes:
    """Two ships crossing 0.2 nm apart at 13:15 (Stone Soup layout): one mined encounter."""
    import datetime

    kn = 1852 / 3600
    rows = ["Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"]
    t0 = datetime.datetime(2016, 1, 12, 13, 0, 0)
    for k in range(0, 1800, 10):
        t = (t0 + datetime.timedelta(seconds=k)).strftime("%Y-%m-%d %H:%M:%S")
        lat = 50.75 + (k - 900) * 10 * kn / 111320
        rows.append(f"{t},235000001,{lat:.7f},-1.1000000,0.0,10.0")
        lon = -1.10 - (k - 900) * 12 * kn / (111320 * math.cos(math.radians(50.75)))
        rows.append(f"{t},235000002,50.7540000,{lon:.7f},270.0,12.0")
    return ("\n".join(rows) + "\n").encode()


def test_fuzz_ais_extract_writes_only_scenarios_check_accepts(tmp_path):
    """`ais extract` on damaged AIS: whatever it writes, `scenario check` accepts."""
    camp = Campaign("AIS CSV (ais extract + scenario check)")
    seed = _encounter_csv()
    for i in range(budget(60)):
        rng = random.Random(f"extract-{i}")
        path = tmp_path / "e.csv"
        path.write_bytes(mutate_csv(rng, seed))
        out_dir = tmp_path / "ex"
        argv = ["ais", "extract", str(path), "--out", str(out_dir), "--force"]

        def oracle(_outcome, out_dir: Path = out_dir) -> str | None:
            if not out_dir.is_dir() or not list(out_dir.glob("*.toml")):
                return None
            check = run_cli(["scenario", "check", str(out_dir)])
            return None if check.code == 0 else f"scenario check: {check.kind}: {check.detail}"

        out = camp.check(i, run_cli(argv), oracle)
        camp.record(i, out, path, tmp_path.parent)
    camp.assert_clean()
