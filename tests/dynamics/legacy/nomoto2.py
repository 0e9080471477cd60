"""Second-order Nomoto steering with first-order speed response and a PID heading autopilot.

    r / delta (s) = K (1 + T3 s) / ((1 + T1 s)(1 + T2 s)),   u' = (u_d - u) / T_u

realised as x1' = x2, T1 T2 x2' = delta - x1 - (T1 + T2) x2, r = K (x1 + T3 x2) with the
non-dimensional K', T1', T2', T3' scheduled on the speed (Nomoto et al. 1957).
The internal states x1, x2 live in AUX1 and AUX2; AUX0 is the autopilot integral, AUX3 the speed
demand. The autopilot is tuned on the equivalent first-order model T = T1 + T2 - T3.
Wind (ships with a [wind] table) acts quasi-statically as in nomoto1 (equivalent rudder angle,
leeway, surge force; see that module's note).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit as _njit
from autoship.dynamics._common import air_velocity, autopilot, clip, ramp, rate_limited_wn
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

from .nomoto1 import NW, pack_wind, wind_effect


def njit(**options):
    # Not cached: this file is imported as tests.dynamics.legacy.* by the benchmarks and under
    # another name by pytest, and a cached kernel remembers the module name it was built in.
    return _njit(cache=False, **options)


REQUIRED: dict[str, tuple[float, float]] = {
    "K_prime": (0.05, 20.0),
    "T1_prime": (0.01, 50.0),
    "T2_prime": (0.01, 50.0),
    "T3_prime": (0.0, 50.0),
    "rudder_max_deg": (1.0, 90.0),
    "rudder_rate_deg_s": (0.1, 100.0),
    "speed_time_constant_s": (0.1, 3600.0),
    "max_speed_kn": (0.5, 80.0),
}
OPTIONAL: dict[str, tuple[float, float, float]] = {
    "service_speed_kn": (0.5, 80.0, 0.0),  # 0 = max_speed_kn
    "autopilot_wn_prime": (0.05, 20.0, 1.0),
    "autopilot_zeta": (0.1, 3.0, 1.0),
    # Hull fullness for the wind's leeway and surge (nomoto1 module note); only used with [wind].
    "block_coefficient": (0.1, 0.95, 0.7),
    # Lengths the file's model is valid for (scaling.py, library.ship_for); 0 = its own length.
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}

# Closed-loop speed: the lag's target is u_cmd + SPEED_GAIN (u_cmd - u), clipped to the engine's
# range (half the top speed astern .. top speed), i.e. a P speed controller that orders astern
# (or full ahead) in proportion to the error and holds u_cmd exactly at equilibrium. Without it a
# stop order only let the lag decay (a 30 m placeholder coasted at 9.5 kn for 110 s).
SPEED_GAIN = 4.0

(
    P_L, P_KP, P_T1, P_T2, P_T3, P_DMAX, P_DRATE, P_TU, P_UMAX, P_WN, P_ZETA, P_UMIN, P_TEQ,
    P_WIND,
) = range(14)  # fmt: skip
NP = P_WIND + NW  # the wind block (nomoto1.wind_effect) follows


@njit(error_model="numpy")
def _f(u, x1, x2, delta, u_cmd, p):
    """(psi', u', x1', x2') for the scheduled second-order model."""
    L = p[P_L]
    uu = max(abs(u), p[P_UMIN])
    K = p[P_KP] * uu / L
    s = L / uu
    T1 = p[P_T1] * s
    T2 = p[P_T2] * s
    T3 = p[P_T3] * s
    r = K * (x1 + T3 * x2)
    return r, (u_cmd - u) / p[P_TU], x2, (delta - x1 - (T1 + T2) * x2) / (T1 * T2)


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, u_cmd, h, cn, ce, dw, vw, ax):
    # dw, vw, ax: the wind's equivalent rudder, leeway and surge acceleration, held over the step.
    psi = X[PSI, i]
    u = X[U, i]
    x1 = X[AUX1, i]
    x2 = X[AUX2, i]
    d0 = X[DELTA, i]
    d1 = ramp(d0, d_cmd, p[P_DRATE], h)
    dm = 0.5 * (d0 + d1)
    h2 = 0.5 * h
    r1, a1u, a1x, a1y = _f(u, x1, x2, d0 + dw, u_cmd, p)
    a1u += ax
    u2 = u + h2 * a1u
    p2 = psi + h2 * r1
    r2, a2u, a2x, a2y = _f(u2, x1 + h2 * a1x, x2 + h2 * a1y, dm + dw, u_cmd, p)
    a2u += ax
    u3 = u + h2 * a2u
    p3 = psi + h2 * r2
    r3, a3u, a3x, a3y = _f(u3, x1 + h2 * a2x, x2 + h2 * a2y, dm + dw, u_cmd, p)
    a3u += ax
    u4 = u + h * a3u
    p4 = psi + h * r3
    r4, a4u, a4x, a4y = _f(u4, x1 + h * a3x, x2 + h * a3y, d1 + dw, u_cmd, p)
    a4u += ax
    sbar = (math.sin(psi) + 2.0 * math.sin(p2) + 2.0 * math.sin(p3) + math.sin(p4)) / 6.0
    cbar = (math.cos(psi) + 2.0 * math.cos(p2) + 2.0 * math.cos(p3) + math.cos(p4)) / 6.0
    dn = (
        u * math.cos(psi) + 2.0 * u2 * math.cos(p2) + 2.0 * u3 * math.cos(p3) + u4 * math.cos(p4)
    ) / 6.0 - vw * sbar
    de = (
        u * math.sin(psi) + 2.0 * u2 * math.sin(p2) + 2.0 * u3 * math.sin(p3) + u4 * math.sin(p4)
    ) / 6.0 + vw * cbar
    X[N, i] += h * (dn + cn)
    X[E, i] += h * (de + ce)
    X[PSI, i] = (psi + h * (r1 + 2.0 * r2 + 2.0 * r3 + r4) / 6.0) % (2.0 * math.pi)
    un = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    x1n = x1 + h * (a1x + 2.0 * a2x + 2.0 * a3x + a4x) / 6.0
    x2n = x2 + h * (a1y + 2.0 * a2y + 2.0 * a3y + a4y) / 6.0
    X[U, i] = un
    X[AUX1, i] = x1n
    X[AUX2, i] = x2n
    rn, _, _, _ = _f(un, x1n, x2n, d1 + dw, u_cmd, p)
    X[R, i] = rn
    X[V, i] = vw
    X[DELTA, i] = d1


@njit(error_model="numpy")
def _wind(p, X, i, cn, ce, an, ae):
    psi = X[PSI, i]
    return wind_effect(
        p, P_WIND, p[P_L], p[P_UMIN], math.cos(psi), math.sin(psi), X[U, i], X[V, i], cn, ce,
        an, ae,
    )  # fmt: skip


@njit(error_model="numpy")
def _nsub(p, dt):
    uu = max(p[P_UMAX], p[P_UMIN])
    T2 = min(p[P_T1], p[P_T2]) * p[P_L] / uu
    return max(1, int(math.ceil(dt / (0.5 * min(T2, p[P_TU])) - 1e-9)))


@njit(error_model="numpy")
def step_nomoto2(X, P, C, idx, dt, env):
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = _nsub(p, dt)
        h = dt / nsub
        u_cmd = C[CMD_SPEED, i]
        if math.isnan(u_cmd):
            u_cmd = X[AUX3, i]
        u_cmd = clip(u_cmd, 0.0, p[P_UMAX])
        X[AUX3, i] = u_cmd
        for _ in range(nsub):
            d_cmd, X[AUX0, i] = autopilot(
                X[PSI, i],
                X[R, i],
                X[U, i],
                C[CMD_COURSE, i],
                X[AUX0, i],
                p[P_L],
                p[P_KP],
                p[P_TEQ],
                rate_limited_wn(p[P_WN], p[P_DRATE], p[P_DMAX], p[P_L], X[U, i]),
                p[P_ZETA],
                p[P_DMAX],
                h,
            )
            u_tgt = clip(u_cmd + SPEED_GAIN * (u_cmd - X[U, i]), -0.5 * p[P_UMAX], p[P_UMAX])
            dw, vw, ax = _wind(p, X, i, cn, ce, an, ae)
            _substep(X, p, i, d_cmd, u_tgt, h, cn, ce, dw, vw, ax)
        X[NPROP, i] = 0.0


@njit(error_model="numpy")
def step_nomoto2_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] speed demand (m/s)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = _nsub(p, dt)
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[P_DMAX], p[P_DMAX])
        u_cmd = clip(D[1, i], -0.5 * p[P_UMAX], p[P_UMAX])
        for _ in range(nsub):
            dw, vw, ax = _wind(p, X, i, cn, ce, an, ae)
            _substep(X, p, i, d_cmd, u_cmd, h, cn, ce, dw, vw, ax)


def pack_params(defs: list) -> np.ndarray:
    P = np.zeros((len(defs), NP))
    for j, d in enumerate(defs):
        m = d.model
        P[j, P_L] = d.length_m
        P[j, P_KP] = m["K_prime"]
        P[j, P_T1] = m["T1_prime"]
        P[j, P_T2] = m["T2_prime"]
        P[j, P_T3] = m["T3_prime"]
        P[j, P_DMAX] = math.radians(m["rudder_max_deg"])
        P[j, P_DRATE] = math.radians(m["rudder_rate_deg_s"])
        P[j, P_TU] = m["speed_time_constant_s"]
        P[j, P_UMAX] = m["max_speed_kn"] * 1852.0 / 3600.0
        P[j, P_WN] = m.get("autopilot_wn_prime", OPTIONAL["autopilot_wn_prime"][2])
        P[j, P_ZETA] = m.get("autopilot_zeta", OPTIONAL["autopilot_zeta"][2])
        P[j, P_UMIN] = 0.02 * math.sqrt(9.81 * d.length_m)
        P[j, P_TEQ] = max(m["T1_prime"] + m["T2_prime"] - m["T3_prime"], 0.05)
        pack_wind(P[j], P_WIND, d)
    return P


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    for i in idx:
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        X[NPROP, i] = 0.0
        X[AUX0, i] = 0.0
        X[AUX1, i] = 0.0
        X[AUX2, i] = 0.0
        X[AUX3, i] = X[U, i]


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    # No propeller model: "full astern" asks for half the top speed astern through the speed lag.
    return -0.5 * float(P[j, P_UMAX]) if order == "astern" else float(u)
