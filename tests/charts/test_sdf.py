"""Signed distance field: kernels against NumPy oracles, accuracy against shapely, disk cache."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.charts import Chart, DistanceField, load_chart, sample_sdf
from autoship.charts import sdf as sdfk
from autoship.geo import LocalFrame

FRAME = LocalFrame(50.0, 0.0)


def bilinear_oracle(grid, north0, east0, res, north, east):
    nr, nc = grid.shape
    fi = min(max((north - north0) / res, 0.0), nr - 1.0)
    fj = min(max((east - east0) / res, 0.0), nc - 1.0)
    i0 = min(int(math.floor(fi)), nr - 2)
    j0 = min(int(math.floor(fj)), nc - 2)
    ti, tj = fi - i0, fj - j0
    return (
        grid[i0, j0] * (1 - ti) * (1 - tj)
        + grid[i0, j0 + 1] * (1 - ti) * tj
        + grid[i0 + 1, j0] * ti * (1 - tj)
        + grid[i0 + 1, j0 + 1] * ti * tj
    )


@settings(max_examples=300, deadline=None)
@given(north=st.floats(-50.0, 150.0), east=st.floats(-50.0, 250.0))
def test_sample_sdf_matches_bilinear_oracle(north, east):
    rng = np.random.default_rng(3)
    grid = rng.normal(size=(9, 17))
    got = sample_sdf(grid, 10.0, -20.0, 12.5, north, east)
    assert got == pytest.approx(bilinear_oracle(grid, 10.0, -20.0, 12.5, north, east), abs=1e-12)


def test_sample_exact_on_nodes_and_clamped_outside():
    grid = np.arange(12.0).reshape(3, 4)
    f = DistanceField(grid, 100.0, 200.0, 10.0)
    assert f.sample(110.0, 220.0)[()] == grid[1, 2]
    assert f.sample(-1e6, -1e6)[()] == grid[0, 0]
    assert f.sample(1e6, 1e6)[()] == grid[2, 3]
    assert f.sample(105.0, 200.0)[()] == pytest.approx(0.5 * (grid[0, 0] + grid[1, 0]))


def test_edt_matches_brute_force():
    rng = np.random.default_rng(11)
    seeds = rng.random((23, 31)) < 0.03
    seeds[0, 0] = True
    got = np.empty(seeds.shape)
    sdfk.edt_squared(seeds, got)
    si, sj = np.nonzero(seeds)
    ii, jj = np.indices(seeds.shape)
    brute = ((ii[..., None] - si) ** 2 + (jj[..., None] - sj) ** 2).min(axis=-1)
    np.testing.assert_array_equal(got, brute)


def test_scanline_matches_shapely_contains():
    poly = shapely.Polygon(
        [(0, 0), (400, 30), (380, 300), (200, 120), (30, 310)],
        holes=[[(100, 60), (160, 60), (130, 100)]],
    )
    geom = shapely.MultiPolygon([poly, shapely.box(500, 0, 560, 40)])
    res = 7.0
    n0, e0 = -20.0, -20.0
    nrows, ncols = 50, 90
    x0, y0, x1, y1 = sdfk.ring_edges(geom)
    counts = np.zeros(nrows, dtype=np.int64)
    sdfk.count_row_crossings(x0, y0, x1, y1, n0, res, nrows, counts)
    offsets = np.zeros(nrows + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    xs = np.empty(int(offsets[-1]))
    sdfk.fill_row_crossings(x0, y0, x1, y1, n0, res, nrows, offsets, np.zeros(nrows, np.int64), xs)
    inside = np.zeros((nrows, ncols), dtype=bool)
    sdfk.scanline_inside(offsets, xs, e0, res, inside)
    ii, jj = np.indices(inside.shape)
    north, east = n0 + ii * res, e0 + jj * res
    oracle = shapely.contains_xy(geom, east, north)
    on_edge = shapely.distance(geom.boundary, shapely.points(east, north)) < 1e-9
    np.testing.assert_array_equal(inside[~on_edge], oracle[~on_edge])


@pytest.fixture(scope="module")
def reef_chart():
    land = shapely.Polygon([(-400, -300), (300, -350), (450, 200), (-100, 420)])
    thin = shapely.box(800.0, -900.0, 806.0, 900.0)  # narrower than the grid step
    return Chart.from_local(
        FRAME,
        land=[land],
        obstructions=[(thin, None), (shapely.Point(-900.0, 700.0), 2.0)],
        coverage=shapely.box(-1500.0, -1500.0, 1500.0, 1500.0),
    )


@pytest.mark.parametrize("res", [10.0, 25.0])
def test_field_error_is_bounded_by_resolution(reef_chart, res):
    hz = reef_chart.hazards(5.0, 0.0)
    f = hz.distance_field(res)
    rng = np.random.default_rng(5)
    n = rng.uniform(-1400.0, 1400.0, 4000)
    e = rng.uniform(-1400.0, 1400.0, 4000)
    exact = np.where(hz.contains(n, e), -1.0, 1.0) * hz.boundary_distance(n, e)
    err = np.abs(f.sample(n, e) - exact)
    assert err.max() <= res
    # Nodes in the exact band hold exact distances.
    ii, jj = np.nonzero(np.abs(f.grid) < 2.0 * res)
    nn, ee = f.north0 + ii * res, f.east0 + jj * res
    node_exact = np.where(hz.contains(nn, ee), -1.0, 1.0) * hz.boundary_distance(nn, ee)
    np.testing.assert_allclose(f.grid[ii, jj], node_exact, atol=1e-6)
    # The 6 m reef strip is thinner than the grid step and still reads as near zero clearance.
    assert abs(f.sample(0.0, 803.0)[()]) <= 0.5 * res * math.sqrt(2.0)


def test_field_on_the_enc_against_shapely(enc_chart):
    hz = enc_chart.hazards(7.0, 1.0)
    f = hz.distance_field(100.0)  # coarse to keep the test fast
    rng = np.random.default_rng(9)
    n = rng.uniform(-34000.0, 34000.0, 3000)
    e = rng.uniform(-20000.0, 20000.0, 3000)
    inside = hz.contains(n, e)
    exact = np.where(inside, -1.0, 1.0) * shapely.distance(
        hz.geometry.boundary, shapely.points(e, n)
    )
    assert np.abs(f.sample(n, e) - exact).max() <= 100.0


def test_disk_cache_round_trip(reef_chart, tmp_path):
    hz = reef_chart.hazards(3.0, 0.5)
    f1 = hz.distance_field(20.0)
    files = list((tmp_path / "cache" / "sdf").glob("*.npz"))
    assert len(files) == 1
    # A fresh Hazards object (new process, say) loads the file instead of building.
    fresh = type(hz)(reef_chart, 3.0, 0.5)
    os.utime(files[0], (1, 1))
    f2 = fresh.distance_field(20.0)
    np.testing.assert_array_equal(f1.grid, f2.grid)
    assert (f2.north0, f2.east0, f2.res) == (f1.north0, f1.east0, f1.res)
    # A damaged cache file is rebuilt, not trusted.
    files[0].write_bytes(b"garbage")
    f3 = type(hz)(reef_chart, 3.0, 0.5).distance_field(20.0)
    np.testing.assert_array_equal(f1.grid, f3.grid)
    # Other draughts and resolutions get other keys.
    assert hz.cache_key(20.0) != hz.cache_key(10.0)
    assert hz.cache_key(20.0) != reef_chart.hazards(3.5, 0.0).cache_key(20.0)


def test_cache_key_follows_the_chart_file(tmp_path, enc_frame):
    import shutil
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "charts" / "solent_land" / "solent_land_osm.geojson"
    a = tmp_path / "a.geojson"
    shutil.copy(src, a)
    frame = LocalFrame(50.78, -1.2)
    k1 = load_chart(a, frame).hazards(3.0).cache_key(30.0)
    text = a.read_text().replace('"source": "osm"', '"source": "osm2"', 1)
    a.write_text(text)
    k2 = load_chart(a, frame).hazards(3.0).cache_key(30.0)
    assert k1 != k2


def test_planner_style_kernel_call(reef_chart):
    """A Numba kernel gets the raw arrays and samples without Python."""
    from autoship._jit import njit

    @njit
    def min_clearance_along(grid, north0, east0, res, north, east):
        m = 1e300
        for k in range(north.shape[0]):
            m = min(m, sample_sdf(grid, north0, east0, res, north[k], east[k]))
        return m

    f = reef_chart.hazards(5.0).distance_field(10.0)
    n = np.linspace(-1000.0, 1000.0, 50)
    e = np.full(50, -1000.0)
    got = min_clearance_along(f.grid, f.north0, f.east0, f.res, n, e)
    assert got == pytest.approx(f.sample(n, e).min())


# --- exact distances off the grid --------------------------------------------------------------


@pytest.fixture(scope="module")
def wide_chart():
    """Hazards inside the coverage and, like land polygons that run past a cell's coverage,
    beyond it (a hole, a sliver and a far island): the grid covers only the coverage."""
    land = shapely.Polygon(
        [(-400, -300), (300, -350), (450, 200), (-100, 420)],
        holes=[[(0, 0), (100, 0), (50, 80)]],
    )
    beyond = shapely.box(1000.0, 1000.0, 4500.0, 1200.0)
    far = shapely.Polygon([(-6000, -6000), (-5000, -6500), (-5500, -4000)])
    return Chart.from_local(
        FRAME,
        land=[land, beyond, far],
        obstructions=[(shapely.box(800.0, -900.0, 806.0, 900.0), None)],
        coverage=shapely.box(-1500.0, -1500.0, 1500.0, 1500.0),
    )


def _exact_signed(hz, n, e):
    n = np.atleast_1d(n)
    e = np.atleast_1d(e)
    d = shapely.distance(hz.geometry.boundary, shapely.points(e, n))
    return np.where(hz.contains(n, e), -1.0, 1.0) * d


def _off_grid(f, n, e):
    n0, e0, n1, e1 = f.bounds
    return (n < n0) | (n > n1) | (e < e0) | (e > e1)


@settings(max_examples=300, deadline=None)
@given(north=st.floats(-9000.0, 9000.0), east=st.floats(-9000.0, 9000.0))
def test_signed_distance_is_exact_off_the_grid(wide_chart, north, east):
    hz = wide_chart.hazards(5.0, 0.0)
    f = hz.distance_field(25.0)
    got = f.sample(north, east)[()]
    want = _exact_signed(hz, north, east)[0]
    if _off_grid(f, north, east):
        assert got == pytest.approx(want, abs=1e-6)
    else:
        assert abs(got - want) <= f.res


def test_signed_distance_many_points_against_shapely(wide_chart):
    hz = wide_chart.hazards(5.0, 0.0)
    f = hz.distance_field(25.0)
    assert f.exact_outside
    rng = np.random.default_rng(21)
    n = rng.uniform(-12000.0, 12000.0, 20000)
    e = rng.uniform(-12000.0, 12000.0, 20000)
    off = _off_grid(f, n, e)
    assert 0.9 < off.mean() < 1.0
    err = np.abs(f.sample(n, e) - _exact_signed(hz, n, e))
    assert err[off].max() <= 1e-6
    assert err[~off].max() <= f.res
    # Far away (and absurdly far) points are exact too; a point inside a hazard is negative.
    for pn, pe in ((0.0, 1e7), (-1e9, 3e8), (1100.0, 4000.0), (-5600.0, -5400.0)):
        assert f.sample(pn, pe)[()] == pytest.approx(_exact_signed(hz, pn, pe)[0], rel=1e-12)
    assert f.sample(1100.0, 4000.0)[()] < 0.0
    assert np.isnan(f.sample(np.nan, 0.0)[()])


def test_off_grid_distance_on_the_enc(enc_chart):
    hz = enc_chart.hazards(7.0, 1.0)
    f = hz.distance_field(100.0)
    n0, e0, n1, e1 = f.bounds
    rng = np.random.default_rng(4)
    n = rng.uniform(n0 - 30000.0, n1 + 30000.0, 6000)
    e = rng.uniform(e0 - 30000.0, e1 + 30000.0, 6000)
    off = _off_grid(f, n, e)
    err = np.abs(f.sample(n[off], e[off]) - _exact_signed(hz, n[off], e[off]))
    assert off.sum() > 1000 and err.max() <= 1e-6


def test_boundary_survives_the_disk_cache(wide_chart):
    hz = wide_chart.hazards(5.0, 0.0)
    f1 = hz.distance_field(50.0)
    f2 = type(hz)(wide_chart, 5.0, 0.0).distance_field(50.0)  # loaded from the cache file
    assert f2.exact_outside
    for a, b in zip(f1.boundary, f2.boundary, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(f2.sample(1100.0, 4000.0), f1.sample(1100.0, 4000.0))


def test_empty_hazards_are_far_everywhere():
    chart = Chart.from_local(FRAME, coverage=shapely.box(0.0, 0.0, 1000.0, 1000.0))
    f = chart.hazards(5.0).distance_field(50.0)
    assert f.sample(5e5, -5e5)[()] >= 1e19
    assert f.sample(500.0, 500.0)[()] >= 1e19


def test_kernel_call_with_the_boundary(wide_chart):
    """A Numba kernel handed the boundary gets exact distances off the grid without Python."""
    from autoship._jit import njit
    from autoship.charts import signed_distance

    @njit
    def min_clearance_along(grid, north0, east0, res, boundary, north, east):
        m = 1e300
        for k in range(north.shape[0]):
            m = min(m, signed_distance(grid, north0, east0, res, boundary, north[k], east[k]))
        return m

    f = wide_chart.hazards(5.0).distance_field(10.0)
    n = np.full(50, 1100.0)
    e = np.linspace(1000.0, 6000.0, 50)  # along the hazard that runs off the grid
    got = min_clearance_along(f.grid, f.north0, f.east0, f.res, f.boundary, n, e)
    assert got == pytest.approx(f.sample(n, e).min())
    assert got < 0.0
