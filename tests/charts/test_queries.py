"""Point, clearance and swept-hull queries: hand-worked geometry, shapely oracles, real chart."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.charts import Chart, ChartError
from autoship.geo import LocalFrame

FRAME = LocalFrame(50.0, 0.0)


@pytest.fixture(scope="module")
def island():
    """A 1000 m square island centred at (north 0, east 0), a 10 m wide reef strip at east 600
    to 610 (north -2000..2000), and a 5 m shoal north of the island."""
    land = shapely.box(-500.0, -500.0, 500.0, 500.0)
    reef = shapely.box(600.0, -2000.0, 610.0, 2000.0)  # x = east, y = north
    shoal = shapely.box(-500.0, 1000.0, 500.0, 1500.0)
    deep = shapely.box(-3000.0, -3000.0, 3000.0, 3000.0).difference(
        shapely.union_all([land, shoal])
    )
    return Chart.from_local(
        FRAME,
        land=[land],
        depth_areas=[(shoal, 5.0, 9.0), (deep, 20.0, 30.0)],
        obstructions=[(reef, None)],
        coverage=shapely.box(-3000.0, -3000.0, 3000.0, 3000.0),
    )


def test_contains_and_clearance_hand_worked(island):
    hz = island.hazards(draught_m=4.0, ukc_m=0.0)  # the 5 m shoal is not a hazard at 4 m
    north = np.array([0.0, 0.0, 0.0, 800.0, 1200.0, 0.0])
    east = np.array([0.0, 500.0, -900.0, 800.0, 0.0, 605.0])
    assert list(hz.contains(north, east)) == [True, True, False, False, False, True]
    c = hz.clearance(north, east)
    # (800, 800) is 190 m east of the reef (east edge 610); (1200, 0) is 600 m west of it.
    expected = [0.0, 0.0, 400.0, 190.0, 600.0, 0.0]
    np.testing.assert_allclose(c, expected, atol=1e-9)
    # With 1.5 m under-keel clearance the shoal (5 m) is a hazard for a 4 m ship.
    hz2 = island.hazards(draught_m=4.0, ukc_m=1.5)
    assert hz2.contains(1200.0, 0.0)[0]
    assert hz2.clearance(900.0, 0.0)[0] == pytest.approx(100.0)


def test_hazards_are_cached_per_draught_and_clearance(island):
    assert island.hazards(4.0, 1.0) is island.hazards(4.0, 1.0)
    assert island.hazards(4.0, 1.0) is not island.hazards(4.0, 0.5)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "3"])
def test_bad_draught(island, bad):
    with pytest.raises(ChartError, match="finite number"):
        island.hazards(bad, 0.0)


def test_clearance_matches_shapely_distance_on_the_enc(enc_chart):
    hz = enc_chart.hazards(7.0, 1.0)
    rng = np.random.default_rng(7)
    n = rng.uniform(-35000.0, 35000.0, 3000)
    e = rng.uniform(-20000.0, 20000.0, 3000)
    got = hz.clearance(n, e)
    exact = shapely.distance(hz.geometry, shapely.points(e, n))
    np.testing.assert_allclose(got, exact, rtol=0.0, atol=1e-6)
    assert np.count_nonzero(got == 0.0) == np.count_nonzero(hz.contains(n, e))


def test_swept_hull_hand_worked(island):
    hz = island.hazards(4.0, 0.0)
    # Ship 100 x 20 heading north along east = -540: the hull spans east -550..-530, so its
    # starboard side is 30 m clear of the island's west edge (-500).
    args = dict(heading0=0.0, heading1=0.0, length=100.0, beam=20.0)
    clear = hz.swept_hits(-1000.0, -540.0, 1000.0, -540.0, **args)
    assert not clear[0]
    touch = hz.swept_hits(-1000.0, -505.0, 1000.0, -505.0, **args)
    assert touch[0]
    # Heading east at 0.5 * beam + 1 m north of the island's north edge: clear; 1 m closer hits.
    args_e = dict(heading0=math.pi / 2, heading1=math.pi / 2, length=100.0, beam=20.0)
    assert not hz.swept_hits(511.0, -900.0, 511.0, 0.0, **args_e)[0]
    assert hz.swept_hits(509.0, -900.0, 509.0, 0.0, **args_e)[0]


def test_grounding_between_ticks_is_caught(island):
    """A fast ship jumps over the 10 m reef in one tick: neither end pose touches it."""
    hz = island.hazards(4.0, 0.0)
    n0, e0, n1, e1 = 1800.0, 560.0, 1800.0, 660.0  # heading east, hull 30 m long
    ends = hz.swept_hits(
        [n0, n1], [e0, e1], [n0, n1], [e0, e1], math.pi / 2, math.pi / 2, 30.0, 6.0
    )
    assert not ends.any()
    assert hz.swept_hits(n0, e0, n1, e1, math.pi / 2, math.pi / 2, 30.0, 6.0)[0]


def test_turning_on_the_spot_sweeps_the_bow(island):
    """Pivoting 90 deg at a point 60 m west of the island: the bow (L/2 = 75 m) sweeps in."""
    hz = island.hazards(4.0, 0.0)
    n, e = -300.0, -560.0
    both_ends = hz.swept_hits(
        [n, n], [e, e], [n, n], [e, e], [0.0, math.pi], [0.0, math.pi], 150.0, 10.0
    )
    assert not both_ends.any()  # bow north, then bow south: both clear
    assert hz.swept_hits(n, e, n, e, 0.0, math.pi, 150.0, 10.0)[0]  # through east: hits


def test_vectorised_over_many_ships(island):
    hz = island.hazards(4.0, 0.0)
    k = 500
    north = np.linspace(-2500.0, 2500.0, k)
    east = np.full(k, -1500.0)
    hits = hz.swept_hits(north, east, north, east + 1000.0, np.pi / 2, np.pi / 2, 50.0, 10.0)
    # The sweep runs east from -1500 to -500 (+25 m bow): it reaches the island's west side
    # (-500) when the hull's north-south extent (beam 10) overlaps the island (-500..500).
    expected = (north + 5.0 >= -500.0) & (north - 5.0 <= 500.0)
    np.testing.assert_array_equal(hits, expected)


def _rect(n, e, psi, length, beam):
    c, s = math.cos(psi), math.sin(psi)
    pts = []
    for x, y in ((0.5, 0.5), (0.5, -0.5), (-0.5, -0.5), (-0.5, 0.5)):
        bx, by = x * length, y * beam
        pts.append((e + bx * s + by * c, n + bx * c - by * s))
    return shapely.Polygon(pts)


@settings(max_examples=200, deadline=None)
@given(
    n=st.floats(-2500.0, 2500.0),
    e=st.floats(-2500.0, 2500.0),
    psi=st.floats(0.0, 2 * math.pi),
    length=st.floats(1.0, 300.0),
    beam=st.floats(1.0, 50.0),
)
def test_standing_hull_matches_shapely_oracle(island, n, e, psi, length, beam):
    hz = island.hazards(6.0, 0.0)  # the shoal counts
    got = hz.swept_hits(n, e, n, e, psi, psi, length, beam)[0]
    assert got == shapely.intersects(_rect(n, e, psi, length, beam), hz.geometry)


@settings(max_examples=100, deadline=None)
@given(
    n=st.floats(-2500.0, 2500.0),
    e=st.floats(-2500.0, 2500.0),
    dn=st.floats(-300.0, 300.0),
    de=st.floats(-300.0, 300.0),
    psi=st.floats(0.0, 2 * math.pi),
    dpsi=st.floats(-0.5, 0.5),
)
def test_sweep_contains_both_end_poses(island, n, e, dn, de, psi, dpsi):
    """A sweep hits whenever either end pose does, and a straight sweep equals the union of the
    hull at many intermediate poses (dense oracle)."""
    hz = island.hazards(6.0, 0.0)
    got = hz.swept_hits(n, e, n + dn, e + de, psi, psi + dpsi, 120.0, 20.0)[0]
    t = np.linspace(0.0, 1.0, 201)
    dense = shapely.union_all(
        [_rect(n + ti * dn, e + ti * de, psi + ti * dpsi, 120.0, 20.0) for ti in t]
    )
    oracle = shapely.intersects(dense, hz.geometry)
    if oracle:
        assert got
    elif got:
        # Only a graze the dense sampling missed: the sweep must pass within 1 m of a hazard.
        assert shapely.distance(dense, hz.geometry) < 1.0


def test_hull_clearance(island):
    hz = island.hazards(4.0, 0.0)
    # Heading north 100 x 20 at east -560: starboard side at -550, 50 m from the island (-500).
    assert hz.hull_clearance(0.0, -560.0, 0.0, 100.0, 20.0)[0] == pytest.approx(50.0)
    # Heading east: the bow is at -510, 10 m off.
    assert hz.hull_clearance(0.0, -560.0, math.pi / 2, 100.0, 20.0)[0] == pytest.approx(10.0)
    # Overlapping or inside: 0.
    got = hz.hull_clearance([0.0, 0.0], [-520.0, 0.0], [math.pi / 2, 0.0], 100.0, 20.0)
    assert list(got) == [0.0, 0.0]


@settings(max_examples=100, deadline=None)
@given(
    n=st.floats(-2500.0, 2500.0),
    e=st.floats(-2500.0, 2500.0),
    psi=st.floats(0.0, 2 * math.pi),
)
def test_hull_clearance_matches_shapely(island, n, e, psi):
    hz = island.hazards(6.0, 0.0)
    got = hz.hull_clearance(n, e, psi, 150.0, 25.0)[0]
    assert got == pytest.approx(
        shapely.distance(_rect(n, e, psi, 150.0, 25.0), hz.geometry), abs=1e-6
    )


def test_prefilter_changes_nothing_on_the_enc(enc_chart):
    hz = enc_chart.hazards(7.0, 0.5)
    rng = np.random.default_rng(21)
    k = 3000
    n0 = rng.uniform(-35000.0, 35000.0, k)
    e0 = rng.uniform(-20000.0, 20000.0, k)
    psi = rng.uniform(0.0, 2 * np.pi, k)
    step = rng.uniform(0.0, 300.0, k)
    args = (n0, e0, n0 + step * np.cos(psi), e0 + step * np.sin(psi), psi, psi + 0.2, 250.0, 40.0)
    fast = hz.swept_hits(*args)
    exact = hz.swept_hits(*args, prefilter=False)
    np.testing.assert_array_equal(fast, exact)
    assert 0 < fast.sum() < k
