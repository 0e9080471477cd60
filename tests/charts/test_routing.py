"""autoship.charts.routing: lanes, separation zones and fairways on hand-worked geometry.

Frame: shapely x = east, y = north; queries take (north, east). Bearings are deg true.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely

from autoship.charts.chart import load_chart
from autoship.charts.routing import Routing, RoutingFeature, principal_axis_deg
from autoship.errors import ChartError
from autoship.geo import LocalFrame


def box(e0, n0, e1, n1):
    return shapely.box(e0, n0, e1, n1)


# A straight fairway 4000 m long east-west and 400 m wide: centreline north = 0.
STRAIGHT = Routing([RoutingFeature("FAIRWY", box(0, -200, 4000, 200))])

# A bent fairway: an east-west leg (north -200..200, east 0..2000) turning north into a
# north-south leg (east 1600..2000, north -200..3000); both 400 m wide.
BENT = Routing(
    [RoutingFeature("FAIRWY", shapely.union(box(0, -200, 2000, 200), box(1600, -200, 2000, 3000)))]
)

# A scheme with two 1000 m lanes and a 1000 m separation zone between them, all east-west over
# 10 km: westbound lane north of the zone (ORIENT 270), eastbound south of it (ORIENT 90).
TSS = Routing(
    [
        RoutingFeature("TSSLPT", box(-5000, 500, 5000, 1500), 270.0, "westbound"),
        RoutingFeature("TSEZNE", box(-5000, -500, 5000, 500)),
        RoutingFeature("TSSLPT", box(-5000, -1500, 5000, -500), 90.0, "eastbound"),
        RoutingFeature("TSSBND", shapely.LineString([(-5000, 1500), (5000, 1500)])),
    ]
)


def test_empty_routing_answers_outside():
    r = Routing()
    assert r.empty and not r.has_fairways and not r.has_tss
    assert np.isnan(r.lane_direction([0.0, 1.0], [0.0, 1.0])).all()
    assert not r.in_separation_zone([0.0], [0.0]).any()
    inside, axis, lat = r.fairway_at([0.0], [0.0], [90.0])
    assert not inside.any() and np.isnan(axis).all() and np.isnan(lat).all()
    assert Routing.from_chart_json(None).empty
    assert Routing.from_chart_json({"polygons": []}).empty


def test_straight_fairway_axis_and_starboard_side():
    # 100 m north of the centreline: port side of an eastbound ship (starboard is south),
    # starboard side of a westbound one; lateral = 100 / 200.
    inside, axis, lat = STRAIGHT.fairway_at(
        [100.0, 100.0, -150.0], [2000.0] * 3, [85.0, 265.0, 95.0]
    )
    assert inside.all()
    np.testing.assert_allclose(axis, [90.0, 270.0, 90.0], atol=1e-6)
    np.testing.assert_allclose(lat, [-0.5, 0.5, 0.75], atol=1e-6)
    assert STRAIGHT.has_fairways and not STRAIGHT.has_tss


def test_straight_fairway_outside_and_on_the_limit():
    inside, axis, lat = STRAIGHT.fairway_at([300.0, -200.0], [2000.0, 2000.0], [90.0, 90.0])
    assert not inside[0] and math.isnan(axis[0]) and math.isnan(lat[0])
    # On the southern limit, eastbound: the starboard limit.
    assert inside[1]
    assert lat[1] == pytest.approx(1.0)


def test_fairway_orient_overrides_shape():
    # A square "fairway" has no principal axis; its ORIENT gives it one.
    r = Routing([RoutingFeature("FAIRWY", box(0, 0, 1000, 1000), 45.0)])
    _, axis, lat = r.fairway_at([500.0], [500.0], [200.0])
    assert axis[0] == pytest.approx(225.0)
    assert lat[0] == pytest.approx(0.0, abs=1e-9)


def test_bent_fairway_follows_each_leg():
    # East-west leg, eastbound ship 100 m south of the centreline: starboard side, +0.5.
    # North-south leg, northbound ship 100 m east of the centreline (east 1800): +0.5.
    inside, axis, lat = BENT.fairway_at([-100.0, 2000.0], [500.0, 1900.0], [90.0, 0.0])
    assert inside.all()
    np.testing.assert_allclose(axis % 360.0, [90.0, 0.0], atol=1.0)
    np.testing.assert_allclose(lat, [0.5, 0.5], atol=0.02)
    # Southbound in the north-south leg, 100 m west of its centreline: starboard is west, +0.5.
    _, axis, lat = BENT.fairway_at([2500.0], [1700.0], [180.0])
    assert axis[0] == pytest.approx(180.0, abs=1.0)
    assert lat[0] == pytest.approx(0.5, abs=0.02)


def test_track_inside_a_fairway_gives_its_axis():
    # The straight east-west fairway with a recommended track at 085 deg along it (3000 m, from
    # 131 m south to 131 m north of the centreline): near the track its direction is the axis,
    # not the polygon's 090.
    dn = 1500.0 / math.tan(math.radians(85.0))
    track = shapely.LineString([(500.0, -dn), (3500.0, dn)])
    r = Routing(
        [RoutingFeature("FAIRWY", box(0, -200, 4000, 200)), RoutingFeature("RECTRC", track, 85.0)]
    )
    _, axis, _ = r.fairway_at([0.0, 0.0], [2000.0, 2000.0], [200.0, 10.0])
    np.testing.assert_allclose(axis, [265.0, 85.0], atol=1e-6)
    # A track across the fairway (400 m inside it) is not its axis.
    across = shapely.LineString([(2000.0, -500.0), (2000.0, 500.0)])
    r = Routing(
        [RoutingFeature("FAIRWY", box(0, -200, 4000, 200)), RoutingFeature("NAVLNE", across)]
    )
    assert r.fairway_at([0.0], [2100.0], [80.0])[1][0] == pytest.approx(90.0)


def test_dredged_channel_counts_basin_does_not():
    r = Routing(
        [
            RoutingFeature("DRGARE", box(0, 0, 3000, 150)),  # channel: 20 widths long
            RoutingFeature("DRGARE", box(5000, 0, 5400, 400)),  # turning basin
        ]
    )
    assert len(r.channels) == 1
    assert r.fairway_index([75.0, 200.0], [1000.0, 5200.0]).tolist() == [0, -1]


def test_tss_lanes_zone_and_lateral():
    north = np.array([1000.0, 0.0, -1000.0, 2000.0])
    east = np.zeros(4)
    np.testing.assert_array_equal(TSS.lane_direction(north, east)[[0, 2]], [270.0, 90.0])
    assert np.isnan(TSS.lane_direction(north, east)[[1, 3]]).all()
    assert TSS.in_separation_zone(north, east).tolist() == [False, True, False, False]
    assert TSS.lane_index(north, east).tolist() == [0, -1, 1, -1]
    # Westbound lane, centre north = 1000, half width 500: 200 m north is +0.4 (starboard of a
    # westbound ship); eastbound lane, centre -1000: 200 m north is port of eastbound, -0.4.
    np.testing.assert_allclose(TSS.lane_lateral([1200.0, -800.0], [0.0, 0.0]), [0.4, -0.4])
    assert TSS.has_tss and not TSS.has_fairways


def test_record_round_trip():
    record = {"polygons": [], "routing": TSS.to_json() + STRAIGHT.to_json()}
    r = Routing.from_chart_json(record)
    assert len(r.lanes) == 2 and len(r.zones) == 1 and len(r.channels) == 1
    assert r.lane_direction([1000.0], [0.0])[0] == 270.0
    assert r.lanes[0].name == "westbound"
    # A malformed item is skipped, not fatal.
    bad = Routing.from_chart_json({"routing": [{"class": "TSEZNE", "geometry": "nonsense"}]})
    assert bad.empty


def test_principal_axis_of_rotated_rectangle():
    rect = shapely.affinity.rotate(box(-1000, -100, 1000, 100), -40.0, origin=(0, 0))
    axis, ratio = principal_axis_deg(rect)
    # Rotating the east-west strip 40 deg clockwise gives an axis at 090 + 40 = 130 (or 310).
    assert axis == pytest.approx(130.0, abs=1e-6)
    assert ratio == pytest.approx(100.0, rel=1e-6)


def test_from_chart_features_mapping():
    r = Routing.from_features(
        {"TSSLPT": [{"geometry": box(0, 0, 100, 1000), "orient_deg": 0.0, "name": None}]}
    )
    assert r.lane_direction([500.0], [50.0])[0] == 0.0


# --- reading: S-57 and vector charts ----------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
ENC = REPO / "charts" / "noaa_enc" / "US4MD81M" / "US4MD81M.000"
TSS_DEMO = REPO / "charts" / "tss_demo" / "harrow_bank_tss.geojson"
DEMO_FRAME = LocalFrame(54.20, 3.00)


def _geojson(tmp_path, features) -> Path:
    p = tmp_path / "chart.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return p


def _square(lon0, lat0, d=0.01):
    ring = [[lon0, lat0], [lon0 + d, lat0], [lon0 + d, lat0 + d], [lon0, lat0 + d], [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_s57_cell_keeps_fairways_dredged_areas_and_tracks():
    chart = load_chart(ENC, LocalFrame(38.65, -76.40))
    counts = {k: len(v) for k, v in chart.routing.items()}
    assert counts == {"FAIRWY": 20, "DRGARE": 7, "RECTRC": 1, "NAVLNE": 1}
    assert [f["orient_deg"] for f in chart.routing["RECTRC"]] == [198.3]
    r = Routing.from_chart(chart)
    assert r.has_fairways and not r.has_tss
    # The dredged areas are still depth areas for grounding.
    assert (chart.data.depth_layer == "DRGARE").sum() == 7
    record = chart.to_viewer_json(draught_m=2.0, ukc_m=0.5)
    assert {it["class"] for it in record["routing"]} == {"FAIRWY", "DRGARE", "RECTRC", "NAVLNE"}
    back = Routing.from_chart_json(record)
    assert len(back.channels) == len(r.channels) and len(back.tracks) == 2


def test_geojson_routing_features_by_class():
    chart = load_chart(TSS_DEMO, DEMO_FRAME)
    assert {k: len(v) for k, v in chart.routing.items()} == {"TSSLPT": 2, "TSEZNE": 1, "TSSBND": 1}
    # Routeing features are neither land nor hazards: the lanes are open water.
    assert len(chart.data.land) == 1
    assert not chart.is_land([1500.0, 0.0, -1500.0], [0.0, 0.0, 0.0]).any()
    assert not chart.hazards(10.0, 0.5).contains([1500.0, 0.0, -1500.0], [0.0] * 3).any()
    r = Routing.from_chart(chart)
    np.testing.assert_allclose(r.lane_direction([1500.0, -1500.0], [-9000.0, 9000.0]), [270, 90])
    assert r.in_separation_zone([0.0, 499.0, 501.0], [0.0, 0.0, 0.0]).tolist() == [
        True,
        True,
        False,
    ]
    assert "routing" in chart.to_viewer_json()


def test_chart_without_routing_keeps_its_record():
    chart = load_chart(
        REPO / "charts" / "solent_land" / "solent_land_osm.geojson", LocalFrame(50.75, -1.2)
    )
    assert chart.routing == {}
    assert Routing.from_chart(chart).empty
    assert set(chart.to_viewer_json()) == {"polygons", "points"}


@pytest.mark.parametrize(
    ("props", "field", "text"),
    [
        ({"class": "TSSLPT", "ORIENT": "east"}, "features[0].properties.ORIENT", "orientation"),
        ({"class": "TSSLPT", "orient": 361}, "features[0].properties.orient", "0-360"),
        ({"class": "TSSLPT", "ORIENT": -5}, "features[0].properties.ORIENT", "0-360"),
        ({"class": "TSSLTP", "ORIENT": 90}, "features[0].properties.class", "S-57 class"),
    ],
)
def test_bad_routing_attributes_are_one_line_errors(tmp_path, props, field, text):
    p = _geojson(
        tmp_path, [{"type": "Feature", "properties": props, "geometry": _square(3.0, 54.2)}]
    )
    with pytest.raises(ChartError) as exc:
        load_chart(p, DEMO_FRAME)
    msg = str(exc.value)
    assert msg.startswith(f"{p}: {field}: ") and text in msg and "\n" not in msg


def test_other_class_values_are_ignored(tmp_path):
    p = _geojson(
        tmp_path,
        [{"type": "Feature", "properties": {"class": "ocean"}, "geometry": _square(3.0, 54.2)}],
    )
    chart = load_chart(p, DEMO_FRAME)
    assert chart.routing == {} and len(chart.data.land) == 1


def test_bad_orient_in_a_geopackage_names_the_layer_field(tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    p = tmp_path / "lanes.gpkg"
    geom = shapely.to_wkb(np.array([shapely.box(3.0, 54.2, 3.01, 54.21)], dtype=object))
    pyogrio.raw.write(
        str(p),
        geometry=geom,
        field_data=[np.array(["TSSLPT"], dtype=object), np.array([400.0])],
        fields=["class", "ORIENT"],
        layer="lanes",
        driver="GPKG",
        crs="EPSG:4326",
        geometry_type="Polygon",
    )
    with pytest.raises(
        ChartError, match=r"lanes\.gpkg: lanes\.ORIENT: 400.0 is not an orientation"
    ):
        load_chart(p, DEMO_FRAME)


def test_nearest_lane():
    k = TSS.nearest_lane([0.0, 400.0, -400.0, 1000.0, np.nan], [0.0, 0.0, 0.0, 0.0, 0.0])
    assert k[1:].tolist() == [0, 1, 0, -1]
    assert k[0] in (0, 1)  # the zone's centre line is equidistant
    assert Routing().nearest_lane([0.0], [0.0]).tolist() == [-1]


def test_vectorised_queries_match_the_point_by_point_geometry():
    # fairway_at and lane_lateral answer whole arrays at once (the planner rasterises them);
    # each point must get what the one-point reference (fairway_axis, _cross_section) gives.
    from autoship.charts.routing import _cross_section, _sense

    chart = load_chart(ENC, LocalFrame(38.65, -76.40))
    r = Routing.from_chart(chart)
    rng = np.random.default_rng(1)
    pts = []
    for ch in r.channels:
        x0, y0, x1, y1 = ch.geometry.bounds
        xs, ys = rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)
        m = shapely.intersects_xy(ch.geometry, xs, ys)
        pts.append(np.column_stack([ys[m], xs[m]])[:10])
    p = np.vstack(pts)
    course = rng.uniform(0.0, 360.0, len(p))
    inside, axis, lat = r.fairway_at(p[:, 0], p[:, 1], course)
    k = r.fairway_index(p[:, 0], p[:, 1])
    assert inside.all() and len(p) > 150
    for i in range(len(p)):
        a = float(_sense(np.array(r.fairway_axis(int(k[i]), p[i, 0], p[i, 1])), course[i]))
        ref = _cross_section(r.channels[k[i]].geometry, p[i, 0], p[i, 1], a, 1e5)[0]
        assert axis[i] == pytest.approx(a, abs=1e-9)
        assert lat[i] == pytest.approx(ref, abs=1e-9)
    # Lanes: the same for the lateral position across the flow.
    n = rng.uniform(-2000.0, 2000.0, 50)
    e = rng.uniform(-4000.0, 4000.0, 50)
    got = TSS.lane_lateral(n, e)
    for i in range(50):
        j = TSS.lane_index(n[i], e[i])[0]
        if j < 0:
            assert np.isnan(got[i])
            continue
        ref = _cross_section(TSS.lanes[j].geometry, n[i], e[i], TSS.lanes[j].orient_deg, 1e5)[0]
        assert got[i] == pytest.approx(ref, abs=1e-9)
