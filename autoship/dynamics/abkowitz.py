"""Nonlinear 3-DOF Abkowitz-type polynomial model with bias terms (the Mariner-class model).

Chislett, M. S. and Stroem-Tejsen, J. (1965), "Planar Motion Mechanism Tests and Full-Scale
Steering and Maneuvering Predictions for a Mariner Class Vessel", Technical Report Hy-5, Hydro-
and Aerodynamics Laboratory, Lyngby. Equations and coefficients as in Fossen's MSS toolbox
``mariner.m`` (Lauvdal 1994, revised 2001-2021); this is our own implementation of them.

States are the surge perturbation du = u - U0 (kept in X[U] as the total u), sway v and yaw r at
the origin; the prime system uses L and the instantaneous speed U = sqrt(u^2 + v^2):

    u' = du / U,  v' = v / U,  r' = r L / U,  delta_m = -delta
    X' = Xu u' + Xuu u'^2 + Xuuu u'^3 + Xvv v'^2 + Xrr r'^2 + Xrv r'v' + Xdd d^2
         + Xudd u'd^2 + Xvd v'd + Xuvd u'v'd
    Y' = Yv v' + Yr r' + Yvvv v'^3 + Yvvr v'^2 r' + Yvu v'u' + Yru r'u' + Yd d + Yddd d^3
         + Yud u'd + Yuud u'^2 d + Yvdd v'd^2 + Yvvd v'^2 d + (Y0 + Y0u u' + Y0uu u'^2)
    N' = same form with N coefficients
    du/dt = X' (U^2/L) / m11,  [v, r]' from the sway-yaw inertia matrix (mariner.m)

``delta_m = -delta`` because in the source a positive rudder angle turns the ship to port; here
delta > 0 turns to starboard like every other family. The source's bias terms (Y0, N0, ...) make
the hull turn slowly to starboard with the rudder amidships (r ~ 0.003 rad/s): kept, as
published; the autopilot's integral holds the course.

Propulsion: the source has no propeller; its surge polynomial is hull plus propeller at the
shaft speed that gives U0. A speed demand u_d shifts that thrust by
-(Xu s + Xuu s^2 + Xuuu s^3), s = (u_d - U0) / U, so that u_d becomes the equilibrium. Being a
perturbation fit about U0 it is only used for 0.5 U0 <= u_d <= max speed: the model cannot stop
or go astern (crash stop: "not evaluated").

Rudder: as in mariner.m, delta' = clip(delta_c - delta, +-rate) per second (a 1 s lag, rate
limited). Wind (ships with a [wind] table): the Blendermann load less that of still air, added
to X', Y', N' in the source's prime system. Parameters are rows of ``P`` shaped (n, NP).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.dynamics._common import (
    air_velocity,
    autopilot,
    blendermann,
    clip,
    rk4_kinematics,
    wind_body,
)
from autoship.dynamics.state import (
    AUX0,
    AUX1,
    AUX2,
    AUX3,
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    ENV_CUR_E,
    ENV_CUR_N,
    ENV_WIND_FROM,
    ENV_WIND_SPEED,
    NPROP,
    PSI,
    E,
    N,
    R,
    U,
    V,
)

# Hydrodynamic coefficients in the source's prime system (order and names as in mariner.m).
COEFFS = (
    "m", "Iz", "xG",
    "Xudot", "Xu", "Xuu", "Xuuu", "Xvv", "Xrr", "Xdd", "Xudd", "Xrv", "Xvd", "Xuvd",
    "Yvdot", "Yrdot", "Yv", "Yr", "Yvvv", "Yvvr", "Yvu", "Yru", "Yd", "Yddd", "Yud", "Yuud",
    "Yvdd", "Yvvd", "Y0", "Y0u", "Y0uu",
    "Nvdot", "Nrdot", "Nv", "Nr", "Nvvv", "Nvvr", "Nvu", "Nru", "Nd", "Nddd", "Nud", "Nuud",
    "Nvdd", "Nvvd", "N0", "N0u", "N0uu",
)  # fmt: skip

REQUIRED: dict[str, tuple[float, float]] = {k: (-1.0, 1.0) for k in COEFFS}
REQUIRED.update(
    {
        "service_speed_kn": (0.5, 60.0),  # U0, the speed the polynomial is expanded about
        "max_speed_kn": (0.5, 60.0),
        "rudder_max_deg": (1.0, 90.0),
        "rudder_rate_deg_s": (0.1, 100.0),
    }
)
OPTIONAL: dict[str, tuple[float, float, float]] = {
    "rudder_time_constant_s": (0.01, 60.0, 1.0),  # mariner.m: delta' = delta_c - delta (1 s)
    "min_speed_ratio": (0.1, 1.0, 0.5),  # lowest speed demand / U0 (perturbation fit)
    "autopilot_K_prime": (0.05, 20.0, 0.0),
    "autopilot_T_prime": (0.05, 50.0, 0.0),
    "autopilot_wn_prime": (0.05, 20.0, 1.0),
    "autopilot_zeta": (0.1, 3.0, 1.0),
    "max_step_s": (1e-4, 10.0, 0.0),  # 0 = min(0.02 L / U0, rudder time constant / 2)
    # Lengths the file's model is valid for (scaling.py, library.ship_for); 0 = its own length.
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}

_NC = len(COEFFS)
_I = {k: j for j, k in enumerate(COEFFS)}
(
    P_L, P_U0, P_UMAX, P_UMIN, P_DMAX, P_DRATE, P_TD, P_M11, P_M22, P_M23, P_M32, P_M33, P_DET,
    P_HMAX, P_KAP, P_TAP, P_WNAP, P_ZAP,
    P_AF, P_ALAT, P_LOA, P_SL, P_CDT, P_CDLB, P_CDLS, P_DELB, P_QW,
) = range(_NC, _NC + 27)  # fmt: skip
NP = _NC + 27


@njit(error_model="numpy")
def _forces(p, u, v, r, delta):
    """Prime X', Y', N' (mariner.m) at total surge u, sway v, yaw r, rudder delta (ours)."""
    L = p[P_L]
    U = math.sqrt(u * u + v * v)
    U = max(U, 1e-6)
    up = (u - p[P_U0]) / U
    vp = v / U
    rp = r * L / U
    d = -delta
    d2 = d * d
    X = (
        p[4] * up + p[5] * up * up + p[6] * up**3 + p[7] * vp * vp + p[8] * rp * rp
        + p[9] * d2 + p[10] * up * d2 + p[11] * rp * vp + p[12] * vp * d + p[13] * up * vp * d
    )  # fmt: skip
    Y = (
        p[16] * vp + p[17] * rp + p[18] * vp**3 + p[19] * vp * vp * rp + p[20] * vp * up
        + p[21] * rp * up + p[22] * d + p[23] * d**3 + p[24] * up * d + p[25] * up * up * d
        + p[26] * vp * d2 + p[27] * vp * vp * d + (p[28] + p[29] * up + p[30] * up * up)
    )  # fmt: skip
    Nn = (
        p[33] * vp + p[34] * rp + p[35] * vp**3 + p[36] * vp * vp * rp + p[37] * vp * up
        + p[38] * rp * up + p[39] * d + p[40] * d**3 + p[41] * up * d + p[42] * up * up * d
        + p[43] * vp * d2 + p[44] * vp * vp * d + (p[45] + p[46] * up + p[47] * up * up)
    )  # fmt: skip
    return X, Y, Nn, U, up


