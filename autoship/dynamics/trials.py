"""Standard manoeuvring trials (turning, zig-zag, stopping, initial turning) and IMO criteria.

Definitions follow IMO Res. MSC.137(76) and MSC/Circ.1053 (docs/references.md section 2):
steady straight approach at the service speed with the propeller trimmed and held; rudder ordered
at t = 0 and moved at the ship's rudder rate; advance and transfer at 90 deg heading change,
tactical diameter at 180 deg, crossings interpolated linearly; zig-zag overshoot = heading
excess beyond the switching heading. Any family works because trials drive the open-loop kernel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from autoship.dynamics.library import ShipDef
from autoship.dynamics.state import DELTA, NENV, NPROP, NX, PSI, E, N, R, U, V
from autoship.errors import ShipModelError
from autoship.geometry import wrap_pi


@dataclass
class Trace:
    """Time histories of one trial (SI; heading change unwrapped, relative to the approach)."""

    t: np.ndarray
    north: np.ndarray
    east: np.ndarray
    heading_change: np.ndarray
    rudder: np.ndarray
    u: np.ndarray
    v: np.ndarray
    r: np.ndarray
    shaft: np.ndarray
    path: np.ndarray  # distance travelled along the track (m)


def trial_dt(sdef: ShipDef) -> float:
    """Trial integration step: the ship's max_step_s, else L/U/600 (0.01 s for KVLCC2 L7)."""
    h = float(sdef.model.get("max_step_s", 0.0))
    if h > 0.0:
        return h
    return sdef.length_m / max(sdef.service_speed, 1e-3) / 600.0


def _simulate(
    sdef: ShipDef,
    control: Callable[[float, float, float], tuple[float, str] | None],
    t_max: float,
    u0: float | None = None,
    dt: float | None = None,
) -> Trace:
    """Run one ship open loop; ``control(t, heading_change, u)`` returns (rudder rad, order) or
    None to stop, where order is "trim" (hold approach rps) or "astern"."""
    from autoship.dynamics.fleet import FAMILIES

    fam = FAMILIES[sdef.family]
    P = np.ascontiguousarray(fam.pack_params([sdef]))
    u0 = sdef.service_speed if u0 is None else u0
    dt = trial_dt(sdef) if dt is None else dt
    X = np.zeros((NX, 1))
    X[U, 0] = u0
    idx = np.zeros(1, dtype=np.int64)
    fam.init_state(X, P, idx)
    demands = {"trim": fam.propulsion_demand(P, 0, u0, "trim")}
    demands["astern"] = fam.propulsion_demand(P, 0, u0, "astern")
    D = np.zeros((2, 1))
    env = np.zeros(NENV)
    nmax = int(t_max / dt) + 2
    out = np.empty((10, nmax))
    hc = 0.0
    path = 0.0
    psi_prev = X[PSI, 0]
    k = 0
    t = 0.0
    while True:
        out[:, k] = (
            t,
            X[N, 0],
            X[E, 0],
            hc,
            X[DELTA, 0],
            X[U, 0],
            X[V, 0],
            X[R, 0],
            X[NPROP, 0],
            path,
        )
        cmd = control(t, hc, X[U, 0])
        if cmd is None or k + 1 >= nmax:
            break
        D[0, 0] = cmd[0]
        D[1, 0] = demands[cmd[1]]
        n0, e0 = X[N, 0], X[E, 0]
        fam.open_kernel(X, P, D, idx, dt, env)
        path += math.hypot(X[N, 0] - n0, X[E, 0] - e0)
        hc += wrap_pi(X[PSI, 0] - psi_prev)
        psi_prev = X[PSI, 0]
        k += 1
        t = k * dt
    o = out[:, : k + 1]
    return Trace(*(o[m].copy() for m in range(10)))


