"""Plane geometry of ships, the one implementation every layer uses.

Angle wrapping, relative bearing and contact angle, CPA/TCPA, the hull-rectangle overlap test and
line-of-sight course. The scalar functions are numba kernels (``autoship._jit.njit``) that are
also called from Python: one implementation for the kernels (dynamics, referee scan, contact
check, planners) and for plain code (loader, viewer). Vectorised wrappers take arrays of any
shape.

Conventions (docs/architecture.md "Frame and units"): local frame, positions north/east in
metres, velocities over ground in m/s, angles in radians clockwise from north.
``p_rel = p_target - p_own``, ``v_rel = v_target - v_own``. Relative bearing beta is the bearing
of the target from own ship minus own course, in [0, 2 pi); contact angle alpha is the bearing of
own ship from the target minus the target's course, in (-pi, pi] (positive: own ship on the
target's starboard side).

Wrapping uses ``fmod``, which is exact in IEEE arithmetic: a small angle keeps its value and its
sign (the classifier's mirror symmetry, ``colregs.classify``, rests on the sign), where the
common ``(a + pi) % (2 pi) - pi`` rounds it through pi and loses up to 4e-16 rad.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship._jit import njit
from autoship.errors import AutoshipError

TWO_PI = 2.0 * math.pi
_BELOW_TWO_PI = float(np.nextafter(TWO_PI, 0.0))
# Below this squared relative speed (m^2/s^2) the range is treated as constant: TCPA = 0.
V_REL_EPS2 = 1e-12


# ----------------------------------------------------------------------------- angles
@njit
def wrap_pi(a: float) -> float:
    """Wrap an angle (rad) to (-pi, pi]."""
    w = np.fmod(a, TWO_PI)
    if w > math.pi:
        w -= TWO_PI
    elif w <= -math.pi:
        w += TWO_PI
    return w


@njit
def wrap_2pi(a: float) -> float:
    """Wrap an angle (rad) to [0, 2 pi) through ``wrap_pi``, so a raw angle keeps the side (sign)
    it has in (-pi, pi]; -0.0 becomes +0.0."""
    w = wrap_pi(a)
    if w < 0.0:
        w += TWO_PI
        if w >= TWO_PI:
            # A tiny negative angle rounds up to 2 pi; keep it just below 2 pi rather than 0 so
            # that it stays on the port side for the classifier (its sign is what matters).
            w = _BELOW_TWO_PI
    return w + 0.0


@njit
def _wrap_pi_flat(a, out):
    for k in range(a.shape[0]):
        out[k] = wrap_pi(a[k])


@njit
def _wrap_2pi_flat(a, out):
    for k in range(a.shape[0]):
        out[k] = wrap_2pi(a[k])


def _wrap_array(kernel: Any, a: Any) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    flat = np.ascontiguousarray(arr).reshape(-1)
    out = np.empty(flat.shape[0])
    kernel(flat, out)
    return out.reshape(arr.shape)


def wrap_pi_array(a: Any) -> np.ndarray:
    """``wrap_pi`` element-wise over an array of any shape (NaN stays NaN)."""
    return _wrap_array(_wrap_pi_flat, a)


def wrap_2pi_array(a: Any) -> np.ndarray:
    """``wrap_2pi`` element-wise over an array of any shape (NaN stays NaN)."""
    return _wrap_array(_wrap_2pi_flat, a)


@njit
def relative_bearing(pn: float, pe: float, chi_own: float) -> float:
    """Bearing of the target at p_rel = (pn, pe) from own ship, minus own course: [0, 2 pi)."""
    return wrap_2pi(math.atan2(pe, pn) - chi_own)


@njit
def contact_angle(pn: float, pe: float, chi_target: float) -> float:
    """Bearing of own ship from the target at p_rel = (pn, pe), minus the target's course:
    (-pi, pi], positive when own ship is on the target's starboard side."""
    return wrap_pi(math.atan2(-pe, -pn) - chi_target)


