"""Every kernel against its plain Python/NumPy oracle (tests/dynamics/oracle.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.dynamics import load_ship
from autoship.dynamics.fleet import FAMILIES
from autoship.dynamics.state import AUX1, AUX2, DELTA, NPROP, NX, PSI, E, N, R, U, V

from . import oracle

MMG_ROWS = (N, E, PSI, U, V, R, DELTA, NPROP)


def _kernel_open(sd, x_rows, rows, d_cmd, p_cmd, dt, env, steps=1):
    fam = FAMILIES[sd.family]
    P = np.ascontiguousarray(fam.pack_params([sd]))
    X = np.zeros((NX, 1))
    for row, val in zip(rows, x_rows, strict=True):
        X[row, 0] = val
    D = np.array([[d_cmd], [p_cmd]])
    idx = np.zeros(1, dtype=np.int64)
    for _ in range(steps):
        fam.open_kernel(X, P, D, idx, dt, np.asarray(env, dtype=float))
    return X[list(rows), 0]


def _close(a, b, scale):
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 * scale)


mmg_state = st.tuples(
    st.floats(-100, 100),  # N
    st.floats(-100, 100),  # E
    st.floats(0, 2 * math.pi - 1e-6),  # psi
    st.floats(0.2, 1.0),  # u / U_service
    st.floats(-0.3, 0.3),  # v / U_service
    st.floats(-1.0, 1.0),  # r L / U_service
    st.floats(-0.6, 0.6),  # rudder rad
    st.floats(0.3, 1.3),  # n / n_service
)


@pytest.mark.parametrize("name", ["kvlcc2", "kvlcc2-model"])
@settings(max_examples=25, deadline=None)
@given(
    s=mmg_state,
    d_cmd=st.floats(-0.7, 0.7),
    n_frac=st.floats(-1.0, 1.5),
    env=st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(0, 25), st.floats(0, 6.28)),
)
def test_mmg_open_step_matches_oracle(name, s, d_cmd, n_frac, env):
    sd = load_ship(name)
    Us = sd.service_speed
    n_s = 11.85 if name == "kvlcc2-model" else 1.75
    x = [s[0], s[1], s[2], s[3] * Us, s[4] * Us, s[5] * Us / sd.length_m, s[6], s[7] * n_s]
    dt = 0.05 * sd.length_m / Us  # several substeps at model scale, one at full scale
    got = _kernel_open(sd, x, MMG_ROWS, d_cmd, n_frac * n_s, dt, env, steps=3)
    ref = x
    ora = oracle.MMG(sd)
    for _ in range(3):
        ref = ora.step_open(ref, d_cmd, n_frac * n_s, dt, env)
    _close(got, ref, sd.length_m)


def test_mmg_crash_stop_state_matches_oracle():
    # Shaft reversing through zero while the ship still moves ahead (second quadrant).
    sd = load_ship("kvlcc2")
    x = [0, 0, 0.3, 6.0, 0.1, 0.001, 0.0, 0.05]
    got = _kernel_open(sd, x, MMG_ROWS, 0.0, -1.3, 1.0, [0, 0, 0, 0], steps=20)
    ref = x
    ora = oracle.MMG(sd)
    for _ in range(20):
        ref = ora.step_open(ref, 0.0, -1.3, 1.0, [0, 0, 0, 0])
    _close(got, ref, sd.length_m)


NOMOTO1_ROWS = (N, E, PSI, U, R, DELTA)


@settings(max_examples=25, deadline=None)
@given(
    psi=st.floats(0, 6.28),
    u=st.floats(0, 10),
    r=st.floats(-0.05, 0.05),
    delta=st.floats(-0.6, 0.6),
    d_cmd=st.floats(-1, 1),
    u_cmd=st.floats(-3, 12),
    dt=st.floats(0.05, 2.0),
)
def test_nomoto1_open_step_matches_oracle(psi, u, r, delta, d_cmd, u_cmd, dt):
    sd = load_ship("generic-cargo")
    x = [10.0, -5.0, psi, u, r, delta]
    env = [0.3, -0.2, 0.0, 0.0]
    got = _kernel_open(sd, x, NOMOTO1_ROWS, d_cmd, u_cmd, dt, env, steps=2)
    ora = oracle.Nomoto1(sd)
    ref = ora.step_open(ora.step_open(x, d_cmd, u_cmd, dt, env), d_cmd, u_cmd, dt, env)
    _close(got, ref, sd.length_m)


NOMOTO2_ROWS = (N, E, PSI, U, AUX1, AUX2, DELTA)


@settings(max_examples=25, deadline=None)
@given(
    psi=st.floats(0, 6.28),
    u=st.floats(0, 10),
    x1=st.floats(-0.3, 0.3),
    x2=st.floats(-0.01, 0.01),
    delta=st.floats(-0.6, 0.6),
    d_cmd=st.floats(-1, 1),
    u_cmd=st.floats(-3, 12),
    dt=st.floats(0.05, 2.0),
)
def test_nomoto2_open_step_matches_oracle(psi, u, x1, x2, delta, d_cmd, u_cmd, dt):
    sd = load_ship("mariner-nomoto")
    x = [10.0, -5.0, psi, u, x1, x2, delta]
    env = [0.3, -0.2, 0.0, 0.0]
    got = _kernel_open(sd, x, NOMOTO2_ROWS, d_cmd, u_cmd, dt, env, steps=2)
    ora = oracle.Nomoto2(sd)
    ref = ora.step_open(ora.step_open(x, d_cmd, u_cmd, dt, env), d_cmd, u_cmd, dt, env)
    _close(got, ref, sd.length_m)


@pytest.mark.parametrize("name", ["container", "usv-fast"])
@settings(max_examples=20, deadline=None)
@given(
    s=mmg_state,
    d_cmd=st.floats(-0.7, 0.7),
    n_frac=st.floats(-1.0, 1.5),
    env=st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(0, 25), st.floats(0, 6.28)),
)
def test_fossen3_open_step_matches_oracle(name, s, d_cmd, n_frac, env):
    sd = load_ship(name)
    Us = sd.service_speed
    n_s = sd.model["service_shaft_rps"]
    x = [s[0], s[1], s[2], s[3] * Us, s[4] * Us, s[5] * Us / sd.length_m, s[6], s[7] * n_s]
    dt = 0.05 * sd.length_m / Us
    got = _kernel_open(sd, x, MMG_ROWS, d_cmd, n_frac * n_s, dt, env, steps=3)
    ref = x
    ora = oracle.Fossen3(sd)
    for _ in range(3):
        ref = ora.step_open(ref, d_cmd, n_frac * n_s, dt, env)
    _close(got, ref, sd.length_m)


@pytest.mark.parametrize("name", ["kvlcc2", "kvlcc2-model", "container"])
@settings(max_examples=15, deadline=None)
@given(
    s=mmg_state,
    course=st.floats(0, 2 * math.pi - 1e-6),
    speed_frac=st.floats(0.3, 1.2),
    integ=st.tuples(st.floats(-20, 20), st.floats(-5, 5)),
)
def test_closed_loop_step_matches_oracle(name, s, course, speed_frac, integ):
    from autoship.dynamics import fossen3, mmg
    from autoship.dynamics.fleet import pack_family
    from autoship.dynamics.state import AUX0, AUX3, NC

    sd = load_ship(name)
    mod, Ora = (mmg, oracle.MMG) if sd.family == "mmg" else (fossen3, oracle.Fossen3)
    Us, L = sd.service_speed, sd.length_m
    n_s = {"kvlcc2-model": 11.85, "kvlcc2": 1.75, "container": 1.26}[name]
    x = [s[0], s[1], s[2], s[3] * Us, s[4] * Us, s[5] * Us / L, s[6], s[7] * n_s]
    P = pack_family(sd.family, [sd])
    X = np.zeros((NX, 1))
    X[list(MMG_ROWS), 0] = x
    X[AUX0, 0], X[AUX1, 0] = integ
    C = np.zeros((NC, 1))
    C[0, 0], C[1, 0] = course, speed_frac * Us
    dt = 0.05 * L / Us
    env = np.array([0.1, 0.2, 5.0, 2.0])
    FAMILIES[sd.family].kernel(X, P, C, np.zeros(1, dtype=np.int64), dt, env)
    # Oracle: autopilot and speed PI each substep, then one open-loop RK4 substep.
    p = P[0]
    ora = Ora(sd)
    nsub = max(1, math.ceil(dt / ora.hmax - 1e-9))
    h = dt / nsub
    ref = np.array(x, dtype=float)
    ia, isp = integ
    for _ in range(nsub):
        d_cmd, ia = oracle.autopilot(
            ref[2], ref[5], ref[3], course, ia, L, p[mod.P_KAP], p[mod.P_TAP],
            p[mod.P_WNAP], p[mod.P_ZAP], math.radians(sd.model["rudder_max_deg"]), h,
        )  # fmt: skip
        n_cmd, isp = oracle.speed_pi(
            ref[3], speed_frac * Us, isp, p[mod.P_NPERU], -sd.model["astern_shaft_rps"],
            sd.model["max_shaft_rps"], 2 * L / Us, h,
        )  # fmt: skip
        ref = ora.step_open(ref, d_cmd, n_cmd, h, env)
    _close(X[list(MMG_ROWS), 0], ref, L)
    assert X[AUX0, 0] == pytest.approx(ia, rel=1e-9, abs=1e-12)
    assert X[AUX3, 0] == pytest.approx(n_cmd, rel=1e-12)


def _rate_capped_wn(wn_p, m, L, u):
    # _common.rate_limited_wn: wn <= rate / (2 dmax), so the steering gear can follow the loop.
    uu = max(abs(u), 0.02 * math.sqrt(9.81 * L))
    return min(wn_p, m["rudder_rate_deg_s"] / (2.0 * m["rudder_max_deg"]) * L / uu)


@pytest.mark.parametrize("name", ["generic-cargo", "mariner-nomoto"])
@settings(max_examples=15, deadline=None)
@given(
    psi=st.floats(0, 6.28),
    u=st.floats(0.5, 9),
    course=st.floats(0, 2 * math.pi - 1e-6),
    u_cmd=st.floats(-1, 12),
    integ=st.floats(-20, 20),
    dt=st.floats(0.2, 3.0),
)
def test_nomoto_closed_loop_step_matches_oracle(name, psi, u, course, u_cmd, integ, dt):
    from autoship.dynamics.fleet import pack_family
    from autoship.dynamics.state import AUX0, NC

    sd = load_ship(name)
    m = sd.model
    L = sd.length_m
    second = sd.family == "nomoto2"
    rows = NOMOTO2_ROWS if second else NOMOTO1_ROWS
    x = [5.0, 6.0, psi, u, 0.01, 0.001, 0.05] if second else [5.0, 6.0, psi, u, 0.002, 0.05]
    P = pack_family(sd.family, [sd])
    X = np.zeros((NX, 1))
    X[list(rows), 0] = x
    X[AUX0, 0] = integ
    C = np.zeros((NC, 1))
    C[0, 0], C[1, 0] = course, u_cmd
    env = np.array([0.1, -0.2, 0.0, 0.0])
    ora = oracle.Nomoto2(sd) if second else oracle.Nomoto1(sd)
    if second:
        X[R, 0] = ora.r_of(np.array(x))  # the R row is always consistent with x1, x2
    FAMILIES[sd.family].kernel(X, P, C, np.zeros(1, dtype=np.int64), dt, env)
    umax = m["max_speed_kn"] * oracle.KNOT
    uc = min(max(u_cmd, 0.0), umax)
    Tp = m["T1_prime"] + m["T2_prime"] - m["T3_prime"] if second else m["T_prime"]
    from autoship.dynamics import nomoto1, nomoto2

    # Substeps as the kernel chooses them; the oracle's own step then takes one substep each.
    nsub = (nomoto2 if second else nomoto1)._nsub(P[0], dt)
    h = dt / nsub
    ref = np.array(x, dtype=float)
    ia = integ
    for _ in range(nsub):
        r_now = ora.r_of(ref) if second else ref[4]
        d_cmd, ia = oracle.autopilot(
            ref[2], r_now, ref[3], course, ia, L, m["K_prime"], Tp,
            _rate_capped_wn(m.get("autopilot_wn_prime", 1.0), m, L, ref[3]),
            m.get("autopilot_zeta", 1.0 if second else 0.9),
            math.radians(m["rudder_max_deg"]), h,
        )  # fmt: skip
        # The closed loop drives the speed lag towards uc + 4 (uc - u) (engine astern or full
        # ahead in proportion to the error; nomoto1.SPEED_GAIN).
        ref = ora.step_open(ref, d_cmd, uc + 4.0 * (uc - ref[3]), h, env)
    _close(X[list(rows), 0], ref, L)
    assert X[AUX0, 0] == pytest.approx(ia, rel=1e-9, abs=1e-12)
