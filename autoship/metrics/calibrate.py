"""Calibrate the referee on recorded traffic (issue 12, item 9): specificity on real mariners and
sensitivity to violations injected into the same recorded tracks.

Specificity: every moving ship of an AIS recording is a ship under test (``planner =
"calibrate"``), all its encounters are scored with the referee (``score_tracks``), and a
recorded encounter side with a COLREG role (give-way, stand-on, both; type not none; inside the
action range; no collision) passes when no rule gate fails (``rule_gate_failures``) and the
pair stayed apart by ``gates.min_separation_m``.

Sensitivity: for each violation class, every recorded encounter side of the right type and role
becomes a two-ship scene (the other recorded ships are left out, so the injected ship is judged
on that encounter alone): the target keeps its recorded track; the own ship keeps its recorded
track and then follows a synthetic kinematic track (constant speed, turns at ``TURN_RATE``,
straight in between). Port turns (head-on, stand-on) start at the recorded risk onset
(``t_detect_s``; the first record after it is flown on the recorded velocity so the
classification at the onset is unchanged). Hold-course violations (give-way crossing ahead,
late small action, close overtaking) take their aimed course ``AIM_LEAD_S`` before the onset,
because an alteration at the onset would itself be judged as the first manoeuvre; the referee's
own classification of the new track must still be the class's, else the next-best track is
tried. Tracks are aimed by a grid search so that they pass the recorded target at
``PASS_FRACTION`` of the encounter's risk distance (continuous between records; never under the
separation gate nor beyond the risk distance), and optionally never over charted land. The
injection counts when the referee fails the encounter on the class's rule. Candidates with no
such track are reported as skipped. A class with fewer than ``MIN_PER_CLASS`` injections gets
synthesised encounters: a straight own ship on a collision course of the class's geometry with
a recorded moving ship, where that ship sailed (``synthesised_scene``).

Everything here is pure (arrays in, dicts out, no printing); ``load_recording`` reads the file.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autoship.ais import build_tracks, read_ais, resample, ticks
from autoship.colregs.profile import Profile
from autoship.errors import AutoshipError
from autoship.geo import LocalFrame
from autoship.geometry import wrap_pi_array
from autoship.metrics.navigation import ChartContext
from autoship.metrics.report import wilson_interval
from autoship.metrics.score import rule_gate_failures, score_tracks
from autoship.units import KNOT

DT_S = 5.0  # common resampling grid (s); AIS tracks are thinned to 5 s anyway
MOVING_MPS = 1.0 * KNOT  # a ship whose reported SOG never reaches 1 kn is traffic, not tested
# The recording has no static data for most ships: the placeholder `ais extract` also writes.
DEFAULT_LENGTH_M, DEFAULT_BEAM_M, DEFAULT_DRAUGHT_M = 30.0, 8.0, 2.5
TURN_RATE = math.radians(3.0)  # rad/s, a brisk small-craft turn
PASS_FRACTION = 0.3  # injected passing distance, fraction of the encounter's risk distance
COLREG_ROLES = ("give-way", "stand-on", "both")
SPECIFICITY_GOAL = 0.90
SENSITIVITY_GOAL = 0.95
# Fewer recorded encounters than this for a class: synthesise more (see synthesise_encounters).
MIN_PER_CLASS = 10
PRE_ONSET_S = 120.0  # recorded history kept before the risk onset in an injected scene
HORIZON_S = 900.0  # injected scene length after the onset (at most)


@dataclass(frozen=True)
class ViolationClass:
    """A violation to inject: which recorded sides it is made from and which rule must fail."""

    name: str
    label: str
    type: str  # encounter type of the recorded side
    role: str  # own_role of the recorded side
    rules: tuple[str, ...]  # the injection counts when any of these rules fails
    # Role bases (``role_basis``) of the recorded sides the violation is made from: a port turn
    # "across" is a rule 15 stand-on's breach, not one for a vessel holding on along a narrow
    # channel with the crossing vessel on its starboard side (rule 9(d)).
    bases: tuple[str, ...] = ()


VIOLATIONS: tuple[ViolationClass, ...] = (
    ViolationClass(
        "head-on-port-turn", "port turn in head-on", "head-on", "both", ("14",), ("rule 14",)
    ),
    ViolationClass(
        "give-way-crosses-ahead",
        "give-way ship holds course and crosses ahead",
        "crossing",
        "give-way",
        ("15", "9"),
        ("rule 15", "rule 9(d)"),
    ),
    ViolationClass(
        "stand-on-port-turn",
        "stand-on ship turns to port across",
        "crossing",
        "stand-on",
        ("17",),
        ("rule 15",),
    ),
    ViolationClass(
        "late-small-action",
        "late small action by the give-way ship",
        "crossing",
        "give-way",
        ("16", "8"),
        ("rule 15", "rule 9(d)"),
    ),
    ViolationClass(
        "close-overtaking",
        "overtaking pass too close",
        "overtaking",
        "give-way",
        ("13",),
        ("rule 13",),
    ),
)


# --- recording -----------------------------------------------------------------------------------


@dataclass
class Recording:
    """A recording resampled on a common grid, as ``score_tracks`` input.

    ``arrays['t']`` is seconds since the recording's first position report (so ``--start``
    offsets and reported times agree); the other arrays are (n_ticks, n_ships), NaN outside a
    ship's track."""

    source: str
    t0_unix: float
    frame: LocalFrame
    arrays: dict[str, np.ndarray]
    ships: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def load_recording(
    path: str | Path,
    start_s: float | None = None,
    duration_s: float | None = None,
    dt_s: float = DT_S,
) -> Recording:
    """Read an AIS file, clean it into tracks and resample every track on a ``dt_s`` grid
    from ``start_s`` (seconds after the first report) for ``duration_s`` (to the end if None).
    Raises ``AutoshipError`` naming the file for anything that cannot be calibrated on."""
    src = str(path)
    data = read_ais(path)
    pos = data.positions
    ok = np.isfinite(pos.t)
    if not ok.any():
        raise AutoshipError("no timed position reports to replay", file=src)
    frame = LocalFrame(float(np.median(pos.lat_deg[ok])), float(np.median(pos.lon_deg[ok])))
    tracks = build_tracks(data, frame).tracks
    if not tracks:
        raise AutoshipError("no ship track survived cleaning", file=src)
    t_first = float(np.nanmin(pos.t))
    t_last = max(tr.t_end for tr in tracks)
    for name, val in (("--start", start_s), ("--duration", duration_s)):
        if val is not None and not (math.isfinite(val) and val >= 0.0):
            raise AutoshipError(f"must be a number of seconds >= 0, got {val}", field=name)
    a = t_first + (start_s or 0.0)
    b = t_last if duration_s is None else min(t_last, a + duration_s)
    if b - a < 2 * dt_s:
        raise AutoshipError(
            f"the window from {start_s or 0.0:.0f} s"
            + (f" for {duration_s:.0f} s" if duration_s is not None else "")
            + " holds no traffic "
            f"(the recording spans {t_last - t_first:.0f} s)",
            file=src,
        )
    tt = ticks(a, b, dt_s)
    tracks = [tr for tr in tracks if tr.t_end >= tt[0] and tr.t_start <= tt[-1]]
    if not tracks:
        raise AutoshipError("no ship track in the chosen window", file=src, field="--start")
    rs = resample(tracks, tt)
    # Most frequent known navigational status per MMSI (rule 18 roles; -1 is unknown).
    status: dict[int, int] = {}
    known = ok & (pos.nav_status >= 0)
    for mmsi, st in zip(pos.mmsi[known].tolist(), pos.nav_status[known].tolist(), strict=True):
        status.setdefault(mmsi, Counter())[st] += 1  # type: ignore[index]
    ships: list[dict[str, Any]] = []
    n_default = 0
    for k, tr in enumerate(tracks):
        inside = (tr.t >= tt[0]) & (tr.t <= tt[-1])
        sog = tr.sog[inside]
        vmax = float(np.nanmax(sog)) if np.isfinite(sog).any() else math.nan
        if not math.isfinite(vmax):  # no SOG reported: the speed from positions
            sp = rs.speed[:, k]
            vmax = float(np.nanmax(sp)) if np.isfinite(sp).any() else 0.0
        info = tr.ship
        length = info.length_m if info and info.length_m else None
        beam = info.beam_m if info and info.beam_m else None
        if length is None or beam is None:
            n_default += 1
        st = status.get(tr.mmsi)
        ships.append(
            {
                "id": tr.key,
                "index": k,
                "role": "target",
                # An avoiding-planner name makes the ship one under test (score.is_autonomous);
                # ships that never move are recorded traffic only.
                "planner": "calibrate" if vmax >= MOVING_MPS else "replay",
                "model": None,
                "length_m": float(length or DEFAULT_LENGTH_M),
                "beam_m": float(beam or DEFAULT_BEAM_M),
                "draught_m": float(
                    (info.draught_m if info and info.draught_m else None) or DEFAULT_DRAUGHT_M
                ),
                "mmsi": tr.mmsi,
                "nav_status": int(st.most_common(1)[0][0]) if st else None,  # type: ignore[attr-defined]
                "ship_type": info.ship_type if info else None,
                "category": None,
                "replayed": False,
                "ignores_duty": False,
                "goal": None,
            }
        )
    arrays = {
        "t": tt - t_first,
        "north": rs.north,
        "east": rs.east,
        "heading": rs.heading,
        "vn": rs.vn,
        "ve": rs.ve,
    }
    notes = []
    if n_default:
        notes.append(
            f"{n_default} of {len(ships)} tracks have no AIS size: "
            f"{DEFAULT_LENGTH_M:.0f} x {DEFAULT_BEAM_M:.0f} m, "
            f"{DEFAULT_DRAUGHT_M} m draught assumed"
        )
    return Recording(src, t_first, frame, arrays, ships, notes)


