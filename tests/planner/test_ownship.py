"""The planner's own-ship prediction against the ship's simulated path (issue 14, item 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.dynamics.fleet import Fleet
from autoship.dynamics.library import load_ship
from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, NC, NENV, NX, E, N, U
from autoship.planner import _kernels as kn
from autoship.planner.ownship import identify_response
from autoship.units import KNOT

from .helpers import make_ctx

SHIPS = [("generic-cargo", 120.0, 20.0, 6.5, 10.0), ("kvlcc2", 320.0, 58.0, 20.8, 15.5),
         ("generic-cargo", 30.0, 8.0, 2.5, 9.5)]  # fmt: skip


def _ship(name, length, beam, draught):
    s = load_ship(name)
    return s if s.length_m == length else s.with_dimensions(length, beam, draught)


def _simulated(ship, u0, chi, u_cmd, t_end=600.0):
    X0 = np.zeros((NX, 1))
    X0[U, 0] = u0
    fleet = Fleet([ship], X0)
    C = np.zeros((NC, 1))
    C[CMD_COURSE, 0], C[CMD_SPEED, 0] = chi, u_cmd
    env = np.zeros(NENV)
    out = []
    for _ in range(int(t_end) + 1):
        out.append((fleet.X[N, 0], fleet.X[E, 0]))
        fleet.step(C, 1.0, env)
    return np.array(out)[::10]  # every 10 s, as the prediction


def _predicted(u0, chi, u_cmd, tc, tu, delay, t_end=600.0):
    own = np.zeros(kn.NOWN)
    own[kn.O_U0], own[kn.O_T_CHI], own[kn.O_T_U], own[kn.O_T_DELAY] = u0, tc, tu, delay
    n = int(t_end / 10.0)
    tn, te, tc_ = (np.empty(n + 1) for _ in range(3))
    kn.own_track(own, chi, u_cmd, 10.0, n, tn, te, tc_)
    return np.c_[tn, te]


@pytest.mark.parametrize("name,length,beam,draught,knots", SHIPS)
@pytest.mark.parametrize("turn_deg,stop", [(30.0, False), (60.0, False), (0.0, True)])
def test_identified_prediction_follows_the_simulated_ship(
    name, length, beam, draught, knots, turn_deg, stop
):
    ship = _ship(name, length, beam, draught)
    u0 = knots * KNOT
    r = identify_response(ship, u0)
    assert r is not None
    chi, u_cmd = math.radians(turn_deg), 0.0 if stop else u0
    true = _simulated(ship, u0, chi, u_cmd)
    err = np.hypot(*(_predicted(u0, chi, u_cmd, r.course_tc_s, r.speed_tc_s, r.delay_s) - true).T)
    # Within 0.7 ship lengths over ten minutes (measured 0.19-0.66 L); the size-based guess it
    # replaces was 2.0-3.4 L off on a stop order (a 120 s speed lag predicted as 25 s, or the
    # reverse), which is what made "stop" candidates look safer than they are.
    assert err.max() < 0.7 * length


def test_sbmpc_uses_the_identified_response_and_seconds_override_it():
    from autoship.planner.sbmpc import DEFAULTS, own_time_constants

    ship = _ship("kvlcc2", 320.0, 58.0, 20.8)
    ctx = make_ctx(length=320.0, beam=58.0, cruise_speed=15.5 * KNOT, ship=ship)
    r = identify_response(ship, 15.5 * KNOT)
    assert own_time_constants(ctx, DEFAULTS) == (r.course_tc_s, r.speed_tc_s, r.delay_s)
    assert r.speed_tc_s > 300.0  # a VLCC carries her way: 332 s to lose 63 % of 15.5 kn
    p = dict(DEFAULTS, course_tc_s=77.0)
    assert own_time_constants(ctx, p)[0] == 77.0
    # Without the model: the size-based guess (2 L/U for the course).
    t_chi = own_time_constants(make_ctx(length=320.0, cruise_speed=15.5 * KNOT), DEFAULTS)[0]
    assert math.isclose(t_chi, 2.0 * 320.0 / (15.5 * KNOT))
