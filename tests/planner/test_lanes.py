"""Rules 9 and 10 in the planner (``planner.lanes``): the route keeps to the traffic lane of its
direction, crosses lanes square, stays out of separation zones and keeps to the starboard side
of a channel; the SB-MPC kernel reads the same factors along its candidates' tracks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from autoship.charts.routing import Routing
from autoship.planner import lanes
from autoship.planner.route import plan_route

from .helpers import FakeHazards


def _tss() -> Routing:
    # Westbound lane north 500..2500 m, eastbound -2500..-500, separation zone between; east
    # -10..10 km (shapely x = east, y = north).
    return Routing.from_features(
        {
            "TSSLPT": [
                {"geometry": box(-10000, 500, 10000, 2500), "orient_deg": 270.0},
                {"geometry": box(-10000, -2500, 10000, -500), "orient_deg": 90.0},
            ],
            "TSEZNE": [{"geometry": box(-10000, -500, 10000, 500), "orient_deg": None}],
        }
    )


def _channel() -> Routing:
    # A fairway 400 m wide along the north axis, ORIENT 000/180.
    return Routing.from_features(
        {"FAIRWY": [{"geometry": box(-200, -6000, 200, 6000), "orient_deg": 0.0}]}
    )


def _samples(wp: np.ndarray, step: float = 20.0):
    pts, course = [], []
    for a, b in zip(wp[:-1], wp[1:], strict=True):
        n = max(2, int(np.hypot(*(b - a)) / step))
        for f in np.linspace(0.0, 1.0, n, endpoint=False):
            pts.append(a + (b - a) * f)
            course.append(math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 360.0)
    return np.array(pts), np.array(course)


# An island far off so the hazards have a distance field to search on.
FAR = FakeHazards([(18000.0, 18000.0, 500.0)], extent=20000.0, res=50.0)


def test_eastbound_ship_leaves_the_westbound_lane_for_its_own():
    """Start and goal in the westbound lane, bound east: the straight leg runs against the
    flow (rule 10(b)(i)); the route must not."""
    r = _tss()
    wp = plan_route((1500.0, -9000.0), (1500.0, 9000.0), FAR, clearance=300.0, hard=10.0, routing=r)
    assert wp.shape[0] > 2
    pts, course = _samples(wp)
    flow = r.lane_direction(pts[:, 0], pts[:, 1])
    inside = np.isfinite(flow)
    off = np.abs((course[inside] - flow[inside] + 180.0) % 360.0 - 180.0)
    # Inside any lane only with the flow or across it, never against it.
    assert np.all((off <= lanes.LANE_WITH_DEG + 1.0) | (np.abs(off - 90.0) <= 25.0))
    # Without the rules the straight leg is taken.
    plain = plan_route((1500.0, -9000.0), (1500.0, 9000.0), FAR, clearance=300.0, hard=10.0)
    assert plain.shape[0] == 2


def test_crossing_the_scheme_obliquely_becomes_square_or_goes_round():
    r = _tss()
    wp = plan_route(
        (-6000.0, -3000.0), (5000.0, 4000.0), FAR, clearance=300.0, hard=10.0, routing=r
    )
    pts, course = _samples(wp)
    flow = r.lane_direction(pts[:, 0], pts[:, 1])
    inside = np.isfinite(flow)
    off = np.abs((course[inside] - flow[inside] + 180.0) % 360.0 - 180.0)
    assert np.all((off <= lanes.LANE_WITH_DEG + 1.0) | (np.abs(off - 90.0) <= 25.0))
    # The separation zone is crossed, if at all, by the shortest way (at most ~1.5 km of it).
    in_zone = r.in_separation_zone(pts[:, 0], pts[:, 1])
    assert in_zone.sum() * 20.0 <= 1500.0


@pytest.mark.parametrize("north_bound", [True, False])
def test_route_keeps_to_the_starboard_side_of_a_channel(north_bound):
    r = _channel()
    s, g = (-5000.0, 0.0), (5000.0, 0.0)
    if not north_bound:
        s, g = g, s
    wp = plan_route(s, g, FAR, clearance=300.0, hard=10.0, routing=r)
    pts, course = _samples(wp)
    inside, _, lat = r.fairway_at(pts[:, 0], pts[:, 1], course)
    assert inside.mean() > 0.9
    assert np.mean(lat[inside] > 0.0) > 0.9
    assert np.median(lat[inside]) > 0.3
    plain = plan_route(s, g, FAR, clearance=300.0, hard=10.0)
    assert plain.shape[0] == 2  # the centre line, without the rule


def test_rule_factor_numba_and_numpy_agree_and_rank_the_cases():
    r = _tss()
    rr = lanes.rule_rasters(r, -4000.0, -12000.0, 100.0, (81, 241))
    assert rr is not None
    arrs = rr.arrays()

    def node(n, e):
        return int(round((n + 4000.0) / 100.0)), int(round((e + 12000.0) / 100.0))

    cases = {
        "with the flow": ((-1500.0, 0.0), 90.0),
        "across": ((-1500.0, 0.0), 0.0),
        "against": ((-1500.0, 0.0), 270.0),
        "oblique": ((-1500.0, 0.0), 45.0),
        "zone": ((0.0, 0.0), 90.0),
        "outside": ((-3500.0, 0.0), 270.0),
    }
    f = {}
    for name, ((n, e), c) in cases.items():
        i, j = node(n, e)
        dn, de = math.cos(math.radians(c)), math.sin(math.radians(c))
        f[name] = lanes.rule_factor(dn, de, i, j, *arrs)
        v = lanes.rule_factor_np(np.array(dn), np.array(de), *(a[i, j] for a in arrs))
        assert float(v) == pytest.approx(f[name])
    assert f["with the flow"] == 1.0 and f["outside"] == 1.0
    assert 1.0 < f["across"] < f["zone"] < f["against"] == f["oblique"]


def test_kernel_rasters_cover_the_field_and_stay_small():
    field = FAR.distance_field()
    kr = lanes.kernel_rasters(_tss(), field, max_nodes=10_000)
    assert kr is not None
    rasters, n0, e0, res = kr
    assert rasters.shape[0] == 6 and rasters.shape[1] * rasters.shape[2] <= 11_000
    assert (n0, e0) == (field.north0, field.east0)
    assert lanes.kernel_rasters(Routing(), field) is None


def test_a_ship_along_a_bent_channel_is_predicted_round_the_bend():
    """Targets with intent: a ship proceeding along a channel 200 m wide that runs north for
    2 km, then east, is predicted round the bend on her side of it; constant velocity would put
    her into the bank. A ship crossing the channel, or outside it, keeps constant velocity."""
    from shapely.geometry import Polygon

    bend = Polygon([(-100, -3000), (100, -3000), (100, 1900), (4000, 1900), (4000, 2100),
                    (-100, 2100)])  # fmt: skip
    r = Routing.from_features({"FAIRWY": [{"geometry": bend, "orient_deg": None}]})
    north = np.array([0.0, 0.0, -5000.0])
    east = np.array([40.0, 0.0, 0.0])  # 40 m east of the centre line: her starboard side
    vn = np.array([4.0, 0.0, 4.0])
    ve = np.array([0.0, 4.0, 0.0])  # ship 1 crosses the channel; ship 2 is outside it
    tpn, tpe = lanes.channel_paths(r, north, east, vn, ve, np.array([0, 1, 2]), 10.0, 120)
    assert tpn is not None and tpe is not None
    assert np.all(np.isnan(tpn[1])) and np.all(np.isnan(tpn[2]))
    path = np.column_stack([tpn[0], tpe[0]])
    # Same speed along the path.
    steps = np.hypot(*np.diff(path, axis=0).T)
    np.testing.assert_allclose(steps, 40.0, rtol=1e-9)
    # Round the bend and running east along the second leg, still inside the channel.
    assert path[-1, 1] > 2500.0 and 1850.0 < path[-1, 0] < 2150.0
    inside = r.fairway_index(path[:, 0], path[:, 1]) >= 0
    assert inside[: int(4000 / 40)].all()
    # On the second leg (heading east) her starboard side is the south half.
    assert np.median(path[-20:, 0]) < 2000.0
