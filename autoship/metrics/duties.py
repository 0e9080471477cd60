"""Situation stages and multi-vessel duty resolution for the referee.

One ship meets several others at once; each encounter gives it a duty (give way, keep course
and speed, act under 17(a)(ii) or 17(b), keep clear of a ship that is not under way). A
manoeuvre is judged once, against what all those duties required at the moment it began
(``docs/referee.md`` gives the resolution rules and the COLREG text they rest on):

- A stand-on ship's alteration is no breach of rule 17(a)(i) towards ship A when, at its onset,
  another duty required action: give way (rules 13, 15, 16, 18), a head-on alteration (rule 14),
  17(a)(ii) or 17(b) action towards another ship, keeping clear of a ship not under way (rules
  2(b), 8), or rule 19. Direction limits still hold towards A (17(c): not to port for a vessel
  on the own port side).
- Stages come from the situation, not fixed ranges: 17(a)(ii) applies once the give-way ship
  has let ``give_way_grace_s`` pass after its action was due (the risk inside the action range)
  with the predicted CPA still inside the risk distance; 17(b) inside the critical range.

Everything here is NumPy over the recorded tracks of one encounter side (pure, no I/O).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autoship.colregs.profile import Profile
from autoship.geometry import wrap_pi, wrap_pi_array

# A pair is an encounter for the direction rules only if the ships approached each other by at
# least this fraction of the risk distance: two craft sailing in company at a steady range have
# no risk of collision however noisy their predicted CPA (rule 7(d)(i): an approaching vessel) [P].
MIN_APPROACH_FRACTION = 0.5
# Window over which the turn rate of a deliberate manoeuvre is measured (s) [P].
TURN_RATE_WINDOW_S = 30.0


def deliberate_course(
    t: np.ndarray,
    north: np.ndarray,
    east: np.ndarray,
    rate_deg_s: float,
    cog: np.ndarray | None = None,
) -> np.ndarray:
    """(n_ships, n_rec) cumulative course change (rad, starboard positive) made at
    ``rate_deg_s`` or faster; slower drift (route, channel bends) is left out. The rate is
    that of the direction of travel over a ``TURN_RATE_WINDOW_S`` centred window of
    positions, so the jitter of recorded AIS positions and COG does not read as turning; with
    ``cog`` the size of each fast turn is the course over ground's own change."""
    n_s, n = north.shape
    out = np.zeros((n_s, n))
    if n < 3:
        return out
    dt = float(np.median(np.diff(t)))
    h = max(1, int(round(TURN_RATE_WINDOW_S / 2.0 / max(dt, 1e-9))))
    lo = np.clip(np.arange(n) - h, 0, n - 1)
    hi = np.clip(np.arange(n) + h, 0, n - 1)
    course = np.arctan2(east[:, hi] - east[:, lo], north[:, hi] - north[:, lo])
    step = wrap_pi_array(np.diff(course, axis=1))
    step = np.where(np.isfinite(step), step, 0.0)
    cum = np.concatenate([np.zeros((n_s, 1)), np.cumsum(step, axis=1)], axis=1)
    span = np.maximum(t[hi] - t[lo], 1e-9)
    fast = np.abs(cum[:, hi] - cum[:, lo]) / span >= math.radians(rate_deg_s)
    # A step counts when any window containing it turned fast: the whole of a short turn is
    # kept, not only its middle (the window smears it over TURN_RATE_WINDOW_S).
    c = np.concatenate([np.zeros((n_s, 1)), np.cumsum(fast, axis=1)], axis=1)
    near = (c[:, np.minimum(np.arange(n) + h + 1, n)] - c[:, np.maximum(np.arange(n) - h, 0)]) > 0
    keep = near[:, 1:] | near[:, :-1]
    if cog is not None:
        # The size of a deliberate turn is read from the course over ground itself (the
        # windowed course smears a short turn); only the gating uses the windowed rate.
        raw = wrap_pi_array(np.diff(cog, axis=1))
        step = np.where(np.isfinite(raw), raw, 0.0)
    out[:, 1:] = np.cumsum(step * keep, axis=1)
    return out


