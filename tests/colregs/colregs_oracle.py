"""Plain NumPy oracles for the COLREG kernels (classification, CPA/TCPA, encounter angles)."""

from __future__ import annotations

import math

import numpy as np

NONE, HEAD_ON, CR_GW, CR_SO, OVERTAKING, OVERTAKEN = range(6)


def wrap_pi(a):
    """(-pi, pi], same construction as the kernels (fmod, then shift)."""
    w = np.fmod(a, 2 * math.pi)
    w = np.where(w > math.pi, w - 2 * math.pi, w)
    return np.where(w <= -math.pi, w + 2 * math.pi, w)


def wrap_2pi(a):
    w = wrap_pi(a)
    w = np.where(w < 0, w + 2 * math.pi, w)
    return np.where(w >= 2 * math.pi, np.nextafter(2 * math.pi, 0.0), w)


def classify_np(beta, alpha, u_own, u_tgt, cls):
    """Vectorised classifier: the table in autoship.colregs.classify, written independently."""
    th_ho, th_ot, th_cr, stern, speed_test, hyst = cls
    b180 = wrap_pi(np.asarray(beta, dtype=float))
    a180 = wrap_pi(np.asarray(alpha, dtype=float))
    b360 = np.where(b180 < 0, b180 + 2 * math.pi, b180)
    a360 = np.where(a180 < 0, a180 + 2 * math.pi, a180)
    hi = 2 * math.pi - stern
    u_own = np.asarray(u_own, dtype=float)
    u_tgt = np.asarray(u_tgt, dtype=float)
    if speed_test:
        tf = u_tgt > u_own + hyst
        of = u_own > u_tgt + hyst
    else:
        tf = of = np.ones(b180.shape, dtype=bool)
    conds = [
        (stern < b360) & (b360 < hi) & (np.abs(a180) <= th_ot) & tf,
        (stern < a360) & (a360 < hi) & (np.abs(b180) <= th_ot) & of,
        (np.abs(b180) <= th_ho) & (np.abs(a180) <= th_ho),
        (b180 >= 0) & (b180 <= stern) & (-stern <= a180) & (a180 <= th_cr),
        (a180 >= 0) & (a180 <= stern) & (-stern <= b180) & (b180 <= th_cr),
    ]
    return np.select(conds, [OVERTAKEN, OVERTAKING, HEAD_ON, CR_GW, CR_SO], default=NONE)


def cpa_np(pn, pe, vn, ve):
    """Textbook constant-velocity CPA, one element at a time in plain Python."""
    d, t = [], []
    for a, b, c, e in zip(np.ravel(pn), np.ravel(pe), np.ravel(vn), np.ravel(ve), strict=True):
        v2 = c * c + e * e
        if v2 <= 1e-12:
            d.append(math.hypot(a, b))
            t.append(0.0)
            continue
        tc = -(a * c + b * e) / v2
        d.append(math.hypot(a + c * tc, b + e * tc))
        t.append(tc)
    return np.array(d), np.array(t)


def angles_np(pn, pe, chi_own, chi_tgt):
    """beta in [0, 360) deg and alpha in (-180, 180] deg from the definitions."""
    beta = (np.degrees(np.arctan2(pe, pn) - chi_own)) % 360.0
    alpha = (np.degrees(np.arctan2(-pe, -pn) - chi_tgt) + 180.0) % 360.0 - 180.0
    alpha = np.where(alpha == -180.0, 180.0, alpha)
    return beta, alpha