@njit(error_model="numpy")
def _deriv(p, u, v, r, delta, d_cmd, u_set, XW, YW, NW):
    X, Y, Nn, U, up = _forces(p, u, v, r, delta)
    # Wind (Blendermann, dimensional) in the source's prime system: / (1/2 rho L^2 U^2) and
    # / (1/2 rho L^3 U^2); P_QW = 1/2 rho L^2.
    qw = p[P_QW] * U * U
    X += XW / qw
    Y += YW / qw
    Nn += NW / (qw * p[P_L])
    # Thrust shift that makes u_set the straight-ahead equilibrium (no propeller in the source).
    s = (u_set - p[P_U0]) / U
    X -= p[4] * s + p[5] * s * s + p[6] * s**3
    L = p[P_L]
    q = U * U / L
    du = X * q / p[P_M11]
    dv = -(-p[P_M33] * Y + p[P_M23] * Nn) * q / p[P_DET]
    dr = (-p[P_M32] * Y + p[P_M22] * Nn) * q / L / p[P_DET]
    dd = clip((d_cmd - delta) / p[P_TD], -p[P_DRATE], p[P_DRATE])
    return du, dv, dr, dd


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, u_set, h, cn, ce, an, ae):
    psi = X[PSI, i]
    u = X[U, i]
    v = X[V, i]
    r = X[R, i]
    d = X[DELTA, i]
    h2 = 0.5 * h
    XW = 0.0
    YW = 0.0
    NW = 0.0
    if p[P_ALAT] > 0.0 and (an != 0.0 or ae != 0.0):
        # Wind load held over the step (as in fossen3). The source's surge polynomial already
        # holds the still-air drag at U0, so only the wind's increment over still air is added.
        c0 = math.cos(psi)
        s0 = math.sin(psi)
        ur, vr = wind_body(c0, s0, u, v, cn, ce, an, ae)
        XW, YW, NW = blendermann(
            ur, vr, p[P_AF], p[P_ALAT], p[P_LOA], p[P_SL], p[P_CDT], p[P_CDLB], p[P_CDLS],
            p[P_DELB], p[P_L],
        )  # fmt: skip
        ur0, vr0 = wind_body(c0, s0, u, v, cn, ce, 0.0, 0.0)
        X0, Y0, N0 = blendermann(
            ur0, vr0, p[P_AF], p[P_ALAT], p[P_LOA], p[P_SL], p[P_CDT], p[P_CDLB], p[P_CDLS],
            p[P_DELB], p[P_L],
        )  # fmt: skip
        XW -= X0
        YW -= Y0
        NW -= N0
    a1u, a1v, a1r, a1d = _deriv(p, u, v, r, d, d_cmd, u_set, XW, YW, NW)
    u2 = u + h2 * a1u
    v2 = v + h2 * a1v
    r2 = r + h2 * a1r
    d2 = d + h2 * a1d
    a2u, a2v, a2r, a2d = _deriv(p, u2, v2, r2, d2, d_cmd, u_set, XW, YW, NW)
    u3 = u + h2 * a2u
    v3 = v + h2 * a2v
    r3 = r + h2 * a2r
    d3 = d + h2 * a2d
    a3u, a3v, a3r, a3d = _deriv(p, u3, v3, r3, d3, d_cmd, u_set, XW, YW, NW)
    u4 = u + h * a3u
    v4 = v + h * a3v
    r4 = r + h * a3r
    d4 = d + h * a3d
    a4u, a4v, a4r, a4d = _deriv(p, u4, v4, r4, d4, d_cmd, u_set, XW, YW, NW)
    c1 = math.cos(psi)
    s1 = math.sin(psi)
    dn, de, rsum = rk4_kinematics(c1, s1, h, u, v, r, u2, v2, r2, u3, v3, r3, u4, v4, r4)
    X[N, i] += h * (dn + cn)
    X[E, i] += h * (de + ce)
    X[PSI, i] = (psi + h * rsum / 6.0) % (2.0 * math.pi)
    X[U, i] = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    X[V, i] = v + h * (a1v + 2.0 * a2v + 2.0 * a3v + a4v) / 6.0
    X[R, i] = r + h * (a1r + 2.0 * a2r + 2.0 * a3r + a4r) / 6.0
    X[DELTA, i] = clip(d + h * (a1d + 2.0 * a2d + 2.0 * a3d + a4d) / 6.0, -p[P_DMAX], p[P_DMAX])


