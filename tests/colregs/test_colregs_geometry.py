"""CPA/TCPA and encounter angles against hand-worked numbers and plain-Python oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autoship._jit import njit
from autoship.colregs import cpa_tcpa, cpa_tcpa_scalar, encounter_angles
from autoship.errors import AutoshipError

from .colregs_oracle import angles_np, cpa_np


def test_worked_example_imazu_case4_ntnu():
    # Imazu case 4 in the NTNU colav-simulator encoding: OS at origin 10 m/s north; TS at
    # (2560, -5500) m, 10 m/s on 040 deg -> DCPA 525 m, TCPA 884 s.
    c = math.radians(40.0)
    d, t = cpa_tcpa(2560.0, -5500.0, 10 * math.cos(c) - 10.0, 10 * math.sin(c))
    assert float(d) == pytest.approx(525.0, abs=1.0)
    assert float(t) == pytest.approx(884.0, abs=1.0)


def test_head_on_and_opening_and_constant_range():
    d, t = cpa_tcpa([1000.0, 1000.0, 300.0], [0.0, 0.0, 400.0], [-10.0, 10.0, 0.0], [0.0, 0.0, 0.0])
    assert d.tolist() == [0.0, 0.0, 500.0]
    assert t.tolist() == [100.0, -100.0, 0.0]  # opening: CPA in the past; no motion: TCPA 0


finite = st.floats(-1e5, 1e5, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, 20, elements=finite),
    arrays(np.float64, 20, elements=finite),
    arrays(np.float64, 20, elements=st.floats(-30, 30)),
    arrays(np.float64, 20, elements=st.floats(-30, 30)),
)
def test_cpa_matches_oracle(pn, pe, vn, ve):
    d, t = cpa_tcpa(pn, pe, vn, ve)
    do, to = cpa_np(pn, pe, vn, ve)
    np.testing.assert_allclose(d, do, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(t, to, rtol=1e-9, atol=1e-6)


def test_cpa_keeps_shape_and_rejects_bad_input():
    d, t = cpa_tcpa(np.ones((2, 3)), np.zeros((2, 3)), -np.ones((2, 3)), np.zeros((2, 3)))
    assert d.shape == (2, 3) and np.allclose(t, 1.0)
    with pytest.raises(AutoshipError, match="finite"):
        cpa_tcpa([np.inf], [0.0], [0.0], [0.0])
    with pytest.raises(AutoshipError, match="shape"):
        cpa_tcpa([1.0, 2.0], [0.0], [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(AutoshipError, match="numeric"):
        cpa_tcpa(["a"], [0.0], [0.0], [0.0])


def test_scalar_kernel_callable_from_numba():
    @njit
    def min_dcpa(pn, pe, vn, ve):
        best = 1e300
        for k in range(pn.shape[0]):
            d, t = cpa_tcpa_scalar(pn[k], pe[k], vn[k], ve[k])
            if t >= 0.0 and d < best:
                best = d
        return best

    assert min_dcpa(
        np.array([1000.0, 10.0]), np.array([50.0, 0.0]), np.array([-5.0, 1.0]), np.zeros(2)
    ) == pytest.approx(50.0)


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, 20, elements=finite),
    arrays(np.float64, 20, elements=finite),
    arrays(np.float64, 20, elements=st.floats(0, 2 * math.pi)),
    arrays(np.float64, 20, elements=st.floats(0, 2 * math.pi)),
)
def test_angles_match_definition(pn, pe, co, ct):
    b, a = encounter_angles(pn, pe, co, ct)
    bo, ao = angles_np(pn, pe, co, ct)
    assert np.all((b >= 0) & (b < 2 * math.pi))
    assert np.all((a > -math.pi) & (a <= math.pi))
    db = (np.degrees(b) - bo + 180) % 360 - 180
    da = (np.degrees(a) - ao + 180) % 360 - 180
    np.testing.assert_allclose(db, 0.0, atol=1e-9)
    np.testing.assert_allclose(da, 0.0, atol=1e-9)


def test_angles_hand_worked():
    # Target dead ahead, heading towards own ship: beta 0, alpha 0.
    b, a = encounter_angles(1000.0, 0.0, 0.0, math.pi)
    assert float(b) == 0.0 and float(a) == pytest.approx(0.0, abs=1e-12)
    # Target on the starboard beam heading north: beta 90; own ship on its port beam: alpha -90.
    b, a = encounter_angles(0.0, 1000.0, 0.0, 0.0)
    assert math.degrees(float(b)) == pytest.approx(90.0)
    assert math.degrees(float(a)) == pytest.approx(-90.0)
