"""First-order Nomoto steering with first-order speed response and a PID heading autopilot.

The cheapest model family: fine for crowds of targets, not for manoeuvring validation.

    T r' + r = K delta,   u' = (u_d - u) / T_u

Parameters are non-dimensional (K' = K L / U, T' = T U / L after Nomoto et al. 1957) so
one set serves a hull at any speed. Parameters are rows of ``P`` shaped (n, NP).

Wind (ships with a [wind] table): the Blendermann (1994) load of the wind, less that of still
air (already part of the calm-water speed lag), acts quasi-statically: its yaw moment as an
equivalent rudder angle delta_w = N_w / N_delta, with N_delta = |x_R| (1 + a_H) 1/2 rho A_R
f_alpha U^2 for a rudder of A_R = L T / 60 at x_R = -L/2 (a_H 0.2, Fujii slope at aspect ratio
1.5; typical merchant-ship values [U]); its side force as a leeway v that balances Clarke et al.
(1983) Y_v U v plus Hoerner cross-flow drag; its surge force on the hull mass (C_b 0.7 [U]).
The yaw equation becomes T r' + r = K (delta + delta_w); the leeway moves the ship sideways.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit as _njit
from autoship.dynamics._common import (
    air_velocity,
    autopilot,
    blendermann,
    clip,
    ramp,
    rate_limited_wn,
    wind_body,
)
from autoship.dynamics.state import (
    AUX0,
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
    # Hull fullness for the wind's leeway and surge (module note); only used with [wind].
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

P_L, P_KP, P_TP, P_DMAX, P_DRATE, P_TU, P_UMAX, P_WN, P_ZETA, P_UMIN, P_WIND = range(11)
NP = P_WIND + 12  # the wind block (wind_effect) follows


# Wind block: 12 parameters at offset o of a Nomoto family's row (nomoto1 and nomoto2 share it).
W_AF, W_ALAT, W_LOA, W_SL, W_CDT, W_CDLB, W_CDLS, W_DELB, W_NDEL, W_YVU, W_CFD, W_MASS = range(12)
NW = 12


@njit(error_model="numpy")
def wind_effect(p, o, L, umin, c, s, u, v, cn, ce, an, ae):
    """(equivalent rudder rad, leeway m/s, surge acceleration m/s^2) from the wind.

    ``p[o:o + NW]`` is the wind block (``pack_wind``). Zero without a [wind] table or without
    wind: the still-air load at the same motion is subtracted, so calm-water behaviour is
    exactly that of the plain Nomoto model.
    """
    if p[o + W_ALAT] <= 0.0 or (an == 0.0 and ae == 0.0):
        return 0.0, 0.0, 0.0
    ur, vr = wind_body(c, s, u, v, cn, ce, an, ae)
    X, Y, Nw = blendermann(
        ur, vr, p[o + W_AF], p[o + W_ALAT], p[o + W_LOA], p[o + W_SL], p[o + W_CDT],
        p[o + W_CDLB], p[o + W_CDLS], p[o + W_DELB], L,
    )  # fmt: skip
    u0, v0 = wind_body(c, s, u, v, cn, ce, 0.0, 0.0)
    X0, Y0, N0 = blendermann(
        u0, v0, p[o + W_AF], p[o + W_ALAT], p[o + W_LOA], p[o + W_SL], p[o + W_CDT],
        p[o + W_CDLB], p[o + W_CDLS], p[o + W_DELB], L,
    )  # fmt: skip
    X -= X0
    Y -= Y0
    Nw -= N0
    uu = max(abs(u), umin)
    dw = clip(Nw / (p[o + W_NDEL] * uu * uu), -1.0, 1.0)
    # Leeway: |Y| = b |v| + a v^2 with b = -Y_v U (Clarke) and a the cross-flow drag.
    b = p[o + W_YVU] * uu
    a = p[o + W_CFD]
    av = 2.0 * abs(Y) / (b + math.sqrt(b * b + 4.0 * a * abs(Y)))
    vw = math.copysign(av, Y)
    return dw, vw, X / p[o + W_MASS]


@njit(error_model="numpy")
def _rdot(u, r, delta, L, Kp, Tp, umin):
    uu = max(abs(u), umin)
    return (Kp * uu / L * delta - r) / (Tp * L / uu)


@njit(error_model="numpy")
def _substep(X, p, i, d_cmd, u_cmd, h, cn, ce, dw, vw, ax):
    """RK4 step of (N, E, psi, u, r); the rudder ramps linearly over the step.

    dw, vw, ax: the wind's equivalent rudder angle, leeway and surge acceleration (``wind_effect``),
    held over the step.
    """
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
    a1u = (u_cmd - u) / Tu + ax
    a1r = _rdot(u, r, d0 + dw, L, Kp, Tp, umin)
    u2 = u + h2 * a1u
    r2 = r + h2 * a1r
    p2 = psi + h2 * r
    a2u = (u_cmd - u2) / Tu + ax
    a2r = _rdot(u2, r2, dm + dw, L, Kp, Tp, umin)
    u3 = u + h2 * a2u
    r3 = r + h2 * a2r
    p3 = psi + h2 * r2
    a3u = (u_cmd - u3) / Tu + ax
    a3r = _rdot(u3, r3, dm + dw, L, Kp, Tp, umin)
    u4 = u + h * a3u
    r4 = r + h * a3r
    p4 = psi + h * r3
    a4u = (u_cmd - u4) / Tu + ax
    a4r = _rdot(u4, r4, d1 + dw, L, Kp, Tp, umin)
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
    X[PSI, i] = (psi + h * (r + 2.0 * r2 + 2.0 * r3 + r4) / 6.0) % (2.0 * math.pi)
    X[U, i] = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    X[R, i] = r + h * (a1r + 2.0 * a2r + 2.0 * a3r + a4r) / 6.0
    X[V, i] = vw
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
            c = math.cos(X[PSI, i])
            sn = math.sin(X[PSI, i])
            dw, vw, ax = wind_effect(
                p, P_WIND, p[P_L], p[P_UMIN], c, sn, X[U, i], X[V, i], cn, ce, an, ae
            )
            _substep(X, p, i, d_cmd, u_tgt, h, cn, ce, dw, vw, ax)
        X[NPROP, i] = 0.0


@njit(error_model="numpy")
def step_nomoto1_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] speed demand (m/s, reached with T_u)."""
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
            c = math.cos(X[PSI, i])
            sn = math.sin(X[PSI, i])
            dw, vw, ax = wind_effect(
                p, P_WIND, p[P_L], p[P_UMIN], c, sn, X[U, i], X[V, i], cn, ce, an, ae
            )
            _substep(X, p, i, d_cmd, u_cmd, h, cn, ce, dw, vw, ax)


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
        pack_wind(P[j], P_WIND, d)
    return P


