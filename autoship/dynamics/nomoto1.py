"""First-order Nomoto steering with first-order speed response and a PID heading autopilot.

The cheapest model family: fine for crowds of targets, not for manoeuvring validation.

    T r' + r = K delta,   u' = (u_d - u) / T_u

Parameters are non-dimensional (K' = K L / U, T' = T U / L, ship-dynamics reference section 6) so
one set serves a hull at any speed. Parameters are rows of ``P`` shaped (n, NP).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.dynamics._common import autopilot, clip, ramp, rate_limited_wn
from autoship.dynamics.state import (
    AUX0,
    AUX2,
    AUX3,
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    ENV_CUR_E,
    ENV_CUR_N,
    NPROP,
    PSI,
    E,
    N,
    R,
    U,
    V,
)

REQUIRED: dict[str, tuple[float, float]] = {
    "K_prime": (0.05, 20.0),
    "T_prime": (0.05, 50.0),
    "rudder_max_deg": (1.0, 90.0),
    "rudder_rate_deg_s": (0.1, 100.0),
    "speed_time_constant_s": (0.1, 3600.0),
    "max_speed_kn": (0.5, 80.0),
}
OPTIONAL: dict[str, tuple[float, float, float]] = {
    "service_speed_kn": (0.5, 80.0, 0.0),  # 0 = max_speed_kn
    "autopilot_wn_prime": (0.05, 20.0, 1.0),
    "autopilot_zeta": (0.1, 3.0, 0.9),
    # Lengths the file's model is valid for (scaling.py, library.ship_for); 0 = its own length.
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}

# Closed-loop speed: the lag's target is u_cmd + SPEED_GAIN (u_cmd - u), clipped to the engine's
# range (half the top speed astern .. top speed), i.e. a P speed controller that orders astern
# (or full ahead) in proportion to the error and holds u_cmd exactly at equilibrium. Without it a
# stop order only let the lag decay (a 30 m placeholder coasted at 9.5 kn for 110 s).
SPEED_GAIN = 4.0

P_L, P_KP, P_TP, P_DMAX, P_DRATE, P_TU, P_UMAX, P_WN, P_ZETA, P_UMIN = range(10)
NP = 10


@njit(error_model="numpy")
def _rdot(u, r, delta, L, Kp, Tp, umin):
    uu = max(abs(u), umin)
    return (Kp * uu / L * delta - r) / (Tp * L / uu)


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, u_cmd, h, cn, ce):
    """RK4 step of (N, E, psi, u, r); the rudder ramps linearly over the step."""
    L = p[P_L]
    Kp = p[P_KP]
    Tp = p[P_TP]
    Tu = p[P_TU]
    umin = p[P_UMIN]
    psi = X[PSI, i]
    u = X[U, i]
    r = X[R, i]
    d0 = X[DELTA, i]
    d1 = ramp(d0, d_cmd, p[P_DRATE], h)
    dm = 0.5 * (d0 + d1)
    h2 = 0.5 * h
    a1u = (u_cmd - u) / Tu
    a1r = _rdot(u, r, d0, L, Kp, Tp, umin)
    u2 = u + h2 * a1u
    r2 = r + h2 * a1r
    p2 = psi + h2 * r
    a2u = (u_cmd - u2) / Tu
    a2r = _rdot(u2, r2, dm, L, Kp, Tp, umin)
    u3 = u + h2 * a2u
    r3 = r + h2 * a2r
    p3 = psi + h2 * r2
    a3u = (u_cmd - u3) / Tu
    a3r = _rdot(u3, r3, dm, L, Kp, Tp, umin)
    u4 = u + h * a3u
    r4 = r + h * a3r
    p4 = psi + h * r3
    a4u = (u_cmd - u4) / Tu
    a4r = _rdot(u4, r4, d1, L, Kp, Tp, umin)
    dn = (
        u * math.cos(psi) + 2.0 * u2 * math.cos(p2) + 2.0 * u3 * math.cos(p3) + u4 * math.cos(p4)
    ) / 6.0
    de = (
        u * math.sin(psi) + 2.0 * u2 * math.sin(p2) + 2.0 * u3 * math.sin(p3) + u4 * math.sin(p4)
    ) / 6.0
    X[N, i] += h * (dn + cn)
    X[E, i] += h * (de + ce)
    X[PSI, i] = (psi + h * (r + 2.0 * r2 + 2.0 * r3 + r4) / 6.0) % (2.0 * math.pi)
    X[U, i] = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    X[R, i] = r + h * (a1r + 2.0 * a2r + 2.0 * a3r + a4r) / 6.0
    X[V, i] = 0.0
    X[DELTA, i] = d1


@njit(error_model="numpy")
def _nsub(p, dt):
    # Keep h below T/4 at the current speed so RK4 stays accurate for short, fast hulls.
    uu = max(p[P_UMAX], p[P_UMIN])
    T = p[P_TP] * p[P_L] / uu
    return max(1, int(math.ceil(dt / (0.25 * min(T, p[P_TU])) - 1e-9)))


@njit(error_model="numpy")
def step_nomoto1(X, P, C, idx, dt, env):
    """Advance ships ``idx`` by dt under course/speed commands (PID autopilot inside).

    AUX0 = integral of heading error, AUX2 = rudder demand (rad), AUX3 = speed demand (m/s).
    """
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = _nsub(p, dt)
        h = dt / nsub
        u_cmd = C[CMD_SPEED, i]
        if math.isnan(u_cmd):
            u_cmd = X[AUX3, i]
        u_cmd = clip(u_cmd, 0.0, p[P_UMAX])
        for _ in range(nsub):
            d_cmd, X[AUX0, i] = autopilot(
                X[PSI, i],
                X[R, i],
                X[U, i],
                C[CMD_COURSE, i],
                X[AUX0, i],
                p[P_L],
                p[P_KP],
                p[P_TP],
                rate_limited_wn(p[P_WN], p[P_DRATE], p[P_DMAX], p[P_L], X[U, i]),
                p[P_ZETA],
                p[P_DMAX],
                h,
            )
            X[AUX2, i] = d_cmd
            X[AUX3, i] = u_cmd
            u_tgt = clip(u_cmd + SPEED_GAIN * (u_cmd - X[U, i]), -0.5 * p[P_UMAX], p[P_UMAX])
            _substep(X, p, i, d_cmd, u_tgt, h, cn, ce)
        X[NPROP, i] = 0.0


@njit(error_model="numpy")
def step_nomoto1_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] speed demand (m/s, reached with T_u)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = _nsub(p, dt)
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[P_DMAX], p[P_DMAX])
        u_cmd = clip(D[1, i], -0.5 * p[P_UMAX], p[P_UMAX])
        for _ in range(nsub):
            _substep(X, p, i, d_cmd, u_cmd, h, cn, ce)


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (n, NP) for ship definitions of family ``nomoto1``."""
    P = np.zeros((len(defs), NP))
    for j, d in enumerate(defs):
        m = d.model
        P[j, P_L] = d.length_m
        P[j, P_KP] = m["K_prime"]
        P[j, P_TP] = m["T_prime"]
        P[j, P_DMAX] = math.radians(m["rudder_max_deg"])
        P[j, P_DRATE] = math.radians(m["rudder_rate_deg_s"])
        P[j, P_TU] = m["speed_time_constant_s"]
        P[j, P_UMAX] = m["max_speed_kn"] * 1852.0 / 3600.0
        P[j, P_WN] = m.get("autopilot_wn_prime", 1.0)
        P[j, P_ZETA] = m.get("autopilot_zeta", 0.9)
        P[j, P_UMIN] = 0.02 * math.sqrt(9.81 * d.length_m)
    return P


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    for i in idx:
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        X[NPROP, i] = 0.0
        X[AUX0, i] = 0.0
        X[AUX2, i] = 0.0
        X[AUX3, i] = X[U, i]


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    """Speed demand (m/s): "trim" holds ``u``; "astern" reverses through the speed lag."""
    # No propeller model: "full astern" asks for half the top speed astern through the speed lag.
    return -0.5 * float(P[j, P_UMAX]) if order == "astern" else float(u)
