"""Ship domains: is a target inside own ship's domain?

Each function returns the *domain ratio* of a target position in own ship's body frame (x ahead,
y to starboard, metres): below 1 the target is inside the domain. Sizes scale with own length L
and come from the profile:

- Fujii & Tanaka (1971): ellipse centred on the ship, semi-axes 4 L ahead/astern and 1.6 L abeam
  (open water).
- Coldwell (1983): offset ellipse (four quarter-ellipses) from the ship centre: head-on ahead
  6.1 L, astern 3.9 L, starboard 3.25 L, port 1.75 L; overtaking 1.75 L either side. Coldwell
  measured head-on and overtaking only; crossing encounters use the head-on domain here.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.colregs.profile import Profile


@njit
def quad_ellipse_ratio(
    x: float, y: float, ahead: float, astern: float, starboard: float, port: float
) -> float:
    a = ahead if x >= 0.0 else astern
    b = starboard if y >= 0.0 else port
    return math.sqrt((x / a) ** 2 + (y / b) ** 2)


@njit
def domain_ratios(
    pn: float, pe: float, heading: float, length: float, params, overtaking: bool
) -> tuple[float, float]:
    """(Fujii ratio, Coldwell ratio); ``params`` from ``domain_params``."""
    return domain_ratios_cs(
        pn, pe, math.cos(heading), math.sin(heading), length, params, overtaking
    )


@njit
def domain_ratios_cs(
    pn: float, pe: float, cos_h: float, sin_h: float, length: float, params, overtaking: bool
) -> tuple[float, float]:
    """``domain_ratios`` with the heading given as its cosine and sine (precomputed per track)."""
    x = pn * cos_h + pe * sin_h
    y = -pn * sin_h + pe * cos_h
    fl = params[0] * length
    ft = params[1] * length
    fujii = quad_ellipse_ratio(x, y, fl, fl, ft, ft)
    if overtaking:
        side = params[6] * length
        cold = quad_ellipse_ratio(x, y, params[2] * length, params[3] * length, side, side)
    else:
        cold = quad_ellipse_ratio(
            x, y, params[2] * length, params[3] * length, params[4] * length, params[5] * length
        )
    return fujii, cold


def domain_params(profile: Profile) -> np.ndarray:
    d = profile.domain
    return np.array(
        [
            d.fujii_long,
            d.fujii_lat,
            d.coldwell_ahead,
            d.coldwell_astern,
            d.coldwell_starboard,
            d.coldwell_port,
            d.coldwell_overtaking_side,
        ]
    )
