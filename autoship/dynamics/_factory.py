"""One kernel factory for the model families: RK4 sub-step, actuators and fleet steps built once.

A family supplies its equations of motion as small jitted hooks (an acceleration function and,
for the Nomoto families, where its internal states live); the factory builds the family's RK4
sub-step, its open-loop and closed-loop fleet steps from the templates below. Two shapes:

- ``rigid_body_kernels`` (fossen3, mmg): 3-DOF surge-sway-yaw through the water, a rate-limited
  rudder and a rate-limited shaft, Blendermann wind held over a sub-step, PID autopilot and
  speed PI in closed loop. Hooks: ``accel(p, u, v, r, sin delta, cos delta, n, XW, YW, NW)
  -> (u', v', r')`` and ``shaft_limit(p, u, n_cmd) -> n_cmd``.
- ``nomoto_kernels`` (nomoto1, nomoto2): heading from a Nomoto model with states (y1, y2), a speed
  lag, quasi-static wind (``nomoto1.wind_effect``). Hooks: ``rates(p, u, y1, y2, delta, u_tgt)
  -> (r, u', y1', y2')``, ``load(X, i) -> (y1, y2)``, ``store(X, i, y1, y2)``, ``nsub(p, dt)``
  and ``note_demand(X, i, rudder demand)``.

Parameter rows the templates read are the same in every family of a shape: each family's ``P``
begins with the header below (``RB_*`` or ``NM_*``), then its own rows.

Numba cannot cache a closure over jitted functions (its cache key pickles them with a per-process
id) nor a function that receives them as arguments (they become dynamic globals), so each family's
kernels are the templates' code re-bound to globals that hold its hooks, one jitted function per
family. Their cache entries are named after the family and a hash of the sources they inline
(the hooks' modules, ``_common.py``, ``state.py``, ``geometry.py``): editing any of them
compiles afresh, and ``_factory.py`` itself is the cached functions' source file, whose time
stamp Numba checks.
"""

from __future__ import annotations

import hashlib
import math
import sys
import types
from collections.abc import Callable
from pathlib import Path