def _cross(tr: Trace, values: np.ndarray, level: float) -> dict[str, float] | None:
    """Linearly interpolated state where ``values`` first reaches ``level`` (rising)."""
    hit = np.nonzero(values >= level)[0]
    if hit.size == 0 or hit[0] == 0:
        return None
    k = hit[0]
    f = (level - values[k - 1]) / (values[k] - values[k - 1])
    return {
        name: float(a[k - 1] + f * (a[k] - a[k - 1]))
        for name, a in (("t", tr.t), ("north", tr.north), ("east", tr.east), ("path", tr.path))
    }


def _side_sign(side: str) -> float:
    if side not in ("starboard", "port"):
        raise ShipModelError(f"side must be starboard or port, got {side!r}", field="side")
    return 1.0 if side == "starboard" else -1.0


def _check_rudder(sdef: ShipDef, rudder_deg: float) -> None:
    dmax = float(sdef.model.get("rudder_max_deg", 35.0))
    if not (0.0 < rudder_deg <= dmax + 1e-9):
        raise ShipModelError(
            f"rudder angle {rudder_deg:g} deg outside (0, {dmax:g}] for {sdef.name}",
            field="rudder_deg",
        )


def _time_scale(sdef: ShipDef) -> float:
    return sdef.length_m / max(sdef.service_speed, 1e-3)


def turning(
    sdef: ShipDef,
    rudder_deg: float = 35.0,
    side: str = "starboard",
    until_deg: float = 540.0,
    dt: float | None = None,
    settle: bool = True,
) -> tuple[dict, Trace]:
    """Turning circle: advance, transfer, tactical and steady diameter (m and ship lengths).

    With ``settle`` (default) the turn goes on past ``until_deg`` until it is steady: two
    successive 90 deg quarters of the circle take the same time within 0.2 %, so speed and yaw
    rate no longer change (capped at 20 full circles). The steady figures are read then and
    ``steady_settled`` says whether that happened; without ``settle`` the run stops at
    ``until_deg`` and no steady figures are given (reading them mid-transient is what made the
    Mariner's "steady" diameter 27 % off).
    """
    _check_rudder(sdef, rudder_deg)
    s = _side_sign(side)
    delta = s * math.radians(rudder_deg)
    stop = math.radians(until_deg)
    cap = math.radians(max(until_deg, 7200.0))
    quarter = 0.5 * math.pi
    st = {"mark": 1, "t_mark": 0.0, "durations": [], "settled": False}

    def control(t: float, hc: float, u: float) -> tuple[float, str] | None:
        sh = s * hc
        if sh >= st["mark"] * quarter:
            st["durations"].append(t - st["t_mark"])
            st["t_mark"] = t
            st["mark"] += 1
            d = st["durations"]
            if len(d) >= 3 and abs(d[-1] - d[-2]) <= 2e-3 * d[-1]:
                st["settled"] = True
        if sh >= stop and (not settle or st["settled"] or sh >= cap):
            return None
        return (delta, "trim")

    tr = _simulate(sdef, control, t_max=400.0 * _time_scale(sdef), dt=dt)
    L = sdef.length_m
    c90 = _cross(tr, s * tr.heading_change, math.pi / 2)
    c180 = _cross(tr, s * tr.heading_change, math.pi)
    if c90 is None or c180 is None:
        raise ShipModelError(f"{sdef.name} did not turn 180 deg with {rudder_deg:g} deg rudder")
    res: dict = {
        "ship": sdef.name,
        "test": "turning",
        "rudder_deg": rudder_deg,
        "side": side,
        "approach_speed_m_s": float(tr.u[0]),
        "dt_s": float(tr.t[1] - tr.t[0]),
        "advance_m": c90["north"],
        "transfer_m": s * c90["east"],
        "tactical_diameter_m": s * c180["east"],
        "time_to_90_s": c90["t"],
        "time_to_180_s": c180["t"],
    }
    for key in ("advance", "transfer", "tactical_diameter"):
        res[f"{key}_L"] = res[f"{key}_m"] / L
    if settle:
        U_end = math.hypot(tr.u[-1], tr.v[-1])
        res["steady_settled"] = bool(st["settled"])
        res["steady_after_deg"] = math.degrees(s * float(tr.heading_change[-1]))
        res["steady_diameter_m"] = float(2.0 * U_end / abs(tr.r[-1]))
        res["steady_diameter_L"] = res["steady_diameter_m"] / L
        res["steady_speed_ratio"] = float(U_end / tr.u[0])
        res["steady_drift_deg"] = math.degrees(math.atan2(-s * tr.v[-1], tr.u[-1]))
    return res, tr


