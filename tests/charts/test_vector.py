"""Vector charts through pyogrio: the Solent OSM land, CRS handling, attributes, repairs."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from autoship.charts import ChartError, ChartWarning, load_chart
from autoship.geo import LocalFrame

FRAME = LocalFrame(50.78, -1.20)
DATA = Path(__file__).resolve().parent / "data"


def test_solent_land(solent_chart, solent_frame):
    assert solent_chart.format == "GeoJSON"
    assert solent_chart.layer_counts == {"solent_land_osm": 76}
    assert solent_chart.extent_lonlat == pytest.approx((-1.45, 50.5748, -0.85, 50.95), abs=1e-4)
    # Cowes (Isle of Wight) and Southampton are land; mid-Solent off Cowes is water.
    places = [(50.755, -1.300, True), (50.905, -1.400, True), (50.78, -1.28, False)]
    lat, lon, land = (np.array(v) for v in zip(*places, strict=True))
    n, e = solent_frame.to_local(lat, lon)
    assert list(solent_chart.hazards(5.0).contains(n, e)) == list(land)
    assert solent_chart.covers(n, e).all()


def test_moving_solent_ships_are_off_land(solent_chart, solent_frame):
    """Real AIS: 400 reports of ships under way (> 3 kn) in the Solent, 2016-01-12. The only ones
    on OSM land are MMSI 235007473 at the Southsea (50.785 N, 1.100 W) and Ryde (50.733 N,
    1.159 W) terminals: the Solent hovercraft, which drives up the beach; in the full recording
    that is 19 of 8,572 moving reports, all this MMSI, all within 50 m of the shoreline."""
    with (DATA / "solent_ais_moving_sample.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    lat = np.array([float(r["Latitude_degrees"]) for r in rows])
    lon = np.array([float(r["Longitude_degrees"]) for r in rows])
    mmsi = np.array([r["MMSI"] for r in rows])
    n, e = solent_frame.to_local(lat, lon)
    hz = solent_chart.hazards(draught_m=0.0)
    on_land = hz.contains(n, e)
    assert on_land.sum() == 2
    assert set(mmsi[on_land]) == {"235007473"}
    assert (hz.boundary_distance(n[on_land], e[on_land]) < 50.0).all()
    assert np.median(hz.clearance(n, e)) > 200.0


def _write_geojson(path: Path, features: list[dict], crs: str | None = "EPSG:4326") -> Path:
    doc = {"type": "FeatureCollection", "features": features}
    if crs is not None and crs != "EPSG:4326":
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc))
    return path


def _feature(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def _square_lonlat(frame, n0, e0, size):
    n = np.array([n0, n0, n0 + size, n0 + size, n0])
    e = np.array([e0, e0 + size, e0 + size, e0, e0])
    lat, lon = frame.to_latlon(n, e)
    return shapely.Polygon(np.column_stack([lon, lat]))


def test_reprojected_file_lands_in_the_same_place(tmp_path):
    """The same square as lon/lat and as British National Grid (EPSG:27700) coordinates."""
    sq = _square_lonlat(FRAME, 1000.0, 2000.0, 500.0)
    a = _write_geojson(tmp_path / "a.geojson", [_feature(sq)])
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    bng = shapely.transform(sq, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    b = _write_geojson(tmp_path / "b.geojson", [_feature(bng)], crs="urn:ogc:def:crs:EPSG::27700")
    ga = load_chart(a, FRAME).hazards(1.0).geometry
    gb = load_chart(b, FRAME).hazards(1.0).geometry
    # Same place to a centimetre: the datum shift OSGB36 -> WGS84 (~100 m here) is applied.
    assert shapely.hausdorff_distance(ga, gb) < 0.01
    assert ga.area == pytest.approx(250_000.0, rel=1e-4)
    c = ga.centroid
    assert (c.y, c.x) == pytest.approx((1250.0, 2250.0), abs=0.5)


def test_depth_attributes_and_point_hazards(tmp_path):
    shoal = _square_lonlat(FRAME, 0.0, 0.0, 1000.0)
    land = _square_lonlat(FRAME, 3000.0, 0.0, 500.0)
    lat, lon = FRAME.to_latlon(-2000.0, 500.0)
    rock = shapely.Point(float(lon), float(lat))
    path = _write_geojson(
        tmp_path / "c.geojson",
        [
            _feature(shoal, DRVAL1=4.0, DRVAL2=6.0),
            _feature(land),
            _feature(rock, valsou=3.0),
        ],
    )
    chart = load_chart(path, FRAME)
    assert chart.depth_range_m() == (4.0, 6.0)
    shallow = chart.hazards(2.0, 0.5)
    deep = chart.hazards(5.0, 0.5)
    assert not shallow.contains(500.0, 500.0)[0]
    assert deep.contains(500.0, 500.0)[0]
    assert shallow.contains(3200.0, 200.0)[0] and deep.contains(3200.0, 200.0)[0]
    # The rock (3 m) with its 20 m safety radius, only for the deep ship.
    assert not shallow.contains(-2000.0, 510.0)[0]
    assert deep.contains(-2000.0, 515.0)[0]
    assert not deep.contains(-2000.0, 525.0)[0]


def test_invalid_geometry_is_repaired_with_a_counted_warning(tmp_path):
    # A bow-tie (self-intersecting) island and a valid one.
    n = np.array([0.0, 1000.0, 0.0, 1000.0, 0.0])
    e = np.array([0.0, 1000.0, 1000.0, 0.0, 0.0])
    lat, lon = FRAME.to_latlon(n, e)
    bowtie = {"type": "Polygon", "coordinates": [np.column_stack([lon, lat]).tolist()]}
    ok = _square_lonlat(FRAME, 5000.0, 5000.0, 100.0)
    feats = [{"type": "Feature", "properties": {}, "geometry": bowtie}, _feature(ok)]
    path = _write_geojson(tmp_path / "bowtie.geojson", feats)
    with pytest.warns(ChartWarning, match="repaired 1 invalid geometry"):
        chart = load_chart(path, FRAME)
    assert chart.warnings and "bowtie.geojson" in chart.warnings[0]
    hz = chart.hazards(1.0)
    assert shapely.is_valid(hz.geometry)
    # Both triangles of the bow-tie are kept.
    assert hz.contains([500.0, 500.0], [200.0, 800.0]).tolist() == [True, True]
    assert hz.contains([200.0, 800.0], [500.0, 500.0]).tolist() == [False, False]


def test_file_without_crs_is_rejected(tmp_path):
    path = tmp_path / "nocrs.shp"
    geom = shapely.to_wkb(np.array([shapely.box(0, 0, 1, 1)]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyogrio warns that the file will have no CRS: the point
        pyogrio.raw.write(
            str(path), geometry=geom, field_data=[], fields=[], geometry_type="Polygon", crs=None
        )
    with pytest.raises(ChartError, match="no coordinate reference system") as exc:
        load_chart(path, FRAME)
    assert exc.value.file.endswith("nocrs.shp")


def test_unreadable_and_empty_files(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{ not json")
    with pytest.raises(ChartError, match="not valid JSON|not a readable vector file"):
        load_chart(bad, FRAME)
    empty = _write_geojson(tmp_path / "empty.geojson", [])
    with pytest.raises(ChartError, match="no features"):
        load_chart(empty, FRAME)
    with pytest.raises(ChartError, match="not found"):
        load_chart(tmp_path / "missing.geojson", FRAME)


def test_chart_elsewhere_does_not_cover_the_scenario(tmp_path):
    far = LocalFrame(38.7, -76.35)
    sq = _square_lonlat(FRAME, 0.0, 0.0, 500.0)
    path = _write_geojson(tmp_path / "d.geojson", [_feature(sq)])
    with pytest.raises(ChartError, match="does not cover the scenario area"):
        load_chart(path, far)


def test_no_warnings_on_the_bundled_solent_file(tmp_path):
    src = Path(__file__).resolve().parents[2] / "charts" / "solent_land" / "solent_land_osm.geojson"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = load_chart(src, LocalFrame(50.7, -1.1))
    assert chart.warnings == []


def test_viewer_json(solent_chart, enc_chart):
    for chart, draught in ((solent_chart, None), (enc_chart, 9.0)):
        doc = chart.to_viewer_json(draught_m=draught)
        text = json.dumps(doc)
        assert len(text) < 5_000_000
        kinds = {p["kind"] for p in doc["polygons"]}
        assert "land" in kinds
        for p in doc["polygons"]:
            assert set(p) == {"kind", "drval1", "drval2", "rings"}
            for ring in p["rings"]:
                assert ring[0] == ring[-1] and len(ring) >= 4
    doc = enc_chart.to_viewer_json(draught_m=9.0)
    assert {"land", "depth", "hazard"} <= {p["kind"] for p in doc["polygons"]}
    assert any(p["kind"] == "wrecks" and p["depth_m"] == 11.9 for p in doc["points"])
