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

from autoship._jit import njit
from autoship.dynamics import _factory
from autoship.dynamics.nomoto1 import NW, pack_wind, wind_effect
from autoship.dynamics.state import AUX0, AUX1, AUX2, AUX3, DELTA, NPROP, R, U, V

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

SPEED_GAIN = _factory.SPEED_GAIN  # closed-loop speed gain (see _factory)

# Rows of P: the factory's Nomoto header (the autopilot's T' is the equivalent first-order
# T1 + T2 - T3), the wind block (nomoto1.wind_effect), then the second-order time constants.
P_L, P_KP, P_TEQ, P_DMAX, P_DRATE, P_TU, P_UMAX, P_WN, P_ZETA, P_UMIN, P_WIND = range(11)
P_T1, P_T2, P_T3 = range(P_WIND + NW, P_WIND + NW + 3)
NP = P_T3 + 1
assert (P_TEQ, P_UMIN, P_WIND) == (_factory.NM_TAP, _factory.NM_UMIN, _factory.NM_WIND)


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
def _rates(p, u, x1, x2, delta, u_tgt):
    return _f(u, x1, x2, delta, u_tgt, p)


@njit(error_model="numpy")
def _load(X, i):
    return X[AUX1, i], X[AUX2, i]


@njit(error_model="numpy")
def _store(X, i, x1, x2):
    X[AUX1, i] = x1
    X[AUX2, i] = x2


@njit(error_model="numpy")
def _nsub(p, dt):
    uu = max(p[P_UMAX], p[P_UMIN])
    T2 = min(p[P_T1], p[P_T2]) * p[P_L] / uu
    return max(1, int(math.ceil(dt / (0.5 * min(T2, p[P_TU])) - 1e-9)))


@njit(error_model="numpy")
def _note_demand(X, i, d_cmd):
    pass  # AUX2 holds the model state x2


# RK4 sub-step, step (AUX0 heading-error integral, AUX3 speed demand m/s) and step_open (D[0]
# rudder rad, D[1] speed m/s) from the kernel factory.
_K = _factory.nomoto_kernels("nomoto2", _rates, _load, _store, _nsub, _note_demand, wind_effect)
_substep = _K.substep
step_nomoto2 = _K.step
step_nomoto2_open = _K.step_open


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
