"""MMG standard manoeuvring model (Yasukawa & Yoshimura 2015): hull, propeller and rudder forces.

Equations after Yasukawa & Yoshimura (2015), KVLCC2 constants as in docs/references.md section 2:

    (m + m_x) u' - (m + m_y) v r - x_G m r^2       = X_H + X_R + X_P + X_W
    (m + m_y) v' + (m + m_x) u r + x_G m r'        = Y_H + Y_R + Y_W
    (I_zG + x_G^2 m + J_z) r' + x_G m (v' + u r)   = N_H + N_R + N_W

u, v (sway at midship) and r are velocities through the water: a uniform current enters only the
kinematics (Fossen 2021 section 10.3, property of irrotational constant current), never as a
force. Wind (Blendermann) uses the velocity relative to the air.

Parameters are packed per ship in rows of ``P`` shaped (n, NP) so one ship's constants are
contiguous in memory. The kernels integrate with fixed-step RK4; rudder angle and shaft speed are
rate-limited actuators whose ramp is exact inside a step (linear in time over the step).
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


# Row names of P, in order (the P_* constants below are their indices).
_NAMES = (  # noqa: SIM905
    "L d rho m mx my xG DP AR eta R0 Xvv Xvr Xrr Xvvvv Yv YR Yvvv Yvvr Yvrr Yrrr "
    "Nv NR Nvvv Nvvr Nvrr Nrrr tP k0 k1 k2 wP0 xPp C1 C2p C2m tR aH xHp xRp gRm gRp lRp "
    "eps kappa falpha kt_astern DMAX DRATE NMAX NAST NRATE NPERU KAP TAP WNAP ZAP TIS HMAX "
    "AF ALAT LOA SL CDT CDLB CDLS DELB MI11 MI12 MI22 MXI UMIN "
    "QL QLL KP KPA KSL KFN KXR KYR KNR MPY MPX XGM KPA1"
).split()
NP = len(_NAMES)
(
    P_L, P_d, P_rho, P_m, P_mx, P_my, P_xG, P_DP, P_AR, P_eta, P_R0, P_Xvv, P_Xvr, P_Xrr,
    P_Xvvvv, P_Yv, P_YR, P_Yvvv, P_Yvvr, P_Yvrr, P_Yrrr, P_Nv, P_NR, P_Nvvv, P_Nvvr, P_Nvrr,
    P_Nrrr, P_tP, P_k0, P_k1, P_k2, P_wP0, P_xPp, P_C1, P_C2p, P_C2m, P_tR, P_aH, P_xHp, P_xRp,
    P_gRm, P_gRp, P_lRp, P_eps, P_kappa, P_falpha, P_ktast, P_DMAX, P_DRATE, P_NMAX, P_NAST,
    P_NRATE, P_NPERU, P_KAP, P_TAP, P_WNAP, P_ZAP, P_TIS, P_HMAX, P_AF, P_ALAT, P_LOA, P_SL,
    P_CDT, P_CDLB, P_CDLS, P_DELB, P_MI11, P_MI12, P_MI22, P_MXI, P_UMIN,
    P_QL, P_QLL, P_KP, P_KPA, P_KSL, P_KFN, P_KXR, P_KYR, P_KNR, P_MPY, P_MPX, P_XGM, P_KPA1,
) = range(NP)  # fmt: skip

# [model] keys of an "mmg" ship file: (min, max). Non-dimensional coefficients in the MMG prime
# system (forces by 1/2 rho L d U^2, moments by 1/2 rho L^2 d U^2).
REQUIRED: dict[str, tuple[float, float]] = {
    "rho_kg_m3": (990.0, 1030.0),
    "displacement_m3": (1e-3, 1e7),
    "x_G_m": (-50.0, 50.0),
    "propeller_diameter_m": (0.01, 15.0),
    "rudder_area_m2": (1e-4, 500.0),
    "rudder_span_m": (0.01, 30.0),
    "service_speed_kn": (0.5, 40.0),
    "max_shaft_rps": (0.1, 100.0),
    "shaft_rate_rps_s": (0.001, 100.0),
    "astern_shaft_rps": (0.0, 100.0),
    "rudder_max_deg": (1.0, 90.0),
    "rudder_rate_deg_s": (0.1, 100.0),
    "m_x": (0.0, 1.0),
    "m_y": (0.0, 2.0),
    "J_z": (0.0, 1.0),
    "R_0": (0.0, 1.0),
    "X_vv": (-5.0, 5.0),
    "X_vr": (-5.0, 5.0),
    "X_rr": (-5.0, 5.0),
    "X_vvvv": (-10.0, 10.0),
    "Y_v": (-5.0, 0.0),
    "Y_R": (-5.0, 5.0),
    "Y_vvv": (-10.0, 10.0),
    "Y_vvr": (-10.0, 10.0),
    "Y_vrr": (-10.0, 10.0),
    "Y_rrr": (-10.0, 10.0),
    "N_v": (-5.0, 5.0),
    "N_R": (-5.0, 0.0),
    "N_vvv": (-10.0, 10.0),
    "N_vvr": (-10.0, 10.0),
    "N_vrr": (-10.0, 10.0),
    "N_rrr": (-10.0, 10.0),
    "t_P": (0.0, 0.9),
    "k_0": (0.0, 1.0),
    "k_1": (-2.0, 2.0),
    "k_2": (-2.0, 2.0),
    "w_P0": (0.0, 0.9),
    "x_P": (-1.0, 0.0),
    "C_1": (0.0, 10.0),
    "C_2_plus": (0.0, 10.0),
    "C_2_minus": (0.0, 10.0),
    "t_R": (0.0, 0.9),
    "a_H": (0.0, 2.0),
    "x_H": (-1.0, 0.0),
    "x_R": (-1.0, 0.0),
    "gamma_R_minus": (0.0, 2.0),
    "gamma_R_plus": (0.0, 2.0),
    "l_R": (-2.0, 0.0),
    "epsilon": (0.1, 3.0),
    "kappa": (0.0, 2.0),
    "f_alpha": (0.1, 10.0),
}
OPTIONAL: dict[str, tuple[float, float, float]] = {
    # (min, max, default)
    "yaw_gyration_ratio": (0.1, 0.5, 0.25),  # I_zG = m (k L)^2; 0.25 as in public MMG codes
    # Thrust coefficient with the shaft reversed, K_T = X_P / ((1 - t_P) rho n^2 D^4). The MMG
    # standard model covers the first quadrant only; 0.3 is a typical second-quadrant B-series
    # value near J = 0 [U], used only for crash stops.
    "astern_kt": (0.0, 1.0, 0.3),
    # Astern thrust grows with the ahead inflow (second quadrant): |K_T| = astern_kt +
    # astern_kt_slope J, J = u_P / (|n| D). 0 (default) keeps the validated KVLCC2 files as they
    # were; the scalable tanker sets it.
    "astern_kt_slope": (0.0, 2.0, 0.0),
    "autopilot_K_prime": (0.05, 20.0, 0.0),  # 0 = fit from the model (library.nomoto_fit)
    "autopilot_T_prime": (0.05, 50.0, 0.0),
    # Closed-loop bandwidth wn' = wn L / U and damping: 1.5/1.0 gives < 1 deg overshoot on
    # 10-90 deg course changes of KVLCC2 at 1 s steps with the gated integrator.
    "autopilot_wn_prime": (0.05, 20.0, 1.5),
    "autopilot_zeta": (0.1, 3.0, 1.0),
    "max_step_s": (1e-4, 10.0, 0.0),  # 0 = 0.05 L / U_service
    # Lengths the file's model is valid for (scaling.py, library.ship_for); 0 = its own length.
    "valid_length_min_m": (0.0, 500.0, 0.0),
    "valid_length_max_m": (0.0, 500.0, 0.0),
}


@njit(error_model="numpy")
def _forces(p, u, v, r, sd, cd, n):
    """Hull + propeller + rudder forces (X, Y, N) about midship for one ship's params ``p``.

    The rudder angle comes as its sine and cosine (computed once per RK4 stage value).
    """
    L = p[P_L]
    qL = p[P_QL]
    U = math.sqrt(u * u + v * v)
    Ue = max(U, p[P_UMIN])  # the r'^3-type terms divide by U; floor it near standstill
    iU = 1.0 / Ue
    ua = abs(u)
    beta = math.atan2(-v, max(ua, 1e-9))
    rL = r * L
    rp = rL * iU
    sgn = 1.0 if u >= 0.0 else -1.0
    # Hull: the prime polynomials multiplied out so only the high-order terms divide by U.
    v2 = v * v
    XH = qL * (
        -p[P_R0] * U * U * sgn
        + p[P_Xvv] * v2
        + p[P_Xvr] * v * rL
        + p[P_Xrr] * rL * rL
        + p[P_Xvvvv] * v2 * v2 * iU * iU
    )
    YH = qL * (
        p[P_Yv] * v * U
        + p[P_YR] * rL * U
        + (
            p[P_Yvvv] * v2 * v
            + p[P_Yvvr] * v2 * rL
            + p[P_Yvrr] * v * rL * rL
            + p[P_Yrrr] * rL * rL * rL
        )
        * iU
    )
    NH = p[P_QLL] * (
        p[P_Nv] * v * U
        + p[P_NR] * rL * U
        + (
            p[P_Nvvv] * v2 * v
            + p[P_Nvvr] * v2 * rL
            + p[P_Nvrr] * v * rL * rL
            + p[P_Nrrr] * rL * rL * rL
        )
        * iU
    )
    # Propeller: wake fraction changes with the drift angle at the propeller (C1/C2 form).
    betaP = beta - p[P_xPp] * rp
    C2 = p[P_C2p] if betaP > 0.0 else p[P_C2m]
    one_wP = (1.0 - p[P_wP0]) * (1.0 + (1.0 - math.exp(-p[P_C1] * abs(betaP))) * (C2 - 1.0))
    uP = u * one_wP
    DP = p[P_DP]
    if n > 1e-9:
        J = uP / (n * DP)
        KT = p[P_k0] + p[P_k1] * J + p[P_k2] * J * J
        XP = p[P_KP] * n * n * KT  # (1 - t_P) rho D^4 n^2 K_T
        # Slipstream: u_P sqrt(1 + 8 K_T / (pi J^2)) written as sqrt(u_P^2 + 8 K_T n^2 D^2 / pi)
        # so it stays finite as J -> 0 (bollard pull, start of a crash stop).
        kt = max(KT, 0.0)
        slip = math.sqrt(uP * uP + p[P_KSL] * kt * n * n) - uP
        eta = p[P_eta]
        a = uP + p[P_kappa] * slip
        uR = p[P_eps] * math.sqrt(eta * a * a + (1.0 - eta) * uP * uP)
        if uP < 0.0:
            uR = p[P_eps] * uP
    else:
        # -(1 - t_P) rho D^4 n^2 (K_T,astern + slope J), J = u_P / (|n| D), without dividing
        # by n; never pulls ahead.
        XP = min(p[P_KPA] * n * n - p[P_KPA1] * abs(n) * uP, 0.0)
        uR = p[P_eps] * uP
    # Rudder: flow straightening by hull and propeller (gamma_R, l_R).
    betaR = beta - p[P_lRp] * rp
    gR = p[P_gRm] if betaR < 0.0 else p[P_gRp]
    vR = U * gR * betaR
    # U_R^2 sin(alpha_R) with alpha_R = delta - atan(v_R / u_R), expanded so no atan/sin is
    # needed: U_R^2 sin(delta - phi) = U_R (u_R sin delta - v_R cos delta).
    UR = math.sqrt(uR * uR + vR * vR)
    if uR >= 0.0:
        FN = p[P_KFN] * UR * (uR * sd - vR * cd)  # K_FN = 1/2 rho A_R f_alpha
    else:  # astern flow: alpha_R = delta + atan(v_R / -u_R)
        FN = p[P_KFN] * UR * (-uR * sd + vR * cd)
    XR = p[P_KXR] * FN * sd  # -(1 - t_R)
    YR = p[P_KYR] * FN * cd  # -(1 + a_H)
    # -(x_R + a_H x_H) with x_R, x_H dimensional (ShipMMG issue #31).
    NR = p[P_KNR] * FN * cd
    return XH + XP + XR, YH + YR, NH + NR


@njit(error_model="numpy")
def _accel(p, u, v, r, sd, cd, n, XW, YW, NW):
    X, Y, Nm = _forces(p, u, v, r, sd, cd, n)
    X += XW
    Y += YW
    Nm += NW
    xGm = p[P_XGM]
    du = (X + p[P_MPY] * v * r + xGm * r * r) * p[P_MXI]
    b1 = Y - p[P_MPX] * u * r
    b2 = Nm - xGm * u * r
    dv = p[P_MI11] * b1 + p[P_MI12] * b2
    dr = p[P_MI12] * b1 + p[P_MI22] * b2
    return du, dv, dr


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae):
    """One RK4 step of length h for ship column i; actuators ramp linearly over the step."""
    psi = X[PSI, i]
    u = X[U, i]
    v = X[V, i]
    r = X[R, i]
    d0 = X[DELTA, i]
    n0 = X[NPROP, i]
    d1 = ramp(d0, d_cmd, p[P_DRATE], h)
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
def step_mmg_open(X, P, D, idx, dt, env):
    """Advance ships ``idx`` by dt with given demands D[0] rudder (rad), D[1] shaft (rev/s)."""
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
def step_mmg(X, P, C, idx, dt, env):
    """Advance ships ``idx`` by dt under course/speed commands (autopilot and speed PI inside).

    AUX0 = integral of heading error (rad s), AUX1 = integral of speed error (m), AUX2 = rudder
    demand (rad), AUX3 = shaft demand (rev/s). A NaN course keeps the rudder amidships; a NaN
    speed keeps the current shaft demand.
    """
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


def trim_rps_per_speed(p: np.ndarray) -> float:
    """Shaft speed per m/s that balances straight-ahead resistance (rev/s per m/s).

    (1 - t_P) rho D^4 (k0 n^2 + k1 n u_a / D + k2 u_a^2 / D^2) = 1/2 rho L d R'_0 u^2 with
    u_a = u (1 - w_P0) is homogeneous in (n, u), so n = c u; c solves the quadratic at u = 1.
    Must be called after the wind rows are packed.
    """
    DP = p[P_DP]
    ua = 1.0 - p[P_wP0]
    a = p[P_k0]
    b = p[P_k1] * ua / DP
    R = 0.5 * p[P_rho] * p[P_L] * p[P_d] * p[P_R0]
    # Still-air drag of the superstructure is also quadratic in u (Blendermann, head wind).
    if p[P_ALAT] > 0.0:
        R += 0.5 * RHO_AIR * p[P_CDLB] * p[P_AF]
    c = p[P_k2] * ua * ua / (DP * DP) - R / ((1.0 - p[P_tP]) * p[P_rho] * DP**4)
    return float((-b + math.sqrt(b * b - 4.0 * a * c)) / (2.0 * a))


def pack_params(defs: list) -> np.ndarray:
    """Parameter matrix (n, NP) for ship definitions of family ``mmg``."""
    P = np.zeros((len(defs), NP))
    for j, sd in enumerate(defs):
        P[j] = _pack_one(sd)
    return P


def _pack_one(sd) -> np.ndarray:
    m = sd.model
    p = np.zeros(NP)
    L = sd.length_m
    d = sd.draught_m
    rho = m["rho_kg_m3"]
    p[P_L] = L
    p[P_d] = d
    p[P_rho] = rho
    mass = rho * m["displacement_m3"]
    p[P_m] = mass
    p[P_mx] = m["m_x"] * 0.5 * rho * L * L * d
    p[P_my] = m["m_y"] * 0.5 * rho * L * L * d
    Jz = m["J_z"] * 0.5 * rho * L**4 * d
    IzG = mass * (m.get("yaw_gyration_ratio", 0.25) * L) ** 2
    xG = m["x_G_m"]
    p[P_xG] = xG
    p[P_DP] = m["propeller_diameter_m"]
    p[P_AR] = m["rudder_area_m2"]
    p[P_eta] = m["propeller_diameter_m"] / m["rudder_span_m"]
    for key, row in (
        ("R_0", P_R0),
        ("X_vv", P_Xvv),
        ("X_vr", P_Xvr),
        ("X_rr", P_Xrr),
        ("X_vvvv", P_Xvvvv),
        ("Y_v", P_Yv),
        ("Y_R", P_YR),
        ("Y_vvv", P_Yvvv),
        ("Y_vvr", P_Yvvr),
        ("Y_vrr", P_Yvrr),
        ("Y_rrr", P_Yrrr),
        ("N_v", P_Nv),
        ("N_R", P_NR),
        ("N_vvv", P_Nvvv),
        ("N_vvr", P_Nvvr),
        ("N_vrr", P_Nvrr),
        ("N_rrr", P_Nrrr),
        ("t_P", P_tP),
        ("k_0", P_k0),
        ("k_1", P_k1),
        ("k_2", P_k2),
        ("w_P0", P_wP0),
        ("x_P", P_xPp),
        ("C_1", P_C1),
        ("C_2_plus", P_C2p),
        ("C_2_minus", P_C2m),
        ("t_R", P_tR),
        ("a_H", P_aH),
        ("x_H", P_xHp),
        ("x_R", P_xRp),
        ("gamma_R_minus", P_gRm),
        ("gamma_R_plus", P_gRp),
        ("l_R", P_lRp),
        ("epsilon", P_eps),
        ("kappa", P_kappa),
        ("f_alpha", P_falpha),
    ):
        p[row] = m[key]
    p[P_ktast] = m.get("astern_kt", 0.3)
    p[P_DMAX] = math.radians(m["rudder_max_deg"])
    p[P_DRATE] = math.radians(m["rudder_rate_deg_s"])
    p[P_NMAX] = m["max_shaft_rps"]
    p[P_NAST] = m["astern_shaft_rps"]
    p[P_NRATE] = m["shaft_rate_rps_s"]
    u_s = m["service_speed_kn"] * 1852.0 / 3600.0
    # Sway-yaw mass matrix is constant: invert once here instead of in every stage.
    M11 = mass + p[P_my]
    M12 = xG * mass
    M22 = IzG + xG * xG * mass + Jz
    det = M11 * M22 - M12 * M12
    p[P_MI11] = M22 / det
    p[P_MI12] = -M12 / det
    p[P_MI22] = M11 / det
    p[P_MXI] = 1.0 / (mass + p[P_mx])
    p[P_UMIN] = 0.01 * math.sqrt(9.81 * L)
    # Products of constants used in every force evaluation, formed once here.
    DP = p[P_DP]
    p[P_QL] = 0.5 * rho * L * d
    p[P_QLL] = 0.5 * rho * L * L * d
    p[P_KP] = (1.0 - p[P_tP]) * rho * DP**4
    p[P_KPA] = -(1.0 - p[P_tP]) * rho * DP**4 * p[P_ktast]
    p[P_KPA1] = (1.0 - p[P_tP]) * rho * DP**3 * m.get("astern_kt_slope", 0.0)
    p[P_KSL] = 8.0 * DP * DP / math.pi
    p[P_KFN] = 0.5 * rho * p[P_AR] * p[P_falpha]
    p[P_KXR] = -(1.0 - p[P_tR])
    p[P_KYR] = -(1.0 + p[P_aH])
    p[P_KNR] = -(p[P_xRp] * L + p[P_aH] * p[P_xHp] * L)
    p[P_MPY] = mass + p[P_my]
    p[P_MPX] = mass + p[P_mx]
    p[P_XGM] = xG * mass
    p[P_TIS] = 2.0 * L / u_s
    hmax = m.get("max_step_s", 0.0)
    p[P_HMAX] = hmax if hmax > 0.0 else 0.05 * L / u_s
    p[P_WNAP] = m.get("autopilot_wn_prime", OPTIONAL["autopilot_wn_prime"][2])
    p[P_ZAP] = m.get("autopilot_zeta", OPTIONAL["autopilot_zeta"][2])
    p[P_KAP] = m.get("autopilot_K_prime", 0.0)
    p[P_TAP] = m.get("autopilot_T_prime", 0.0)
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
    p[P_NPERU] = trim_rps_per_speed(p)
    return p


def init_state(X: np.ndarray, P: np.ndarray, idx: np.ndarray) -> None:
    """Trim ships ``idx`` for steady straight running at their start speed X[U].

    Sets v = r = 0, rudder amidships, shaft at the equilibrium rps, controller states zero.
    """
    for j, i in enumerate(idx):
        X[V, i] = 0.0
        X[R, i] = 0.0
        X[DELTA, i] = 0.0
        X[NPROP, i] = P[j, P_NPERU] * X[U, i]
        X[AUX0, i] = 0.0
        X[AUX1, i] = 0.0
        X[AUX2, i] = 0.0
        X[AUX3, i] = X[NPROP, i]


def propulsion_demand(P: np.ndarray, j: int, u: float, order: str) -> float:
    """Shaft demand (rev/s) for a trial: "trim" holds speed ``u``; "astern" is full astern."""
    if order == "astern":
        return -float(P[j, P_NAST])
    return float(P[j, P_NPERU] * u)


def set_autopilot(P: np.ndarray, j: int, K_prime: float, T_prime: float) -> None:
    P[j, P_KAP] = K_prime
    P[j, P_TAP] = T_prime


def get_autopilot(P: np.ndarray, j: int) -> tuple[float, float]:
    return float(P[j, P_KAP]), float(P[j, P_TAP])