@njit
def encounter_angles_scalar(
    pn: float, pe: float, chi_own: float, chi_target: float
) -> tuple[float, float]:
    """(beta in [0, 2 pi), alpha in (-pi, pi]) for target at p_rel = (pn, pe) from own ship."""
    return relative_bearing(pn, pe, chi_own), contact_angle(pn, pe, chi_target)


@njit
def _angles_kernel(pn, pe, chi_o, chi_t, beta_out, alpha_out):
    for k in range(pn.shape[0]):
        b, a = encounter_angles_scalar(pn[k], pe[k], chi_o[k], chi_t[k])
        beta_out[k] = b
        alpha_out[k] = a


# ----------------------------------------------------------------------------- CPA
@njit
def cpa_tcpa_scalar(pn: float, pe: float, vn: float, ve: float) -> tuple[float, float]:
    """(DCPA m, TCPA s) for one relative state; TCPA < 0 means the CPA is in the past."""
    v2 = vn * vn + ve * ve
    if v2 <= V_REL_EPS2:
        return math.sqrt(pn * pn + pe * pe), 0.0
    tcpa = -(pn * vn + pe * ve) / v2
    dn = pn + vn * tcpa
    de = pe + ve * tcpa
    return math.sqrt(dn * dn + de * de), tcpa


@njit
def _cpa_tcpa_kernel(pn, pe, vn, ve, dcpa_out, tcpa_out):
    for k in range(pn.shape[0]):
        d, t = cpa_tcpa_scalar(pn[k], pe[k], vn[k], ve[k])
        dcpa_out[k] = d
        tcpa_out[k] = t