# A risk is read from the geometry only once it has lasted this long: one report with a bad
# velocity (a track's first, a jump) predicts a CPA hundreds of metres off [P].
RISK_PERSIST_S = 10.0


def _first_lasting(flag: np.ndarray, t: np.ndarray, duration: float) -> int:
    """First index that starts a run of True lasting ``duration`` s (or running to the end of
    the data); -1 if none."""
    if not flag.any():
        return -1
    d = np.diff(np.concatenate(([0], flag.astype(np.int8), [0])))
    starts = np.nonzero(d == 1)[0]
    ends = np.nonzero(d == -1)[0]  # exclusive
    for a, b in zip(starts, ends, strict=True):
        if b == flag.shape[0] or t[b - 1] - t[a] >= duration:
            return int(a)
    return -1


def risk_distance(length_a: float, length_b: float, profile: Profile) -> float:
    """Predicted passing distance under which a risk of collision exists (m)."""
    return max(profile.risk.dcpa_m, profile.risk.dcpa_lengths * max(length_a, length_b))


def still_flags(t: np.ndarray, sog: np.ndarray, profile: Profile) -> np.ndarray:
    """(n_ships, n_rec) bool: lying still, i.e. slower than ``still_speed_mps`` for the last
    ``still_time_s`` (a ship already slow when its record starts counts as lying still since
    then: a moored vessel is never 'about to get under way')."""
    slow = ~(sog >= profile.risk.still_speed_mps)  # NaN (no track) counts as slow
    out = np.zeros(sog.shape, dtype=bool)
    for s in range(sog.shape[0]):
        moving = ~slow[s]
        # time of the last moving record up to k (-inf before the first)
        idx = np.where(moving, np.arange(t.shape[0]), -1)
        last = np.maximum.accumulate(idx)
        t_last = np.where(last >= 0, t[np.maximum(last, 0)], -np.inf)
        out[s] = slow[s] & ((t - t_last) >= profile.risk.still_time_s)
    return out


@dataclass
class SideSituation:
    """Situation facts of one encounter side (own ship o, target q), record indices or -1."""

    in_action: bool  # the ships approached and came inside the action range
    k_act: int  # first record inside the action range during the encounter
    r_act: float  # action range at k_act (or at k0 when never reached)
    k_may: int  # 17(a)(ii): stand-on may act from here (-1: the give-way ship acted in time)
    k_crit: int  # 17(b): inside the critical range with the risk still present
    d_risk: float
    k_risk_act: int = -1  # first record inside the action range with the risk present


