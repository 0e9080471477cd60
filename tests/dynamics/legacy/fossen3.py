"""Fossen-style 3-DOF manoeuvring model: M nu' + C_RB(nu) nu + D(nu) nu = tau.

Fossen (2021), Handbook of Marine Craft Hydrodynamics and Motion Control, ch. 6-7
(docs/references.md section 2), with ``nu = [u, v, r]`` through the water at midship (the
current enters only the kinematics):

    M = M_RB + M_A,  M_RB = [[m, 0, 0], [0, m, m x_g], [0, m x_g, I_z]]
    C_RB(nu) nu = [-m (v + x_g r) r,  m u r,  m x_g u r]
    D(nu) nu = -[X_u u + X_|u|u |u| u,  Y_v v + Y_r r + Y_cf,  N_v v + N_r r + N_cf]

Added mass and linear sway-yaw damping come from Clarke, Gedling & Hine (1983) regressions on
L, B, T, C_b (as in Fossen's ``clarke83``); the linear derivatives scale with the speed U. The
nonlinear damping is strip-theory cross-flow drag with Hoerner's 2-D C_D. C_A is not added
separately: Clarke's captive-test Y_v, N_v already contain the ideal-fluid (Munk) part.
Surge: X_u from a surge time constant, X_|u|u so that the propeller at the service shaft speed
balances the resistance at the service speed. Steering: a rudder in the propeller slipstream
(lift by Fujii's slope, MMG-style interaction) or vectored thrust (outboard, waterjet).

Parameters are rows of ``P`` shaped (n, NP).
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit as _njit
from autoship.dynamics._common import (
    RHO_AIR,
    air_velocity,
    autopilot,
    blendermann,
    clip,
    ramp,
    rk4_kinematics,
    speed_pi,
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


def njit(**options):
    # Not cached: this file is imported as tests.dynamics.legacy.* by the benchmarks and under
    # another name by pytest, and a cached kernel remembers the module name it was built in.
    return _njit(cache=False, **options)


REQUIRED: dict[str, tuple[float, float]] = {
    "block_coefficient": (0.1, 0.95),  # keel yachts on L B (keel) T go down to ~0.12
    "x_G_m": (-50.0, 50.0),
    "service_speed_kn": (0.5, 60.0),
    "service_shaft_rps": (0.1, 200.0),
    "max_shaft_rps": (0.1, 200.0),
    "astern_shaft_rps": (0.0, 200.0),
    "shaft_rate_rps_s": (0.001, 100.0),
    "propeller_diameter_m": (0.01, 15.0),
    "k_0": (0.01, 1.0),
    "k_1": (-2.0, 0.0),
    "rudder_max_deg": (1.0, 90.0),
    "rudder_rate_deg_s": (0.1, 100.0),
}
OPTIONAL: dict[str, tuple[float, float, float]] = {
    "rho_kg_m3": (990.0, 1030.0, 1025.0),
    "yaw_gyration_ratio": (0.1, 0.5, 0.25),  # R66 / L
    "surge_added_mass_ratio": (0.0, 1.0, 0.1),  # -X_udot / m (Fossen 2021: X_udot = -0.1 m)
    # Share of the service-speed resistance taken by the linear term X_u u (the rest is
    # quadratic): ship resistance is mostly quadratic; the linear part damps slow motion.
    "linear_surge_fraction": (0.0, 0.9, 0.1),
    "t_P": (0.0, 0.9, 0.2),
    "w_P": (0.0, 0.9, 0.2),
    "astern_kt": (0.0, 1.0, 0.3),
    # Astern thrust grows with the ahead inflow (second quadrant of the four-quadrant open-water
    # charts): |K_T| = astern_kt + astern_kt_slope J, J = u_a / (|n| D) with the ship going ahead.
    "astern_kt_slope": (0.0, 2.0, 0.0),
    # Engine: MCR power at max_shaft_rps and a constant torque below it, so the shaft cannot
    # reach its maximum speed while the propeller is heavily loaded (accelerating, turning) and
    # the top speed is where the MCR thrust meets the resistance. 0 = no limit (shaft speed only).
    "max_power_kW": (0.0, 1e6, 0.0),
    # Torque coefficient K_Q = kq_0 + kq_1 J for the power limit (defaults: a B-series-like
    # four-bladed propeller with P/D about 1 [U]).
    "kq_0": (0.005, 0.2, 0.06),
    "kq_1": (-0.2, 0.0, -0.035),
    "vectored_thrust": (0.0, 1.0, 0.0),  # 1 = outboard/waterjet: thrust turns with delta
    "rudder_area_m2": (0.0, 500.0, 0.0),
    "rudder_aspect_ratio": (0.3, 5.0, 1.5),
    "x_R_m": (-300.0, 0.0, 0.0),  # 0 = -L/2
    "a_H": (0.0, 1.0, 0.2),
    "gamma_R": (0.0, 2.0, 0.5),
    "kappa": (0.0, 2.0, 0.5),
    "cross_flow_scale": (0.0, 5.0, 1.0),
    # Factor on Clarke's sway-yaw added-mass coupling (Y_rdot, N_vdot). Beamy hulls outside the
    # regression's data (a tug at L/B 2.2) get coupling larger than the diagonal and a mass
    # matrix that is not positive definite; such files set 0 and say so.
    "added_mass_coupling": (0.0, 1.0, 1.0),
    # Beam fed to Clarke's regressions when the real beam is outside their data (ships with
    # L/B of about 3.5 and more): a tug at L/B 2.2 gets a course-unstable hull with almost no
    # yaw damping from the extrapolated formulas. Mass and inertia keep the real beam. 0 = beam.
    "clarke_beam_m": (0.0, 80.0, 0.0),
    "autopilot_K_prime": (0.05, 20.0, 0.0),
    "autopilot_T_prime": (0.05, 50.0, 0.0),
    "autopilot_wn_prime": (0.05, 20.0, 1.5),
    "autopilot_zeta": (0.1, 3.0, 1.0),
    "max_step_s": (1e-4, 10.0, 0.0),  # 0 = 0.05 L / U_service
    # Lengths the file's model is valid for (scaling.py, library.ship_for); 0 = its own length.
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}

(
    P_L, P_T, P_rho, P_m, P_xg, P_MXI, P_MI11, P_MI12, P_MI21, P_MI22, P_Xu, P_Xuu, P_Yv, P_Yr,
    P_Nv, P_Nr, P_CF, P_DP, P_k0, P_k1, P_tP, P_wP, P_ktast, P_VEC, P_AR, P_FA, P_xR, P_aH,
    P_gR, P_kappa, P_DMAX, P_DRATE, P_NMAX, P_NAST, P_NRATE, P_NPERU, P_KAP, P_TAP, P_WNAP,
    P_ZAP, P_TIS, P_HMAX, P_AF, P_ALAT, P_LOA, P_SL, P_CDT, P_CDLB, P_CDLS, P_DELB, P_UMIN,
    P_QMAX, P_KQ0, P_KQ1, P_KTAS1,
) = range(55)  # fmt: skip
NP = 55
N_STRIPS = 10

# Hoerner's 2-D cross-flow drag coefficient against B / (2 T), as digitised by Leite et al. (1998)
# and tabulated in Fossen's MSS toolbox (Hoerner.m).
_HOERNER_B2T = (
    0.0109, 0.1766, 0.3530, 0.4519, 0.4728, 0.4929, 0.4933, 0.5585, 0.6464, 0.8336,
    0.9880, 1.3081, 1.6392, 1.8600, 2.3129, 2.6000, 3.0088, 3.4508, 3.7379, 4.0031,
)  # fmt: skip
_HOERNER_CD = (
    1.9661, 1.9657, 1.8976, 1.7872, 1.5837, 1.2786, 1.2108, 1.0836, 0.9986, 0.8796,
    0.8284, 0.7599, 0.6914, 0.6571, 0.6307, 0.5962, 0.5868, 0.5859, 0.5599, 0.5593,
)  # fmt: skip


def hoerner_cd(B: float, T: float) -> float:
    return float(np.interp(B / (2.0 * T), _HOERNER_B2T, _HOERNER_CD))


def clarke83(L: float, B: float, T: float, Cb: float) -> dict[str, float]:
    """Non-dimensional Clarke et al. (1983) derivatives (prime system on L and U).

    The yaw added inertia N_rdot is kept at or below zero: for beamy hulls (B/L above ~0.35,
    e.g. a tug at L/B 2.2) the regression, fitted to ships, turns it positive, i.e. a negative
    added inertia, which no hull has.
    """
    S = math.pi * (T / L) ** 2
    return {
        "Yvdot": -S * (1 + 0.16 * Cb * B / T - 5.1 * (B / L) ** 2),
        "Yrdot": -S * (0.67 * B / L - 0.0033 * (B / T) ** 2),
        "Nvdot": -S * (1.1 * B / L - 0.041 * B / T),
        "Nrdot": min(-S * (1 / 12 + 0.017 * Cb * B / T - 0.33 * B / L), 0.0),
        "Yv": -S * (1 + 0.4 * Cb * B / T),
        "Yr": -S * (-1 / 2 + 2.2 * B / L - 0.08 * B / T),
        "Nv": -S * (1 / 2 + 2.4 * T / L),
        "Nr": -S * (1 / 4 + 0.039 * B / T - 0.56 * B / L),
    }


@njit(error_model="numpy")
def _thrust(p, u, n):
    """Propeller thrust (N) and its slipstream speed at the rudder (m/s)."""
    DP = p[P_DP]
    ua = u * (1.0 - p[P_wP])
    rho = p[P_rho]
    if n > 1e-9:
        J = ua / (n * DP)
        KT = p[P_k0] + p[P_k1] * J
        T = rho * n * n * DP**4 * KT
        kt = max(KT, 0.0)
        slip = math.sqrt(ua * ua + 8.0 * kt * n * n * DP * DP / math.pi) - ua
        uR = ua + p[P_kappa] * slip
    else:
        # -rho n^2 D^4 (astern_kt + slope J) with J = ua / (|n| D), written without dividing
        # by n; never pulls ahead (a ship going astern only loses astern thrust).
        an = abs(n)
        T = min(-rho * DP**3 * an * (p[P_ktast] * DP * an + p[P_KTAS1] * ua), 0.0)
        uR = ua
    return T, uR


@njit(error_model="numpy")
def torque_limited_rps(p, u):
    """Highest ahead shaft speed (rev/s) the engine's torque can hold at surge speed u.

    Solves rho D^5 (kq_0 n^2 + kq_1 n u_a / D) = Q_max for n, with Q_max the MCR torque; no
    limit (max_shaft_rps) when the file gives no power.
    """
    if p[P_QMAX] <= 0.0:
        return p[P_NMAX]
    DP = p[P_DP]
    ua = max(u * (1.0 - p[P_wP]), 0.0)
    a = p[P_KQ0] * p[P_rho] * DP**5
    b = p[P_KQ1] * p[P_rho] * DP**4 * ua
    n = (-b + math.sqrt(b * b + 4.0 * a * p[P_QMAX])) / (2.0 * a)
    return min(n, p[P_NMAX])


@njit(error_model="numpy")
def _accel(p, u, v, r, sd, cd, n, XW, YW, NW):
    L = p[P_L]
    U = math.sqrt(u * u + v * v)
    Ue = max(U, p[P_UMIN])
    m = p[P_m]
    xg = p[P_xg]
    # Linear hydrodynamic forces (Clarke derivatives are dimensional per unit U here).
    Yh = (p[P_Yv] * v + p[P_Yr] * r) * Ue
    Nh = (p[P_Nv] * v + p[P_Nr] * r) * Ue
    # Cross-flow drag over N_STRIPS strips (midpoint rule).
    dx = L / N_STRIPS
    ycf = 0.0
    ncf = 0.0
    for k in range(N_STRIPS):
        x = -0.5 * L + (k + 0.5) * dx
        w = v + x * r
        f = abs(w) * w
        ycf += f
        ncf += x * f
    Yh -= p[P_CF] * ycf * dx
    Nh -= p[P_CF] * ncf * dx
    Xh = p[P_Xu] * u + p[P_Xuu] * abs(u) * u
    T, uR = _thrust(p, u, n)
    tX = (1.0 - p[P_tP]) * T
    xR = p[P_xR]
    # Rudder (or, with vectored thrust, the drive leg / skeg) lift in the slipstream; the inflow
    # angle is reduced by the hull's lateral flow at x_R. This lift is what makes a short hull
    # with Clarke's derivatives directionally stable.
    F = 0.0
    if p[P_AR] > 0.0:
        # sin(delta + atan2(a, b)) expanded: (sd b + cd a) / sqrt(a^2 + b^2).
        a = p[P_gR] * (v + xR * r)
        b = max(uR, 1e-6)
        sa = (sd * b + cd * a) / math.sqrt(a * a + b * b)
        F = 0.5 * p[P_rho] * p[P_AR] * (uR * uR) * p[P_FA] * sa
    if p[P_VEC] > 0.5:
        Xa = tX * cd
        Ya = -T * sd - F * cd
    else:
        Xa = tX - 0.3 * F * sd
        Ya = -(1.0 + p[P_aH]) * F * cd
    Na = xR * Ya
    X = Xh + Xa + XW + m * (v + xg * r) * r
    Y = Yh + Ya + YW - m * u * r
    Nm = Nh + Na + NW - m * xg * u * r
    du = X * p[P_MXI]
    dv = p[P_MI11] * Y + p[P_MI12] * Nm
    dr = p[P_MI21] * Y + p[P_MI22] * Nm
    return du, dv, dr


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae):
    psi = X[PSI, i]
    u = X[U, i]
    v = X[V, i]
    r = X[R, i]
    d0 = X[DELTA, i]
    n0 = X[NPROP, i]
    d1 = ramp(d0, d_cmd, p[P_DRATE], h)
    if n_cmd > 0.0:
        n_cmd = min(n_cmd, torque_limited_rps(p, u))
    n1 = ramp(n0, n_cmd, p[P_NRATE], h)
    dm = 0.5 * (d0 + d1)
    nm = 0.5 * (n0 + n1)
    sd0 = math.sin(d0)
    cd0 = math.cos(d0)
    sdm = math.sin(dm)
    cdm = math.cos(dm)
    sd1 = math.sin(d1)
    cd1 = math.cos(d1)
    c1 = math.cos(psi)
    s1 = math.sin(psi)
    if p[P_ALAT] > 0.0:
        urw, vrw = wind_body(c1, s1, u, v, cn, ce, an, ae)
        XW, YW, NW = blendermann(
            urw,
            vrw,
            p[P_AF],
            p[P_ALAT],
            p[P_LOA],
            p[P_SL],
            p[P_CDT],
            p[P_CDLB],
            p[P_CDLS],
            p[P_DELB],
            p[P_L],
        )
    else:
        XW = 0.0
        YW = 0.0
        NW = 0.0
    h2 = 0.5 * h
    a1u, a1v, a1r = _accel(p, u, v, r, sd0, cd0, n0, XW, YW, NW)
    u2 = u + h2 * a1u
    v2 = v + h2 * a1v
    r2 = r + h2 * a1r
    a2u, a2v, a2r = _accel(p, u2, v2, r2, sdm, cdm, nm, XW, YW, NW)
    u3 = u + h2 * a2u
    v3 = v + h2 * a2v
    r3 = r + h2 * a2r
    a3u, a3v, a3r = _accel(p, u3, v3, r3, sdm, cdm, nm, XW, YW, NW)
    u4 = u + h * a3u
    v4 = v + h * a3v
    r4 = r + h * a3r
    a4u, a4v, a4r = _accel(p, u4, v4, r4, sd1, cd1, n1, XW, YW, NW)
    dn, de, rsum = rk4_kinematics(c1, s1, h, u, v, r, u2, v2, r2, u3, v3, r3, u4, v4, r4)
    X[N, i] += h * (dn + cn)
    X[E, i] += h * (de + ce)
    X[PSI, i] = (psi + h * rsum / 6.0) % (2.0 * math.pi)
    X[U, i] = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    X[V, i] = v + h * (a1v + 2.0 * a2v + 2.0 * a3v + a4v) / 6.0
    X[R, i] = r + h * (a1r + 2.0 * a2r + 2.0 * a3r + a4r) / 6.0
    X[DELTA, i] = d1
    X[NPROP, i] = n1


@njit(error_model="numpy")
def step_fossen3_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder/nozzle demand (rad), D[1] shaft demand (rev/s)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[P_HMAX] - 1e-9)))
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[P_DMAX], p[P_DMAX])
        n_cmd = clip(D[1, i], -p[P_NAST], p[P_NMAX])
        for _ in range(nsub):
            _substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae)


@njit(error_model="numpy")
def step_fossen3(X, P, C, idx, dt, env):
    """Closed loop under course/speed commands; AUX rows as in the MMG family."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
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
                n_cmd, X[AUX1, i] = speed_pi(
                    X[U, i],
                    u_cmd,
                    X[AUX1, i],
                    p[P_NPERU],
                    -p[P_NAST],
                    p[P_NMAX],
                    p[P_TIS],
                    h,
                )
            X[AUX2, i] = d_cmd
            X[AUX3, i] = n_cmd
            _substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae)


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (n, NP) for ship definitions of family ``fossen3``."""
    P = np.zeros((len(defs), NP))
    for j, sd in enumerate(defs):
        P[j] = _pack_one(sd)
    return P


def _opt(m: dict, key: str) -> float:
    return float(m.get(key, OPTIONAL[key][2]))


def _pack_one(sd) -> np.ndarray:
    from autoship.errors import ShipModelError

    m = sd.model
    p = np.zeros(NP)
    L, B, T = sd.length_m, sd.beam_m, sd.draught_m
    rho = _opt(m, "rho_kg_m3")
    Cb = m["block_coefficient"]
    mass = rho * Cb * L * B * T
    xg = m["x_G_m"]
    Iz = mass * (_opt(m, "yaw_gyration_ratio") * L) ** 2 + mass * xg * xg
    c = clarke83(L, _opt(m, "clarke_beam_m") or B, T, Cb)
    q3 = 0.5 * rho * L**3
    Xudot = -_opt(m, "surge_added_mass_ratio") * mass
    kc = _opt(m, "added_mass_coupling")
    M = np.array(
        [
            [mass - c["Yvdot"] * q3, mass * xg - kc * c["Yrdot"] * q3 * L],
            [mass * xg - kc * c["Nvdot"] * q3 * L, Iz - c["Nrdot"] * q3 * L * L],
        ]
    )
    if not (M[0, 0] > 0.0 and np.linalg.det(M) > 0.0):
        raise ShipModelError(
            f"Clarke (1983) added mass for L/B {L / B:.2g}, B/T {B / T:.2g} gives a mass matrix "
            "that is not positive definite (see model.added_mass_coupling)",
            field="ship.beam_m",
        )
    Mi = np.linalg.inv(M)
    u_s = m["service_speed_kn"] * 1852.0 / 3600.0
    p[P_L] = L
    p[P_T] = T
    p[P_rho] = rho
    p[P_m] = mass
    p[P_xg] = xg
    p[P_MXI] = 1.0 / (mass - Xudot)
    p[P_MI11], p[P_MI12], p[P_MI21], p[P_MI22] = Mi[0, 0], Mi[0, 1], Mi[1, 0], Mi[1, 1]
    q2 = 0.5 * rho * L * L  # times U below
    p[P_Yv] = c["Yv"] * q2
    p[P_Yr] = c["Yr"] * q2 * L
    p[P_Nv] = c["Nv"] * q2 * L
    p[P_Nr] = c["Nr"] * q2 * L * L
    p[P_CF] = _opt(m, "cross_flow_scale") * 0.5 * rho * T * hoerner_cd(B, T)
    p[P_DP] = m["propeller_diameter_m"]
    p[P_k0] = m["k_0"]
    p[P_k1] = m["k_1"]
    p[P_tP] = _opt(m, "t_P")
    p[P_wP] = _opt(m, "w_P")
    p[P_ktast] = _opt(m, "astern_kt")
    p[P_VEC] = _opt(m, "vectored_thrust")
    p[P_AR] = _opt(m, "rudder_area_m2")
    lam = _opt(m, "rudder_aspect_ratio")
    p[P_FA] = 6.13 * lam / (lam + 2.25)  # Fujii's lift slope, as f_alpha in the MMG model
    xR = _opt(m, "x_R_m")
    p[P_xR] = xR if xR < 0.0 else -0.5 * L
    p[P_aH] = _opt(m, "a_H")
    p[P_gR] = _opt(m, "gamma_R")
    p[P_kappa] = _opt(m, "kappa")
    p[P_DMAX] = math.radians(m["rudder_max_deg"])
    p[P_DRATE] = math.radians(m["rudder_rate_deg_s"])
    p[P_NMAX] = m["max_shaft_rps"]
    p[P_NAST] = m["astern_shaft_rps"]
    p[P_NRATE] = m["shaft_rate_rps_s"]
    p[P_UMIN] = 0.01 * math.sqrt(9.81 * L)
    p[P_KTAS1] = _opt(m, "astern_kt_slope")
    p[P_KQ0] = _opt(m, "kq_0")
    p[P_KQ1] = _opt(m, "kq_1")
    power = _opt(m, "max_power_kW") * 1e3
    p[P_QMAX] = power / (2.0 * math.pi * p[P_NMAX]) if power > 0.0 else 0.0
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
    # Quadratic resistance from the service point: (1 - t) T(u_s, n_s) = -X_u u_s - X_|u|u u_s^2
    # (+ still-air drag), so the ship makes its service speed at its service shaft speed.
    n_s = m["service_shaft_rps"]
    ua = u_s * (1.0 - p[P_wP])
    thrust = (
        (1.0 - p[P_tP]) * rho * n_s**2 * p[P_DP] ** 4 * (p[P_k0] + p[P_k1] * ua / (n_s * p[P_DP]))
    )
    air = 0.5 * RHO_AIR * p[P_CDLB] * p[P_AF] * u_s * u_s if p[P_ALAT] > 0.0 else 0.0
    hydro = thrust - air  # resistance the water must provide at the service point
    if hydro <= 0.0:
        raise ShipModelError(
            "service shaft speed gives no net thrust at the service speed",
            field="model.service_shaft_rps",
        )
    frac = _opt(m, "linear_surge_fraction")
    p[P_Xu] = -frac * hydro / u_s
    p[P_Xuu] = -(1.0 - frac) * hydro / (u_s * u_s)
    p[P_NPERU] = n_s / u_s  # equilibrium is linear in u only approximately (X_u); PI trims
    p[P_TIS] = 2.0 * L / u_s
    hmax = _opt(m, "max_step_s")
    p[P_HMAX] = hmax if hmax > 0.0 else 0.05 * L / u_s
    p[P_WNAP] = _opt(m, "autopilot_wn_prime")
    p[P_ZAP] = _opt(m, "autopilot_zeta")
    p[P_KAP] = _opt(m, "autopilot_K_prime")
    p[P_TAP] = _opt(m, "autopilot_T_prime")
    return p


@njit(error_model="numpy")
def _surge_residual(p, u, n):
    T, _ = _thrust(p, u, n)
    air = 0.0
    if p[P_ALAT] > 0.0:
        air = -0.5 * RHO_AIR * p[P_CDLB] * p[P_AF] * u * abs(u)
    return (1.0 - p[P_tP]) * T + p[P_Xu] * u + p[P_Xuu] * abs(u) * u + air


def trim_rps(p: np.ndarray, u: float) -> float:
    """Shaft speed (rev/s) that holds surge equilibrium at speed u (bisection)."""
    if u <= 0.0:
        return 0.0
    lo, hi = 0.0, float(p[P_NMAX]) * 4.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if _surge_residual(p, u, mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    for j, i in enumerate(idx):
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        X[NPROP, i] = trim_rps(P[j], float(X[U, i]))
        X[AUX0, i] = 0.0
        X[AUX1, i] = 0.0
        X[AUX2, i] = 0.0
        X[AUX3, i] = X[NPROP, i]


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    if order == "astern":
        return -float(P[j, P_NAST])
    return trim_rps(P[j], u)


def get_autopilot(P: np.ndarray, j: int) -> tuple[float, float]:
    return float(P[j, P_KAP]), float(P[j, P_TAP])


def set_autopilot(P: np.ndarray, j: int, K_prime: float, T_prime: float) -> None:
    P[j, P_KAP] = K_prime
    P[j, P_TAP] = T_prime