from autoship._jit import njit
from autoship.dynamics._common import (
    air_velocity,
    autopilot,
    blendermann,
    clip,
    ramp,
    rate_limited_wn,
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

# Header of a rigid-body family's parameter row: length, sub-step, rudder, shaft, speed PI,
# autopilot, then the Blendermann wind table (A_L = 0: no wind load).
RB_HEADER = (
    "L", "HMAX", "DMAX", "DRATE", "NMAX", "NAST", "NRATE", "NPERU", "TIS", "KAP", "TAP", "WNAP",
    "ZAP", "AF", "ALAT", "LOA", "SL", "CDT", "CDLB", "CDLS", "DELB",
)  # fmt: skip
(
    RB_L, RB_HMAX, RB_DMAX, RB_DRATE, RB_NMAX, RB_NAST, RB_NRATE, RB_NPERU, RB_TIS, RB_KAP,
    RB_TAP, RB_WNAP, RB_ZAP, RB_AF, RB_ALAT, RB_LOA, RB_SL, RB_CDT, RB_CDLB, RB_CDLS, RB_DELB,
) = range(len(RB_HEADER))  # fmt: skip

# Header of a Nomoto family's row: length, autopilot K' and T', rudder, speed lag, autopilot
# bandwidth, low-speed floor, then the 12-row wind block of nomoto1.wind_effect at NM_WIND.
NM_HEADER = ("L", "KP", "TAP", "DMAX", "DRATE", "TU", "UMAX", "WN", "ZETA", "UMIN")
NM_L, NM_KP, NM_TAP, NM_DMAX, NM_DRATE, NM_TU, NM_UMAX, NM_WN, NM_ZETA, NM_UMIN = range(10)
NM_WIND = len(NM_HEADER)

# Closed-loop speed of the Nomoto families: the lag's target is u_cmd + SPEED_GAIN (u_cmd - u),
# clipped to the engine's range (half the top speed astern .. top speed), i.e. a P speed
# controller that orders astern (or full ahead) in proportion to the error and holds u_cmd exactly
# at equilibrium. Without it a stop order only let the lag decay (a 30 m placeholder coasted at
# 9.5 kn for 110 s).
SPEED_GAIN = 4.0
_TWO_PI = 2.0 * math.pi


# ---------------------------------------------------------------------------------------------
# Shared jitted helpers, then the templates: plain functions, never called as they are;
# ``_build`` re-binds each to a family's hooks (accel, shaft_limit, rates, load, store, nsub,
# note_demand, wind_effect, and the family's own nm_wind and sub-step) and jits it.
# ---------------------------------------------------------------------------------------------


@njit(error_model="numpy")
def _rudder_trig(d0, d1):
    """(sin, cos) of the rudder at the start, middle and end of a sub-step.

    A resting rudder (at its demand or its limit: straight running, a held turn) reuses the start
    values, two libm calls instead of six, with the same bits: equal non-zero angles are the same
    double, and at zero sin keeps the sign of each zero and cos is 1. A moving one calls libm for
    each: taking the middle and end values from a rotation of the start ones (``rotate``) was not
    measurably faster here (interleaved timing) and would move results by rounding.
    """
    sd0 = math.sin(d0)
    cd0 = math.cos(d0)
    dm = 0.5 * (d0 + d1)
    if d1 == d0:
        if d0 != 0.0:
            return sd0, cd0, sd0, cd0, sd0, cd0
        return sd0, cd0, dm, 1.0, d1, 1.0
    return sd0, cd0, math.sin(dm), math.cos(dm), math.sin(d1), math.cos(d1)


@njit(error_model="numpy")
def _wrap_2pi(x):
    """``x % (2 pi)`` for a heading that moved less than a turn in a sub-step, without fmod.

    Equal to Python's float modulo bit for bit: in [2 pi, 4 pi) fmod(x, 2 pi) is x - 2 pi, exact
    by Sterbenz's lemma; below zero Python's modulo adds 2 pi to fmod(x, 2 pi) = x, the same
    rounded sum; ``+ 0.0`` turns -0.0 into +0.0 as the modulo does. Anything else (NaN, far
    outside) takes the modulo itself.
    """
    if 0.0 <= x < _TWO_PI:
        return x + 0.0
    if -_TWO_PI <= x < 0.0:
        return x + _TWO_PI
    if _TWO_PI <= x < 2.0 * _TWO_PI:
        return x - _TWO_PI
    return x % _TWO_PI


@njit(error_model="numpy")
def _rb_wind(p, c, s, u, v, cn, ce, an, ae):
    """Blendermann load (X, Y, N) held over a sub-step; zero for a ship without a wind table."""
    if p[RB_ALAT] > 0.0:
        urw, vrw = wind_body(c, s, u, v, cn, ce, an, ae)
        return blendermann(
            urw, vrw, p[RB_AF], p[RB_ALAT], p[RB_LOA], p[RB_SL], p[RB_CDT], p[RB_CDLB],
            p[RB_CDLS], p[RB_DELB], p[RB_L],
        )  # fmt: skip
    return 0.0, 0.0, 0.0


def _rb_substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae):
    """One RK4 step of length h for ship column i; actuators ramp linearly over the step."""
    psi = X[PSI, i]
    u = X[U, i]
    v = X[V, i]
    r = X[R, i]
    d0 = X[DELTA, i]
    n0 = X[NPROP, i]
    d1 = ramp(d0, d_cmd, p[RB_DRATE], h)
    n1 = ramp(n0, shaft_limit(p, u, n_cmd), p[RB_NRATE], h)  # noqa: F821
    nm = 0.5 * (n0 + n1)
    sd0, cd0, sdm, cdm, sd1, cd1 = _rudder_trig(d0, d1)
    c1 = math.cos(psi)
    s1 = math.sin(psi)
    XW, YW, NW = _rb_wind(p, c1, s1, u, v, cn, ce, an, ae)
    h2 = 0.5 * h
    a1u, a1v, a1r = accel(p, u, v, r, sd0, cd0, n0, XW, YW, NW)  # noqa: F821
    u2 = u + h2 * a1u
    v2 = v + h2 * a1v
    r2 = r + h2 * a1r
    a2u, a2v, a2r = accel(p, u2, v2, r2, sdm, cdm, nm, XW, YW, NW)  # noqa: F821
    u3 = u + h2 * a2u
    v3 = v + h2 * a2v
    r3 = r + h2 * a2r
    a3u, a3v, a3r = accel(p, u3, v3, r3, sdm, cdm, nm, XW, YW, NW)  # noqa: F821
    u4 = u + h * a3u
    v4 = v + h * a3v
    r4 = r + h * a3r
    a4u, a4v, a4r = accel(p, u4, v4, r4, sd1, cd1, n1, XW, YW, NW)  # noqa: F821
    dn, de, rsum = rk4_kinematics(c1, s1, h, u, v, r, u2, v2, r2, u3, v3, r3, u4, v4, r4)
    X[N, i] += h * (dn + cn)
    X[E, i] += h * (de + ce)
    X[PSI, i] = _wrap_2pi(psi + h * rsum / 6.0)
    X[U, i] = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    X[V, i] = v + h * (a1v + 2.0 * a2v + 2.0 * a3v + a4v) / 6.0
    X[R, i] = r + h * (a1r + 2.0 * a2r + 2.0 * a3r + a4r) / 6.0
    X[DELTA, i] = d1
    X[NPROP, i] = n1


