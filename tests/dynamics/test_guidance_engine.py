"""LOS guidance and the engine-order map."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autoship.dynamics import Fleet, load_ship
from autoship.dynamics.engine import ORDERS, engine_order_demand, engine_order_speed
from autoship.dynamics.guidance import LOSGuidance, los_course
from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, NC, NENV, NX, PSI, E, N, U
from autoship.errors import AutoshipError, ShipModelError


def test_los_on_the_leg_steers_the_leg():
    c, x, _ = los_course(50.0, 50.0, 0.0, 0.0, 100.0, 100.0, 200.0)
    assert c == pytest.approx(math.pi / 4) and x == pytest.approx(0.0, abs=1e-12)


def test_los_hand_worked_offset():
    # Leg due north; ship 100 m east (starboard) with 100 m lookahead: steer 45 deg to port.
    c, x, _ = los_course(0.0, 100.0, 0.0, 0.0, 1000.0, 0.0, 100.0)
    assert x == pytest.approx(100.0)
    assert c == pytest.approx(2 * math.pi - math.pi / 4)


@given(
    n=st.floats(-1e4, 1e4),
    e=st.floats(-1e4, 1e4),
    ang=st.floats(0, 2 * math.pi),
    look=st.floats(1.0, 2000.0),
)
def test_los_always_points_back_towards_the_leg(n, e, ang, look):
    n1, e1 = 1000 * math.cos(ang), 1000 * math.sin(ang)
    c, x, _ = los_course(n, e, 0.0, 0.0, n1, e1, look)
    # The course differs from the leg by less than 90 deg, turning towards the leg.
    d = (c - ang + math.pi) % (2 * math.pi) - math.pi
    assert abs(d) < math.pi / 2 + 1e-9
    if abs(x) > 1e-6:
        assert d * x <= 1e-12


def test_los_route_switches_legs_and_finishes():
    g = LOSGuidance([(0, 0), (1000, 0), (1000, 1000)], lookahead_m=200, acceptance_m=50)
    assert g.course(500, 0)[0] == pytest.approx(0.0)
    c, _ = g.course(980, 0)  # within acceptance of the first corner
    # Now on the eastbound leg, 20 m south of it (starboard side): steer a little north of east.
    assert g.leg == 1
    assert c == pytest.approx(math.pi / 2 - math.atan2(20, 200), abs=1e-12)
    g.course(1000, 1200)
    assert g.finished


def test_los_drives_a_fleet_onto_the_leg():
    sd = load_ship("container")
    X0 = np.zeros((NX, 1))
    X0[U] = sd.service_speed
    X0[E] = 600.0  # start 600 m to starboard of a northbound leg
    fleet = Fleet([sd], X0)
    g = LOSGuidance([(0, 0), (50_000, 0)], lookahead_m=3 * sd.length_m, acceptance_m=0)
    C = np.zeros((NC, 1))
    C[CMD_SPEED] = sd.service_speed
    for _ in range(1500):
        C[CMD_COURSE], xte = g.course(fleet.X[N, 0], fleet.X[E, 0])
        fleet.step(C, 1.0, np.zeros(NENV))
    assert abs(xte) < 5.0
    assert math.cos(fleet.X[PSI, 0]) > 0.999


@pytest.mark.parametrize(
    ("wps", "kw"),
    [
        ([(0, 0)], {}),
        ([(0, 0), (0, 0)], {}),
        ([(0, 0), (1, float("nan"))], {}),
        ([(0, 0), (1, 1)], {"lookahead_m": 0.0}),
        ([(0, 0), (1, 1)], {"acceptance_m": -1.0}),
    ],
)
def test_los_bad_input(wps, kw):
    args = {"lookahead_m": 100.0, "acceptance_m": 10.0, **kw}
    with pytest.raises(AutoshipError):
        LOSGuidance(wps, **args)


@pytest.mark.parametrize("name", ["kvlcc2", "container", "generic-cargo"])
def test_engine_orders_are_monotonic_and_full_ahead_is_service(name):
    sd = load_ship(name)
    demands = [engine_order_demand(sd, o) for o in ORDERS]
    assert all(a > b for a, b in zip(demands, demands[1:], strict=False))
    assert engine_order_demand(sd, "stop") == 0.0
    assert engine_order_speed(sd, "full-ahead") == pytest.approx(sd.service_speed, rel=1e-6)
    assert 0 < engine_order_speed(sd, "slow-ahead") < engine_order_speed(sd, "half-ahead")
    assert engine_order_speed(sd, "full-astern") == 0.0


def test_kvlcc2_half_ahead_speed_is_linear_in_rps():
    # MMG straight-ahead equilibrium is homogeneous in (n, u): 70 % rps gives 70 % speed.
    sd = load_ship("kvlcc2")
    assert engine_order_speed(sd, "half-ahead") == pytest.approx(0.7 * sd.service_speed, rel=1e-6)


def test_unknown_engine_order():
    with pytest.raises(ShipModelError, match="full-ahead"):
        engine_order_demand(load_ship("kvlcc2"), "flank")
