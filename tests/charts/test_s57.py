"""The bundled NOAA cell US4MD81M read through pyogrio: counts, updates, places, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from autoship.charts import ChartError, load_chart
from autoship.charts.readers import all_layer_counts

ENC = Path(__file__).resolve().parents[2] / "charts" / "noaa_enc" / "US4MD81M" / "US4MD81M.000"

# Feature counts per object class as GDAL reads the cell with its 3 updates (counted with
# pyogrio 0.13 / GDAL 3.12 on this cell; WRECKS is 111 only with update applied, see below).
EXPECTED = {
    "LNDARE": 183,
    "DEPARE": 525,
    "DEPCNT": 566,
    "COALNE": 1826,
    "OBSTRN": 219,
    "WRECKS": 111,
    "UWTROC": 18,
    "FAIRWY": 20,
    "DRGARE": 7,
    "SOUNDG": 56,
}


def test_layer_counts_as_read(enc_chart):
    counts = all_layer_counts(ENC)
    assert len(counts) == 66
    for layer, n in EXPECTED.items():
        assert counts[layer] == n, layer
    for layer in ("LNDARE", "DEPARE", "OBSTRN", "WRECKS", "UWTROC", "FAIRWY", "COALNE"):
        assert enc_chart.layer_counts[layer] == EXPECTED[layer]
    # Mixed geometry types per layer are split, not dropped: 162 land polygons + 21 points.
    assert len(enc_chart.data.land) == 162
    assert len(enc_chart.data.land_points) == 21


def test_cell_metadata(enc_chart):
    m = enc_chart.metadata
    assert m["edition"] == "31"
    assert m["update"] == 3
    assert m["update_files"] == ["US4MD81M.001", "US4MD81M.002", "US4MD81M.003"]
    assert m["compilation_scale"] == 80000
    # 0.5 mm at 1:80,000.
    assert enc_chart.point_radius_m == pytest.approx(40.0)
    lon0, lat0, lon1, lat1 = enc_chart.extent_lonlat
    assert (lon0, lat0, lon1, lat1) == pytest.approx(
        (-76.6223, 38.3468, -75.9975, 39.0532), abs=1e-4
    )


def test_updates_are_applied(enc_chart):
    d = enc_chart.data
    # Update .00N changed dredged area 022601F229280032: DRVAL1 0.9 m -> 1.6 m (survey DD-37597).
    k = list(d.depth_id).index("022601F229280032")
    assert d.depth_layer[k] == "DRGARE"
    assert d.depth_min_m[k] == pytest.approx(1.6)
    raw = pyogrio.raw.read(str(ENC), layer="DRGARE", UPDATES="IGNORE", read_geometry=False)
    names = list(raw[0]["fields"])
    lnam = list(raw[3][names.index("LNAM")])
    assert raw[3][names.index("DRVAL1")][lnam.index("022601F229280032")] == pytest.approx(0.9)
    # An update inserted wreck 0226063505C31D46 with VALSOU 11.9 m.
    k = list(d.obstruction_id).index("0226063505C31D46")
    assert d.obstruction_layer[k] == "WRECKS"
    assert d.obstruction_depth_m[k] == pytest.approx(11.9)


def test_inserted_wreck_is_a_hazard_only_for_deep_ships(enc_chart):
    d = enc_chart.data
    k = list(d.obstruction_id).index("0226063505C31D46")
    assert not enc_chart.hazard_mask(11.0, 0.5)["obstruction"][k]  # 11.5 m < 11.9 m
    assert enc_chart.hazard_mask(11.0, 1.0)["obstruction"][k]  # 12.0 m > 11.9 m
    p = d.obstructions[k]
    # It lies in a 10.9-18.2 m depth area: a 10 m ship with 0.5 m margin is clear there.
    assert enc_chart.depth_at(p.y, p.x)[0][0] == pytest.approx(10.9)
    assert not enc_chart.hazards(10.0, 0.5).contains(p.y, p.x)[0]
    assert enc_chart.hazards(10.0, 0.5).clearance(p.y, p.x)[0] > 100.0


def test_base_cell_alone_reads_as_update_0(tmp_path, enc_frame):
    shutil.copy(ENC, tmp_path / "US4MD81M.000")
    chart = load_chart(tmp_path / "US4MD81M.000", enc_frame)
    assert chart.metadata["update"] == 0
    assert chart.layer_counts["WRECKS"] == 110
    k = list(chart.data.depth_id).index("022601F229280032")
    assert chart.data.depth_min_m[k] == pytest.approx(0.9)


def test_gap_in_update_sequence_is_an_error(tmp_path, enc_frame):
    for suffix in (".000", ".001", ".003"):
        shutil.copy(ENC.with_suffix(suffix), tmp_path / ("US4MD81M" + suffix))
    with pytest.raises(ChartError, match=r"US4MD81M\.002 is missing") as exc:
        load_chart(tmp_path / "US4MD81M.000", enc_frame)
    assert exc.value.file.endswith("US4MD81M.000")


# Hand-checked places: Kent Island, Annapolis and Tilghman Island are land; the shoal 330 m
# south of Thomas Point Shoal Light is 3.6-5.4 m; the main channel off Chesapeake Beach is
# 10.9-18.2 m; the water east of Bloody Point (the bay's deep trough) is 18.2-36.5 m.
PLACES = [
    ("Kent Island, Stevensville", 38.98, -76.32, "land", None),
    ("Annapolis", 38.978, -76.49, "land", None),
    ("Tilghman Island", 38.71, -76.335, "land", None),
    ("Thomas Point Shoal", 38.896, -76.436, "water", (3.6, 5.4)),
    ("channel off Chesapeake Beach", 38.68, -76.44, "water", (10.9, 18.2)),
    ("trough east of Bloody Point", 38.83, -76.40, "water", (18.2, 36.5)),
]


@pytest.mark.parametrize(("name", "lat", "lon", "kind", "depth"), PLACES)
def test_depth_areas_at_hand_checked_places(enc_chart, enc_frame, name, lat, lon, kind, depth):
    n, e = enc_frame.to_local(lat, lon)
    assert enc_chart.covers(n, e)[0]
    assert enc_chart.is_land(n, e)[0] == (kind == "land")
    d1, d2 = enc_chart.depth_at(n, e)
    if depth is None:
        assert np.isnan(d1[0])
    else:
        assert (d1[0], d2[0]) == pytest.approx(depth)
        shallow_ok = depth[0] - 0.5
        assert not enc_chart.hazards(shallow_ok, 0.0).contains(n, e)[0]
        assert enc_chart.hazards(depth[0] + 0.5, 0.0).contains(n, e)[0]


def test_thomas_point_shoal_light_is_a_hazard_at_any_draught(enc_chart, enc_frame):
    # Published position of the light: 38 deg 53' 56" N, 76 deg 26' 09" W (USCG Light List).
    n, e = enc_frame.to_local(38 + 53 / 60 + 56 / 3600, -(76 + 26 / 60 + 9 / 3600))
    d = shapely.distance(enc_chart.data.land_points, shapely.Point(e, n))
    assert d.min() < 30.0  # charted as a land point (the lighthouse) on the shoal
    assert enc_chart.hazards(0.1, 0.0).contains(n, e)[0]
    # Within the safety radius (0.5 mm at 1:80,000 = 40 m) of the point, not beyond.
    hz = enc_chart.hazards(0.1, 0.0)
    assert hz.contains(n + 25.0, e)[0]
    assert not hz.contains(n - 200.0, e)[0]


def test_coverage(enc_chart, enc_frame):
    n, e = enc_frame.to_local([38.68, 38.0, 39.5], [-76.44, -76.4, -76.3])
    assert list(enc_chart.covers(n, e)) == [True, False, False]


def test_missing_and_unreadable_files(tmp_path, enc_frame):
    with pytest.raises(ChartError, match="not found") as exc:
        load_chart(tmp_path / "nope.000", enc_frame)
    assert exc.value.file.endswith("nope.000")
    junk = tmp_path / "junk.000"
    junk.write_bytes(b"this is not an ISO 8211 file\n" * 10)
    with pytest.raises(ChartError, match="S-57") as exc:
        load_chart(junk, enc_frame)
    assert "\n" not in str(exc.value)


def test_chart_far_from_origin(enc_frame):
    from autoship.geo import LocalFrame

    with pytest.raises(ChartError, match="does not cover the scenario area"):
        load_chart(ENC, LocalFrame(50.78, -1.2))


def test_hazard_polygons_are_valid(enc_chart):
    for draught in (0.5, 3.0, 9.0, 15.0):
        g = enc_chart.hazards(draught, 1.0).geometry
        assert shapely.is_valid(g)
    # More draught, more hazard: the hazard area grows with the draught.
    areas = [enc_chart.hazards(t, 0.0).geometry.area for t in (1.0, 3.0, 6.0, 10.0, 12.0)]
    assert all(a < b for a, b in zip(areas, areas[1:], strict=False))


def test_fairways_are_kept_for_the_routing_rules(enc_chart):
    fairways = enc_chart.routing["FAIRWY"]
    assert len(fairways) == 20
    assert all(shapely.get_type_id(f["geometry"]) in (3, 6) for f in fairways)
    # In the local frame: every fairway lies inside the cell's coverage (metres, not degrees).
    cov = enc_chart.coverage.buffer(1.0)
    assert all(cov.contains(f["geometry"]) for f in fairways)
    assert not any(k.startswith("TSS") for k in enc_chart.routing)  # none in this cell
