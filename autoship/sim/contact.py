"""Continuous hull-contact check between ticks: ships are L x B rectangles moving linearly.

Two ships that pass through each other within one tick are caught: the relative track over the
tick is searched for its closest point, and wherever the hulls' bounding circles can touch the
rectangles are tested (separating axes) at sub-steps of at most SUBSTEP_FRACTION of the
narrower beam.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.geometry import hull_corners, rects_separated, wrap_pi

# Sub-steps are bounded only for safety: speeds <= 60 kn and dt <= 60 s keep real cases far below.
_MAX_SUB = 1_000_000
# No point of either hull moves more than this fraction of the narrower beam between sub-steps,
# so an overlap deeper than that fraction of the beam is never missed (shallower grazes may be).
SUBSTEP_FRACTION = 0.1


@njit
def _lerp_angle(a0, a1, s):
    return a0 + s * wrap_pi(a1 - a0)


@njit
def contact_kernel(n0, e0, psi0, n1, e1, psi1, L, B, active, contact, pair_min):
    """For every pair i < j set contact[i, j] (and [j, i]) True if the hulls touch at any time in
    the tick from pose 0 to pose 1; pairs with an inactive ship are cleared. ``pair_min`` keeps
    the running minimum centre distance per pair over the same linear motion."""
    n = n0.shape[0]
    a = np.empty((4, 2))
    b = np.empty((4, 2))
    # Bounding-circle radii once per call; the pair loop then works on squared distances and
    # takes a square root only when a pair's running minimum improves or its circles overlap.
    rad = np.empty(n)
    for k in range(n):
        rad[k] = 0.5 * math.hypot(L[k], B[k])
    for i in range(n):
        for j in range(i + 1, n):
            hit = False
            if active[i] and active[j]:
                r_i = rad[i]
                r_j = rad[j]
                pn0 = n0[j] - n0[i]
                pe0 = e0[j] - e0[i]
                dn = (n1[j] - n1[i]) - pn0
                de = (e1[j] - e1[i]) - pe0
                dd = dn * dn + de * de
                s_star = 0.0
                if dd > 0.0:
                    s_star = min(max(-(pn0 * dn + pe0 * de) / dd, 0.0), 1.0)
                qn = pn0 + s_star * dn
                qe = pe0 + s_star * de
                d2 = qn * qn + qe * qe
                reach = r_i + r_j
                pm = pair_min[i, j]
                if d2 >= pm * pm and d2 > reach * reach:
                    if contact[i, j]:
                        contact[i, j] = False
                        contact[j, i] = False
                    continue
                dmin = math.sqrt(d2)
                if dmin < pm:
                    pair_min[i, j] = dmin
                    pair_min[j, i] = dmin
                if dmin <= r_i + r_j:
                    # Displacement of each hull over the tick, including rotation of its ends.
                    move = math.sqrt(dd) + r_i * abs(_lerp_angle(psi0[i], psi1[i], 1.0) - psi0[i])
                    move += r_j * abs(_lerp_angle(psi0[j], psi1[j], 1.0) - psi0[j])
                    step = SUBSTEP_FRACTION * min(B[i], B[j])
                    m = min(_MAX_SUB, int(math.ceil(move / step)) + 1)
                    for q in range(m + 2):
                        if q <= m:
                            s = q / m if m > 0 else 0.0
                        else:
                            s = s_star
                        hull_corners(
                            n0[i] + s * (n1[i] - n0[i]),
                            e0[i] + s * (e1[i] - e0[i]),
                            _lerp_angle(psi0[i], psi1[i], s),
                            L[i],
                            B[i],
                            a,
                        )
                        hull_corners(
                            n0[j] + s * (n1[j] - n0[j]),
                            e0[j] + s * (e1[j] - e0[j]),
                            _lerp_angle(psi0[j], psi1[j], s),
                            L[j],
                            B[j],
                            b,
                        )
                        if not rects_separated(a, b):
                            hit = True
                            break
            contact[i, j] = hit
            contact[j, i] = hit