# --- rates -------------------------------------------------------------------------------------


def rate(passed: int, total: int) -> dict[str, Any]:
    """Share with its two-sided Wilson 95 % interval (the one implementation in
    ``metrics.report``; ``rate`` is None without data)."""
    lo, hi = wilson_interval(passed, total, 0.95)
    return {
        "passed": int(passed),
        "total": int(total),
        "rate": (passed / total) if total else None,
        "wilson_lo": round(lo, 4),
        "wilson_hi": round(hi, 4),
    }


# --- specificity -------------------------------------------------------------------------------


def is_recorded_side(enc: dict[str, Any]) -> bool:
    """An encounter side that carries a COLREG duty and reached the action range."""
    return (
        enc.get("type", "none") != "none"
        and enc.get("own_role") in COLREG_ROLES
        and bool(enc.get("in_action_range"))
    )


def gate_reasons(enc: dict[str, Any], profile: Profile) -> list[str]:
    """The failed gate lines of one encounter side: rule gates and the separation gate."""
    out = rule_gate_failures([enc], profile)
    rmin = enc.get("min_range_m")
    if isinstance(rmin, (int, float)) and rmin < profile.gates.min_separation_m:
        out.append(
            f"separation: {enc['own']} vs {enc['target']} came within {rmin:.0f} m "
            f"< {profile.gates.min_separation_m:.0f} m"
        )
    return out


