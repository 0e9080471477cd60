"""Global route around hazards and LOS guidance along it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.errors import AutoshipError
from autoship.planner.route import Route, plan_route

from .helpers import FakeHazards


def _min_clearance(hz: FakeHazards, wp: np.ndarray, step: float = 10.0) -> float:
    best = np.inf
    for a, b in zip(wp[:-1], wp[1:], strict=True):
        k = max(1, int(math.ceil(np.hypot(*(b - a)) / step)))
        f = np.linspace(0.0, 1.0, k + 1)[:, None]
        pts = a + f * (b - a)
        best = min(best, float(hz.clearance(pts[:, 0], pts[:, 1]).min()))
    return best


def test_open_water_is_the_straight_leg():
    wp = plan_route((0.0, 0.0), (5000.0, 3000.0), None)
    np.testing.assert_array_equal(wp, [[0.0, 0.0], [5000.0, 3000.0]])
    hz = FakeHazards([(0.0, 10000.0, 1000.0)])  # island well off the leg
    np.testing.assert_array_equal(plan_route((0.0, 0.0), (5000.0, 3000.0), hz), wp)


def test_route_goes_round_an_island_with_the_clearance():
    hz = FakeHazards([(0.0, 0.0, 2000.0)])
    start, goal = (-8000.0, 0.0), (8000.0, 0.0)
    wp = plan_route(start, goal, hz, clearance=400.0, hard=12.5)
    assert tuple(wp[0]) == start and tuple(wp[-1]) == goal
    assert len(wp) >= 3
    # Keeps the clearance up to the grid resolution (50 m) and the sampling of the check.
    assert _min_clearance(hz, wp) >= 400.0 - 60.0
    # Not absurdly long: the shortest path round a 2.4 km circle is about 17.8 km.
    length = float(np.hypot(*np.diff(wp, axis=0).T).sum())
    assert length < 19500.0


def test_narrow_passage_is_used_below_the_wanted_clearance():
    # Two islands leave a 600 m gap on the direct line; the detour round both is far longer.
    hz = FakeHazards([(0.0, -3300.0, 3000.0), (0.0, 3300.0, 3000.0)])
    wp = plan_route((-6000.0, 0.0), (6000.0, 0.0), hz, clearance=1000.0, hard=12.5)
    assert _min_clearance(hz, wp) > 200.0  # through the middle of the gap, not over land


def test_unreachable_goal_is_a_clear_error():
    hz = FakeHazards([(0.0, 0.0, 3000.0)])
    with pytest.raises(AutoshipError, match="no route through water"):
        # Goal inside a lake-less island: every node near it is land.
        plan_route((-8000.0, 0.0), (0.0, 0.0), hz, clearance=300.0, hard=12.5)


def test_los_guidance_follows_legs_and_keeps_the_last_course():
    r = Route(np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]]), lookahead=200.0)
    c, rem = r.guidance(0.0, 0.0)
    assert abs(c) < 1e-9 and math.isclose(rem, 2000.0)
    c, _ = r.guidance(500.0, 100.0)  # 100 m right of the first leg: steer back left
    assert math.isclose(c, (-math.atan2(100.0, 200.0)) % (2 * math.pi))
    c, _ = r.guidance(900.0, 0.0)  # inside the lookahead of the corner: next leg (east)
    assert r.leg == 1
    assert 0.0 < c < math.pi / 2
    c, rem = r.guidance(1000.0, 1200.0)  # past the goal
    assert math.isclose(c, math.pi / 2) and rem == 0.0 and r.done
