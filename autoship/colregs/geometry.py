"""CPA/TCPA and encounter angles: numba kernels plus thin validating NumPy wrappers.

Conventions (local frame, SI): positions north/east in metres, velocities over ground in m/s,
angles in radians clockwise from north. ``p_rel = p_target - p_own``, ``v_rel = v_target - v_own``.
Relative bearing beta is the bearing of the target from own ship minus own course, in
[0, 2 pi); contact angle alpha is the bearing of own ship from the target minus the target's
course, in (-pi, pi] (positive: own ship on the target's starboard side).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.errors import AutoshipError

TWO_PI = 2.0 * math.pi
_BELOW_TWO_PI = float(np.nextafter(TWO_PI, 0.0))
# Below this squared relative speed (m^2/s^2) the range is treated as constant: TCPA = 0.
V_REL_EPS2 = 1e-12


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


def _as_flat(name: str, x, shape=None) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise AutoshipError("must be numeric", field=name) from None
    if shape is not None and a.shape != shape:
        raise AutoshipError(f"shape {a.shape} does not match {shape}", field=name)
    return a


def cpa_tcpa(p_rel_n, p_rel_e, v_rel_n, v_rel_e) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised constant-velocity CPA: returns (dcpa_m, tcpa_s) with the inputs' shape.

    ``TCPA = -(p . v) / |v|^2`` and ``DCPA = |p + v TCPA|``; for a vanishing relative velocity
    the range is constant and TCPA = 0. Arrays must share one shape (scalars give 0-d arrays).
    """
    pn = _as_flat("p_rel_n", p_rel_n)
    shape = pn.shape
    pe = _as_flat("p_rel_e", p_rel_e, shape)
    vn = _as_flat("v_rel_n", v_rel_n, shape)
    ve = _as_flat("v_rel_e", v_rel_e, shape)
    for name, a in (("p_rel_n", pn), ("p_rel_e", pe), ("v_rel_n", vn), ("v_rel_e", ve)):
        if not np.all(np.isfinite(a)):
            raise AutoshipError("must be finite", field=name)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (pn, pe, vn, ve)]
    dcpa = np.empty(flat[0].shape[0])
    tcpa = np.empty(flat[0].shape[0])
    _cpa_tcpa_kernel(flat[0], flat[1], flat[2], flat[3], dcpa, tcpa)
    return dcpa.reshape(shape), tcpa.reshape(shape)


@njit
def wrap_pi_scalar(a: float) -> float:
    """Wrap to (-pi, pi]."""
    w = np.fmod(a, TWO_PI)
    if w > math.pi:
        w -= TWO_PI
    elif w <= -math.pi:
        w += TWO_PI
    return w


@njit
def wrap_2pi_scalar(a: float) -> float:
    """Wrap to [0, 2 pi) through wrap_pi_scalar, so a raw angle keeps the side (sign) it has in
    (-pi, pi] (the classifier's mirror symmetry depends on it)."""
    w = wrap_pi_scalar(a)
    if w < 0.0:
        w += TWO_PI
        if w >= TWO_PI:
            # A tiny negative angle rounds up to 2 pi; keep it just below 2 pi rather than 0 so
            # that it stays on the port side for the classifier (its sign is what matters).
            w = _BELOW_TWO_PI
    return w


@njit
def encounter_angles_scalar(
    pn: float, pe: float, chi_own: float, chi_target: float
) -> tuple[float, float]:
    """(beta in [0, 2 pi), alpha in (-pi, pi]) for target at p_rel = (pn, pe) from own ship."""
    los = math.atan2(pe, pn)
    back = math.atan2(-pe, -pn)
    return wrap_2pi_scalar(los - chi_own), wrap_pi_scalar(back - chi_target)


@njit
def _angles_kernel(pn, pe, chi_o, chi_t, beta_out, alpha_out):
    for k in range(pn.shape[0]):
        b, a = encounter_angles_scalar(pn[k], pe[k], chi_o[k], chi_t[k])
        beta_out[k] = b
        alpha_out[k] = a


def encounter_angles(p_rel_n, p_rel_e, chi_own, chi_target) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised relative bearing beta [0, 2 pi) and contact angle alpha (-pi, pi] (rad)."""
    pn = _as_flat("p_rel_n", p_rel_n)
    shape = pn.shape
    arrs = [pn] + [
        _as_flat(n, x, shape)
        for n, x in (("p_rel_e", p_rel_e), ("chi_own", chi_own), ("chi_target", chi_target))
    ]
    for name, a in zip(("p_rel_n", "p_rel_e", "chi_own", "chi_target"), arrs, strict=True):
        if not np.all(np.isfinite(a)):
            raise AutoshipError("must be finite", field=name)
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrs]
    beta = np.empty(flat[0].shape[0])
    alpha = np.empty(flat[0].shape[0])
    _angles_kernel(flat[0], flat[1], flat[2], flat[3], beta, alpha)
    return beta.reshape(shape), alpha.reshape(shape)