def situation(
    t: np.ndarray,
    north: np.ndarray,
    east: np.ndarray,
    vn: np.ndarray,
    ve: np.ndarray,
    o: int,
    q: int,
    k0: int,
    k1: int,
    length_o: float,
    length_q: float,
    profile: Profile,
) -> SideSituation:
    """Action range, 17(a)(ii) and 17(b) onsets for one side over records k0..k1."""
    sl = slice(k0, k1 + 1)
    pn = north[q, sl] - north[o, sl]
    pe = east[q, sl] - east[o, sl]
    rvn = vn[q, sl] - vn[o, sl]
    rve = ve[q, sl] - ve[o, sl]
    rng = np.hypot(pn, pe)
    v2 = rvn * rvn + rve * rve
    vrel = np.sqrt(v2)
    with np.errstate(invalid="ignore", divide="ignore"):
        tcpa = np.where(v2 > 1e-12, -(pn * rvn + pe * rve) / v2, 0.0)
    dcpa = np.hypot(pn + rvn * tcpa, pe + rve * tcpa)
    d_risk = risk_distance(length_o, length_q, profile)
    st = profile.stages
    rk = profile.risk
    r_act = np.maximum(st.r2_m, vrel * rk.action_time_s)
    risky = (dcpa < d_risk) & (tcpa > 0.0)
    inside = (rng <= r_act) & np.isfinite(rng)
    # The encounter counts for the direction rules when the risk existed inside the action
    # range, or the ships came inside it at all (a risk resolved earlier still led to a pass
    # inside the range, and how it was resolved is judged).
    idx = np.nonzero(inside)[0]
    fin = rng[np.isfinite(rng)]
    approach = float(fin[0] - fin.min()) if fin.size else 0.0
    in_action = idx.size > 0 and approach >= MIN_APPROACH_FRACTION * d_risk
    k_act = int(k0 + idx[0]) if in_action else -1
    r_act_at = float(r_act[idx[0]]) if in_action else float(r_act[0]) if r_act.size else st.r2_m
    k_may = -1
    if in_action:
        due = t[k_act] + rk.give_way_grace_s
        cand = np.nonzero(risky & (t[sl] >= due) & inside)[0]
        if cand.size:
            k_may = int(k0 + cand[0])
    r_crit = np.maximum(
        max(st.r4_m, rk.critical_lengths * max(length_o, length_q)), vrel * rk.critical_time_s
    )
    crit = np.nonzero(risky & (rng <= r_crit))[0]
    k_crit = int(k0 + crit[0]) if crit.size else -1
    k_risk_act = _first_lasting(risky & inside, t[sl], RISK_PERSIST_S)
    k_risk_act = k0 + k_risk_act if k_risk_act >= 0 else -1
    return SideSituation(in_action, k_act, r_act_at, k_may, k_crit, d_risk, k_risk_act)


def first_manoeuvre(
    cog: np.ndarray,
    sog: np.ndarray,
    delib: np.ndarray | None,
    s: int,
    k0: int,
    kend: int,
    course_detect: float,
    speed_detect: float,
) -> int:
    """First record in k0..kend where ship s has changed course (deliberately, when ``delib``
    is given) or speed beyond the detection limits since k0; -1 if never."""
    if kend < k0:
        return -1
    d = course_change(cog, delib, s, k0, kend)
    du = sog[s, k0 : kend + 1] - sog[s, k0]
    hit = np.nonzero((np.abs(d) >= course_detect) | (np.abs(du) >= speed_detect))[0]
    return int(k0 + hit[0]) if hit.size else -1


def course_change(
    cog: np.ndarray, delib: np.ndarray | None, o: int, k0: int, kend: int
) -> np.ndarray:
    """Ship o's course change since k0 over k0..kend (rad, starboard positive): the deliberate
    part (``deliberate_course``) when given, else the whole change."""
    if delib is not None:
        return delib[o, k0 : kend + 1] - delib[o, k0]
    return wrap_pi_array(cog[o, k0 : kend + 1] - cog[o, k0])


def first_turn(
    cog: np.ndarray,
    o: int,
    k0: int,
    kend: int,
    threshold: float,
    side: int,
    delib: np.ndarray | None = None,
) -> int:
    """First record in k0..kend where ship o's course differs from its course at k0 by at
    least ``threshold`` rad to ``side`` (+1 starboard, -1 port); -1 if never."""
    if kend < k0:
        return -1
    d = course_change(cog, delib, o, k0, kend)
    hit = np.nonzero(side * d >= threshold)[0]
    return int(k0 + hit[0]) if hit.size else -1


def turn_onset(cog: np.ndarray, o: int, k0: int, k_hit: int, detect: float) -> int:
    """Last record before ``k_hit`` at which ship o was still within ``detect`` rad of the
    course it held at that record's predecessor chain: walks back while the course keeps
    changing, so the onset of the turn that reached ``k_hit`` is returned."""
    k = k_hit
    while k > k0:
        step = wrap_pi(cog[o, k] - cog[o, k - 1])
        if abs(step) < 0.1 * detect:
            break
        k -= 1
    return k
