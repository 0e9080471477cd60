"""Library ships keep an Imazu encounter's geometry when no one manoeuvres.

Imazu 13 (Sawada et al. 2021 encoding): four ships at 12 kn that all reach the origin at
t = 30 min if they hold course and speed. A model family that drifts, loses speed or wanders
off its course under its own autopilot would break the designed DCPA = 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.dynamics import Fleet, load_ship
from autoship.dynamics.state import CMD_COURSE, CMD_SPEED, NC, NENV, NX, PSI, E, N, U

KN = 1852.0 / 3600.0
STARTS = [  # (north m, east m, course deg)
    (-11112.0, 0.0, 0.0),
    (11112.0, 0.0, 180.0),
    (-10943.5, -1929.8, 10.0),
    (-7858.0, -7858.0, 45.0),
]


@pytest.mark.parametrize("name", ["kvlcc2", "container", "mariner-nomoto", "generic-cargo"])
def test_imazu_13_ships_meet_at_the_origin(name):
    sd = load_ship(name)
    n = len(STARTS)
    X0 = np.zeros((NX, n))
    for k, (nn, ee, c) in enumerate(STARTS):
        X0[N, k], X0[E, k], X0[PSI, k] = nn, ee, math.radians(c)
    X0[U] = 12.0 * KN
    fleet = Fleet([sd] * n, X0)
    C = np.zeros((NC, n))
    C[CMD_COURSE] = X0[PSI]
    C[CMD_SPEED] = 12.0 * KN
    env = np.zeros(NENV)
    for _ in range(1800):
        fleet.step(C, 1.0, env)
    miss = np.hypot(fleet.X[N], fleet.X[E])
    assert np.all(miss < 5.0), miss
