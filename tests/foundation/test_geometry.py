"""The shared geometry (autoship/geometry.py): wrap ranges, bearings, CPA, hull overlap, LOS.

Properties over random inputs (hypothesis), with shapely's polygon intersection as the oracle for
the hull-rectangle overlap test, plus hand-worked cases.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import assume, given
from hypothesis import strategies as st

from autoship.errors import AutoshipError
from autoship.geometry import (
    TWO_PI,
    contact_angle,
    cpa_tcpa,
    encounter_angles,
    hulls_overlap,
    los_course,
    relative_bearing,
    wrap_2pi,
    wrap_2pi_array,
    wrap_pi,
    wrap_pi_array,
)

angles = st.floats(-1e4, 1e4, allow_nan=False)
coords = st.floats(-5e4, 5e4, allow_nan=False)
headings = st.floats(0.0, TWO_PI, allow_nan=False, exclude_max=True)


def _same_direction(a: float, b: float, tol: float = 1e-9) -> bool:
    return abs(math.sin(a) - math.sin(b)) < tol and abs(math.cos(a) - math.cos(b)) < tol


@given(angles)
def test_wrap_pi_range_and_congruence(a: float) -> None:
    w = wrap_pi(a)
    assert -math.pi < w <= math.pi
    assert _same_direction(w, a, 1e-12 * max(1.0, abs(a)))
    assert wrap_pi(w) == w  # idempotent


@given(angles)
def test_wrap_2pi_range_and_congruence(a: float) -> None:
    w = wrap_2pi(a)
    assert 0.0 <= w < TWO_PI
    assert _same_direction(w, a, 1e-12 * max(1.0, abs(a)))
    assert wrap_2pi(w) == w


@given(st.floats(-math.pi, math.pi, exclude_min=True))
def test_wrap_pi_leaves_its_range_alone(a: float) -> None:
    assert wrap_pi(a) == a


@given(st.floats(0.0, TWO_PI, exclude_max=True))
def test_wrap_2pi_leaves_its_range_alone(a: float) -> None:
    assert wrap_2pi(a) == a


def test_wrap_boundaries_and_signs() -> None:
    # (-pi, pi]: an exact reversal is +pi (a starboard turn for the autopilot), from either side.
    assert wrap_pi(math.pi) == math.pi and wrap_pi(-math.pi) == math.pi
    assert wrap_pi(3 * math.pi) == pytest.approx(math.pi)
    # A tiny angle keeps its value and sign (the classifier's port/starboard side).
    assert wrap_pi(1e-20) == 1e-20 and wrap_pi(-1e-20) == -1e-20
    # [0, 2 pi): a tiny negative angle stays below 2 pi (``% (2 pi)`` returns 2 pi itself).
    assert (-1e-20) % TWO_PI == TWO_PI
    assert wrap_2pi(-1e-20) < TWO_PI and wrap_2pi(-1e-20) > math.pi
    assert math.copysign(1.0, wrap_2pi(-0.0)) == 1.0
    assert wrap_2pi(TWO_PI) == 0.0


@given(st.lists(angles, min_size=0, max_size=12))
def test_array_wraps_equal_the_scalar_kernels(xs: list[float]) -> None:
    a = np.array(xs).reshape(-1, 1) if len(xs) % 2 else np.array(xs)
    assert wrap_pi_array(a).shape == a.shape
    assert list(wrap_pi_array(a).ravel()) == [wrap_pi(x) for x in a.ravel()]
    assert list(wrap_2pi_array(a).ravel()) == [wrap_2pi(x) for x in a.ravel()]


def test_array_wraps_keep_nan() -> None:
    assert np.isnan(wrap_pi_array([np.nan, 1.0])[0]) and wrap_pi_array([np.nan, 1.0])[1] == 1.0
    assert np.isnan(wrap_2pi_array(np.nan))


def test_relative_bearing_and_contact_angle_hand_worked() -> None:
    # Target 1 km due east of an own ship heading north: on the starboard beam (beta 90 deg).
    assert relative_bearing(0.0, 1000.0, 0.0) == pytest.approx(math.pi / 2)
    # That target heading west sees the own ship dead ahead: alpha 0.
    assert contact_angle(0.0, 1000.0, 1.5 * math.pi) == pytest.approx(0.0, abs=1e-12)
    # Heading north it sees the own ship on its port beam: alpha -90 deg.
    assert contact_angle(0.0, 1000.0, 0.0) == pytest.approx(-math.pi / 2)


@given(coords, coords, headings, headings)
def test_relative_bearing_symmetry(pn: float, pe: float, chi_a: float, chi_b: float) -> None:
    assume(math.hypot(pn, pe) > 1.0)
    beta_ab = relative_bearing(pn, pe, chi_a)
    beta_ba = relative_bearing(-pn, -pe, chi_b)
    assert 0.0 <= beta_ab < TWO_PI and 0.0 <= beta_ba < TWO_PI
    # The bearing of A from B is the reciprocal of the bearing of B from A.
    assert _same_direction(beta_ab + chi_a, beta_ba + chi_b + math.pi)
    # B's contact angle (seen from A) is B's relative bearing of A, in (-pi, pi].
    assert _same_direction(contact_angle(pn, pe, chi_b), beta_ba)
    assert -math.pi < contact_angle(pn, pe, chi_b) <= math.pi


@given(coords, coords, headings, headings)
def test_vectorised_angles_equal_the_kernels(pn: float, pe: float, co: float, ct: float) -> None:
    b, a = encounter_angles(np.array([pn]), np.array([pe]), np.array([co]), np.array([ct]))
    assert b[0] == relative_bearing(pn, pe, co) and a[0] == contact_angle(pn, pe, ct)


@given(coords, coords, st.floats(-30, 30), st.floats(-30, 30))
def test_cpa_is_symmetric_between_the_two_ships(pn: float, pe: float, vn: float, ve: float) -> None:
    d1, t1 = cpa_tcpa(pn, pe, vn, ve)
    d2, t2 = cpa_tcpa(-pn, -pe, -vn, -ve)
    assert float(d1) == float(d2) and float(t1) == float(t2)
    assert float(d1) <= math.hypot(pn, pe) + 1e-6 * max(1.0, math.hypot(pn, pe))


def test_cpa_nan_only_when_asked() -> None:
    with pytest.raises(AutoshipError, match="must be finite") as exc:
        cpa_tcpa([np.nan], [0.0], [1.0], [0.0])
    assert exc.value.field == "p_rel_n"
    d, t = cpa_tcpa([np.nan, 100.0], [0.0, 0.0], [1.0, -1.0], [0.0, 0.0], check_finite=False)
    assert np.isnan(d[0]) and d[1] == 0.0 and t[1] == 100.0


def _hull(n: float, e: float, psi: float, length: float, beam: float) -> shapely.Polygon:
    c, s = math.cos(psi), math.sin(psi)
    pts = []
    for a, b in ((length / 2, beam / 2), (length / 2, -beam / 2), (-length / 2, -beam / 2)):
        pts.append((e + a * s + b * c, n + a * c - b * s))  # shapely x = east, y = north
    pts.append((e - length / 2 * s + beam / 2 * c, n - length / 2 * c - beam / 2 * s))
    return shapely.Polygon(pts)


hull = st.tuples(
    st.floats(-300, 300),
    st.floats(-300, 300),
    headings,
    st.floats(1.0, 400.0),
    st.floats(0.3, 60.0),
)


@given(hull, hull)
def test_hull_overlap_is_symmetric_and_agrees_with_shapely(a: tuple, b: tuple) -> None:
    assume(a[4] < a[3] and b[4] < b[3])  # beam below length, as the loader checks
    got = hulls_overlap(*a, *b)
    assert got == hulls_overlap(*b, *a)
    pa, pb = _hull(*a), _hull(*b)
    gap = pa.distance(pb)
    area = pa.intersection(pb).area
    # Shapely is the oracle away from grazing contact (floating point decides a touch either way).
    assume(gap > 1e-6 or area > 1e-6)
    assert got == (area > 1e-6)


def test_hull_overlap_hand_worked() -> None:
    # Two 100 x 20 m hulls heading north side by side: 20 m apart centre to centre touch,
    # 20.01 m apart do not; crossed at right angles over one centre they overlap.
    assert hulls_overlap(0.0, 0.0, 0.0, 100.0, 20.0, 0.0, 20.0, 0.0, 100.0, 20.0)
    assert not hulls_overlap(0.0, 0.0, 0.0, 100.0, 20.0, 0.0, 20.01, 0.0, 100.0, 20.0)
    assert hulls_overlap(0.0, 0.0, 0.0, 100.0, 20.0, 45.0, 0.0, math.pi / 2, 100.0, 20.0)
    # Bow to bow on one line: 100 m between centres touches, 100.5 m does not.
    assert hulls_overlap(0.0, 0.0, 0.0, 100.0, 20.0, 100.0, 0.0, math.pi, 100.0, 20.0)
    assert not hulls_overlap(0.0, 0.0, 0.0, 100.0, 20.0, 100.5, 0.0, math.pi, 100.0, 20.0)


def test_los_course_hand_worked() -> None:
    # Leg due north, ship 100 m to starboard, 100 m lookahead: steer 45 deg to port (315 deg),
    # with 1000 m of the leg still ahead.
    c, x, rem = los_course(0.0, 100.0, 0.0, 0.0, 1000.0, 0.0, 100.0)
    assert c == pytest.approx(TWO_PI - math.pi / 4) and x == pytest.approx(100.0)
    assert rem == pytest.approx(1000.0)
    # A degenerate leg points at its end.
    c, x, rem = los_course(0.0, 0.0, 50.0, 50.0, 50.0, 50.0, 100.0)
    assert c == pytest.approx(math.pi / 4) and (x, rem) == (0.0, 0.0)


@given(coords, coords, headings, st.floats(1.0, 2000.0))
def test_los_course_range_and_on_leg(n: float, e: float, ang: float, look: float) -> None:
    n1, e1 = 1000 * math.cos(ang), 1000 * math.sin(ang)
    c, x, rem = los_course(n, e, 0.0, 0.0, n1, e1, look)
    assert 0.0 <= c < TWO_PI
    # Projected onto the leg, the ship is where along-track and cross-track say.
    along = 1000.0 - rem
    assert math.hypot(along, x) == pytest.approx(math.hypot(n, e), rel=1e-9, abs=1e-6)
