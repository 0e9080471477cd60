"""Unit conversions. SI inside (m, s, rad, m/s); knots, degrees and nautical miles at the edges."""

from __future__ import annotations

import math

import numpy as np

KNOT = 1852.0 / 3600.0  # m/s per knot (exact by definition)
NAUTICAL_MILE = 1852.0  # m (exact by definition)
DEG = math.pi / 180.0
G = 9.80665  # m/s^2, standard gravity
RHO_SEAWATER = 1025.0  # kg/m^3
RHO_AIR = 1.224  # kg/m^3 (wind loads, Fossen 2021 and MSS)


def kn_to_ms(v):
    return v * KNOT


def ms_to_kn(v):
    return v / KNOT


def nm_to_m(d):
    return d * NAUTICAL_MILE


def wrap_180(a_deg):
    """Wrap an angle (deg) to [-180, 180)."""
    return (np.asarray(a_deg) + 180.0) % 360.0 - 180.0


def wrap_360(a_deg):
    """Wrap an angle (deg) to [0, 360)."""
    return np.asarray(a_deg) % 360.0