def _rb_step_open(X, P, D, idx, dt, env):
    """Advance ships ``idx`` by dt with given demands D[0] rudder (rad), D[1] shaft (rev/s)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        nsub = max(1, int(math.ceil(dt / p[RB_HMAX] - 1e-9)))
        h = dt / nsub
        d_cmd = clip(D[0, i], -p[RB_DMAX], p[RB_DMAX])
        n_cmd = clip(D[1, i], -p[RB_NAST], p[RB_NMAX])
        for _ in range(nsub):
            substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae)  # noqa: F821


def _rb_step(X, P, C, idx, dt, env):
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
        nsub = max(1, int(math.ceil(dt / p[RB_HMAX] - 1e-9)))
        h = dt / nsub
        u_cmd = C[CMD_SPEED, i]
        for _ in range(nsub):
            d_cmd, X[AUX0, i] = autopilot(
                X[PSI, i], X[R, i], X[U, i], C[CMD_COURSE, i], X[AUX0, i], p[RB_L], p[RB_KAP],
                p[RB_TAP], p[RB_WNAP], p[RB_ZAP], p[RB_DMAX], h,
            )  # fmt: skip
            if math.isnan(u_cmd):
                n_cmd = X[AUX3, i]
            else:
                n_cmd, X[AUX1, i] = speed_pi(
                    X[U, i], u_cmd, X[AUX1, i], p[RB_NPERU], -p[RB_NAST], p[RB_NMAX],
                    p[RB_TIS], h,
                )  # fmt: skip
            X[AUX2, i] = d_cmd
            X[AUX3, i] = n_cmd
            substep(X, p, i, d_cmd, n_cmd, h, cn, ce, an, ae)  # noqa: F821


def _nm_substep(X, p, i, d_cmd, u_tgt, h, cn, ce, dw, vw, ax):
    """RK4 step of (N, E, psi, u, y1, y2); the rudder ramps linearly over the step.

    dw, vw, ax: the wind's equivalent rudder angle, leeway and surge acceleration
    (``nomoto1.wind_effect``), held over the step.
    """
    psi = X[PSI, i]
    u = X[U, i]
    y1, y2 = load(X, i)  # noqa: F821
    d0 = X[DELTA, i]
    d1 = ramp(d0, d_cmd, p[NM_DRATE], h)
    dm = 0.5 * (d0 + d1)
    h2 = 0.5 * h
    r1, a1u, a1x, a1y = rates(p, u, y1, y2, d0 + dw, u_tgt)  # noqa: F821
    a1u += ax
    u2 = u + h2 * a1u
    p2 = psi + h2 * r1
    r2, a2u, a2x, a2y = rates(p, u2, y1 + h2 * a1x, y2 + h2 * a1y, dm + dw, u_tgt)  # noqa: F821
    a2u += ax
    u3 = u + h2 * a2u
    p3 = psi + h2 * r2
    r3, a3u, a3x, a3y = rates(p, u3, y1 + h2 * a2x, y2 + h2 * a2y, dm + dw, u_tgt)  # noqa: F821
    a3u += ax
    u4 = u + h * a3u
    p4 = psi + h * r3
    r4, a4u, a4x, a4y = rates(p, u4, y1 + h * a3x, y2 + h * a3y, d1 + dw, u_tgt)  # noqa: F821
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
    X[PSI, i] = _wrap_2pi(psi + h * (r1 + 2.0 * r2 + 2.0 * r3 + r4) / 6.0)
    un = u + h * (a1u + 2.0 * a2u + 2.0 * a3u + a4u) / 6.0
    y1n = y1 + h * (a1x + 2.0 * a2x + 2.0 * a3x + a4x) / 6.0
    y2n = y2 + h * (a1y + 2.0 * a2y + 2.0 * a3y + a4y) / 6.0
    X[U, i] = un
    store(X, i, y1n, y2n)  # noqa: F821
    rn, _, _, _ = rates(p, un, y1n, y2n, d1 + dw, u_tgt)  # noqa: F821
    X[R, i] = rn
    X[V, i] = vw
    X[DELTA, i] = d1


def _nm_wind(p, X, i, cn, ce, an, ae):
    psi = X[PSI, i]
    return wind_effect(  # noqa: F821
        p, NM_WIND, p[NM_L], p[NM_UMIN], math.cos(psi), math.sin(psi), X[U, i], X[V, i], cn,
        ce, an, ae,
    )  # fmt: skip


def _nm_step(X, P, C, idx, dt, env):
    """Advance ships ``idx`` by dt under course/speed commands (PID autopilot inside).

    AUX0 = integral of heading error, AUX3 = speed demand (m/s); the family's ``note_demand``
    may keep the rudder demand.
    """
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        ns = nsub(p, dt)  # noqa: F821
        h = dt / ns
        u_cmd = C[CMD_SPEED, i]
        if math.isnan(u_cmd):
            u_cmd = X[AUX3, i]
        u_cmd = clip(u_cmd, 0.0, p[NM_UMAX])
        X[AUX3, i] = u_cmd
        for _ in range(ns):
            d_cmd, X[AUX0, i] = autopilot(
                X[PSI, i], X[R, i], X[U, i], C[CMD_COURSE, i], X[AUX0, i], p[NM_L], p[NM_KP],
                p[NM_TAP],
                rate_limited_wn(p[NM_WN], p[NM_DRATE], p[NM_DMAX], p[NM_L], X[U, i]),
                p[NM_ZETA], p[NM_DMAX], h,
            )  # fmt: skip
            note_demand(X, i, d_cmd)  # noqa: F821
            u_tgt = clip(u_cmd + SPEED_GAIN * (u_cmd - X[U, i]), -0.5 * p[NM_UMAX], p[NM_UMAX])
            dw, vw, ax = nm_wind(p, X, i, cn, ce, an, ae)  # noqa: F821
            substep(X, p, i, d_cmd, u_tgt, h, cn, ce, dw, vw, ax)  # noqa: F821
        X[NPROP, i] = 0.0


def _nm_step_open(X, P, D, idx, dt, env):
    """Open loop: D[0] rudder demand (rad), D[1] speed demand (m/s, reached through the lag)."""
    cn = env[ENV_CUR_N]
    ce = env[ENV_CUR_E]
    an, ae = air_velocity(env[ENV_WIND_SPEED], env[ENV_WIND_FROM])
    for j in range(idx.shape[0]):
        i = idx[j]
        p = P[j]
        ns = nsub(p, dt)  # noqa: F821
        h = dt / ns
        d_cmd = clip(D[0, i], -p[NM_DMAX], p[NM_DMAX])
        u_cmd = clip(D[1, i], -0.5 * p[NM_UMAX], p[NM_UMAX])
        for _ in range(ns):
            dw, vw, ax = nm_wind(p, X, i, cn, ce, an, ae)  # noqa: F821
            substep(X, p, i, d_cmd, u_cmd, h, cn, ce, dw, vw, ax)  # noqa: F821


# ---------------------------------------------------------------------------------------------


class FamilyKernels(types.SimpleNamespace):
    """The jitted kernels of one family: ``substep``, ``step`` (closed loop), ``step_open``."""

    substep: Callable
    step: Callable
    step_open: Callable


# Sources every family's kernels inline besides their own hooks' modules.
_SHARED = (
    Path(__file__).with_name("_common.py"),
    Path(__file__).with_name("state.py"),
    Path(__file__).parents[1] / "geometry.py",
)


def _tag(family: str, hooks: dict) -> str:
    """Cache name of a family's kernels: the family and a hash of the sources they inline.

    Numba checks only the time stamp of a cached function's own file (``_factory.py``), not of
    the functions it calls; the hash brings the hooks' modules and the shared helpers in.
    """
    files = {
        Path(sys.modules[getattr(f, "py_func", f).__module__].__file__ or "")
        for f in hooks.values()
    }
    h = hashlib.sha256()
    for path in sorted(files) + [q for q in _SHARED if q.exists()]:
        h.update(path.read_bytes())
    return f"{family}_{h.hexdigest()[:12]}"


def _build(family: str, templates: dict, hooks: dict) -> FamilyKernels:
    g = dict(globals())
    g.update(hooks)
    tag = _tag(family, hooks)
    built = {}
    for name, template in templates.items():
        fn = types.FunctionType(template.__code__, g, name, template.__defaults__)
        fn.__qualname__ = f"{name}__{tag}"
        fn.__doc__ = template.__doc__
        kernel = njit(error_model="numpy")(fn)
        g[name] = kernel  # later templates call the family's earlier kernels by these names
        built[name] = kernel
    return FamilyKernels(**built)


def rigid_body_kernels(family: str, accel: Callable, shaft_limit: Callable) -> FamilyKernels:
    """Sub-step and fleet steps of a 3-DOF family with a rudder and a shaft (fossen3, mmg)."""
    return _build(
        family,
        {
            "substep": _rb_substep,
            "step_open": _rb_step_open,
            "step": _rb_step,
        },
        {"accel": accel, "shaft_limit": shaft_limit},
    )


def nomoto_kernels(
    family: str,
    rates: Callable,
    load: Callable,
    store: Callable,
    nsub: Callable,
    note_demand: Callable,
    wind_effect: Callable,
) -> FamilyKernels:
    """Sub-step and fleet steps of a Nomoto family (nomoto1, nomoto2)."""
    return _build(
        family,
        {
            "nm_wind": _nm_wind,
            "substep": _nm_substep,
            "step_open": _nm_step_open,
            "step": _nm_step,
        },
        {
            "rates": rates,
            "load": load,
            "store": store,
            "nsub": nsub,
            "note_demand": note_demand,
            "wind_effect": wind_effect,
        },
    )
