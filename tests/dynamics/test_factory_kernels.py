"""Factory-built kernels (autoship/dynamics/_factory.py) against the hand-written ones they replace.

``tests/dynamics/legacy/`` holds the fossen3, mmg, nomoto1 and nomoto2 modules as they were
before the factory (commit c4768c4), kept verbatim as the oracle. Each legacy module packs its own
parameter rows (their order changed: the factory's header comes first), so both sides start
from the same ship, state, commands and environment and are compared row by row of ``X``.

The factory's kernels do the same arithmetic in the same order as the legacy ones (the heading
wrap without fmod and the resting rudder's reused sine and cosine give the same bits), so every
row of ``X`` must be equal bit for bit, NaN where the legacy kernel gives NaN.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from autoship.dynamics import load_ship, mmg
from autoship.dynamics.fleet import FAMILIES, pack_family
from autoship.dynamics.state import (
    AUX0,
    AUX1,
    AUX2,
    AUX3,
    CMD_COURSE,
    CMD_SPEED,
    DELTA,
    NC,
    NPROP,
    NX,
    PSI,
    E,
    N,
    R,
    U,
    V,
)

from .legacy import fossen3 as old_fossen3
from .legacy import mmg as old_mmg
from .legacy import nomoto1 as old_nomoto1
from .legacy import nomoto2 as old_nomoto2

LEGACY = {
    "fossen3": (old_fossen3, "step_fossen3", "step_fossen3_open"),
    "mmg": (old_mmg, "step_mmg", "step_mmg_open"),
    "nomoto1": (old_nomoto1, "step_nomoto1", "step_nomoto1_open"),
    "nomoto2": (old_nomoto2, "step_nomoto2", "step_nomoto2_open"),
}
# Every library ship of the four families: wind tables, power limits, vectored thrust, model and
# full scale.
SHIPS = [
    "kvlcc2",
    "kvlcc2-model",
    "tanker",
    "container",
    "ferry",
    "fishing-vessel",
    "motor-yacht",
    "pilot-boat",
    "sailing-yacht",
    "tug",
    "usv-fast",
    "generic-cargo",
    "mariner-nomoto",
]
N_SHIPS = 40


def _params(sd):
    """(new P, legacy P) for n copies of one ship, with the same autopilot tuning."""
    P_new = pack_family(sd.family, [sd])
    mod = LEGACY[sd.family][0]
    P_old = np.ascontiguousarray(mod.pack_params([sd]))
    if hasattr(mod, "set_autopilot"):
        K, T = FAMILIES[sd.family].get_autopilot(P_new, 0)
        mod.set_autopilot(P_old, 0, K, T)
    rep = lambda P: np.ascontiguousarray(np.repeat(P, N_SHIPS, axis=0))  # noqa: E731
    return rep(P_new), rep(P_old)


def _random_state(sd, rng, P_new):
    """A fleet of one ship type in random, partly manoeuvring states (trimmed, then perturbed)."""
    fam = FAMILIES[sd.family]
    Us = sd.service_speed
    X = np.zeros((NX, N_SHIPS))
    X[N] = rng.uniform(-500.0, 500.0, N_SHIPS)
    X[E] = rng.uniform(-500.0, 500.0, N_SHIPS)
    X[PSI] = rng.uniform(0.0, 2.0 * math.pi, N_SHIPS)
    X[U] = Us * rng.uniform(0.1, 1.1, N_SHIPS)
    idx = np.arange(N_SHIPS, dtype=np.int64)
    fam.init_state(X, P_new, idx)
    if sd.family in ("mmg", "fossen3"):
        X[V] = Us * rng.uniform(-0.15, 0.15, N_SHIPS)
        X[R] = Us / sd.length_m * rng.uniform(-0.6, 0.6, N_SHIPS)
        X[NPROP] *= rng.uniform(0.5, 1.3, N_SHIPS)
    elif sd.family == "nomoto2":
        X[AUX1] = rng.uniform(-0.05, 0.05, N_SHIPS)
        X[AUX2] = rng.uniform(-0.01, 0.01, N_SHIPS) * Us / sd.length_m
    else:
        X[R] = Us / sd.length_m * rng.uniform(-0.6, 0.6, N_SHIPS)
    X[DELTA] = rng.uniform(-0.5, 0.5, N_SHIPS)
    X[AUX0] = rng.uniform(-5.0, 5.0, N_SHIPS)
    return X, idx


def _env(rng, calm):
    if calm:
        return np.zeros(4)
    return np.array(
        [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0, 25), rng.uniform(0, 6.3)]
    )


def _compare(got, ref):
    # NaN where the legacy kernel gives NaN too (usv-fast ordered astern at dt 2.5 s: left alone).
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("name", SHIPS)
@pytest.mark.parametrize("calm", [True, False])
def test_open_loop_equals_legacy(name, calm):
    sd = load_ship(name)
    rng = np.random.default_rng(zlib.crc32(f"{name}-{calm}".encode()))
    P_new, P_old = _params(sd)
    X0, idx = _random_state(sd, rng, P_new)
    fam = FAMILIES[sd.family]
    old = getattr(LEGACY[sd.family][0], LEGACY[sd.family][2])
    D = np.zeros((2, N_SHIPS))
    D[0] = rng.uniform(-0.7, 0.7, N_SHIPS)
    D[1] = [fam.propulsion_demand(P_new, j, X0[U, j], "trim") for j in range(N_SHIPS)]
    D[1, ::5] = [fam.propulsion_demand(P_new, j, 0.0, "astern") for j in range(0, N_SHIPS, 5)]
    env = _env(rng, calm)
    dt = float(rng.choice([0.5, 1.0, 2.5]))
    X_new, X_old = X0.copy(), X0.copy()
    for _ in range(30):
        fam.open_kernel(X_new, P_new, D, idx, dt, env)
        old(X_old, P_old, D, idx, dt, env)
    _compare(X_new, X_old)


@pytest.mark.parametrize("name", SHIPS)
@pytest.mark.parametrize("calm", [True, False])
def test_closed_loop_equals_legacy(name, calm):
    sd = load_ship(name)
    rng = np.random.default_rng(zlib.crc32(f"{name}-{calm}-closed".encode()))
    P_new, P_old = _params(sd)
    X0, idx = _random_state(sd, rng, P_new)
    fam = FAMILIES[sd.family]
    old = getattr(LEGACY[sd.family][0], LEGACY[sd.family][1])
    X0[AUX3] = X0[NPROP] if sd.family in ("mmg", "fossen3") else X0[U]
    C = np.zeros((NC, N_SHIPS))
    C[CMD_COURSE] = rng.uniform(0.0, 2.0 * math.pi, N_SHIPS)
    C[CMD_SPEED] = sd.service_speed * rng.uniform(0.0, 1.1, N_SHIPS)
    C[CMD_COURSE, ::7] = np.nan  # rudder amidships
    C[CMD_SPEED, 3::7] = np.nan  # keep the demand
    env = _env(rng, calm)
    X_new, X_old = X0.copy(), X0.copy()
    for _ in range(60):
        fam.kernel(X_new, P_new, C, idx, 1.0, env)
        old(X_old, P_old, C, idx, 1.0, env)
    _compare(X_new, X_old)


@pytest.mark.parametrize("name", ["kvlcc2", "container", "tug"])
def test_resting_rudder_is_bit_identical(name):
    # The rudder at rest (demand = angle): the branch that reuses the start sine and cosine.
    sd = load_ship(name)
    rng = np.random.default_rng(3)
    P_new, P_old = _params(sd)
    X0, idx = _random_state(sd, rng, P_new)
    fam = FAMILIES[sd.family]
    old = getattr(LEGACY[sd.family][0], LEGACY[sd.family][2])
    D = np.zeros((2, N_SHIPS))
    D[0] = X0[DELTA]
    D[1] = X0[NPROP]
    env = _env(rng, False)
    X_new, X_old = X0.copy(), X0.copy()
    for _ in range(20):
        fam.open_kernel(X_new, P_new, D, idx, 1.0, env)
        old(X_old, P_old, D, idx, 1.0, env)
    np.testing.assert_array_equal(X_new, X_old)


def _manoeuvre(module, open_kernel, P, sd, test, t_end):
    """North/east track of a turning circle (35 deg) or a 10/10 zig-zag run for t_end seconds
    at the trial step (trials.trial_dt), the rudder reversing whenever the heading change
    reaches 10 deg."""
    from autoship.dynamics.trials import trial_dt

    dt = trial_dt(sd)
    X = np.zeros((NX, 1))
    X[U, 0] = sd.service_speed
    idx = np.zeros(1, dtype=np.int64)
    module.init_state(X, P, idx)
    D = np.array([[math.radians(35.0) if test == "turning" else math.radians(10.0)], [X[NPROP, 0]]])
    env = np.zeros(4)
    steps = int(round(t_end / dt))
    track = np.empty((steps, 2))
    hc, psi_prev, sign = 0.0, X[PSI, 0], 1.0
    for k in range(steps):
        open_kernel(X, P, D, idx, dt, env)
        hc += (X[PSI, 0] - psi_prev + math.pi) % (2.0 * math.pi) - math.pi
        psi_prev = X[PSI, 0]
        if test == "zigzag" and sign * hc >= math.radians(10.0):
            sign = -sign
            D[0, 0] = sign * math.radians(10.0)
        track[k] = X[N, 0], X[E, 0]
    return track


@pytest.mark.parametrize("name", ["kvlcc2-model", "kvlcc2"])
@pytest.mark.parametrize("test", ["turning", "zigzag"])
def test_kvlcc2_manoeuvres_match_legacy_over_1000_s(name, test):
    # The published KVLCC2 manoeuvres (docs/ships.md) for 1000 s: the factory's track and the
    # legacy kernel's differ by less than 1e-6 m (they are in fact equal bit for bit).
    sd = load_ship(name)
    P_new, P_old = _params(sd)
    new = _manoeuvre(mmg, FAMILIES["mmg"].open_kernel, P_new[:1], sd, test, 1000.0)
    old = _manoeuvre(old_mmg, old_mmg.step_mmg_open, P_old[:1], sd, test, 1000.0)
    assert np.abs(new - old).max() < 1e-6
    np.testing.assert_array_equal(new, old)


def test_rudder_trig_and_heading_wrap_are_the_libm_bits():
    # The two exact shortcuts of the rigid-body sub-step, signed zeros and edges included.
    from autoship.dynamics._factory import _rudder_trig, _wrap_2pi

    angles = [0.0, -0.0, 0.3, -0.3, 1e-300, -5e-324, math.radians(35.0), 1.0]
    for d0 in angles:
        for d1 in angles:
            dm = 0.5 * (d0 + d1)
            ref = (math.sin(d0), math.cos(d0), math.sin(dm), math.cos(dm), math.sin(d1))
            ref += (math.cos(d1),)
            assert np.array(_rudder_trig(d0, d1)).tobytes() == np.array(ref).tobytes()
    two_pi = 2.0 * math.pi
    xs = [0.0, -0.0, 1.0, two_pi, -two_pi, two_pi - 1e-15, -1e-300, 2 * two_pi - 1e-12, 4 * two_pi]
    xs += [-3.0 * two_pi, 7.5, -7.5, float("inf"), float("nan")]
    for x in xs:
        assert np.array(_wrap_2pi(x)).tobytes() == np.array(x % two_pi).tobytes(), x
