"""Hull-contact kernel against a brute-force oracle, and the tunnelling case."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.sim.contact import SUBSTEP_FRACTION, contact_kernel


def _corners(n, e, psi, L, B):
    """Hull corners, vectorised over poses: arrays of shape (S,) -> (S, 4, 2)."""
    n, e, psi = (np.atleast_1d(np.asarray(x, float)) for x in (n, e, psi))
    c, s = np.cos(psi)[:, None], np.sin(psi)[:, None]
    a = np.array([L / 2, L / 2, -L / 2, -L / 2])[None, :]
    b = np.array([B / 2, -B / 2, -B / 2, B / 2])[None, :]
    return np.stack([n[:, None] + a * c - b * s, e[:, None] + a * s + b * c], axis=-1)


def _overlap(p, q):
    """Separating-axis test for rectangles, vectorised: (S, 4, 2) x2 -> (S,) bool."""
    sep = np.zeros(p.shape[0], dtype=bool)
    for poly in (p, q):
        for k in range(2):
            edge = poly[:, k + 1] - poly[:, k]
            axis = np.stack([-edge[:, 1], edge[:, 0]], axis=-1)[:, None, :]
            pa = (p * axis).sum(-1)
            pb = (q * axis).sum(-1)
            sep |= (pa.max(1) < pb.min(1)) | (pb.max(1) < pa.min(1))
    return ~sep


def _oracle(n0, e0, p0, n1, e1, p1, L, B, steps=40000):
    """Dense sampling of the linear motion; true if the rectangles overlap at any sample."""
    s = np.linspace(0, 1, steps)

    def pose(k):
        d = (p1[k] - p0[k] + math.pi) % (2 * math.pi) - math.pi
        return n0[k] + s * (n1[k] - n0[k]), e0[k] + s * (e1[k] - e0[k]), p0[k] + s * d

    return bool(_overlap(_corners(*pose(0), L[0], B[0]), _corners(*pose(1), L[1], B[1])).any())


def _run(n0, e0, p0, n1, e1, p1, L, B):
    c = np.zeros((2, 2), dtype=np.bool_)
    contact_kernel(
        *(np.asarray(a, float) for a in (n0, e0, p0, n1, e1, p1, L, B)),
        np.ones(2, dtype=np.bool_),
        c,
        np.full((2, 2), np.inf),
    )
    return bool(c[0, 1]) and bool(c[1, 0])


def test_ships_passing_through_each_other_within_one_tick_collide():
    # Head-on at 20 m/s each with a 60 s tick: both end points are 600 m apart, but they met.
    L, B = [150.0, 150.0], [25.0, 25.0]
    assert _run([-1200, 1200], [0, 0], [0, math.pi], [1200, -1200], [0, 0], [0, math.pi], L, B)


def test_parallel_pass_with_clearance_is_no_contact():
    L, B = [150.0, 150.0], [25.0, 25.0]
    assert not _run(
        [-1200, 1200], [0, 30], [0, math.pi], [1200, -1200], [0, 30], [0, math.pi], L, B
    )
    # 24 m between centre lines with 25 m beams: the hulls overlap by 1 m.
    assert _run([-1200, 1200], [0, 24], [0, math.pi], [1200, -1200], [0, 24], [0, math.pi], L, B)


def test_bow_touching_side_is_contact_and_a_metre_off_is_not():
    L, B = [100.0, 100.0], [20.0, 20.0]
    # Ship 1 lies east-west with its side 10 m north of ship 0's centre; ship 0 heads north.
    assert _run([0, 59.5], [0, 0], [0, math.pi / 2], [0, 59.5], [0, 0], [0, math.pi / 2], L, B)
    assert not _run([0, 61.0], [0, 0], [0, math.pi / 2], [0, 61.0], [0, 0], [0, math.pi / 2], L, B)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(-300, 300), min_size=8, max_size=8),
    st.lists(st.floats(0, 2 * math.pi), min_size=4, max_size=4),
    st.floats(20, 200),
    st.floats(20, 200),
)
def test_kernel_agrees_with_dense_oracle(xy, psis, L0, L1):
    L = [L0, L1]
    B = [L0 / 6, L1 / 6]
    n0, e0, n1, e1 = [xy[0], xy[1]], [xy[2], xy[3]], [xy[4], xy[5]], [xy[6], xy[7]]
    p0, p1 = [psis[0], psis[1]], [psis[2], psis[3]]
    got = _run(n0, e0, p0, n1, e1, p1, L, B)
    if got:
        # No false alarms: the hulls really overlap at some instant of the tick.
        assert _oracle(n0, e0, p0, n1, e1, p1, L, B, steps=40000)
    else:
        # Nothing deeper than the documented tolerance is missed: hulls shrunk by it on every
        # side never overlap when the kernel says no contact.
        m = SUBSTEP_FRACTION * min(B)
        Ls = [x - 2 * m for x in L]
        Bs = [x - 2 * m for x in B]
        assert not _oracle(n0, e0, p0, n1, e1, p1, Ls, Bs, steps=40000)


def test_pair_minimum_is_the_closest_point_inside_the_tick():
    out = np.full((2, 2), np.inf)
    z = np.zeros(2)
    contact_kernel(
        np.array([-100.0, 100.0]),
        np.array([0.0, 10.0]),
        z,
        np.array([100.0, -100.0]),
        np.array([0.0, 10.0]),
        z,
        np.array([5.0, 5.0]),
        np.array([1.0, 1.0]),
        np.ones(2, dtype=np.bool_),
        np.zeros((2, 2), dtype=np.bool_),
        out,
    )
    assert out[0, 1] == 10.0 and out[1, 0] == 10.0