def specificity(encounters: list[dict[str, Any]], profile: Profile) -> dict[str, Any]:
    """Share of recorded encounter sides (COLREG role, in action range, no collision) that pass
    every gate, and the failing ones with their reasons."""
    sides = [e for e in encounters if is_recorded_side(e)]
    collided = [e for e in sides if e.get("collision") or e.get("hull_contact")]
    judged = [e for e in sides if not (e.get("collision") or e.get("hull_contact"))]
    failing = []
    for e in judged:
        why = gate_reasons(e, profile)
        if why:
            failing.append(
                {
                    "own": e["own"],
                    "target": e["target"],
                    "type": e["type"],
                    "own_role": e["own_role"],
                    "t_s": e.get("t_detect_s"),
                    "reasons": why,
                }
            )
    out = rate(len(judged) - len(failing), len(judged))
    out["excluded_collisions"] = len(collided)
    return {"specificity": out, "failing_recorded": failing}


# --- synthetic tracks --------------------------------------------------------------------------


def synthetic_tracks(
    t_rel: np.ndarray,
    n0: float,
    e0: float,
    course0: float,
    speed: float,
    t_turn: np.ndarray,
    delta: np.ndarray,
    turn_rate: float = TURN_RATE,
) -> tuple[np.ndarray, np.ndarray]:
    """Kinematic tracks from (n0, e0) at ``t_rel`` = 0: constant ``speed``, course ``course0``;
    turn j starts at ``t_turn[:, j]`` and alters by ``delta[:, j]`` (rad, + starboard) at
    ``turn_rate``, then straight. ``t_turn``/``delta`` are (m,) for one turn or (m, n_turns);
    returns (m, len(t_rel)) north, east."""
    t_turn = np.asarray(t_turn, dtype=float)
    delta = np.asarray(delta, dtype=float)
    if t_turn.ndim < 2:
        t_turn = t_turn.reshape(-1, 1)
        delta = delta.reshape(-1, 1)
    m = delta.shape[0]
    # Fine integration (10 steps per record, midpoint course) so arcs are followed closely
    # (well under a metre per turn).
    t_end = float(t_rel[-1])
    h = max(float(np.min(np.diff(t_rel))) / 10.0, 0.05) if t_rel.size > 1 else 0.5
    nf = max(int(math.ceil(t_end / h)), 1)
    tf = np.linspace(0.0, nf * h, nf + 1)
    mid = 0.5 * (tf[:-1] + tf[1:])
    course = np.full((m, mid.size), course0)
    for j in range(delta.shape[1]):
        turned = np.clip(
            (mid[None, :] - t_turn[:, j : j + 1]) * turn_rate, 0.0, np.abs(delta[:, j : j + 1])
        )
        course += np.sign(delta[:, j : j + 1]) * turned
    dn = np.concatenate([np.zeros((m, 1)), np.cumsum(np.cos(course), axis=1)], axis=1)
    de = np.concatenate([np.zeros((m, 1)), np.cumsum(np.sin(course), axis=1)], axis=1)
    north = np.stack([np.interp(t_rel, tf, row) for row in dn]) * speed * h + n0
    east = np.stack([np.interp(t_rel, tf, row) for row in de]) * speed * h + e0
    return north, east


def kinematics(t: np.ndarray, north: np.ndarray, east: np.ndarray) -> tuple[np.ndarray, ...]:
    """Velocity as the forward difference over one record (backward at the end), as
    ``ais.resample`` does, so ``p + v dt`` is the next record; heading = course."""
    dt = np.diff(t)
    vn = np.empty_like(north)
    ve = np.empty_like(east)
    vn[:-1] = np.diff(north) / dt
    ve[:-1] = np.diff(east) / dt
    vn[-1], ve[-1] = vn[-2], ve[-2]
    hdg = np.mod(np.arctan2(ve, vn), 2.0 * math.pi)
    return vn, ve, hdg


