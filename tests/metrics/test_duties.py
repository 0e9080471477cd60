"""Unit checks of the referee's situation pieces against hand-worked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.colregs import load_profile
from autoship.metrics.duties import (
    deliberate_course,
    first_turn,
    risk_distance,
    situation,
    still_flags,
)
from autoship.metrics.navigation import ChartContext, route_turn

LARGE = load_profile("large-ship")
HARBOUR = load_profile("harbour")


def test_risk_distance_scales_with_the_larger_ship():
    assert risk_distance(100.0, 150.0, LARGE) == 1500.0  # dcpa_m floor
    assert risk_distance(320.0, 60.0, LARGE) == pytest.approx(8 * 320.0)
    assert risk_distance(30.0, 30.0, HARBOUR) == 100.0
    assert risk_distance(60.0, 30.0, HARBOUR) == pytest.approx(180.0)


def test_still_flags_need_the_still_time():
    t = np.arange(0.0, 400.0, 10.0)
    sog = np.vstack([
        np.where(t < 100.0, 5.0, 0.1),  # stops at t = 100
        np.full(t.shape, 5.0),  # always moving
        np.full(t.shape, np.nan),  # no track
    ])  # fmt: skip
    st = still_flags(t, sog, LARGE)  # still after 120 s under 0.5 m/s
    first = int(np.argmax(st[0]))
    # last moving record at t = 90 s: still from t >= 90 + 120
    assert t[first] == pytest.approx(210.0)
    assert not st[1].any()
    assert st[2].all()


def test_deliberate_course_keeps_fast_turns_and_drops_slow_drift():
    dt = 1.0
    t = np.arange(0.0, 900.0, dt)
    u = 5.0

    def ship(chi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = np.concatenate(([0.0], np.cumsum(u * np.cos(chi[:-1]) * dt)))
        e = np.concatenate(([0.0], np.cumsum(u * np.sin(chi[:-1]) * dt)))
        return n, e, chi

    drift = np.radians(np.clip((t - 100.0) / 600.0, 0.0, 1.0) * 30.0)  # 0.05 deg/s
    fast = np.radians(np.clip((t - 300.0) / 10.0, 0.0, 1.0) * 30.0)  # 3 deg/s
    rows = [ship(drift), ship(fast)]
    north = np.vstack([r[0] for r in rows])
    east = np.vstack([r[1] for r in rows])
    cog = np.vstack([r[2] for r in rows])
    d = deliberate_course(t, north, east, 0.3, cog)
    assert abs(math.degrees(d[0, -1])) < 3.0  # a channel-like bend is route, not manoeuvre
    assert math.degrees(d[1, -1]) == pytest.approx(30.0, abs=1.0)  # the whole turn counts
    # and the port-turn finder on it
    assert first_turn(cog, 1, 0, t.size - 1, math.radians(10.0), +1, d) == pytest.approx(303, abs=3)
    assert first_turn(cog, 1, 0, t.size - 1, math.radians(10.0), -1, d) == -1


def test_situation_stages_on_a_collision_course():
    # 90 deg crossing at 12 kn each, collision at t = 1697 s: closing 8.73 m/s.
    v = 12 * 1852.0 / 3600.0
    d0 = 8 * 1852.0 / math.sqrt(2.0)
    t = np.arange(0.0, 1700.0, 1.0)
    north = np.vstack([-d0 + v * t, np.zeros_like(t)])
    east = np.vstack([np.zeros_like(t), -d0 + v * t])
    vn = np.vstack([np.full_like(t, v), np.zeros_like(t)])
    ve = np.vstack([np.zeros_like(t), np.full_like(t, v)])
    s = situation(t, north, east, vn, ve, 0, 1, 0, t.size - 1, 200.0, 200.0, LARGE)
    closing = v * math.sqrt(2.0)
    rng = (d0 - v * t) * math.sqrt(2.0)
    r_act = max(LARGE.stages.r2_m, closing * LARGE.risk.action_time_s)
    assert s.in_action and s.r_act == pytest.approx(r_act, rel=1e-3)
    assert t[s.k_act] == pytest.approx(t[np.argmax(rng <= r_act)])
    # 17(a)(ii): the grace after the action was due
    assert t[s.k_may] == pytest.approx(t[s.k_act] + LARGE.risk.give_way_grace_s, abs=1.0)
    # 17(b): max(r4 400 m, 4 L = 800 m, 60 s of closing = 524 m) -> 800 m
    assert rng[s.k_crit] <= 800.0 < rng[s.k_crit - 1]


def test_route_turn_and_chart_blocking():
    route = [[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0]]  # north, then east: 90 deg stbd
    assert math.degrees(route_turn(route, 990.0, 5.0, 100.0)) == pytest.approx(90.0)
    assert route_turn(route, 500.0, 0.0, 100.0) == 0.0  # far from the waypoint
    ring = [[-100.0, 500.0], [100.0, 500.0], [100.0, 600.0], [-100.0, 600.0], [-100.0, 500.0]]
    chart = {"polygons": [{"kind": "land", "drval1": None, "drval2": None, "rings": [ring]}]}
    ctx = ChartContext(chart)
    assert ctx.blocked_ahead(0.0, 0.0, 0.0, 550.0, 5.0)  # heading north into the land
    assert not ctx.blocked_ahead(0.0, 0.0, 0.0, 450.0, 5.0)  # not within the look-ahead
    assert not ctx.blocked_ahead(0.0, 0.0, math.pi / 2, 1000.0, 5.0)  # heading east
    assert ChartContext(None).empty
