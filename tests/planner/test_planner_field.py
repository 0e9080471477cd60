"""The planner's distance field resolves the water a small craft works in
(``_traffic.planner_field`` over ``Hazards.distance_field_over``)."""

from __future__ import annotations

import numpy as np
import pytest

from autoship.charts import load_chart
from autoship.errors import ChartError
from autoship.geo import LocalFrame
from autoship.planner._traffic import planner_field

from .helpers import ROOT, make_ctx

CHART = ROOT / "scenarios" / "planner" / "charts" / "synthetic-coast.geojson"


@pytest.fixture(scope="module")
def hazards():
    return load_chart(CHART, LocalFrame(45.0, -30.0)).hazards(2.0, 0.5)


def test_local_field_is_finer_and_agrees_with_exact_distances(hazards):
    base = hazards.distance_field()
    f = hazards.distance_field_over((-3000.0, -3000.0, 3000.0, 3000.0), 10.0)
    assert f.res == 10.0 < base.res
    # Snapped to whole cells, and covering the box.
    assert f.north0 <= -3000.0 and f.east0 <= -3000.0
    assert f.north0 % 10.0 == 0.0 and f.east0 % 10.0 == 0.0
    rng = np.random.default_rng(3)
    n = rng.uniform(-2900.0, 2900.0, 400)
    e = rng.uniform(-2900.0, 2900.0, 400)
    exact = hazards.boundary_distance(n, e)
    exact[hazards.contains(n, e)] *= -1.0
    # Bilinear error within ~2.4 cells near boundaries (charts/sdf.py), far less than the base's.
    assert np.max(np.abs(f.sample(n, e) - exact)) <= 2.5 * f.res
    # The same request is served from memory.
    assert hazards.distance_field_over((-3000.0, -3000.0, 3000.0, 3000.0), 10.0) is f


def test_bad_requests_are_one_line_errors(hazards):
    with pytest.raises(ChartError, match="resolution_m"):
        hazards.distance_field_over((0.0, 0.0, 10.0, 10.0), 0.0)
    with pytest.raises(ChartError, match="bounds"):
        hazards.distance_field_over((10.0, 0.0, 0.0, 10.0), 5.0)


def test_small_craft_gets_a_finer_field_and_a_ship_the_chart_wide_one(hazards):
    base = hazards.distance_field()
    small = planner_field(
        make_ctx(length=12.0, beam=4.0, cruise_speed=3.0, goal=(2000.0, 0.0), hazards=hazards)
    )
    assert small.res < base.res
    # Its box holds start and goal with room to manoeuvre.
    assert small.north0 <= -1000.0 and small.north0 + small.res * small.grid.shape[0] >= 3000.0
    big = planner_field(make_ctx(length=200.0, beam=32.0, hazards=hazards))
    assert big is base
    assert planner_field(make_ctx(hazards=None)) is None
