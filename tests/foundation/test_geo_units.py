import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship import units
from autoship.errors import AutoshipError
from autoship.geo import LocalFrame, geodesic_distance_m
from autoship.geometry import wrap_pi


def test_unit_constants_are_exact_definitions():
    assert units.kn_to_ms(1.0) == pytest.approx(1852.0 / 3600.0, abs=0)
    assert units.nm_to_m(1.0) == 1852.0
    assert units.ms_to_kn(units.kn_to_ms(12.3)) == pytest.approx(12.3)
    assert units.wrap_180(190.0) == pytest.approx(-170.0)
    assert units.wrap_360(-10.0) == pytest.approx(350.0)
    assert wrap_pi(3 * math.pi) == pytest.approx(math.pi)  # (-pi, pi]: autoship.geometry


def test_origin_maps_to_zero_and_axes_point_north_and_east():
    f = LocalFrame(50.8, -1.3)
    n, e = f.to_local(50.8, -1.3)
    assert abs(n) < 1e-6 and abs(e) < 1e-6
    n, e = f.to_local(50.81, -1.3)
    assert n > 1000 and abs(e) < 1e-6
    n, e = f.to_local(50.8, -1.29)
    assert e > 600 and abs(n) < 1.0


def test_local_distance_matches_geodesic_within_scale_error():
    f = LocalFrame(36.9, -76.1)
    lat, lon = 37.2, -75.8  # ~43 km away
    n, e = f.to_local(lat, lon)
    geo = geodesic_distance_m(36.9, -76.1, lat, lon)
    # Azimuthal equidistant: distance from the origin is exact.
    assert math.hypot(n, e) == pytest.approx(float(geo), abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(
    lat0=st.floats(-80, 80),
    lon0=st.floats(-179, 179),
    bearing=st.floats(0, 360),
    dist=st.floats(0, 50_000),
)
def test_round_trip_within_1mm_inside_50km(lat0, lon0, bearing, dist):
    f = LocalFrame(lat0, lon0)
    n = dist * math.cos(math.radians(bearing))
    e = dist * math.sin(math.radians(bearing))
    lat, lon = f.to_latlon(n, e)
    n2, e2 = f.to_local(lat, lon)
    assert math.hypot(float(n2) - n, float(e2) - e) < 1e-3


def test_vectorised_round_trip():
    f = LocalFrame(45.0, -30.0)
    rng = np.random.default_rng(1)
    n = rng.uniform(-4e4, 4e4, 1000)
    e = rng.uniform(-4e4, 4e4, 1000)
    lat, lon = f.to_latlon(n, e)
    n2, e2 = f.to_local(lat, lon)
    assert np.max(np.hypot(n2 - n, e2 - e)) < 1e-3


@pytest.mark.parametrize("lat,lon", [(91.0, 0.0), (0.0, 200.0), (float("nan"), 0.0)])
def test_impossible_origin_is_an_error(lat, lon):
    with pytest.raises(AutoshipError):
        LocalFrame(lat, lon)
