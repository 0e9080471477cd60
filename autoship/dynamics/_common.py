"""Scalar building blocks shared by the model kernels: actuators, autopilot, speed control, wind.

All functions are jitted scalar helpers (no arrays, no allocation) so a family kernel inlines them
inside its per-ship loop. Kernels use numba's ``error_model="numpy"``: a float division by zero
gives inf/nan instead of a Python exception, which removes a branch per division from the hot
loop (kernels never raise; wrappers validate their inputs). fastmath stays off.
"""

from __future__ import annotations

import math

from autoship._jit import njit
from autoship.geometry import wrap_pi

_INTEG_BAND = math.radians(5.0)
_STEADY_R_PRIME = 0.002  # non-dimensional yaw rate below which the heading counts as steady
RHO_AIR = 1.224  # kg/m^3 (wind loads, Fossen 2021 and MSS)


@njit(error_model="numpy")
def clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@njit(error_model="numpy")
def ramp(x: float, target: float, rate: float, h: float) -> float:
    """``x`` moved towards ``target`` by at most ``rate * h`` (a rate-limited actuator)."""
    step = rate * h
    return x + min(max(target - x, -step), step)


@njit(error_model="numpy")
def rotate(c, s, a):
    """(cos, sin) of (psi + a) from cos psi, sin psi: the RK4 stage headings without new trig.

    For |a| <= 0.1 rad (the heading change within a stage) the Taylor series below is exact to
    double precision (next terms a^9/9! and a^10/10! < 3e-15 relative); larger a use libm.
    """
    if abs(a) <= 0.1:
        a2 = a * a
        sa = a * (1.0 - a2 / 6.0 * (1.0 - a2 / 20.0 * (1.0 - a2 / 42.0)))
        ca = 1.0 - a2 / 2.0 * (1.0 - a2 / 12.0 * (1.0 - a2 / 30.0 * (1.0 - a2 / 56.0)))
    else:
        sa = math.sin(a)
        ca = math.cos(a)
    return c * ca - s * sa, s * ca + c * sa


@njit(error_model="numpy")
def rk4_kinematics(c1, s1, h, u, v, r, u2, v2, r2, u3, v3, r3, u4, v4, r4):
    """RK4 weighted means of the earth-fixed velocity (north, east) over the four stages, and
    the stage yaw-rate sum ``r + 2 r2 + 2 r3 + r4`` (heading increment = h * sum / 6).

    Stage headings come from ``rotate`` (psi, psi + h/2 r, psi + h/2 r2, psi + h r3), so one
    cos/sin of psi serves the whole step; shared by every 3-DOF family kernel.
    """
    h2 = 0.5 * h
    c2, s2 = rotate(c1, s1, h2 * r)
    c3, s3 = rotate(c1, s1, h2 * r2)
    c4, s4 = rotate(c1, s1, h * r3)
    dn = (
        (u * c1 - v * s1)
        + 2.0 * (u2 * c2 - v2 * s2)
        + 2.0 * (u3 * c3 - v3 * s3)
        + (u4 * c4 - v4 * s4)
    ) / 6.0
    de = (
        (u * s1 + v * c1)
        + 2.0 * (u2 * s2 + v2 * c2)
        + 2.0 * (u3 * s3 + v3 * c3)
        + (u4 * s4 + v4 * c4)
    ) / 6.0
    return dn, de, r + 2.0 * r2 + 2.0 * r3 + r4


@njit(error_model="numpy")
def autopilot(psi, r, u, course_cmd, integ, L, Kp_, Tp_, wn_, zeta, dmax, dt):
    """PID heading autopilot on the first-order Nomoto model, gains scheduled with speed.

    Pole placement for T r' + r = K delta (Fossen 2021, ch. 15): Kp = T wn^2 / K,
    Kd = (2 zeta wn T - 1) / K, Ki = wn Kp / 10, with K = K' U / L, T = T' L / U and
    wn = wn' U / L. Anti-windup by conditional integration: the integral only grows while the
    rudder is not saturated in the direction the error pushes and the error is within 5 deg or
    the heading is steady (a standing error), and it is clamped to half the rudder.
    Returns (rudder demand rad, new integral of heading error rad s).
    """
    if math.isnan(course_cmd):
        return 0.0, integ
    uu = max(abs(u), 0.02 * math.sqrt(9.81 * L))  # gains stay finite when stopped
    K = Kp_ * uu / L
    T = Tp_ * L / uu
    wn = wn_ * uu / L
    kp = T * wn * wn / K
    kd = (2.0 * zeta * wn * T - 1.0) / K
    if kd < 0.0:
        kd = 0.0
    ki = wn * kp / 10.0
    e = wrap_pi(course_cmd - psi)
    d_raw = kp * e - kd * r + ki * integ
    d = clip(d_raw, -dmax, dmax)
    # Integrate near the set course, or off it once the heading has stopped moving (|r| L / U
    # below _STEADY_R_PRIME): during a course change the error is a transient the P and D terms
    # handle, and integrating it would wind up into an overshoot; but a standing error (a beam
    # wind or current the P term alone cannot hold, 9 deg on a small USV in 20 m/s) is what the
    # integral is for, and the 5 deg gate alone never let it act there.
    steady = abs(r) * L < _STEADY_R_PRIME * uu
    if (abs(e) < _INTEG_BAND or steady) and (d == d_raw or e * d_raw < 0.0):
        integ = integ + e * dt
    if ki > 0.0:
        lim = 0.5 * dmax / ki
        integ = clip(integ, -lim, lim)
    return d, integ


