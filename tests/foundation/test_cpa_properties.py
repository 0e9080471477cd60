"""CPA/TCPA of a whole scene: symmetric between the two ships, and unchanged by rotating or
translating everything (the scene's geometry, not the frame, decides the answer)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.colregs import cpa_tcpa

coord = st.floats(-20_000, 20_000)
speed = st.floats(-12, 12)


def _pair(n1, e1, vn1, ve1, n2, e2, vn2, ve2):
    d, t = cpa_tcpa(n2 - n1, e2 - e1, vn2 - vn1, ve2 - ve1)
    return float(d), float(t)


@settings(max_examples=300, deadline=None)
@given(coord, coord, speed, speed, coord, coord, speed, speed)
def test_symmetric_between_the_two_ships(n1, e1, vn1, ve1, n2, e2, vn2, ve2):
    a = _pair(n1, e1, vn1, ve1, n2, e2, vn2, ve2)
    b = _pair(n2, e2, vn2, ve2, n1, e1, vn1, ve1)
    assert a[0] == b[0] and a[1] == b[1]


@settings(max_examples=300, deadline=None)
@given(
    coord, coord, speed, speed, coord, coord, speed, speed, st.floats(0, 2 * math.pi), coord, coord
)
def test_invariant_under_rotation_and_translation(n1, e1, vn1, ve1, n2, e2, vn2, ve2, th, tn, te):
    c, s = math.cos(th), math.sin(th)

    def rot(n, e):
        return c * n - s * e, s * n + c * e

    base = _pair(n1, e1, vn1, ve1, n2, e2, vn2, ve2)
    p1 = rot(n1, e1)
    p2 = rot(n2, e2)
    moved = _pair(p1[0] + tn, p1[1] + te, *rot(vn1, ve1), p2[0] + tn, p2[1] + te, *rot(vn2, ve2))
    rel_speed = math.hypot(vn2 - vn1, ve2 - ve1)
    if rel_speed < 1e-3:
        # Near-parallel motion: TCPA is ill-conditioned, but the closest range is still the same.
        assert moved[0] == pytest.approx(base[0], rel=1e-6, abs=1e-3)
        return
    assert np.isclose(moved[0], base[0], rtol=1e-7, atol=1e-4)
    assert np.isclose(moved[1], base[1], rtol=1e-7, atol=1e-4)


def test_hand_worked_crossing():
    # Own ship at the origin northbound at 10 m/s; target 5 km east westbound at 10 m/s,
    # 5 km north: they meet at (5000, 0) after 500 s.
    d, t = _pair(0.0, 0.0, 10.0, 0.0, 5000.0, 5000.0, 0.0, -10.0)
    assert d < 1e-9 and t == 500.0
