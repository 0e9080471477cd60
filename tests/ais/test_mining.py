"""Encounter mining: a hand-built crossing with known numbers, and a real Solent head-on."""

from __future__ import annotations

import argparse
import csv
import math
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from autoship.ais.mining import extract_to_dir, find_encounters
from autoship.ais.source import read_ais
from autoship.ais.tracks import build_tracks
from autoship.cli import ais as ais_cli
from autoship.errors import AisError
from autoship.geo import LocalFrame
from autoship.units import KNOT, NAUTICAL_MILE

T0 = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
FRAME = LocalFrame(50.0, -1.0)


def _crossing_csv(path, miss_m: float = 100.0, gap=None, gap_sog=(10.0, 10.0)):
    """Own (MMSI 1) north at 10 kn; target (MMSI 2) west at 10 kn from own's starboard side,
    both at the crossing point at t = 1,200 s except for ``miss_m`` (target passes ahead).
    ``gap`` = (t0, t1): the target sends nothing strictly between, and reports SOG
    ``gap_sog`` (kn) at the two ends."""
    v = 10 * KNOT
    rows = ["Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"]
    for k in range(0, 241):
        t = 10.0 * k
        for mmsi, n, e, cog in (
            (211000001, -1200 * v + v * t, 0.0, 0.0),
            (211000002, miss_m, 1200 * v - v * t, 270.0),
        ):
            sog = 10.0
            if mmsi == 211000002 and gap is not None:
                if gap[0] < t < gap[1]:
                    continue
                sog = gap_sog[0] if t == gap[0] else gap_sog[1] if t == gap[1] else sog
            lat, lon = FRAME.to_latlon(n, e)
            stamp = datetime.fromtimestamp(T0 + t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            rows.append(f"{stamp},{mmsi},{float(lat):.8f},{float(lon):.8f},{cog},{sog}")
    path.write_text("\n".join(rows) + "\n")


def test_crossing_found_classified_and_ranked(tmp_path):
    f = tmp_path / "cross.csv"
    _crossing_csv(f)
    ts = build_tracks(read_ais(f), FRAME)
    counts: Counter = Counter()
    encs = find_encounters(ts, max_cpa_nm=0.5, min_speed_kn=5.0, counts=counts)
    assert len(encs) == 1
    e = encs[0]
    # The target comes from own's starboard: own is the give-way ship of a crossing.
    assert (e.own.mmsi, e.target.mmsi) == (211000001, 211000002)
    assert (e.type, e.own_role) == ("crossing", "give-way")
    # Closed form: target - own = (100 + s, s) with s = 1200 v - v t, so the closest approach
    # (|p| min) is at s = -50 m, t = 1200 + 50 / v, with DCPA 50 sqrt(2) m. The scenario starts
    # 600 s before the recorded minimum on the 10 s grid.
    v = 10 * KNOT
    assert e.t_cpa - T0 == pytest.approx(1200 + 50 / v, abs=5.0)
    assert e.t_start == pytest.approx(e.t_cpa - 600.0)
    s0 = 1200 * v - v * (e.t_start - T0)
    tcpa = (s0 + 50.0) / v
    dcpa = 50.0 * math.sqrt(2.0)
    assert e.tcpa_s == pytest.approx(tcpa, abs=1.0)
    assert e.dcpa_m == pytest.approx(dcpa, abs=2.0)
    assert e.min_range_m == pytest.approx(dcpa, abs=5.0)


@pytest.mark.parametrize(
    ("gap", "gap_sog", "known"),
    [
        ((1140.0, 1220.0), (10.0, 10.0), True),  # 80 s without reports: observed
        ((1080.0, 1320.0), (10.0, 10.0), True),  # 4 min, but one straight run at 10 kn
        ((1080.0, 1320.0), (3.0, 10.0), False),  # 4 min and the speed changed: unknown
        ((900.0, 1500.0), (10.0, 10.0), False),  # 10 min: too long to dead-reckon
    ],
)
def test_closest_approach_inside_a_reporting_gap(tmp_path, gap, gap_sog, known):
    """The target's reports stop around the crossing. The line drawn across the gap is where
    it was only when the gap is short or the reports either side agree on one straight run at
    one speed (mining.OBSERVED_GAP_S); otherwise the ranges inside the gap are unknown and
    the pair is judged on the ranges seen either side of it (here over 0.25 nm)."""
    f = tmp_path / "gap.csv"
    _crossing_csv(f, gap=gap, gap_sog=gap_sog)
    ts = build_tracks(read_ais(f), FRAME)
    encs = find_encounters(ts, max_cpa_nm=0.5, min_speed_kn=5.0)
    if known:
        assert len(encs) == 1
        assert encs[0].min_range_m == pytest.approx(50.0 * math.sqrt(2.0), abs=5.0)
    else:
        assert all(e.min_range_m > 0.25 * NAUTICAL_MILE for e in encs)
        assert not find_encounters(ts, max_cpa_nm=0.25, min_speed_kn=5.0)


def test_solent_interpolated_collision_is_no_encounter(solent_csv):
    """Hand-checked in the raw file: 235008564 reports at 14:19:10 (5.8 kn) and next at
    14:23:10 (33.2 kn); 232002589 is silent from 14:17:59 to 14:19:55. Lines drawn across both
    gaps meet at 7 m: an artefact of interpolation, not an encounter."""
    ts = build_tracks(read_ais(solent_csv))
    encs = find_encounters(ts, max_cpa_nm=0.5, min_speed_kn=5.0)
    assert not [e for e in encs if {e.own.mmsi, e.target.mmsi} == {232002589, 235008564}]
    # The real head-on at 0.04 nm, with a 2 min gap of one straight run, is still there.
    assert [e for e in encs if {e.own.mmsi, e.target.mmsi} == {235031303, 235082557}]


def test_no_encounter_when_far_or_slow(tmp_path):
    f = tmp_path / "far.csv"
    _crossing_csv(f, miss_m=2000.0)
    ts = build_tracks(read_ais(f), FRAME)
    assert find_encounters(ts, max_cpa_nm=0.5) == []
    assert find_encounters(ts, max_cpa_nm=1.5, min_speed_kn=12.0) == []
    assert len(find_encounters(ts, max_cpa_nm=1.5)) == 1


def test_extract_writes_loadable_scenarios(tmp_path):
    from autoship.scenario import load_scenario  # test-side check only: ais never imports it

    f = tmp_path / "cross.csv"
    _crossing_csv(f)
    out = tmp_path / "scen"
    res = extract_to_dir(f, out, max_cpa_nm=0.5, min_speed_kn=5.0, planner="keep-course")
    assert [e["scenario"] for e in res["encounters"]] == ["ais-cross-01"]
    scen = load_scenario(out / "ais-cross-01.toml")
    own = next(s for s in scen.ships if s.role == "own")
    tgt = next(s for s in scen.ships if s.role == "target")
    assert own.planner == "keep-course" and tgt.planner == "replay"
    assert own.mmsi == 211000001 and tgt.mmsi == 211000002
    assert math.degrees(own.course) == pytest.approx(0.0, abs=0.5)
    assert own.speed == pytest.approx(10 * KNOT, rel=0.01)
    # The replayed track CSV starts before t = 0 and carries the recorded speed and course.
    with open(out / "tracks" / "ais-cross-01" / "211000002.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert float(rows[0]["t_s"]) < 0.0
    assert {r["sog_kn"] for r in rows} == {"10.0"}
    assert {r["cog_deg"] for r in rows} == {"270.0"}
    assert "heading_deg" not in rows[0]  # the Solent layout has no heading: column left out
    with pytest.raises(AisError, match="not empty"):
        extract_to_dir(f, out)


def test_extract_rejects_snapshots_and_bad_options(tmp_path, data_dir):
    with pytest.raises(AisError, match="no timestamps"):
        extract_to_dir(data_dir / "nmea_data_sample.txt", tmp_path / "a")
    with pytest.raises(AisError):
        extract_to_dir(data_dir / "nmea_data_sample.txt", tmp_path / "b", max_cpa_nm=-1.0)
    with pytest.raises(AisError, match="chart"):
        extract_to_dir(data_dir / "nmea_data_sample.txt", tmp_path / "c", chart=tmp_path / "x")


def test_solent_real_head_on(solent_csv):
    """Hand-checked in the raw file: 235031303 leaves Portsmouth Harbour at 6.6 kn (COG 139 at
    14:23:11.8, 50.81414 N 1.12856 W) while 235082557 comes in at 6.5 kn (COG 317.6 at
    14:22:09, 50.81279 N 1.12573 W; 336.3 at 14:24:08, 50.81559 N 1.12915 W). Interpolated to
    14:23:11.8 the inbound ship is at 50.81426 N 1.12752 W: 13 m north and 73 m east, a
    passing distance of about 0.04 nm on reciprocal courses."""
    d = read_ais(solent_csv)
    ts = build_tracks(d)
    encs = find_encounters(ts, max_cpa_nm=0.5, min_speed_kn=5.0)
    # Roughly 140 pairs come within 1 nm at 5 kn or more (data README); within 0.5 nm and with
    # a rule 13-15 situation ten minutes ahead, tens remain.
    assert 20 <= len(encs) <= 140
    pair = [e for e in encs if {e.own.mmsi, e.target.mmsi} == {235031303, 235082557}]
    assert len(pair) == 1
    e = pair[0]
    assert e.type == "head-on"
    assert e.min_range_m / NAUTICAL_MILE == pytest.approx(0.04, abs=0.01)
    cpa = datetime(2016, 1, 12, 14, 23, 12, tzinfo=UTC).timestamp()
    assert abs(e.t_cpa - cpa) <= 30.0
    assert e.own_speed / KNOT == pytest.approx(6.5, abs=0.7)


def test_cli_extract(tmp_path, capsys):
    f = tmp_path / "cross.csv"
    _crossing_csv(f)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    ais_cli.add_parser(sub)
    args = parser.parse_args(
        [
            "ais",
            "extract",
            str(f),
            "--out",
            str(tmp_path / "o"),
            "--max-cpa-nm",
            "0.3",
            "--min-speed-kn",
            "5",
        ]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "ais-cross-01: crossing" in out and "1 scenario(s) written" in out


def test_own_ship_chosen_by_mmsi(tmp_path):
    f = tmp_path / "cross.csv"
    _crossing_csv(f)
    ts = build_tracks(read_ais(f), FRAME)
    encs = find_encounters(ts, max_cpa_nm=0.5, own_mmsi=211000002)
    assert len(encs) == 1
    e = encs[0]
    # The ship that had the other on its port side: stand-on in the crossing.
    assert (e.own.mmsi, e.target.mmsi) == (211000002, 211000001)
    assert (e.type, e.own_role) == ("crossing", "stand-on")
    assert find_encounters(ts, max_cpa_nm=0.5, own_mmsi=999) == []


def test_solent_extract_with_land_chart(tmp_path, solent_csv):
    """The Solent recording with the bundled OSM land chart: ten or more scenarios that load,
    with no ship starting on land (the raw data has ships moored at berths inside the
    polygons: they are left out). One case per own ship and window: the 12 asked for used
    to be 8 real ships; now the overlapping ones are merged (about 11 remain)."""
    from pathlib import Path

    from autoship.charts import load_chart
    from autoship.scenario import load_scenario

    chart = Path(__file__).resolve().parents[2] / "charts/solent_land/solent_land_osm.geojson"
    if not chart.is_file():
        pytest.skip("bundled Solent land chart not in this checkout")
    out = tmp_path / "solent"
    res = extract_to_dir(solent_csv, out, chart=chart, max_cpa_nm=0.5, min_speed_kn=5.0, limit=12)
    assert 10 <= len(res["encounters"]) <= 12
    types = {e["type"] for e in res["encounters"]}
    assert {"crossing", "overtaking"} <= types
    first = load_scenario(out / "ais-solentais-20160112-130211-01.toml")
    land = load_chart(first.chart.path, first.frame)
    for e in res["encounters"]:
        scen = load_scenario(out / f"{e['scenario']}.toml")
        assert scen.chart is not None
        for s in scen.ships:
            hz = land.hazards(s.ship.draught_m, scen.chart.under_keel_clearance_m)
            assert not bool(hz.contains(s.start_north, s.start_east)), (e["scenario"], s.id)


def test_bundled_solent_scenarios_start_clear_with_the_own_ship_under_way():
    """The mining filters behind scenarios/solent: the own ship is under way and no other ship
    is within 100 m of it at the start, and its own recording is its hand-over reference."""
    from autoship.scenario import load_scenario

    root = Path(__file__).resolve().parents[2] / "scenarios" / "solent"
    files = sorted(root.glob("*.toml"))
    assert len(files) >= 10
    for p in files:
        scen = load_scenario(p)
        own = next(s for s in scen.ships if s.role == "own")
        assert own.speed >= 5 * KNOT, p.name
        assert own.track is not None and scen.profile == "auto"
        for s in scen.ships:
            if s is own:
                continue
            n, e, *_ = s.track.state_at(0.0)
            assert math.hypot(n - own.start_north, e - own.start_east) > 100.0, (p.name, s.id)


def test_bundled_solent_set_is_what_extract_writes(tmp_path, solent_csv):
    """scenarios/solent is the mining's output on the bundled recording, byte for byte (but for
    the chart's relative path): a change to the mining re-mines the set in the same commit."""
    import re

    root = Path(__file__).resolve().parents[2]
    chart = root / "charts/solent_land/solent_land_osm.geojson"
    out = tmp_path / "solent"
    extract_to_dir(solent_csv, out, chart=chart, min_speed_kn=5.0, limit=40)
    bundled = root / "scenarios" / "solent"
    mined = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    have = sorted(
        p.relative_to(bundled) for p in bundled.rglob("*") if p.is_file() and p.name != "README.md"
    )
    assert mined == have
    assert len([p for p in mined if p.suffix == ".toml"]) == 11

    def norm(text: str) -> str:
        return re.sub(r'^path = ".*solent_land_osm.geojson"$', "path = CHART", text, flags=re.M)

    for rel in mined:
        assert norm((out / rel).read_text()) == norm((bundled / rel).read_text()), rel
