"""Son & Nomoto (1982) 4-DOF (surge, sway, roll, yaw) model of a high-speed container ship.

K. Son and K. Nomoto (1982), "On the Coupled Motion of Steering and Rolling of a High Speed
Container Ship", Naval Architecture and Ocean Engineering 20:73-83 (from J.S.N.A. Japan 150,
1981). Equations and coefficients as in Fossen's MSS toolbox ``container.m`` (Lauvdal 1994,
revised 2001-2024); this is our own implementation of them, with the coefficients read from the
ship file. Prime system on L and the instantaneous speed U = sqrt(u^2 + v^2):

    u' = u/U, v' = v/U, p' = p L/U, r' = r L/U;   n in rev/s
    rudder inflow v_R = g_a v' + c_Rr r' + c_Rrrr r'^3 + c_Rrrv r'^2 v'
    propeller inflow u_P = u' [(1 - w_p) + tau ((v' + x_p r')^2 + c_pv v' + c_pr r')]
    J = u_P U / (n D),  K_T = kt_0 + kt_1 J,  u_R = u_P eps sqrt(1 + 8 k K_T / (pi J^2))
    F_N = -(6.13 Lambda / (Lambda + 2.25)) (A_R / L^2) (u_R^2 + v_R^2) sin(delta + atan(v_R / u_R))
    T' = 2 D^4 K_T n |n| / (U^2 L^2)
    X, Y, K, N polynomials in v', r', p', phi (container.m) plus rudder, propeller and the
    restoring moment -W GM' phi, W = rho g nabla / (rho L^2 U^2 / 2)

Roll rate p and roll angle phi live in AUX1 and AUX2 (this family has no speed integral: the
speed loop is feed-forward plus proportional, exact because the equilibrium shaft speed is
proportional to the speed); AUX0 is the heading integral, AUX3 the shaft demand (rev/s).

Limits of the source kept here: the propeller never reverses (the model needs n > 0 and U > 0),
so the ship cannot stop or go astern (crash stop "not evaluated"); the rudder is limited to
10 deg at 5 deg/s with the 1 s lag of container.m; the shaft follows its demand with the
container.m engine lag T_m = 5.65 / n s (18.83 s below 0.3 rev/s).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.dynamics._common import autopilot, clip
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
    NPROP,
    PSI,
    E,
    N,
    R,
    U,
    V,
)

# Non-dimensional coefficients, names as in container.m.
COEFFS = (
    "m", "mx", "my", "Ix", "alphay", "lx", "ly", "Iz", "Jx", "Jz",
    "Xuu", "Xvr", "Xrr", "Xphiphi", "Xvv",
    "Kv", "Kr", "Kp", "Kphi", "Kvvv", "Krrr", "Kvvr", "Kvrr", "Kvvphi", "Kvphiphi", "Krrphi",
    "Krphiphi",
    "Yv", "Yr", "Yp", "Yphi", "Yvvv", "Yrrr", "Yvvr", "Yvrr", "Yvvphi", "Yvphiphi", "Yrrphi",
    "Yrphiphi",
    "Nv", "Nr", "Np", "Nphi", "Nvvv", "Nrrr", "Nvvr", "Nvrr", "Nvvphi", "Nvphiphi", "Nrrphi",
    "Nrphiphi",
    "kk", "epsilon", "xR", "wp", "tau", "xp", "cpv", "cpr", "ga", "cRr", "cRrrr", "cRrrv",
    "cRX", "aH", "zR", "xH", "t", "kt_0", "kt_1",
)  # fmt: skip

REQUIRED: dict[str, tuple[float, float]] = {k: (-5.0, 5.0) for k in COEFFS}
REQUIRED.update(
    {
        "displacement_m3": (0.01, 1e7),
        "GM_m": (0.001, 20.0),
        "propeller_diameter_m": (0.01, 15.0),
        "rudder_area_m2": (0.001, 500.0),
        "rudder_aspect_ratio": (0.3, 5.0),  # container.m's Delta
        "service_speed_kn": (0.5, 60.0),
        "max_shaft_rps": (0.05, 50.0),
        "rudder_max_deg": (1.0, 90.0),
        "rudder_rate_deg_s": (0.1, 100.0),
    }
)
OPTIONAL: dict[str, tuple[float, float, float]] = {
    "rho_kg_m3": (990.0, 1030.0, 1025.0),
    "rudder_time_constant_s": (0.01, 60.0, 1.0),
    "min_speed_ratio": (0.1, 1.0, 0.3),  # lowest speed demand / service speed (n > 0 needed)
    "autopilot_K_prime": (0.05, 20.0, 0.0),
    "autopilot_T_prime": (0.05, 50.0, 0.0),
    "autopilot_wn_prime": (0.05, 20.0, 1.5),
    "autopilot_zeta": (0.1, 3.0, 1.0),
    "max_step_s": (1e-4, 10.0, 0.0),  # 0 = min(0.02 L / U_service, 0.5 s)
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}

_NCF = len(COEFFS)
_I = {k: j for j, k in enumerate(COEFFS)}
(
    P_L, P_D, P_AR, P_FA, P_WGM, P_NMAX, P_NMIN, P_NPERU, P_DMAX, P_DRATE, P_TD, P_HMAX, P_M11,
    P_M22, P_M32, P_M42, P_M33, P_M44, P_DET, P_KAP, P_TAP, P_WNAP, P_ZAP, P_UMIN, P_US,
) = range(_NCF, _NCF + 25)  # fmt: skip
NP = _NCF + 25


# Indices as plain ints for the jitted code.
(
    I_m, I_mx, I_my, I_Ix, I_alphay, I_lx, I_ly, I_Iz, I_Jx, I_Jz,
    I_Xuu, I_Xvr, I_Xrr, I_Xphiphi, I_Xvv,
    I_Kv, I_Kr, I_Kp, I_Kphi, I_Kvvv, I_Krrr, I_Kvvr, I_Kvrr, I_Kvvphi, I_Kvphiphi, I_Krrphi,
    I_Krphiphi,
    I_Yv, I_Yr, I_Yp, I_Yphi, I_Yvvv, I_Yrrr, I_Yvvr, I_Yvrr, I_Yvvphi, I_Yvphiphi, I_Yrrphi,
    I_Yrphiphi,
    I_Nv, I_Nr, I_Np, I_Nphi, I_Nvvv, I_Nrrr, I_Nvvr, I_Nvrr, I_Nvvphi, I_Nvphiphi, I_Nrrphi,
    I_Nrphiphi,
    I_kk, I_eps, I_xR, I_wp, I_tau, I_xp, I_cpv, I_cpr, I_ga, I_cRr, I_cRrrr, I_cRrrv,
    I_cRX, I_aH, I_zR, I_xH, I_t, I_kt0, I_kt1,
) = range(_NCF)  # fmt: skip


@njit(error_model="numpy")
def _deriv(p, u, v, r, pr, phi, delta, n, d_cmd, n_cmd):
    """(u', v', r', p', phi', delta', n', psi') dimensional time derivatives (container.m)."""
    L = p[P_L]
    U = max(math.sqrt(u * u + v * v), p[P_UMIN])
    up = u / U
    vp = v / U
    rp = r * L / U
    pp = pr * L / U
    nn = max(n, 1e-3)
    vR = p[I_ga] * vp + p[I_cRr] * rp + p[I_cRrrr] * rp**3 + p[I_cRrrv] * rp * rp * vp
    uP = up * (
        (1.0 - p[I_wp]) + p[I_tau] * ((vp + p[I_xp] * rp) ** 2 + p[I_cpv] * vp + p[I_cpr] * rp)
    )
    J = uP * U / (nn * p[P_D])
    KT = p[I_kt0] + p[I_kt1] * J
    uR = uP * p[I_eps] * math.sqrt(max(1.0 + 8.0 * p[I_kk] * KT / (math.pi * J * J), 0.0))
    aR = delta + math.atan2(vR, uR) if uR > 0.0 else delta
    FN = -p[P_FA] * (p[P_AR] / (L * L)) * (uR * uR + vR * vR) * math.sin(aR)
    T = 2.0 * p[P_D] ** 4 / (U * U * L * L) * KT * nn * abs(nn)
    W = p[P_WGM] / (U * U)  # W GM' with W = rho g nabla / (rho L^2 U^2 / 2)
    cd = math.cos(delta)
    m = p[I_m]
    X = (
        p[I_Xuu] * up * up + (1.0 - p[I_t]) * T + p[I_Xvr] * vp * rp + p[I_Xvv] * vp * vp
        + p[I_Xrr] * rp * rp + p[I_Xphiphi] * phi * phi + p[I_cRX] * FN * math.sin(delta)
        + (m + p[I_my]) * vp * rp
    )  # fmt: skip
    Y = (
        p[I_Yv] * vp + p[I_Yr] * rp + p[I_Yp] * pp + p[I_Yphi] * phi + p[I_Yvvv] * vp**3
        + p[I_Yrrr] * rp**3 + p[I_Yvvr] * vp * vp * rp + p[I_Yvrr] * vp * rp * rp
        + p[I_Yvvphi] * vp * vp * phi + p[I_Yvphiphi] * vp * phi * phi
        + p[I_Yrrphi] * rp * rp * phi + p[I_Yrphiphi] * rp * phi * phi
        + (1.0 + p[I_aH]) * FN * cd - (m + p[I_mx]) * up * rp
    )  # fmt: skip
    K = (
        p[I_Kv] * vp + p[I_Kr] * rp + p[I_Kp] * pp + p[I_Kphi] * phi + p[I_Kvvv] * vp**3
        + p[I_Krrr] * rp**3 + p[I_Kvvr] * vp * vp * rp + p[I_Kvrr] * vp * rp * rp
        + p[I_Kvvphi] * vp * vp * phi + p[I_Kvphiphi] * vp * phi * phi
        + p[I_Krrphi] * rp * rp * phi + p[I_Krphiphi] * rp * phi * phi
        - (1.0 + p[I_aH]) * p[I_zR] * FN * cd + p[I_mx] * p[I_lx] * up * rp - W * phi
    )  # fmt: skip
    Nm = (
        p[I_Nv] * vp + p[I_Nr] * rp + p[I_Np] * pp + p[I_Nphi] * phi + p[I_Nvvv] * vp**3
        + p[I_Nrrr] * rp**3 + p[I_Nvvr] * vp * vp * rp + p[I_Nvrr] * vp * rp * rp
        + p[I_Nvvphi] * vp * vp * phi + p[I_Nvphiphi] * vp * phi * phi
        + p[I_Nrrphi] * rp * rp * phi + p[I_Nrphiphi] * rp * phi * phi
        + (p[I_xR] + p[I_aH] * p[I_xH]) * FN * cd
    )  # fmt: skip
    m22 = p[P_M22]
    m32 = p[P_M32]
    m42 = p[P_M42]
    m33 = p[P_M33]
    m44 = p[P_M44]
    det = p[P_DET]
    q = U * U / L
    du = X * q / p[P_M11]
    dv = -((-m33 * m44 * Y + m32 * m44 * K + m42 * m33 * Nm) / det) * q
    dr = ((-m42 * m33 * Y + m32 * m42 * K + Nm * m22 * m33 - Nm * m32 * m32) / det) * q / L
    dp = ((-m32 * m44 * Y + K * m22 * m44 - K * m42 * m42 + m32 * m42 * Nm) / det) * q / L
    dphi = pr
    dd = clip((d_cmd - delta) / p[P_TD], -p[P_DRATE], p[P_DRATE])
    Tm = 5.65 / n if n > 0.3 else 18.83  # container.m engine lag (s), n in rev/s
    dn = (n_cmd - n) / Tm
    dpsi = math.cos(phi) * r
    return du, dv, dr, dp, dphi, dd, dn, dpsi


@njit(error_model="numpy")
def _pos_rate(u, v, psi, phi):
    c = math.cos(psi)
    s = math.sin(psi)
    cp = math.cos(phi)
    return c * u - s * cp * v, s * u + c * cp * v


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, n_cmd, h, cn, ce):
    """One RK4 step of (u, v, r, p, phi, delta, n, psi) and the position."""
    u1 = X[U, i]
    v1 = X[V, i]
    r1 = X[R, i]
    p1 = X[AUX1, i]
    f1 = X[AUX2, i]
    d1 = X[DELTA, i]
    n1 = X[NPROP, i]
    s1 = X[PSI, i]
    h2 = 0.5 * h
    a = _deriv(p, u1, v1, r1, p1, f1, d1, n1, d_cmd, n_cmd)
    u2 = u1 + h2 * a[0]
    v2 = v1 + h2 * a[1]
    r2 = r1 + h2 * a[2]
    p2 = p1 + h2 * a[3]
    f2 = f1 + h2 * a[4]
    d2 = d1 + h2 * a[5]
    n2 = n1 + h2 * a[6]
    s2 = s1 + h2 * a[7]
    b = _deriv(p, u2, v2, r2, p2, f2, d2, n2, d_cmd, n_cmd)
    u3 = u1 + h2 * b[0]
    v3 = v1 + h2 * b[1]
    r3 = r1 + h2 * b[2]
    p3 = p1 + h2 * b[3]
    f3 = f1 + h2 * b[4]
    d3 = d1 + h2 * b[5]
    n3 = n1 + h2 * b[6]
    s3 = s1 + h2 * b[7]
    c = _deriv(p, u3, v3, r3, p3, f3, d3, n3, d_cmd, n_cmd)
    u4 = u1 + h * c[0]
    v4 = v1 + h * c[1]
    r4 = r1 + h * c[2]
    p4 = p1 + h * c[3]
    f4 = f1 + h * c[4]
    d4 = d1 + h * c[5]
    n4 = n1 + h * c[6]
    s4 = s1 + h * c[7]
    d = _deriv(p, u4, v4, r4, p4, f4, d4, n4, d_cmd, n_cmd)
    xn1, xe1 = _pos_rate(u1, v1, s1, f1)
    xn2, xe2 = _pos_rate(u2, v2, s2, f2)
    xn3, xe3 = _pos_rate(u3, v3, s3, f3)
    xn4, xe4 = _pos_rate(u4, v4, s4, f4)
    X[N, i] += h * ((xn1 + 2.0 * xn2 + 2.0 * xn3 + xn4) / 6.0 + cn)
    X[E, i] += h * ((xe1 + 2.0 * xe2 + 2.0 * xe3 + xe4) / 6.0 + ce)
    w = h / 6.0
    X[U, i] = u1 + w * (a[0] + 2.0 * b[0] + 2.0 * c[0] + d[0])
    X[V, i] = v1 + w * (a[1] + 2.0 * b[1] + 2.0 * c[1] + d[1])
    X[R, i] = r1 + w * (a[2] + 2.0 * b[2] + 2.0 * c[2] + d[2])
    X[AUX1, i] = p1 + w * (a[3] + 2.0 * b[3] + 2.0 * c[3] + d[3])
    X[AUX2, i] = f1 + w * (a[4] + 2.0 * b[4] + 2.0 * c[4] + d[4])
    X[DELTA, i] = clip(d1 + w * (a[5] + 2.0 * b[5] + 2.0 * c[5] + d[5]), -p[P_DMAX], p[P_DMAX])
    X[NPROP, i] = n1 + w * (a[6] + 2.0 * b[6] + 2.0 * c[6] + d[6])
    X[PSI, i] = (s1 + w * (a[7] + 2.0 * b[7] + 2.0 * c[7] + d[7])) % (2.0 * math.pi)


@njit(error_model="numpy")
def step_sonnomoto_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] shaft demand (rev/s, kept > 0)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[P_HMAX] - 1e-9)))
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[P_DMAX], p[P_DMAX])
        n_cmd = clip(D[1, i], p[P_NMIN], p[P_NMAX])
        X[AUX3, i] = n_cmd
        for _ in range(nsub):
            _substep(X, p, i, d_cmd, n_cmd, h, cn, ce)


@njit(error_model="numpy")
def step_sonnomoto(X, P, C, idx, dt, env):
    """Closed loop: PID autopilot on the fitted Nomoto model; shaft demand = equilibrium rev/s
    for the commanded speed plus twice that per m/s of speed error (no integral: the
    equilibrium shaft speed is exactly proportional to the speed in this model)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[P_HMAX] - 1e-9)))
        h = dt / nsub
        u_cmd = C[CMD_SPEED, i]
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
            if math.isnan(u_cmd):
                n_cmd = X[AUX3, i]
            else:
                uc = max(u_cmd, p[P_NMIN] / p[P_NPERU])
                n_cmd = clip(p[P_NPERU] * (uc + 2.0 * (uc - X[U, i])), p[P_NMIN], p[P_NMAX])
            X[AUX3, i] = n_cmd
            _substep(X, p, i, d_cmd, n_cmd, h, cn, ce)


