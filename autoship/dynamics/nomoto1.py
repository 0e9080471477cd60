"""First-order Nomoto steering with first-order speed response and a PD heading autopilot.

The cheapest model family: fine for crowds of targets, not for manoeuvring validation.
Parameters are non-dimensional (K' = K L / U, T' = T U / L) so one set serves a hull at any speed.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.dynamics.state import (
    AUX0,
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    ENV_CUR_E,
    ENV_CUR_N,
    PSI,
    E,
    N,
    R,
    U,
    V,
)

# Parameter rows (NP, n): see pack_params.
P_L, P_KP, P_TP, P_DMAX, P_DRATE, P_TU, P_UMAX, P_WN, P_ZETA = range(9)
NP = 9

_U_MIN = 0.3  # m/s; below this the speed-scaled K and T would blow up


@njit
def _wrap_pi(a):
    return (a + math.pi) % (2.0 * math.pi) - math.pi


@njit
def _deriv(psi, u, r, delta, u_cmd, L, Kp, Tp, Tu, out):
    uu = max(abs(u), _U_MIN)
    K = Kp * uu / L
    T = Tp * L / uu
    out[0] = r  # psi dot
    out[1] = (u_cmd - u) / Tu  # u dot
    out[2] = (K * delta - r) / T  # r dot


@njit
def step_nomoto1(X, P, C, idx, dt, env):
    """Advance ships ``idx`` of state X by dt in place (RK4, rudder held over the step)."""
    k1 = np.empty(3)
    k2 = np.empty(3)
    k3 = np.empty(3)
    k4 = np.empty(3)
    for j in range(idx.shape[0]):
        i = idx[j]
        L = P[P_L, j]
        Kp = P[P_KP, j]
        Tp = P[P_TP, j]
        dmax = P[P_DMAX, j]
        drate = P[P_DRATE, j]
        Tu = P[P_TU, j]
        umax = P[P_UMAX, j]
        psi = X[PSI, i]
        u = X[U, i]
        r = X[R, i]
        delta = X[DELTA, i]
        course_cmd = C[CMD_COURSE, i]
        u_cmd = C[CMD_SPEED, i]
        if math.isnan(u_cmd):
            u_cmd = u
        u_cmd = min(max(u_cmd, 0.0), umax)
        # PD autopilot placed on the linear model's poles at the current speed.
        uu = max(abs(u), _U_MIN)
        K = Kp * uu / L
        T = Tp * L / uu
        wn = P[P_WN, j] * uu / L
        zeta = P[P_ZETA, j]
        if math.isnan(course_cmd):
            delta_cmd = 0.0
        else:
            err = _wrap_pi(course_cmd - psi)
            kp = T * wn * wn / K
            kd = (2.0 * zeta * wn * T - 1.0) / K
            if kd < 0.0:
                kd = 0.0
            delta_cmd = kp * err - kd * r
        delta_cmd = min(max(delta_cmd, -dmax), dmax)
        step = drate * dt
        delta = delta + min(max(delta_cmd - delta, -step), step)
        _deriv(psi, u, r, delta, u_cmd, L, Kp, Tp, Tu, k1)
        _deriv(
            psi + 0.5 * dt * k1[0],
            u + 0.5 * dt * k1[1],
            r + 0.5 * dt * k1[2],
            delta,
            u_cmd,
            L,
            Kp,
            Tp,
            Tu,
            k2,
        )
        _deriv(
            psi + 0.5 * dt * k2[0],
            u + 0.5 * dt * k2[1],
            r + 0.5 * dt * k2[2],
            delta,
            u_cmd,
            L,
            Kp,
            Tp,
            Tu,
            k3,
        )
        _deriv(psi + dt * k3[0], u + dt * k3[1], r + dt * k3[2], delta, u_cmd, L, Kp, Tp, Tu, k4)
        # Position follows the heading and surge along the step with the same RK4 stages.
        cn = env[ENV_CUR_N]
        ce = env[ENV_CUR_E]
        p1 = psi
        u1 = u
        p2 = psi + 0.5 * dt * k1[0]
        u2 = u + 0.5 * dt * k1[1]
        p3 = psi + 0.5 * dt * k2[0]
        u3 = u + 0.5 * dt * k2[1]
        p4 = psi + dt * k3[0]
        u4 = u + dt * k3[1]
        dn = (
            u1 * math.cos(p1) + 2 * u2 * math.cos(p2) + 2 * u3 * math.cos(p3) + u4 * math.cos(p4)
        ) / 6.0 + cn
        de = (
            u1 * math.sin(p1) + 2 * u2 * math.sin(p2) + 2 * u3 * math.sin(p3) + u4 * math.sin(p4)
        ) / 6.0 + ce
        X[N, i] += dt * dn
        X[E, i] += dt * de
        X[PSI, i] = (psi + dt * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]) / 6.0) % (2 * math.pi)
        X[U, i] = u + dt * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]) / 6.0
        X[R, i] = r + dt * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]) / 6.0
        X[V, i] = 0.0
        X[DELTA, i] = delta
        X[AUX0, i] = delta_cmd


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (NP, n) for ship definitions of family ``nomoto1``."""
    P = np.zeros((NP, len(defs)))
    for j, d in enumerate(defs):
        m = d.model
        P[P_L, j] = d.length_m
        P[P_KP, j] = m["K_prime"]
        P[P_TP, j] = m["T_prime"]
        P[P_DMAX, j] = math.radians(m["rudder_max_deg"])
        P[P_DRATE, j] = math.radians(m["rudder_rate_deg_s"])
        P[P_TU, j] = m["speed_time_constant_s"]
        P[P_UMAX, j] = m["max_speed_kn"] * 1852.0 / 3600.0
        P[P_WN, j] = m.get("autopilot_wn_prime", 1.0)
        P[P_ZETA, j] = m.get("autopilot_zeta", 0.9)
    return P