# A course change swings the rudder demand across its range about once per 1/wn; the steering
# gear needs 2 dmax / rate for that. When 1/wn is shorter the rudder lags the demand and the loop
# winds into a limit cycle (the 30 m placeholder swung +-60-80 deg). RATE_BANDWIDTH k keeps
# wn <= k rate / (2 dmax): our choice, the largest k that kept every library ship and size stable
# in the course-step sweep (tests/dynamics/test_stability_sweep.py).
RATE_BANDWIDTH = 1.0


@njit(error_model="numpy")
def rate_limited_wn(wn_prime, rate, dmax, L, u):
    """Autopilot bandwidth wn' (non-dimensional) lowered so the steering gear can follow it."""
    uu = max(abs(u), 0.02 * math.sqrt(9.81 * L))
    cap = RATE_BANDWIDTH * rate / (2.0 * dmax) * L / uu
    return min(wn_prime, cap)


@njit(error_model="numpy")
def speed_pi(u, u_cmd, integ, n_per_u, n_min, n_max, Ti, dt):
    """Shaft speed demand for a speed command: feed-forward trim rps plus a PI correction.

    ``n_per_u`` is the straight-ahead equilibrium shaft speed per m/s (thrust = resistance),
    so the PI only trims residual error (turning, wind). Gains are in rps per (m/s) of error,
    relative to the feed-forward: kp = 2 n_per_u, ki = kp / Ti. Anti-windup as in the autopilot.
    """
    e = u_cmd - u
    kp = 2.0 * n_per_u
    ki = kp / Ti
    n_raw = n_per_u * u_cmd + kp * e + ki * integ
    n = clip(n_raw, n_min, n_max)
    if n == n_raw or e * (n_raw - n) < 0.0:
        integ = integ + e * dt
    lim = 0.25 * n_max / ki
    integ = clip(integ, -lim, lim)
    return n, integ


@njit(error_model="numpy")
def blendermann(u_rw, v_rw, A_F, A_L, L_oa, s_L, CDt, CDl_bow, CDl_stern, delta_b, L):
    """Wind force and moment on the hull above water (Blendermann 1994, as in MSS).

    ``u_rw, v_rw`` are the ship velocity relative to the air in body axes (m/s). Returns
    (X, Y, N) in N, N and N m about midship. gamma is the angle of the apparent wind from the bow,
    negative when it comes from starboard (MSS convention, Fossen 2021);
    its sine and cosine come from the velocity components so only |gamma| needs an atan2.
    """
    V2 = u_rw * u_rw + v_rw * v_rw
    if V2 <= 0.0 or A_L <= 0.0:
        return 0.0, 0.0, 0.0
    V = math.sqrt(V2)
    cg = u_rw / V
    sg = -v_rw / V
    ag = math.atan2(abs(v_rw), u_rw)
    CDlAF = CDl_bow if ag <= 0.5 * math.pi else CDl_stern
    CDl = CDlAF * A_F / A_L
    s2 = 2.0 * sg * cg
    den = 1.0 - 0.5 * delta_b * (1.0 - CDl / CDt) * s2 * s2
    CX = -CDlAF * cg / den
    CY = CDt * sg / den
    CN = (s_L / L_oa - 0.18 * (ag - 0.5 * math.pi)) * CY
    q = 0.5 * RHO_AIR * V2
    return q * CX * A_F, q * CY * A_L, q * CN * A_L * L_oa


@njit(error_model="numpy")
def air_velocity(wind_speed, wind_from):
    """Velocity of the air (north, east, m/s): it moves towards wind_from + pi."""
    return -wind_speed * math.cos(wind_from), -wind_speed * math.sin(wind_from)


@njit(error_model="numpy")
def wind_body(c, s, u, v, cur_n, cur_e, air_n, air_e):
    """Ship velocity relative to the air in body axes (m/s), heading given as (cos, sin).

    ``u, v`` are through the water; the ground velocity adds the current (flowing to).
    """
    dn = u * c - v * s + cur_n - air_n
    de = u * s + v * c + cur_e - air_e
    return dn * c + de * s, -dn * s + de * c