def pass_geometry(
    t: np.ndarray,
    own_n: np.ndarray,
    own_e: np.ndarray,
    tgt_n: np.ndarray,
    tgt_e: np.ndarray,
    tgt_vn: np.ndarray,
    tgt_ve: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate (rows of own_n/own_e): minimum range (continuous between records, linear
    relative motion), the record nearest to it, and alpha there (bearing of the own ship from
    the target's course over ground, rad in (-pi, pi]: > 0 own on the target's starboard)."""
    pn = tgt_n[None, :] - own_n
    pe = tgt_e[None, :] - own_e
    rows = np.arange(pn.shape[0])
    r2 = pn * pn + pe * pe
    r2 = np.where(np.isfinite(r2), r2, np.inf)
    dn = np.diff(pn, axis=1)
    de = np.diff(pe, axis=1)
    d2 = dn * dn + de * de
    dot = pn[:, :-1] * dn + pe[:, :-1] * de
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(d2 > 0.0, -dot / d2, 0.0)
    qn = pn[:, :-1] + s * dn
    qe = pe[:, :-1] + s * de
    seg = np.where((s > 0.0) & (s < 1.0) & np.isfinite(qn), qn * qn + qe * qe, np.inf)
    k_rec = np.argmin(r2, axis=1)
    k_seg = np.argmin(seg, axis=1)
    on_seg = seg[rows, k_seg] < r2[rows, k_rec]
    rmin = np.sqrt(np.where(on_seg, seg[rows, k_seg], r2[rows, k_rec]))
    # The record nearest to the closest point.
    kk = np.where(on_seg, k_seg + (s[rows, k_seg] >= 0.5), k_rec)
    cog_t = np.arctan2(tgt_ve[kk], tgt_vn[kk])
    alpha = np.arctan2(-pe[rows, kk], -pn[rows, kk]) - cog_t
    alpha = wrap_pi_array(alpha)
    return rmin, kk, alpha


# --- injection ---------------------------------------------------------------------------------


@dataclass
class Scene:
    """A two-ship scene: column 0 own ship, column 1 target; ``k0`` the risk onset record."""

    arrays: dict[str, np.ndarray]
    ships: list[dict[str, Any]]
    k0: int


def two_ship_scene(
    arrays: dict[str, np.ndarray], ships: list[dict[str, Any]], o: int, q: int, k_onset: int
) -> Scene | None:
    """The own (o) and target (q) columns of ``arrays`` from ``PRE_ONSET_S`` before the onset to
    the end of the target's continuous track (at most ``HORIZON_S`` after the onset)."""
    t = arrays["t"]
    n = t.shape[0]
    dt = float(t[1] - t[0])
    valid_q = np.isfinite(arrays["north"][:, q])
    if not (valid_q[k_onset] and np.isfinite(arrays["north"][k_onset, o])):
        return None
    ke = k_onset
    last = min(n - 1, k_onset + int(round(HORIZON_S / dt)))
    while ke < last and valid_q[ke + 1]:
        ke += 1
    if ke - k_onset < 3:
        return None
    ks = max(0, k_onset - int(round(PRE_ONSET_S / dt)))
    sl = slice(ks, ke + 1)
    out = {"t": np.array(t[sl], dtype=float)}
    for name in ("north", "east", "heading", "vn", "ve"):
        out[name] = np.ascontiguousarray(arrays[name][sl][:, [o, q]], dtype=float)
    own = dict(ships[o], planner="calibrate", role="target", replayed=False)
    tgt = dict(ships[q], planner="replay", role="target")
    return Scene(out, [own, tgt], k_onset - ks)


# Classes whose own ship holds one aimed course through the encounter: the aim is taken
# AIM_LEAD_S before the recorded onset, so the referee sees a ship holding course (an alteration
# at the onset would itself be the first manoeuvre, judged as early action or a port turn).
AIMED = ("give-way-crosses-ahead", "late-small-action", "close-overtaking")
AIM_LEAD_S = 60.0
AIM_DEG = np.arange(-40.0, 40.25, 0.5)


@dataclass
class _Tracks:
    """Synthetic own-ship candidates from record ``k_start`` of a scene."""

    k_start: int
    t_rel: np.ndarray
    north: np.ndarray  # (m, n)
    east: np.ndarray
    t_turn: np.ndarray  # (m, n_turns)
    delta: np.ndarray  # (m, n_turns) rad, + starboard


def _held_range(north: np.ndarray, east: np.ndarray, tn: np.ndarray, te: np.ndarray) -> np.ndarray:
    return np.hypot(tn[None, :] - north, te[None, :] - east)


def candidate_tracks(cls: ViolationClass, scene: Scene, profile: Profile) -> _Tracks | None:
    """The synthetic own-ship tracks tried for ``cls`` in ``scene`` (see the module doc)."""
    a = scene.arrays
    t = a["t"]
    k0 = scene.k0
    dt = float(t[1] - t[0])
    u = math.hypot(a["vn"][k0, 0], a["ve"][k0, 0])
    if cls.name not in AIMED:
        # Recorded up to the onset; the first record after it is flown on the recorded course
        # and speed (so the velocity at the onset, and the classification made there, stay the
        # recorded ones); then an apparent port turn at some later record, then straight.
        t_rel = t[k0:] - t[k0]
        holds = t_rel[(t_rel >= dt - 1e-9) & (t_rel < t_rel[-1] - dt)]
        deltas = -np.radians([15.0, 20.0, 30.0, 45.0, 60.0, 90.0])
        tt, dd = (x.reshape(-1, 1) for x in np.meshgrid(holds, deltas))
        c0 = math.atan2(a["ve"][k0, 0], a["vn"][k0, 0])
        n, e = synthetic_tracks(t_rel, a["north"][k0, 0], a["east"][k0, 0], c0, u, tt, dd)
        return _Tracks(k0, t_rel, n, e, tt, dd)
    ks = k0
    lead = int(round(AIM_LEAD_S / dt))
    while ks > 0 and k0 - ks < lead and np.isfinite(a["north"][ks - 1, 0]):
        ks -= 1
    vn, ve = a["vn"][ks, 0], a["ve"][ks, 0]
    c0 = (
        math.atan2(ve, vn)
        if math.hypot(vn, ve) > 0.1
        else math.atan2(a["ve"][k0, 0], a["vn"][k0, 0])
    )
    t_rel = t[ks:] - t[ks]
    dd = np.radians(AIM_DEG).reshape(-1, 1)
    tt = np.zeros_like(dd)
    n, e = synthetic_tracks(t_rel, a["north"][ks, 0], a["east"][ks, 0], c0, u, tt, dd)
    if cls.name != "late-small-action":
        return _Tracks(ks, t_rel, n, e, tt, dd)
    # Late small action: on each aimed course, a small starboard alteration (well under
    # manoeuvre.course_apparent_deg) once inside stages.r3_m after the onset.
    rng = _held_range(n, e, a["north"][ks:, 1], a["east"][ks:, 1])
    after = t_rel >= (t[k0] - t[ks]) + dt
    late = np.where(after[None, :] & (rng <= profile.stages.r3_m), t_rel[None, :], np.inf).min(
        axis=1
    )
    keep = np.isfinite(late) & (late < t_rel[-1] - dt)
    if not keep.any():
        return None
    small = np.radians([5.0, 10.0, 15.0])
    d0 = np.repeat(dd[keep, 0], small.size)
    tl = np.repeat(late[keep], small.size)
    d1 = np.tile(small, int(keep.sum()))
    tt2 = np.stack([np.zeros_like(d0), tl], axis=1)
    dd2 = np.stack([d0, d1], axis=1)
    n, e = synthetic_tracks(t_rel, a["north"][ks, 0], a["east"][ks, 0], c0, u, tt2, dd2)
    return _Tracks(ks, t_rel, n, e, tt2, dd2)


@dataclass
class Injection:
    """Outcome of one injected violation."""

    cls: str
    own: str
    target: str
    t_s: float | None
    status: str  # "failed" (on the right rule: detected), "passed" (missed), "skipped"
    detail: str = ""
    pass_m: float | None = None
    reasons: list[str] = field(default_factory=list)
    synthesised: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.cls,
            "own": self.own,
            "target": self.target,
            "t_s": self.t_s,
            "status": self.status,
            "detail": self.detail,
            "pass_m": self.pass_m,
            "reasons": self.reasons,
            "synthesised": self.synthesised,
        }