def zigzag(
    sdef: ShipDef, rudder_deg: float = 10.0, side: str = "starboard", dt: float | None = None
) -> tuple[dict, Trace]:
    """Z-manoeuvre rudder/heading = rudder_deg: first and second overshoot, period.

    Overshoot 1 is the heading excess after the first rudder reversal, overshoot 2 after the
    second; the period is the time from the first to the third reversal (one heading cycle).
    """
    _check_rudder(sdef, rudder_deg)
    s = _side_sign(side)
    a = math.radians(rudder_deg)
    state = {"sign": s, "switches": []}

    def control(t: float, hc: float, u: float) -> tuple[float, str] | None:
        sg = state["sign"]
        if sg * hc >= a:
            state["switches"].append(t)
            state["sign"] = -sg
            if len(state["switches"]) == 3:
                return None
        return (state["sign"] * a, "trim")

    tr = _simulate(sdef, control, t_max=100.0 * _time_scale(sdef), dt=dt)
    sw = state["switches"]
    if len(sw) < 3:
        raise ShipModelError(f"{sdef.name} did not complete the {rudder_deg:g}/{rudder_deg:g} test")
    h = tr.heading_change
    w1 = (tr.t >= sw[0]) & (tr.t <= sw[1])
    w2 = (tr.t >= sw[1]) & (tr.t <= sw[2])
    res = {
        "ship": sdef.name,
        "test": "zigzag",
        "rudder_deg": rudder_deg,
        "side": side,
        "approach_speed_m_s": float(tr.u[0]),
        "dt_s": float(tr.t[1] - tr.t[0]),
        "overshoot1_deg": math.degrees(float((s * h[w1]).max()) - a),
        "overshoot2_deg": math.degrees(float((-s * h[w2]).max()) - a),
        "period_s": float(sw[2] - sw[0]),
        "switch_times_s": list(sw),
    }
    return res, tr


def stopping(sdef: ShipDef) -> tuple[dict, Trace]:
    """Crash stop: full astern from the service speed, rudder amidships, until dead in the water."""
    if not _has_stopping_model(sdef):
        raise ShipModelError(
            f"{sdef.name}: the {sdef.family} model has no reversing propeller; a crash stop "
            "cannot be simulated"
        )

    def control(t: float, hc: float, u: float) -> tuple[float, str] | None:
        return None if (u <= 0.0 and t > 0.0) else (0.0, "astern")

    tr = _simulate(sdef, control, t_max=300.0 * _time_scale(sdef))
    if tr.u[-1] > 0.0:
        raise ShipModelError(f"{sdef.name} did not stop under full astern")
    L = sdef.length_m
    # Interpolate the moment u crosses zero.
    k = len(tr.t) - 1
    f = float(tr.u[k - 1] / (tr.u[k - 1] - tr.u[k]))
    track = float(tr.path[k - 1] + f * (tr.path[k] - tr.path[k - 1]))
    head = float(tr.north[k - 1] + f * (tr.north[k] - tr.north[k - 1]))
    lat = float(tr.east[k - 1] + f * (tr.east[k] - tr.east[k - 1]))
    res = {
        "ship": sdef.name,
        "test": "stopping",
        "approach_speed_m_s": float(tr.u[0]),
        "dt_s": float(tr.t[1] - tr.t[0]),
        "track_reach_m": track,
        "head_reach_m": head,
        "lateral_deviation_m": lat,
        "time_to_stop_s": float(tr.t[k - 1] + f * (tr.t[k] - tr.t[k - 1])),
        "track_reach_L": track / L,
        "head_reach_L": head / L,
    }
    return res, tr