def as_float_array(name: str, x: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as a float64 array (of ``shape`` when given); an ``AutoshipError`` naming ``name``
    otherwise."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise AutoshipError("must be numeric", field=name) from None
    if shape is not None and a.shape != shape:
        raise AutoshipError(f"shape {a.shape} does not match {shape}", field=name)
    return a


def _apply_pairwise(
    kernel: Any, names: tuple[str, ...], values: tuple[Any, ...], check_finite: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Run a two-output element kernel over four same-shaped inputs (checked and named)."""
    first = as_float_array(names[0], values[0])
    arrs = [first] + [
        as_float_array(n, x, first.shape) for n, x in zip(names[1:], values[1:], strict=True)
    ]
    if check_finite:
        for name, a in zip(names, arrs, strict=True):
            if not np.all(np.isfinite(a)):
                raise AutoshipError("must be finite", field=name)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrs]
    out1 = np.empty(flat[0].shape[0])
    out2 = np.empty(flat[0].shape[0])
    kernel(flat[0], flat[1], flat[2], flat[3], out1, out2)
    return out1.reshape(first.shape), out2.reshape(first.shape)


def cpa_tcpa(
    p_rel_n: Any, p_rel_e: Any, v_rel_n: Any, v_rel_e: Any, check_finite: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised constant-velocity CPA: returns (dcpa_m, tcpa_s) with the inputs' shape.

    ``TCPA = -(p . v) / |v|^2`` and ``DCPA = |p + v TCPA|``; for a vanishing relative velocity
    the range is constant and TCPA = 0. Arrays must share one shape (scalars give 0-d arrays).
    With ``check_finite=False`` a NaN input (a ship not recorded yet) gives NaN outputs.
    """
    names = ("p_rel_n", "p_rel_e", "v_rel_n", "v_rel_e")
    values = (p_rel_n, p_rel_e, v_rel_n, v_rel_e)
    return _apply_pairwise(_cpa_tcpa_kernel, names, values, check_finite)


def encounter_angles(
    p_rel_n: Any, p_rel_e: Any, chi_own: Any, chi_target: Any, check_finite: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised relative bearing beta [0, 2 pi) and contact angle alpha (-pi, pi] (rad)."""
    names = ("p_rel_n", "p_rel_e", "chi_own", "chi_target")
    values = (p_rel_n, p_rel_e, chi_own, chi_target)
    return _apply_pairwise(_angles_kernel, names, values, check_finite)


# ----------------------------------------------------------------------------- hulls
@njit
def hull_corners(n: float, e: float, psi: float, length: float, beam: float, out) -> None:
    """Corners of the L x B hull rectangle centred at (n, e) with heading psi into ``out``
    (4, 2) as (north, east): bow-starboard, bow-port, stern-port, stern-starboard."""
    c = math.cos(psi)
    s = math.sin(psi)
    hl = 0.5 * length
    hb = 0.5 * beam
    out[0, 0] = n + hl * c - hb * s
    out[0, 1] = e + hl * s + hb * c
    out[1, 0] = n + hl * c + hb * s
    out[1, 1] = e + hl * s - hb * c
    out[2, 0] = n - hl * c + hb * s
    out[2, 1] = e - hl * s - hb * c
    out[3, 0] = n - hl * c - hb * s
    out[3, 1] = e - hl * s + hb * c


@njit
def rects_separated(a, b) -> bool:
    """Separating-axis test for two rectangles given as (4, 2) corners in order: True when an
    edge normal of either separates them (touching edges do not separate)."""
    for poly in range(2):
        P = a if poly == 0 else b
        for k in range(2):  # a rectangle has two distinct edge normals
            ax = -(P[k + 1, 1] - P[k, 1])
            ay = P[k + 1, 0] - P[k, 0]
            amin = 1e300
            amax = -1e300
            bmin = 1e300
            bmax = -1e300
            for m in range(4):
                pa = a[m, 0] * ax + a[m, 1] * ay
                pb = b[m, 0] * ax + b[m, 1] * ay
                amin = min(amin, pa)
                amax = max(amax, pa)
                bmin = min(bmin, pb)
                bmax = max(bmax, pb)
            if amax < bmin or bmax < amin:
                return True
    return False


@njit
def hulls_overlap(
    n1: float,
    e1: float,
    psi1: float,
    length1: float,
    beam1: float,
    n2: float,
    e2: float,
    psi2: float,
    length2: float,
    beam2: float,
) -> bool:
    """True when the two hull rectangles (centre, heading, length, beam) overlap or touch."""
    a = np.empty((4, 2))
    b = np.empty((4, 2))
    hull_corners(n1, e1, psi1, length1, beam1, a)
    hull_corners(n2, e2, psi2, length2, beam2, b)
    return not rects_separated(a, b)


# ----------------------------------------------------------------------------- guidance
def los_course(
    north: float,
    east: float,
    n0: float,
    e0: float,
    n1: float,
    e1: float,
    lookahead_m: float,
) -> tuple[float, float, float]:
    """Lookahead line-of-sight guidance along the straight leg (n0, e0) -> (n1, e1).

    Returns (course rad in [0, 2 pi), cross-track error m (+ = starboard of the leg),
    along-track distance remaining to the leg's end m). For the leg's path angle alpha and
    cross-track error e the course is ``alpha - atan(e / Delta)`` (Fossen 2021, sec. 12.4): it
    points at a spot ``Delta`` metres ahead on the leg, so the ship converges on the leg rather
    than homing on its end. A degenerate leg (under a nanometre) has no direction: the course
    then points at its end.
    """
    dn = n1 - n0
    de = e1 - e0
    leg = math.hypot(dn, de)
    if leg < 1e-9:
        return wrap_2pi(math.atan2(e1 - east, n1 - north)), 0.0, 0.0
    alpha = math.atan2(de, dn)
    pn = north - n0
    pe = east - e0
    along = pn * math.cos(alpha) + pe * math.sin(alpha)
    xte = -pn * math.sin(alpha) + pe * math.cos(alpha)
    return wrap_2pi(alpha - math.atan2(xte, lookahead_m)), xte, leg - along