def _opt(m: dict, key: str) -> float:
    return float(m.get(key, OPTIONAL[key][2]))


def equilibrium_J(c: dict, L: float, D: float) -> float:
    """Advance ratio of straight-ahead equilibrium: Xuu + (1 - t) T'(J) = 0 (bisection)."""

    def resid(J: float) -> float:
        kt = c["kt_0"] + c["kt_1"] * J
        return c["Xuu"] + (1.0 - c["t"]) * 2.0 * D**2 * (1.0 - c["wp"]) ** 2 * kt / (L * L * J * J)

    lo, hi = 1e-3, 5.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if resid(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (n, NP) for ship definitions of family ``sonnomoto``."""
    P = np.zeros((len(defs), NP))
    for j, sd in enumerate(defs):
        m = sd.model
        p = P[j]
        for k in COEFFS:
            p[_I[k]] = m[k]
        L = sd.length_m
        rho = _opt(m, "rho_kg_m3")
        D = m["propeller_diameter_m"]
        lam = m["rudder_aspect_ratio"]
        p[P_L] = L
        p[P_D] = D
        p[P_AR] = m["rudder_area_m2"]
        p[P_FA] = 6.13 * lam / (lam + 2.25)
        # W GM' U^2: rho g nabla / (rho L^2 / 2) * GM / L, divided by U^2 in the kernel.
        p[P_WGM] = rho * 9.81 * m["displacement_m3"] / (0.5 * rho * L * L) * m["GM_m"] / L
        mm, mx, my = m["m"], m["mx"], m["my"]
        p[P_M11] = mm + mx
        p[P_M22] = mm + my
        p[P_M32] = -my * m["ly"]
        p[P_M42] = my * m["alphay"]
        p[P_M33] = m["Ix"] + m["Jx"]
        p[P_M44] = m["Iz"] + m["Jz"]
        p[P_DET] = (
            p[P_M22] * p[P_M33] * p[P_M44] - p[P_M32] ** 2 * p[P_M44] - p[P_M42] ** 2 * p[P_M33]
        )
        J = equilibrium_J(m, L, D)
        p[P_NPERU] = (1.0 - m["wp"]) / (J * D)
        us = m["service_speed_kn"] * 1852.0 / 3600.0
        p[P_US] = us
        p[P_NMAX] = m["max_shaft_rps"]
        p[P_NMIN] = _opt(m, "min_speed_ratio") * us * p[P_NPERU]
        p[P_UMIN] = 0.05 * us
        p[P_DMAX] = math.radians(m["rudder_max_deg"])
        p[P_DRATE] = math.radians(m["rudder_rate_deg_s"])
        p[P_TD] = _opt(m, "rudder_time_constant_s")
        hmax = _opt(m, "max_step_s")
        p[P_HMAX] = hmax if hmax > 0.0 else min(0.02 * L / us, 0.5 * p[P_TD])
        p[P_KAP] = _opt(m, "autopilot_K_prime")
        p[P_TAP] = _opt(m, "autopilot_T_prime")
        p[P_WNAP] = _opt(m, "autopilot_wn_prime")
        p[P_ZAP] = _opt(m, "autopilot_zeta")
    return P


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    for j, i in enumerate(idx):
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        n = float(np.clip(P[j, P_NPERU] * X[U, i], P[j, P_NMIN], P[j, P_NMAX]))
        X[NPROP, i] = n
        X[AUX0, i] = 0.0
        X[AUX1, i] = 0.0  # roll rate
        X[AUX2, i] = 0.0  # roll angle
        X[AUX3, i] = n


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    """Shaft rev/s: "trim" holds u; "astern" is the lowest forward shaft speed (no reversing)."""
    if order == "astern":
        return float(P[j, P_NMIN])
    return float(P[j, P_NPERU] * u)


def get_autopilot(P: np.ndarray, j: int) -> tuple[float, float]:
    return float(P[j, P_KAP]), float(P[j, P_TAP])


def set_autopilot(P: np.ndarray, j: int, K_prime: float, T_prime: float) -> None:
    P[j, P_KAP] = K_prime
    P[j, P_TAP] = T_prime