def _is_port_turn_breach(pen: dict[str, Any]) -> bool:
    reason = str(pen.get("reason", ""))
    return pen.get("rule") in ("9", "14", "16", "17") and (
        "turned to port" in reason or "17(c)" in reason
    )


def fails_on(reasons: list[str], rules: tuple[str, ...]) -> bool:
    """True when a failed-gate line is about one of ``rules`` ('rule 14: ...' or
    'rule 14 breach: ...')."""
    return any(
        line.startswith(f"rule {r}:") or line.startswith(f"rule {r} breach:")
        for line in reasons
        for r in rules
    )


def inject(
    scene: Scene,
    cls: ViolationClass,
    profile: Profile,
    d_risk: float,
    chart: dict[str, Any] | None = None,
    land: Any = None,
    synthesised: bool = False,
    tries: int = 5,
) -> Injection:
    """Replace the own ship's track (column 0) with the synthetic track of ``cls`` that passes
    the recorded target closest to ``PASS_FRACTION * d_risk`` (never under the separation gate,
    never beyond the risk distance), score the scene and check the failure.
    ``land(north, east) -> bool array`` rejects tracks over land. An aimed track that the
    referee no longer classifies as ``cls``'s encounter is replaced by the next best
    (``tries`` in all); none left is 'skipped'."""
    a = scene.arrays
    t = a["t"]
    k0 = scene.k0
    own_id, tgt_id = str(scene.ships[0]["id"]), str(scene.ships[1]["id"])
    t_s = round(float(t[k0]), 1)

    def result(status: str, detail: str = "", **kw: Any) -> Injection:
        return Injection(
            cls.name, own_id, tgt_id, t_s, status, detail, synthesised=synthesised, **kw
        )

    u = math.hypot(a["vn"][k0, 0], a["ve"][k0, 0])
    if not u >= MOVING_MPS:
        return result("skipped", f"own ship at {u / KNOT:.1f} kn at the onset")
    cand = candidate_tracks(cls, scene, profile)
    if cand is None:
        return result("skipped", "no aimed course comes inside stages.r3_m")
    ks, t_rel = cand.k_start, cand.t_rel
    rmin, kk, alpha = pass_geometry(
        t_rel, cand.north, cand.east, a["north"][ks:, 1], a["east"][ks:, 1],
        a["vn"][ks:, 1], a["ve"][ks:, 1],
    )  # fmt: skip
    target_d = PASS_FRACTION * d_risk
    t_done = (cand.t_turn + np.abs(cand.delta) / TURN_RATE).max(axis=1)
    ok = (
        np.isfinite(rmin)
        & (rmin >= profile.gates.min_separation_m)
        & (rmin <= d_risk)  # a close-quarters pass, or it is no violation
        & (kk < t_rel.size - 1)
        & (t_rel[kk] > t_done)  # the pass comes after the manoeuvre: it shapes the pass
        & (t_rel[kk] > t[k0] - t[ks])  # and after the onset
    )
    if cls.name == "give-way-crosses-ahead":
        ok &= np.abs(alpha) < math.pi / 2  # forward of the target's beam at the closest point
    elif cls.name == "close-overtaking":
        ok &= np.abs(np.abs(alpha) - math.pi / 2) < math.radians(45.0)  # passing abeam
    if not ok.any():
        return result("skipped", "no synthetic track of this class passes inside the risk distance")
    cost = np.round(np.abs(rmin - target_d), 0)
    # Nearest to the aimed passing distance; ties to the earliest turn, then the smallest.
    order = [
        i for i in np.lexsort((np.abs(cand.delta).sum(axis=1), cand.t_turn[:, -1], cost)) if ok[i]
    ]
    last_detail = ""
    ctx = ChartContext(chart) if chart is not None and cls.name not in AIMED else None
    forced = 0
    for i in order[: max(1, tries) * (20 if land is not None else 1)]:
        if land is not None and np.any(land(cand.north[i], cand.east[i])):
            continue
        if ctx is not None and not ctx.empty and _forced_by_chart(ctx, scene, cand, i, profile):
            # Where the course held would put the ship ashore the port turn is navigation,
            # not the violation this class is about (the referee rightly lets it pass).
            forced += 1
            continue
        arrays = {k: np.array(v, copy=True) for k, v in a.items()}
        arrays["north"][ks:, 0] = cand.north[i]
        arrays["east"][ks:, 0] = cand.east[i]
        vn, ve, hdg = kinematics(t_rel, cand.north[i], cand.east[i])
        arrays["vn"][ks:, 0], arrays["ve"][ks:, 0], arrays["heading"][ks:, 0] = vn, ve, hdg
        if ks == k0:  # the velocity at the onset stays the recorded one (see candidate_tracks)
            arrays["vn"][k0, 0], arrays["ve"][k0, 0] = a["vn"][k0, 0], a["ve"][k0, 0]
        turns = ", ".join(
            f"{math.degrees(d):+.1f} deg at {float(t[ks] + tt):.0f} s"
            for tt, d in zip(cand.t_turn[i], cand.delta[i], strict=True)
        )
        detail = f"turn {turns}; pass {rmin[i]:.0f} m (aimed {target_d:.0f} m)"
        res = score_tracks(arrays, scene.ships, profile, chart=chart)
        encs = [
            e
            for e in res["encounters"]
            if e["own"] == own_id and e.get("type") == cls.type and e.get("own_role") == cls.role
        ]
        if not encs and cls.name not in AIMED:
            # The port turn moved the encounter across a class boundary (head-on and crossing
            # meet at a few degrees): a port-turn breach under the class the referee saw is
            # the same violation caught (rules 14, 16 and 17(c) all name the port turn).
            caught = [
                e
                for e in res["encounters"]
                if e["own"] == own_id
                and any(_is_port_turn_breach(pen) for pen in e.get("breaches") or [])
            ]
            if caught:
                enc = caught[0]
                return result(
                    "failed",
                    f"{detail}; caught as {enc.get('type')}/{enc.get('own_role')}",
                    pass_m=round(float(rmin[i]), 1),
                    reasons=gate_reasons(enc, profile),
                )
        if not encs:
            got = sorted(
                {
                    f"{e.get('type')}/{e.get('own_role')}"
                    for e in res["encounters"]
                    if e["own"] == own_id
                }
            )
            last_detail = f"{detail}; scored as {', '.join(got) or 'no encounter'}"
            if cls.name in AIMED:
                tries -= 1
                if tries <= 0:
                    break
                continue
            return result("passed", last_detail, pass_m=round(float(rmin[i]), 1))
        enc = min(encs, key=lambda e: abs(_onset(e) - float(t[k0])))
        reasons = gate_reasons(enc, profile)
        status = "failed" if fails_on(reasons, cls.rules) else "passed"
        return result(status, detail, pass_m=round(float(rmin[i]), 1), reasons=reasons)
    return result(
        "skipped",
        last_detail
        or (
            "the chart forces every port turn of this class here"
            if forced
            else "every synthetic track of this class crosses land"
        ),
    )