def initial_turning(
    sdef: ShipDef, rudder_deg: float = 10.0, side: str = "starboard"
) -> tuple[dict, Trace]:
    """Distance travelled from the rudder order until the heading has changed by rudder_deg."""
    _check_rudder(sdef, rudder_deg)
    s = _side_sign(side)
    a = math.radians(rudder_deg)

    def control(t: float, hc: float, u: float) -> tuple[float, str] | None:
        return None if s * hc >= a else (s * a, "trim")

    tr = _simulate(sdef, control, t_max=50.0 * _time_scale(sdef))
    c = _cross(tr, s * tr.heading_change, a)
    if c is None:
        raise ShipModelError(f"{sdef.name} did not change heading by {rudder_deg:g} deg")
    res = {
        "ship": sdef.name,
        "test": "initial",
        "rudder_deg": rudder_deg,
        "side": side,
        "approach_speed_m_s": float(tr.u[0]),
        "dt_s": float(tr.t[1] - tr.t[0]),
        "distance_m": c["path"],
        "distance_L": c["path"] / sdef.length_m,
        "time_s": c["t"],
    }
    return res, tr


def full_scale_L_over_V(sdef: ShipDef) -> float:
    """L/V (s) at full scale: sqrt(lambda) times the model value (time is Froude-scaled)."""
    return math.sqrt(sdef.scale_ratio) * _time_scale(sdef)


def overshoot_limits(L_over_V: float) -> tuple[float, float]:
    """MSC.137(76) 10/10 first and second overshoot limits (deg) for L/V in seconds."""
    if L_over_V < 10.0:
        return 10.0, 25.0
    if L_over_V < 30.0:
        return 5.0 + 0.5 * L_over_V, 17.5 + 0.75 * L_over_V
    return 20.0, 40.0


IMO_MIN_LENGTH_M = 100.0  # MSC.137(76) 1.2: ships of 100 m in length and over


def imo_applicable(sdef: ShipDef) -> tuple[bool, str]:
    """Whether MSC.137(76) applies to this ship at full scale, and why.

    The standards apply to ships of 100 m and over (and to chemical tankers and gas carriers of
    any length, which no library ship is). Smaller craft get "not applicable", never "passed".
    """
    full_length = sdef.length_m * sdef.scale_ratio
    if full_length >= IMO_MIN_LENGTH_M:
        return True, f"{full_length:g} m is 100 m or over"
    return False, f"{full_length:g} m is under 100 m; MSC.137(76) applies from 100 m"


def _has_stopping_model(sdef: ShipDef) -> bool:
    # The nonlinear Mariner (Chislett & Stroem-Tejsen 1965) is a perturbation model about its
    # approach speed with no propeller: it cannot reverse, so a crash stop is not evaluated.
    # Likewise Son & Nomoto's container ship: its propeller model needs n > 0 (container.m).
    return sdef.family not in ("abkowitz", "sonnomoto")


