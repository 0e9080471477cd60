"""Encounter classification (Woerner -> Minne -> Hagen order) and encounter stages.

Integer codes returned by ``classify_kernel`` (own ship's point of view):

====  =====================  =========  ==============================================
code  name                   own role   geometry
====  =====================  =========  ==============================================
0     NONE                   none       no rule 13-15 situation (rules 2, 5, 7, 8 apply)
1     HEAD_ON                both       rule 14
2     CROSSING_GIVE_WAY      give-way   rule 15, target on own starboard side
3     CROSSING_STAND_ON      stand-on   rule 15, target on own port side
4     OVERTAKING             give-way   rule 13, own ship overtakes the target
5     OVERTAKEN              stand-on   rule 13, own ship is overtaken by the target
====  =====================  =========  ==============================================

Checked in this order, the first match wins (as in Tengesdal & Johansen
2023, ``colregs_handler.py``; Hagen's ``AutoVerification.py``; DNV ``trafficgen``, Pedersen et al.
2023; docs/references.md section 1):

- OVERTAKEN: stern < beta < 360 - stern and |alpha| <= theta_ot and u_target > u_own + h
- OVERTAKING: stern < alpha360 < 360 - stern and |beta180| <= theta_ot and u_own > u_target + h
- HEAD_ON: |beta180| <= theta_ho and |alpha| <= theta_ho
- CROSSING_GIVE_WAY: 0 <= beta180 <= stern and -stern <= alpha <= theta_cr
- CROSSING_STAND_ON: 0 <= alpha <= stern and -stern <= beta180 <= theta_cr

stern = 112.5 deg (rule 13(b): *more than* 22.5 deg abaft the beam, so the sector is open).
The crossing conditions are exact mirrors of each other, and the profile loader keeps
theta_cr <= theta_ho, so swapping own and target ships always swaps the codes
(``MIRROR``): the roles are complementary by construction. The overtaking speed test (with
hysteresis h) is optional (DNV uses geometry only).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.colregs.profile import Profile
from autoship.errors import AutoshipError
from autoship.geometry import TWO_PI, wrap_pi
from autoship.geometry import as_float_array as _as_flat

NONE = 0
HEAD_ON = 1
CROSSING_GIVE_WAY = 2
CROSSING_STAND_ON = 3
OVERTAKING = 4
OVERTAKEN = 5

CODE_NAMES = (
    "none",
    "head-on",
    "crossing-give-way",
    "crossing-stand-on",
    "overtaking",
    "overtaken",
)
# Report "type" and "own_role" per code (architecture contract).
CODE_TYPE = ("none", "head-on", "crossing", "crossing", "overtaking", "overtaken")
CODE_ROLE = ("none", "both", "give-way", "stand-on", "give-way", "stand-on")
# Code seen from the other ship.
MIRROR = np.array([NONE, HEAD_ON, CROSSING_STAND_ON, CROSSING_GIVE_WAY, OVERTAKEN, OVERTAKING])


@njit
def classify_kernel(
    beta: float,
    alpha: float,
    u_own: float,
    u_target: float,
    theta_ho: float,
    theta_ot: float,
    theta_cr: float,
    stern: float,
    speed_test: bool,
    hysteresis: float,
) -> int:
    """Encounter code for one pair; angles in rad, any range (wrapped here), speeds in m/s."""
    b180 = wrap_pi(beta)
    a180 = wrap_pi(alpha)
    b360 = b180 + TWO_PI if b180 < 0.0 else b180
    a360 = a180 + TWO_PI if a180 < 0.0 else a180
    stern_hi = TWO_PI - stern
    if speed_test:
        target_faster = u_target > u_own + hysteresis
        own_faster = u_own > u_target + hysteresis
    else:
        target_faster = True
        own_faster = True
    if stern < b360 < stern_hi and abs(a180) <= theta_ot and target_faster:
        return OVERTAKEN
    if stern < a360 < stern_hi and abs(b180) <= theta_ot and own_faster:
        return OVERTAKING
    if abs(b180) <= theta_ho and abs(a180) <= theta_ho:
        return HEAD_ON
    if 0.0 <= b180 <= stern and -stern <= a180 <= theta_cr:
        return CROSSING_GIVE_WAY
    if 0.0 <= a180 <= stern and -stern <= b180 <= theta_cr:
        return CROSSING_STAND_ON
    return NONE


@njit
def _classify_many(beta, alpha, u_own, u_target, params, out):
    for k in range(beta.shape[0]):
        out[k] = classify_kernel(
            beta[k],
            alpha[k],
            u_own[k],
            u_target[k],
            params[0],
            params[1],
            params[2],
            params[3],
            params[4] != 0.0,
            params[5],
        )


def classification_params(profile: Profile) -> np.ndarray:
    """The classifier's thresholds as a float64 array, in ``classify_kernel`` argument order
    (theta_ho, theta_ot, theta_cr, stern in rad; speed test flag; hysteresis m/s)."""
    c = profile.classification
    return np.array(
        [
            math.radians(c.head_on_deg),
            math.radians(c.overtaking_deg),
            math.radians(c.crossing_deg),
            math.radians(c.stern_sector_deg),
            1.0 if c.overtaking_speed_test else 0.0,
            c.overtaking_speed_hysteresis_mps,
        ]
    )


def classify(beta, alpha, u_own, u_target, profile: Profile) -> np.ndarray:
    """Vectorised ``classify_kernel`` over arrays of one shape; returns int8 codes."""
    b = _as_flat("beta", beta)
    shape = b.shape
    arrs = [b] + [
        _as_flat(n, x, shape)
        for n, x in (("alpha", alpha), ("u_own", u_own), ("u_target", u_target))
    ]
    for name, a in zip(("beta", "alpha", "u_own", "u_target"), arrs, strict=True):
        if not np.all(np.isfinite(a)):
            raise AutoshipError("must be finite", field=name)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrs]
    out = np.empty(flat[0].shape[0], dtype=np.int8)
    _classify_many(flat[0], flat[1], flat[2], flat[3], classification_params(profile), out)
    return out.reshape(shape)


def stage_of(range_m, profile: Profile) -> np.ndarray:
    """Encounter stage by range (Woerner after Cockcroft & Lameijer): 1 beyond r2 (no risk yet),
    2 within r2 (give-way acts), 3 within r3 (stand-on may act), 4 within r4 (stand-on shall act).
    """
    r = np.asarray(range_m, dtype=np.float64)
    s = profile.stages
    return 1 + (r <= s.r2_m).astype(np.int8) + (r <= s.r3_m) + (r <= s.r4_m)