def _forced_by_chart(
    ctx: ChartContext, scene: Scene, cand: _Tracks, i: int, profile: Profile
) -> bool:
    """The referee's navigational test at the start of candidate i's first turn: the course
    held before it meets a charted hazard within the look-ahead."""
    a = scene.arrays
    k = cand.k_start + int(np.searchsorted(cand.t_rel, float(cand.t_turn[i, 0])))
    k = min(max(k, cand.k_start), a["t"].shape[0] - 1)
    j = k - cand.k_start
    n, e = float(cand.north[i, j]), float(cand.east[i, j])
    c0 = math.atan2(a["ve"][scene.k0, 0], a["vn"][scene.k0, 0])
    u = math.hypot(a["vn"][scene.k0, 0], a["ve"][scene.k0, 0])
    own = scene.ships[0]
    m = profile.manoeuvre
    look = max(m.nav_lookahead_lengths * float(own.get("length_m") or 0.0), u * m.nav_lookahead_s)
    return ctx.blocked_ahead(n, e, c0, look, float(own.get("draught_m") or 0.0))


# --- synthesised encounters --------------------------------------------------------------------

# Own course relative to the target's course, and own speed / target speed, per class: the
# geometry the class is made of (head-on reciprocal, crossing at right angles with the target on
# the own starboard (give-way) or port (stand-on) side, overtaking from astern).
_GEOMETRY = {
    ("head-on", "both"): (math.pi, 1.0),
    ("crossing", "give-way"): (math.pi / 2, 1.0),
    ("crossing", "stand-on"): (-math.pi / 2, 1.0),
    ("overtaking", "give-way"): (0.0, 1.6),
}