def imo_criteria(sdef: ShipDef) -> list[dict]:
    """Every MSC.137(76) criterion, both sides where the test has a side.

    Entries: {criterion, side, value, limit, unit, applicable, passed, verdict}. ``verdict`` is
    "pass", "FAIL", "not applicable" (ship under 100 m: ``passed`` is None, the value is still
    given for information) or "not evaluated" (the model has no way to run the trial, e.g. a
    crash stop without a propeller model: value and ``passed`` are None).
    """
    applicable, _ = imo_applicable(sdef)
    if sdef.family in ("nomoto1", "nomoto2"):
        # A linear steering model says nothing about a 35 deg turn or a crash stop (the Nomoto
        # Mariner fit turns with a 2.2 L tactical diameter where the nonlinear model needs
        # 6.4 L): every criterion is "not evaluated" rather than a verdict the model cannot give.
        return [
            {
                "criterion": name,
                "side": side,
                "value": None,
                "limit": lim,
                "unit": unit,
                "applicable": applicable,
                "passed": None,
                "verdict": "not evaluated",
            }
            for name, side, lim, unit in _IMO_LIST
        ]
    lv = full_scale_L_over_V(sdef)
    a1, a2 = overshoot_limits(lv)
    out: list[dict] = []

    def add(name: str, side: str | None, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            passed, verdict = None, "not evaluated"
        elif not applicable:
            passed, verdict = None, "not applicable"
        else:
            passed = bool(value <= limit)
            verdict = "pass" if passed else "FAIL"
        out.append(
            {
                "criterion": name,
                "side": side,
                "value": None if value is None else round(float(value), 4),
                "limit": round(limit, 4),
                "unit": unit,
                "applicable": applicable,
                "passed": passed,
                "verdict": verdict,
            }
        )

    dmax = min(35.0, float(sdef.model.get("rudder_max_deg", 35.0)))
    for side in ("starboard", "port"):
        t, _ = turning(sdef, dmax, side, until_deg=190.0, settle=False)
        add("turning_advance", side, t["advance_L"], 4.5, "L")
        add("turning_tactical_diameter", side, t["tactical_diameter_L"], 5.0, "L")
    for side in ("starboard", "port"):
        i, _ = initial_turning(sdef, min(10.0, dmax), side)
        add("initial_turning_distance", side, i["distance_L"], 2.5, "L")
    for side in ("starboard", "port"):
        z, _ = zigzag(sdef, min(10.0, dmax), side)
        add("zigzag_10_first_overshoot", side, z["overshoot1_deg"], a1, "deg")
        add("zigzag_10_second_overshoot", side, z["overshoot2_deg"], a2, "deg")
    for side in ("starboard", "port"):
        z, _ = zigzag(sdef, min(20.0, dmax), side)
        add("zigzag_20_first_overshoot", side, z["overshoot1_deg"], 25.0, "deg")
    if _has_stopping_model(sdef):
        s, _ = stopping(sdef)
        add("stopping_track_reach", None, s["track_reach_L"], 15.0, "L")
    else:
        add("stopping_track_reach", None, None, 15.0, "L")
    return out


_IMO_LIST = [
    (name, side, lim, unit)
    for name, lim, unit in (
        ("turning_advance", 4.5, "L"),
        ("turning_tactical_diameter", 5.0, "L"),
        ("initial_turning_distance", 2.5, "L"),
        ("zigzag_10_first_overshoot", float("nan"), "deg"),
        ("zigzag_10_second_overshoot", float("nan"), "deg"),
        ("zigzag_20_first_overshoot", 25.0, "deg"),
    )
    for side in ("starboard", "port")
] + [("stopping_track_reach", None, 15.0, "L")]


def imo_verdict(crit: list[dict]) -> str:
    """One word for a criteria list: "pass", "FAIL", "not applicable" or "not evaluated"."""
    verdicts = {c["verdict"] for c in crit}
    if "FAIL" in verdicts:
        return "FAIL"
    if "not applicable" in verdicts:
        return "not applicable"
    if "pass" not in verdicts:
        return "not evaluated"
    return "pass"


_FIT_CACHE: dict[tuple, tuple[float, float]] = {}


def nomoto_fit(sdef: ShipDef, rudder_deg: float = 5.0) -> tuple[float, float]:
    """First-order Nomoto K', T' from a rudder step at the service speed.

    K = r_steady / delta; T = time to 63.2 % of r_steady minus half the rudder ramp time (the
    ramp acts as a delay of about half its length). Non-dimensional with the approach speed.
    A 5 deg step gives the small-angle behaviour an autopilot sees (KVLCC2 L7: K' 2.07,
    T' 2.32, computed with this function).
    """
    from autoship.dynamics.fleet import _key

    key = (*_key(sdef), rudder_deg)
    if key in _FIT_CACHE:
        return _FIT_CACHE[key]
    a = math.radians(rudder_deg)
    ts = _time_scale(sdef)
    t_end = 25.0 * ts

    def control(t: float, hc: float, u: float) -> tuple[float, str] | None:
        return None if t >= t_end else (a, "trim")

    tr = _simulate(sdef, control, t_max=t_end + ts, dt=ts / 50.0)
    r_ss = float(tr.r[-1])
    K = r_ss / a
    c = _cross(tr, tr.r / r_ss, 1.0 - math.exp(-1.0)) if r_ss > 0 else None
    if K <= 0.0 or c is None:
        raise ShipModelError(f"{sdef.name}: rudder step gave no steady starboard turn")
    rate = math.radians(float(sdef.model.get("rudder_rate_deg_s", 5.0)))
    T = max(c["t"] - 0.5 * a / rate, 0.05 * ts)
    U0 = sdef.service_speed
    L = sdef.length_m
    res = (K * L / U0, T * U0 / L)
    _FIT_CACHE[key] = res
    return res


def autopilot_tuning(sdef: ShipDef, P: np.ndarray, j: int) -> None:
    """Fill the autopilot's K', T' of row j when the ship file does not give them."""
    from autoship.dynamics.fleet import FAMILIES

    mod = FAMILIES[sdef.family]
    K, T = mod.get_autopilot(P, j)
    if K > 0.0 and T > 0.0:
        return
    K, T = nomoto_fit(sdef)
    mod.set_autopilot(P, j, K, T)


def top_speed(sdef: ShipDef) -> dict:
    """Steady speed ahead at full power, rudder amidships (m/s and kn).

    Propeller families run the shaft at its maximum, held down by the engine's torque where the
    file gives an MCR power; Nomoto and Mariner ships go to their ``max_speed_kn``.
    """
    from autoship.dynamics.fleet import FAMILIES

    fam = FAMILIES[sdef.family]
    P = np.ascontiguousarray(fam.pack_params([sdef]))
    X = np.zeros((NX, 1))
    X[U, 0] = sdef.service_speed
    idx = np.zeros(1, dtype=np.int64)
    fam.init_state(X, P, idx)
    full = sdef.model.get("max_shaft_rps")
    if full is None or sdef.family in ("nomoto1", "nomoto2", "abkowitz"):
        full = float(sdef.model["max_speed_kn"]) * 1852.0 / 3600.0
    D = np.array([[0.0], [float(full)]])
    env = np.zeros(NENV)
    ts = _time_scale(sdef)
    dt = ts / 20.0
    prev = X[U, 0]
    for k in range(int(400.0 * ts / dt)):
        fam.open_kernel(X, P, D, idx, dt, env)
        if k % 200 == 199:
            if abs(X[U, 0] - prev) < 1e-5 * max(prev, 1e-3):
                break
            prev = X[U, 0]
    u = float(X[U, 0])
    return {"ship": sdef.name, "test": "top_speed", "speed_m_s": u, "speed_kn": u * 3600 / 1852}


def bollard_pull(sdef: ShipDef) -> dict:
    """Static thrust at zero speed with the shaft as fast as the engine's torque allows (t, kN).

    Propeller families (fossen3) only: (1 - t_P) rho n^2 D^4 k_0 at the torque-limited n.
    """
    from autoship.dynamics import fossen3

    if sdef.family != "fossen3":
        raise ShipModelError(f"{sdef.name}: bollard pull needs a propeller model (fossen3)")
    p = fossen3.pack_params([sdef])[0]
    n = fossen3.torque_limited_rps(p, 0.0)
    thrust, _ = fossen3._thrust(p, 0.0, n)
    net = (1.0 - p[fossen3.P_tP]) * thrust
    return {
        "ship": sdef.name,
        "test": "bollard_pull",
        "shaft_rps": float(n),
        "kN": float(net) / 1e3,
        "t": float(net) / 9.80665e3,
    }