def pack_wind(p: np.ndarray, o: int, d) -> None:
    """Wind table and the quasi-static hull and rudder constants of ``wind_effect`` into
    ``p[o:o + NW]`` (module note); left zero without a [wind] table."""
    w = d.wind
    if w is None:
        return
    from autoship.dynamics.fossen3 import clarke83, hoerner_cd

    rho = 1025.0
    L, B, T = d.length_m, d.beam_m, d.draught_m
    Cb = float(d.model.get("block_coefficient", 0.7))  # [U] when the file gives none
    p[o + W_AF] = w.frontal_area_m2
    p[o + W_ALAT] = w.lateral_area_m2
    p[o + W_LOA] = w.loa_m
    p[o + W_SL] = w.lateral_centroid_m
    p[o + W_CDT] = w.CDt
    p[o + W_CDLB] = w.CDl_bow
    p[o + W_CDLS] = w.CDl_stern
    p[o + W_DELB] = w.delta
    lam = 1.5
    f_alpha = 6.13 * lam / (lam + 2.25)  # Fujii's lift slope
    A_R = L * T / 60.0
    p[o + W_NDEL] = 0.5 * L * 1.2 * 0.5 * rho * A_R * f_alpha  # |x_R| (1 + a_H) 1/2 rho A_R f_a
    p[o + W_YVU] = -clarke83(L, B, T, Cb)["Yv"] * 0.5 * rho * L * L
    p[o + W_CFD] = 0.5 * rho * T * L * hoerner_cd(B, T)
    p[o + W_MASS] = 1.05 * rho * Cb * L * B * T  # 5 % surge added mass


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