def synthesised_scene(
    t: np.ndarray,
    target: dict[str, np.ndarray],
    target_ship: dict[str, Any],
    k_s: int,
    cls: ViolationClass,
    profile: Profile,
    own_id: str = "synthetic",
    land: Any = None,
) -> tuple[Scene, dict[str, Any]] | None:
    """A two-ship scene of ``cls``'s encounter type made on a recorded (or hand-built) target
    track: an own ship on a straight collision course with the target's predicted position
    (constant velocity from record ``k_s``), meeting it inside the observation range and the
    risk time. ``target`` holds 1-D ``north, east, vn, ve, heading`` on ``t``. Returns the scene
    (onset found by the referee) and the own-side encounter, or None when the target is not
    moving there, the geometry does not classify as intended, or the own track crosses land."""
    rel, ratio = _GEOMETRY[(cls.type, cls.role)]
    vn0, ve0 = float(target["vn"][k_s]), float(target["ve"][k_s])
    ut = math.hypot(vn0, ve0)
    if not ut >= 2.0 * KNOT:
        return None
    ct = math.atan2(ve0, vn0)
    co, uo = ct + rel, ratio * ut
    von, voe = uo * math.cos(co), uo * math.sin(co)
    closing = math.hypot(von - vn0, voe - ve0)
    # Risk from ~60 s after the own ship appears, then up to the meeting.
    t_meet = min(profile.risk.tcpa_max_s, 0.9 * profile.stages.r1_m / closing) + 60.0
    dt = float(t[1] - t[0])
    k_m = k_s + int(round(t_meet / dt))
    k_e = min(t.shape[0] - 1, k_m + int(round(max(300.0, 0.5 * t_meet) / dt)))
    if k_m >= t.shape[0] - 3 or not np.isfinite(target["north"][k_s : k_e + 1]).all():
        return None
    mn = float(target["north"][k_s]) + vn0 * (t[k_m] - t[k_s])
    me = float(target["east"][k_s]) + ve0 * (t[k_m] - t[k_s])
    tt = t[k_s : k_e + 1]
    own_n = mn + von * (tt - t[k_m])
    own_e = me + voe * (tt - t[k_m])
    if land is not None and np.any(land(own_n, own_e)):
        return None
    vn, ve, hdg = kinematics(tt, own_n, own_e)
    arrays = {"t": np.array(tt, dtype=float)}
    for name, own_col in (
        ("north", own_n),
        ("east", own_e),
        ("vn", vn),
        ("ve", ve),
        ("heading", hdg),
    ):
        arrays[name] = np.ascontiguousarray(
            np.stack([own_col, np.asarray(target[name][k_s : k_e + 1], dtype=float)], axis=1)
        )
    own = {
        "id": own_id,
        "role": "target",
        "planner": "calibrate",
        "length_m": DEFAULT_LENGTH_M,
        "beam_m": DEFAULT_BEAM_M,
        "draught_m": DEFAULT_DRAUGHT_M,
        "replayed": False,
        "ignores_duty": False,
        "goal": None,
    }
    tgt = dict(target_ship, planner="replay", role="target")
    res = score_tracks(arrays, [own, tgt], profile)
    encs = [
        e
        for e in res["encounters"]
        if e["own"] == own_id and e["type"] == cls.type and e["own_role"] == cls.role
    ]
    if not encs or encs[0].get("t_detect_s") is None:
        return None
    enc = encs[0]
    k0 = int(np.argmin(np.abs(tt - _onset(enc))))
    if k0 >= tt.shape[0] - 4:
        return None
    return Scene(arrays, [own, tgt], k0), enc


# --- the whole calibration ---------------------------------------------------------------------


_COLUMNS = ("north", "east", "vn", "ve", "heading")
SYNTH_STEP_S = 300.0  # synthesised encounters start every 5 min along a recorded track


def _synthesis_starts(rec: Recording, step: int) -> list[tuple[int, int]]:
    """(record, ship) starts for synthesised encounters: every ``step`` records along each
    moving ship's track, ships interleaved so that a few ships do not supply them all."""
    per_ship = []
    for q, ship in enumerate(rec.ships):
        if ship.get("planner") != "calibrate":
            continue
        valid = np.flatnonzero(np.isfinite(rec.arrays["north"][:, q]))
        if valid.size >= 10:
            per_ship.append([(int(k), q) for k in valid[::step]])
    out = []
    for j in range(max((len(x) for x in per_ship), default=0)):
        out += [x[j] for x in per_ship if j < len(x)]
    return out


def _onset(enc: dict[str, Any]) -> float:
    """Where the referee read the encounter's class and duties (``t_classified_s``, else the
    risk onset): violations are injected from there, so the injected track meets the same
    situation the recorded one did."""
    t = enc.get("t_classified_s")
    return float(t if t is not None else enc.get("t_detect_s") or 0.0)


def _scene_encounter(enc: dict[str, Any]) -> bool:
    return (
        enc.get("t_detect_s") is not None
        and not enc.get("collision")
        and not enc.get("hull_contact")
    )