@njit(error_model="numpy")
def step_abkowitz_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] speed demand (m/s; see the module note)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[P_HMAX] - 1e-9)))
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[P_DMAX], p[P_DMAX])
        u_set = clip(D[1, i], p[P_UMIN], p[P_UMAX])
        X[AUX3, i] = u_set
        for _ in range(nsub):
            _substep(X, p, i, d_cmd, u_set, h, cn, ce, an, ae)
        X[NPROP, i] = 0.0


@njit(error_model="numpy")
def step_abkowitz(X, P, C, idx, dt, env):
    """Closed loop: PID autopilot on the fitted Nomoto model; the speed demand is the command
    clipped to the model's speed range. AUX0 heading integral, AUX2 rudder demand, AUX3 speed
    demand (m/s)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[P_HMAX] - 1e-9)))
        h = dt / nsub
        u_cmd = C[CMD_SPEED, i]
        if math.isnan(u_cmd):
            u_cmd = X[AUX3, i]
        u_set = clip(u_cmd, p[P_UMIN], p[P_UMAX])
        X[AUX3, i] = u_set
        for _ in range(nsub):
            d_cmd, X[AUX0, i] = autopilot(
                X[PSI, i],
                X[R, i],
                X[U, i],
                C[CMD_COURSE, i],
                X[AUX0, i],
                p[P_L],
                p[P_KAP],
                p[P_TAP],
                p[P_WNAP],
                p[P_ZAP],
                p[P_DMAX],
                h,
            )
            X[AUX2, i] = d_cmd
            _substep(X, p, i, d_cmd, u_set, h, cn, ce, an, ae)
        X[NPROP, i] = 0.0


def _opt(m: dict, key: str) -> float:
    return float(m.get(key, OPTIONAL[key][2]))


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (n, NP) for ship definitions of family ``abkowitz``."""
    P = np.zeros((len(defs), NP))
    for j, sd in enumerate(defs):
        m = sd.model
        p = P[j]
        for k in COEFFS:
            p[_I[k]] = m[k]
        mm, Iz, xG = m["m"], m["Iz"], m["xG"]
        p[P_M11] = mm - m["Xudot"]
        p[P_M22] = mm - m["Yvdot"]
        p[P_M23] = mm * xG - m["Yrdot"]
        p[P_M32] = mm * xG - m["Nvdot"]
        p[P_M33] = Iz - m["Nrdot"]
        p[P_DET] = p[P_M22] * p[P_M33] - p[P_M23] * p[P_M32]
        L = sd.length_m
        U0 = m["service_speed_kn"] * 1852.0 / 3600.0
        p[P_L] = L
        p[P_U0] = U0
        p[P_UMAX] = m["max_speed_kn"] * 1852.0 / 3600.0
        p[P_UMIN] = _opt(m, "min_speed_ratio") * U0
        p[P_DMAX] = math.radians(m["rudder_max_deg"])
        p[P_DRATE] = math.radians(m["rudder_rate_deg_s"])
        p[P_TD] = _opt(m, "rudder_time_constant_s")
        hmax = _opt(m, "max_step_s")
        p[P_HMAX] = hmax if hmax > 0.0 else min(0.02 * L / U0, 0.5 * p[P_TD])
        p[P_KAP] = _opt(m, "autopilot_K_prime")
        p[P_TAP] = _opt(m, "autopilot_T_prime")
        p[P_WNAP] = _opt(m, "autopilot_wn_prime")
        p[P_ZAP] = _opt(m, "autopilot_zeta")
        p[P_QW] = 0.5 * 1025.0 * L * L
        w = sd.wind
        if w is not None:
            p[P_AF] = w.frontal_area_m2
            p[P_ALAT] = w.lateral_area_m2
            p[P_LOA] = w.loa_m
            p[P_SL] = w.lateral_centroid_m
            p[P_CDT] = w.CDt
            p[P_CDLB] = w.CDl_bow
            p[P_CDLS] = w.CDl_stern
            p[P_DELB] = w.delta
    return P


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    for j, i in enumerate(idx):
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        X[NPROP, i] = 0.0
        X[AUX0, i] = 0.0
        X[AUX1, i] = 0.0
        X[AUX2, i] = 0.0
        X[AUX3, i] = clip(float(X[U, i]), float(P[j, P_UMIN]), float(P[j, P_UMAX]))


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    """Speed demand (m/s). "astern" asks for the lowest speed the perturbation model allows."""
    if order == "astern":
        return float(P[j, P_UMIN])
    return float(u)


def get_autopilot(P: np.ndarray, j: int) -> tuple[float, float]:
    return float(P[j, P_KAP]), float(P[j, P_TAP])


def set_autopilot(P: np.ndarray, j: int, K_prime: float, T_prime: float) -> None:
    P[j, P_KAP] = K_prime
    P[j, P_TAP] = T_prime
