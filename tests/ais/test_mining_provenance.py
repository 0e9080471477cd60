"""Mining (issue 13, items 4-5): ship models and sizes from AIS static data or a documented
inference, one case per own ship and window, stationary ships never handed to an avoiding
planner, the human's mission and figures stored with the scenario."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from autoship.ais.emit import ShipIdentity, emit_reports, format_lines
from autoship.ais.mining import (
    extract_to_dir,
    mmsi_kind,
    profile_vessels,
    route_tolerance_m,
)
from autoship.ais.source import read_ais
from autoship.ais.tracks import build_tracks
from autoship.geo import LocalFrame
from autoship.units import KNOT

T0 = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
FRAME = LocalFrame(50.0, -1.0)
ROOT = Path(__file__).resolve().parents[2]
SOLENT_CHART = ROOT / "charts/solent_land/solent_land_osm.geojson"


def _nmea_with_static_data(path: Path) -> None:
    """A crossing written as AIS NMEA with tag-block times, every ship sending static data:
    own (class A, type 5: passenger ship 150 x 24 m, draught 5.5 m) north at 10 kn; target
    (class B, type 24: pleasure craft 12 x 4 m) west at 10 kn from own's starboard side, 200 m
    ahead of it at the crossing (t = 1,200 s); a moored class A ship (type 5: 100 x 16 m, nav
    status 5) 400 m west of the crossing."""
    v = 10 * KNOT
    t = np.arange(0.0, 2401.0, 1.0)
    north = np.stack([-1200 * v + v * t, np.full_like(t, 200.0), np.zeros_like(t)], axis=1)
    east = np.stack([np.zeros_like(t), 1200 * v - v * t, np.full_like(t, -400.0)], axis=1)
    lat, lon = FRAME.to_latlon(north, east)
    sog = np.tile([10.0, 10.0, 0.0], (t.size, 1))
    cog = np.tile([0.0, 270.0, 90.0], (t.size, 1))
    ships = [
        ShipIdentity(
            211000001, "A", name="OWN", ship_type=60, length_m=150, beam_m=24, draught_m=5.5
        ),
        ShipIdentity(211000002, "B", name="YACHT", ship_type=37, length_m=12, beam_m=4),
        ShipIdentity(
            211000003, "A", name="MOORED", ship_type=70, length_m=100, beam_m=16, nav_status=5
        ),
    ]
    msgs = emit_reports(
        t,
        np.asarray(lat),
        np.asarray(lon),
        sog,
        cog,
        cog,
        np.zeros_like(sog),
        ships,
        start_utc_s=T0,
    )
    path.write_text("\n".join(format_lines(msgs, tag_blocks=True)) + "\n")


def _ship_block(text: str, ship_id: str) -> str:
    blocks = text.split("[[ship]]")
    return next(b for b in blocks if f'id = "{ship_id}"' in b)


def test_sizes_and_models_come_from_static_data(tmp_path):
    from autoship.scenario import load_scenario

    f = tmp_path / "static.nmea"
    _nmea_with_static_data(f)
    res = extract_to_dir(f, tmp_path / "out", max_cpa_nm=0.5, min_speed_kn=5.0)
    assert len(res["encounters"]) == 1
    assert res["vessels"] == {"from_static_data": 3, "inferred": 0}
    sid = res["encounters"][0]["scenario"]
    path = tmp_path / "out" / f"{sid}.toml"
    scen = load_scenario(path)
    ships = {s.mmsi: s for s in scen.ships}
    own, yacht, moored = ships[211000001], ships[211000002], ships[211000003]
    # Type 60, 150 m: the ferry scaled to the AIS length and beam, the AIS draught.
    assert own.role == "own"
    assert own.ship.name == "ferry"
    assert (own.ship.length_m, own.ship.beam_m, own.ship.draught_m) == (150.0, 24.0, 5.5)
    assert own.ship_type == 60 and own.ais_class == "A"
    # Type 37, 12 x 4 m from the class B type 24 message; no draught in type 24: the model's.
    assert yacht.ship.name == "motor-yacht"
    assert (yacht.ship.length_m, yacht.ship.beam_m) == (12.0, 4.0)
    assert yacht.ship_type == 37 and yacht.ais_class == "B"
    # The moored ship keeps its AIS status and is never given to an avoiding planner.
    assert moored.nav_status == 5 and moored.planner == "replay"
    assert moored.handover is False and moored.handover_planner is None
    assert yacht.handover_planner is None
    text = path.read_text()
    assert "AIS (static data, A+B)" in _ship_block(text, "own-211000001")
    assert "AIS (static data, C+D)" in _ship_block(text, "own-211000001")
    assert "AIS (type 5 static data)" in _ship_block(text, "own-211000001")
    assert "default (motor-yacht proportions)" in _ship_block(text, "ais-211000002")
    assert "moored (AIS nav status 5)" in _ship_block(text, "ais-211000003")


def _csv(path: Path, ships: list[tuple[int, float, float, float]], span_s: float = 1800.0):
    """Solent-layout CSV: per ship (mmsi, report interval s, speed kn, east offset m), heading
    north from the origin; no static data."""
    rows = ["Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"]
    for mmsi, every, kn, east in ships:
        for t in np.arange(0.0, span_s, every):
            lat, lon = FRAME.to_latlon(kn * KNOT * t, east)
            stamp = datetime.fromtimestamp(T0 + t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            rows.append(f"{stamp},{mmsi},{float(lat):.8f},{float(lon):.8f},0.0,{kn}")
    path.write_text("\n".join(rows) + "\n")


def test_inference_without_static_data(tmp_path):
    f = tmp_path / "nostatic.csv"
    _csv(
        f,
        [
            (235000011, 30.0, 6.0, 0.0),  # class B interval, 6 kn: sailing yacht
            (235000012, 2.0, 30.0, 2000.0),  # class A, 30 kn: high-speed craft
            (247000000, 10.0, 12.0, 4000.0),  # seagoing MMSI (xxx000), 12 kn: cargo ship
            (235000014, 10.0, 10.0, 6000.0),  # class A, 10 kn: harbour workboat
            (982350001, 30.0, 0.0, 8000.0),  # craft of a parent ship, lying still
        ],
    )
    prof = profile_vessels(build_tracks(read_ais(f), FRAME), read_ais(f))
    yacht, hsc, cargo, work, tender = (
        prof[m] for m in (235000011, 235000012, 247000000, 235000014, 982350001)
    )
    assert (yacht.ais_class, yacht.model) == ("B", "sailing-yacht")
    assert yacht.source["ais_class"].startswith("inferred")
    assert hsc.model == "pilot-boat" and hsc.label == "high-speed craft"
    assert (hsc.ais_class, work.ais_class, tender.ais_class) == ("A", "A", None)
    assert cargo.label == "seagoing cargo ship" and cargo.model == "tanker"
    assert work.model == "tug"
    assert tender.label == "small craft lying still"
    for p in prof.values():
        # No inference sets an AIS ship type (rule 18 reads it) or claims to be AIS data.
        assert p.ship_type is None and not p.from_static_data
        assert p.source["model"].startswith("inferred")
        assert p.length_m > 0 and p.beam_m < p.length_m
        # The model can sail the recorded speed (Froude-lengthened where needed).
        assert p.top_speed_kn >= 0.95 * p.vmax_kn
    # Not one placeholder: five behaviours, at least four models and four sizes.
    assert len({p.model for p in prof.values()}) >= 4
    assert len({round(p.length_m) for p in prof.values()}) >= 4


@pytest.mark.parametrize(
    ("mmsi", "kind"),
    [
        (235031303, "ship"),
        (311855000, "seagoing"),
        (823512345, "handheld"),
        (982351234, "craft-of-parent"),
        (111232506, "sar-aircraft"),
        (992351234, "aid-to-navigation"),
        (2320001, "coast-station"),
        (970012345, "distress-device"),
        (23500001, "invalid"),
    ],
)
def test_mmsi_kind(mmsi, kind):
    assert mmsi_kind(mmsi) == kind


def _two_crossings(path: Path) -> None:
    """Own (MMSI 1) north at 10 kn; two targets crossing from starboard 150 s apart: one real
    window for the own ship, two candidate encounters."""
    v = 10 * KNOT
    rows = ["Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots"]
    for k in range(0, 241):
        t = 10.0 * k
        for mmsi, n, e, cog in (
            (211000001, -1200 * v + v * t, 0.0, 0.0),
            (211000002, 100.0, 1200 * v - v * t, 270.0),
            (211000004, 100.0 + 150 * v, 1350 * v - v * t, 270.0),
        ):
            lat, lon = FRAME.to_latlon(n, e)
            stamp = datetime.fromtimestamp(T0 + t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            rows.append(f"{stamp},{mmsi},{float(lat):.8f},{float(lon):.8f},{cog},10.0")
    path.write_text("\n".join(rows) + "\n")


def test_one_case_per_own_ship_and_window(tmp_path):
    f = tmp_path / "two.csv"
    _two_crossings(f)
    res = extract_to_dir(f, tmp_path / "o", max_cpa_nm=0.5, min_speed_kn=5.0)
    own = [e for e in res["encounters"] if e["own_mmsi"] == 211000001]
    assert len(own) == 1
    assert res["candidates"]["same_own_ship_and_window"] == 1
    other = ({211000002, 211000004} - {own[0]["target_mmsi"]}).pop()
    assert own[0]["also"] == [other]
    text = (tmp_path / "o" / f"{own[0]['scenario']}.toml").read_text()
    assert f"Also in this window (same own ship, one case): crossing with {other}" in text


# -- the bundled Solent recording --------------------------------------------------------------


@pytest.fixture(scope="module")
def solent_cases(tmp_path_factory, solent_csv):
    if not SOLENT_CHART.is_file():
        pytest.skip("bundled Solent land chart not in this checkout")
    out = tmp_path_factory.mktemp("solent")
    res = extract_to_dir(
        solent_csv, out, chart=SOLENT_CHART, max_cpa_nm=0.5, min_speed_kn=5.0, limit=40
    )
    return out, res


def _recorded(text: str) -> dict[str, float]:
    return {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"^# recorded\.([\w.-]+) = ([-\d.]+)", text, re.MULTILINE)
    }


def _route(text: str) -> list[tuple[float, float, float]]:
    return [
        (float(a), float(b), float(c))
        for a, b, c in re.findall(r"^#   \[([-\d.]+), ([-\d.]+), ([-\d.]+)\],$", text, re.MULTILINE)
    ]


def test_solent_no_two_cases_share_an_own_ship_and_window(solent_cases):
    _, res = solent_cases
    cases = res["encounters"]
    assert len(cases) >= 8
    spans = [
        (
            e["own_mmsi"],
            datetime.fromisoformat(e["start_utc"]).timestamp(),
            datetime.fromisoformat(e["start_utc"]).timestamp() + e["duration_s"],
        )
        for e in cases
    ]
    for i, (m1, a1, b1) in enumerate(spans):
        for m2, a2, b2 in spans[i + 1 :]:
            assert not (m1 == m2 and a1 < b2 and a2 < b1), (m1, a1, a2)
    # And no real encounter (pair of ships) twice in one window.
    pairs = [frozenset((e["own_mmsi"], e["target_mmsi"])) for e in cases]
    assert len(pairs) == len(set(pairs))


def test_solent_stationary_ships_stay_replayed_and_are_never_handed_to_a_planner(solent_cases):
    from autoship.charts import load_chart
    from autoship.scenario import load_scenario

    out, res = solent_cases
    n_still = 0
    for e in res["encounters"]:
        scen = load_scenario(out / f"{e['scenario']}.toml")
        land = load_chart(scen.chart.path, scen.frame)
        for s in scen.ships:
            if s.role == "own":
                continue
            assert s.planner == "replay"
            tr = s.track
            inside = (tr.t >= 0.0) & (tr.t <= scen.duration_s)
            n0, e0, *_ = tr.state_at(0.0)
            n1, e1, *_ = tr.state_at(scen.duration_s)
            nn = np.r_[n0, tr.north[inside], n1]
            ee = np.r_[e0, tr.east[inside], e1]
            spread = float(np.hypot(nn - np.median(nn), ee - np.median(ee)).max())
            listed = s.id.removeprefix("ais-") in e["stationary"]
            if listed or spread <= 10.0 or s.nav_status in (1, 5):
                n_still += 1
                # Passive: if the loop ever hands it over it keeps its speed, which is zero
                # (replayed at rest at its median position), clear of the quay it lies at.
                assert s.handover is False, (e["scenario"], s.id)
                assert np.all(tr.vn == 0.0) and np.all(tr.ve == 0.0), (e["scenario"], s.id)
                hz = land.hazards(s.ship.draught_m, scen.chart.under_keel_clearance_m)
                assert hz.clearance(n0, e0)[0] >= 0.5 * s.ship.length_m, (e["scenario"], s.id)
            else:
                assert s.handover_planner is None, (e["scenario"], s.id)
            # On land at the start: left out (a berth inside the land polygon).
            hz = land.hazards(s.ship.draught_m, scen.chart.under_keel_clearance_m)
            assert not bool(hz.contains(n0, e0)[0]), (e["scenario"], s.id)
    assert n_still > 20  # the Solent recording is full of moored and anchored ships


def test_solent_sizes_are_inferred_not_a_placeholder(solent_cases):
    out, res = solent_cases
    # The Solent CSV has no static data: every size is an inference, and says so.
    assert res["vessels"]["from_static_data"] == 0 and res["vessels"]["inferred"] > 20
    models, lengths = set(), set()
    for e in res["encounters"]:
        text = (out / f"{e['scenario']}.toml").read_text()
        for block in text.split("[[ship]]")[1:]:
            models.add(re.search(r'^model = "([\w-]+)"', block, re.MULTILINE).group(1))
            lengths.add(float(re.search(r"^length_m = ([\d.]+)", block, re.MULTILINE).group(1)))
            assert re.search(r"^#   length: (default|inferred)", block, re.MULTILINE)
            assert "ship_type =" not in block  # no inference claims an AIS ship type
    assert len(models) >= 5 and len(lengths) >= 8


def test_solent_own_ship_mission_and_recorded_figures(solent_cases):
    from autoship.scenario import load_scenario

    out, res = solent_cases
    for e in res["encounters"]:
        path = out / f"{e['scenario']}.toml"
        text = path.read_text()
        scen = load_scenario(path)
        own = next(s for s in scen.ships if s.role == "own")
        rec = _recorded(text)
        # Path length of the recorded track, at least the straight line between its ends.
        assert rec["path_length_m"] >= rec["straight_line_m"] - 1.0
        assert rec["duration_s"] == pytest.approx(scen.duration_s, abs=1.0)
        grid = np.arange(0.0, scen.duration_s + 0.5, 1.0)
        o = np.array([own.track.state_at(t)[:2] for t in grid])
        steps = np.hypot(*np.diff(o, axis=0).T)
        assert rec["path_length_m"] == pytest.approx(float(steps.sum()), rel=0.02, abs=5.0)
        # Minimum separation to the target, as the scenario's own tracks give it.
        tgt = next(s for s in scen.ships if s.mmsi == e["target_mmsi"])
        q = np.array([tgt.track.state_at(t)[:2] for t in grid])
        d = float(np.hypot(*(q - o).T).min())
        assert rec[f"min_separation_m.{tgt.id}"] == pytest.approx(d, abs=3.0)
        # The route: recorded timing, every recorded point within the stated tolerance of it,
        # the goal at its last waypoint (the recorded position at the scenario end).
        route = _route(text)
        assert route[0][0] == 0.0 and route[-1][0] == pytest.approx(scen.duration_s, abs=1.0)
        wp = np.array([scen.frame.to_local(la, lo) for _, la, lo in route], dtype=float)
        assert own.goal == pytest.approx(tuple(wp[-1]), abs=0.5)
        # ... and the planner's route is those waypoints after the start
        assert own.route is not None and own.route[-1] == own.goal
        np.testing.assert_allclose(np.array(own.route[:-1]), wp[1:-1], atol=0.5)
        tol = route_tolerance_m(own.ship.length_m)
        for p in o[:: max(1, len(o) // 60)]:
            a, b = wp[:-1], wp[1:]
            ab = b - a
            lam = np.clip(
                np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-9),
                0.0,
                1.0,
            )
            dist = np.hypot(*(a + lam[:, None] * ab - p).T).min()
            assert dist <= tol + 2.0, (e["scenario"], dist)
        # The own ship is never asked for more than its model's top speed.
        block = _ship_block(text, own.id)
        top = float(re.search(r"model top speed ([\d.]+) kn", block).group(1))
        assert own.speed / KNOT <= top + 0.05


def _land_chart(path: Path, island_east_m: float) -> None:
    """GeoJSON land: an island beside the own ship's start (north -3,300..-2,900 m, from
    ``island_east_m`` eastwards 50 m) and two far corner rocks that stretch the chart's extent
    over the whole crossing."""
    import json

    def square(n0, n1, e0, e1):
        ring = [(n0, e0), (n0, e1), (n1, e1), (n1, e0), (n0, e0)]
        pts = []
        for n, e in ring:
            lat, lon = FRAME.to_latlon(n, e)
            pts.append([float(lon), float(lat)])
        return {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [pts]},
        }

    feats = [
        square(-3300, -2900, island_east_m, island_east_m + 50),
        square(-8000, -7900, -8000, -7900),
        square(7900, 8000, 7900, 8000),
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


@pytest.mark.parametrize(("island_east_m", "kept"), [(8.0, False), (300.0, True)])
def test_start_checked_against_the_chart(tmp_path, island_east_m, kept):
    from tests.ais.test_mining import _crossing_csv

    f = tmp_path / "cross.csv"
    _crossing_csv(f, miss_m=200.0)
    chart = tmp_path / "land.geojson"
    _land_chart(chart, island_east_m)
    res = extract_to_dir(f, tmp_path / "o", chart=chart, max_cpa_nm=0.5, min_speed_kn=5.0)
    assert len(res["encounters"]) == (1 if kept else 0)
    assert res["candidates"].get("start_close_to_hazard", 0) == (0 if kept else 1)