def calibrate(
    rec: Recording,
    profile: Profile,
    chart: dict[str, Any] | None = None,
    land: Any = None,
    classes: tuple[ViolationClass, ...] = VIOLATIONS,
    min_per_class: int = MIN_PER_CLASS,
) -> dict[str, Any]:
    """Specificity on the recorded encounters and sensitivity to injected violations (the JSON
    report ``autoship referee calibrate`` writes). ``chart`` is a chart.json dict for the
    referee's navigational test; ``land(north, east)`` rejects synthetic tracks over land."""
    res = score_tracks(rec.arrays, rec.ships, profile, chart=chart)
    encounters = res["encounters"]
    spec = specificity(encounters, profile)
    index = {str(s["id"]): k for k, s in enumerate(rec.ships)}
    t = rec.arrays["t"]
    by_class: dict[str, Any] = {}
    injections: list[Injection] = []
    n_pass, n_total = 0, 0
    for cls in classes:
        outs: list[Injection] = []
        cands = [
            e
            for e in encounters
            if e.get("type") == cls.type
            and e.get("own_role") == cls.role
            and (not cls.bases or e.get("role_basis") in cls.bases)
            and _scene_encounter(e)
        ]
        for e in cands:
            k0 = int(np.argmin(np.abs(t - _onset(e))))
            scene = two_ship_scene(rec.arrays, rec.ships, index[e["own"]], index[e["target"]], k0)
            if scene is None:
                outs.append(
                    Injection(cls.name, e["own"], e["target"], e["t_detect_s"], "skipped",
                              "target track ends at the onset")
                )  # fmt: skip
                continue
            d_risk = float(e.get("risk_distance_m") or profile.risk.dcpa_m)
            outs.append(inject(scene, cls, profile, d_risk, chart, land))
        n_recorded = sum(o.status != "skipped" for o in outs)
        n_synth = 0
        if n_recorded < min_per_class:
            # Too few recorded encounters of this type: make the encounter on recorded tracks
            # (a straight own ship meeting a recorded moving ship where it sailed), then inject.
            step = max(1, int(round(SYNTH_STEP_S / float(t[1] - t[0]))))
            for k_s, q in _synthesis_starts(rec, step):
                if n_recorded + n_synth >= min_per_class:
                    break
                ship = rec.ships[q]
                col = {name: rec.arrays[name][:, q] for name in _COLUMNS}
                made = synthesised_scene(
                    t, col, ship, k_s, cls, profile, f"synthetic-{ship['id']}-{k_s}", land
                )
                if made is None:
                    continue
                scene, enc = made
                d_risk = float(enc.get("risk_distance_m") or profile.risk.dcpa_m)
                out = inject(scene, cls, profile, d_risk, chart, land, synthesised=True)
                outs.append(out)
                n_synth += out.status != "skipped"
        done = [o for o in outs if o.status != "skipped"]
        k = sum(o.status == "failed" for o in done)
        entry = rate(k, len(done))
        entry.update(
            {
                "label": cls.label,
                "rules": list(cls.rules),
                "recorded_candidates": len(cands),
                "injected_recorded": n_recorded,
                "injected_synthesised": n_synth,
                "skipped": len(outs) - len(done),
            }
        )
        by_class[cls.name] = entry
        injections += outs
        n_pass += k
        n_total += len(done)
    overall = rate(n_pass, n_total)
    s = spec["specificity"]
    goals = {
        "specificity": SPECIFICITY_GOAL,
        "sensitivity": SENSITIVITY_GOAL,
        "met": bool(
            s["rate"] is not None
            and s["rate"] >= SPECIFICITY_GOAL
            and overall["rate"] is not None
            and overall["rate"] >= SENSITIVITY_GOAL
        ),
    }
    n_moving = sum(sh.get("planner") == "calibrate" for sh in rec.ships)
    return {
        "profile": profile.name,
        "profile_version": profile.version,
        "profile_hash": profile.hash,
        "recording": rec.source,
        "window_s": [round(float(t[0]), 1), round(float(t[-1]), 1)],
        "ships": len(rec.ships),
        "ships_under_test": n_moving,
        "notes": list(rec.notes),
        "specificity": s,
        "sensitivity": {"by_class": by_class, "overall": overall},
        "goals": goals,
        "failing_recorded": spec["failing_recorded"],
        "injections": [o.to_dict() for o in injections],
    }


_NUMBER = re.compile(r"\d+(\.\d+)?")
_PENALTY = re.compile(r"< [\d.]+ \((.+?) \[-")


def reason_groups(failing: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Failing reasons grouped by their kind (rule and the penalty text without numbers),
    most frequent first."""

    c: Counter = Counter()
    for f in failing:
        for line in f["reasons"]:
            head = line.split(":", 1)[0]
            # The penalty that drives the failure (the first listed: largest first).
            m = _PENALTY.search(line)
            if m:
                reason = m.group(1)
            elif "): " in line:
                reason = line.split("): ", 1)[1]
            else:
                reason = ""
            pre, sep, body = reason.partition(":")
            if not (sep and pre.startswith("rule")):
                pre, body = "", reason
            body = _NUMBER.sub("#", body).strip()
            if not pre or pre == head.removesuffix(" breach"):
                key = f"{head}: {body}" if body else head
            else:
                key = f"{head} <- {pre}: {body}"
            c[key] += 1
    return c.most_common()


def markdown(report: dict[str, Any]) -> str:
    """A short Markdown summary: the two rates with their intervals and the top reasons."""

    def pct(r: dict[str, Any]) -> str:
        if r["rate"] is None:
            return f"- (0/{r['total']})"
        return (
            f"{100 * r['rate']:.1f} % ({r['passed']}/{r['total']}; Wilson 95 % "
            f"{100 * r['wilson_lo']:.1f}-{100 * r['wilson_hi']:.1f} %)"
        )

    s = report["specificity"]
    sens = report["sensitivity"]
    lines = [
        f"# Referee calibration: {Path(report['recording']).name}",
        "",
        f"Profile `{report['profile']}`; {report['ships_under_test']} of {report['ships']} tracks "
        f"under test; window {report['window_s'][0]:.0f}-{report['window_s'][1]:.0f} s. "
        f"Goals ({100 * SPECIFICITY_GOAL:.0f} % / {100 * SENSITIVITY_GOAL:.0f} %): "
        f"{'met' if report['goals']['met'] else 'not met'}.",
        "",
        "| measure | rate | goal |",
        "|---|---|---|",
        f"| specificity (recorded encounters pass) | {pct(s)} | {100 * SPECIFICITY_GOAL:.0f} % |",
        f"| sensitivity (injected violations fail) | {pct(sens['overall'])} "
        f"| {100 * SENSITIVITY_GOAL:.0f} % |",
    ]
    for r in sens["by_class"].values():
        lines.append(f"| - {r['label']} (rule {' or '.join(r['rules'])}) | {pct(r)} | |")
    lines += ["", f"{len(report['failing_recorded'])} recorded encounters fail:", ""]
    lines += ["| count | reason |", "|---|---|"]
    for text, n in reason_groups(report["failing_recorded"])[:15]:
        lines.append(f"| {n} | {text.replace('|', '/')} |")
    for note in report.get("notes", []):
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"
