"""Numba kernels of the avoidance planners: own-ship prediction and SB-MPC candidate evaluation.

The kernels are pure: arrays in, results written into caller arrays, no validation. The planner
classes (``sbmpc.py``) validate and build the inputs; ``_reference.py`` holds a plain NumPy
implementation of the same evaluation that the tests compare against and the benchmark times.

Own-ship prediction (cheap kinematic model, not the full dynamics): after a dead time ``t_delay``
the course over ground relaxes to the commanded course as a first-order lag with time constant
``t_chi``; speed relaxes to the commanded speed with ``t_u``. Positions are integrated with the
course and speed at each step's midpoint.

Cost of one candidate (scenario-based MPC after Johansen, Perez and Cristofaro 2016, adapted):

- collision risk per target: the largest time-discounted intrusion into the safety domain,
  ``disc(t) (w_coll (r_safe - d) / r_safe + w_hit [d < r_col])``, ``disc = 1 / (1 + t' / t_disc)``
  with ``t' = min(t, t_cpa)``, ``t_cpa`` the target's time to CPA on the present courses and
  speeds: the discount stands for the target's growing uncertainty, and capping it there keeps
  a candidate that merely postpones the meeting (slowing, stopping on her track) from looking
  safer than one that resolves it;
  summed over targets;
- COLREG terms per target (turns measured from the base course), by its duty (give-way /
  stand-on / both / rule 19) and geometry code (``autoship.colregs.classify``): passing ahead
  of a crossing or overtaken vessel (rules 13, 15), starboard-to-starboard passing and port
  turns in head-on (rule 14), stand-on keeps course and speed until freed (rule 17(a)(i)), no
  port turn for a vessel on the port side (17(c)), rule 19(d) turn directions in restricted
  visibility, a non-apparent manoeuvre while giving way (rules 8/16);
- grounding: time-discounted shortfall of the chart clearance along the predicted track;
- route deviation, speed loss and a change penalty against the previous decision (no flicker).
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields

import numpy as np

from autoship._jit import njit
from autoship.charts.sdf import sample_sdf
from autoship.geometry import wrap_pi
from autoship.planner.lanes import rule_factor

# Own-ship vector ``own`` (float64).
O_N = 0
O_E = 1
O_CHI0 = 2  # current course over ground, rad
O_U0 = 3  # current speed, m/s
O_CHI_ROUTE = 4  # course the route asks for
O_U_REF = 5  # cruise speed, m/s; candidates are fractions of it
O_DCHI_PREV = 6  # previously chosen course offset (from the current base course)
O_UF_PREV = 7  # previously commanded speed fraction
O_T_CHI = 8
O_T_U = 9
O_T_DELAY = 10
# Candidates are offsets from this course: the route course in free water, the course held when
# the current encounters began while any is locked, so "a 30 deg turn" stays 30 deg from the
# course the other ship saw (the scorer measures course changes the same way).
O_CHI_BASE = 11
NOWN = 12


@dataclass(frozen=True)
class KernelSettings:
    """Settings and weights of ``evaluate_candidates``, passed to the kernel as the float64
    vector ``array()``. The field order is the vector's layout: the ``W_*`` indices below are
    generated from it, so a field is added in one place (``sbmpc.SBMPC.reset`` builds one by
    keyword)."""

    dt: float = 0.0
    nsteps: float = 0.0
    coll: float = 0.0
    hit: float = 0.0
    tdisc: float = 0.0
    ahead: float = 0.0
    ahead_amin: float = 0.0  # rule 15 "crossed ahead" window for the contact angle at CPA, rad
    ahead_amax: float = 0.0
    ot_ahead: float = 0.0  # rule 13 "passed ahead" half-width, rad
    sts: float = 0.0
    port_ho: float = 0.0
    port_gw: float = 0.0
    standon: float = 0.0
    port_17c: float = 0.0
    na: float = 0.0
    na_rad: float = 0.0  # a course change below this is not "readily apparent"
    r19_port: float = 0.0
    r19_towards: float = 0.0
    turn_rad: float = 0.0  # smallest course change that counts as a turn for the direction rules
    colreg_range: float = 0.0  # COLREG passing terms apply when d_cpa < this factor x r_safe
    course: float = 0.0
    speed: float = 0.0
    change_course: float = 0.0
    change_speed: float = 0.0
    ground: float = 0.0
    ground_hit: float = 0.0
    clear_req: float = 0.0  # clearance wanted from hazards, m (centre to hazard edge)
    clear_hit: float = 0.0  # clearance below which the hull is taken to touch, m
    has_chart: float = 0.0
    # Steps of the track checked against the chart: the candidate's course is held over the
    # whole horizon in the prediction, but near land the ship re-plans along its route long
    # before, so a grounding far down a straight line would only distort the choice.
    ground_steps: float = 0.0
    # Beyond the horizon each candidate's last velocity is extrapolated for this long (s)
    # against constant-velocity targets: a ship that stops or slows on a target's track is only
    # safe inside the horizon, and without this check "stop" looks collision-free whenever the
    # horizon ends before the target arrives (MPC terminal condition: the state the horizon
    # ends in must not lead into a collision).
    tail_s: float = 0.0
    # Two-stage candidates (SB-MPC with several steps): the second course offset ``dchi2`` is
    # commanded from this step on; a candidate with ``dchi2 == dchi`` is one manoeuvre held.
    stage2_step: float = 0.0
    # Cost of leaving part of the manoeuvre for later while giving way (rules 8(a), 16: early).
    later: float = 0.0
    # Hull shape for the chart clearance: the hull (length L, beam B) lies inside the stadium of
    # radius B/2 round its centre line, so its clearance is the smallest signed distance along
    # the centre line (from -L/2 to +L/2 about the predicted position, on the predicted course)
    # minus B/2, sampled at ``hull_n`` points. A circle of L/2 + B/2 round the centre would
    # shut a ship out of any channel narrower than its length (issue 14: a 120 m ship in a
    # 180 m dredged waterway); the stadium is what a pilot reads off the chart. The kernels
    # report it as the centre-equivalent ``hull clearance + L/2 + B/2``, so a ship lying bow-on
    # to the shore reads exactly as before and one lying along it gets the room it has
    # (``clear_hit`` is L/2 + B/2).
    hull_half_l: float = 0.0
    hull_half_b: float = 0.0
    hull_n: float = 0.0
    # Rules 9 and 10 along the predicted track (``planner.lanes``): weight of the mean
    # rule-factor excess over the chart horizon, and the rasters' grid (origin and cell size).
    rules: float = 0.0
    rule_n0: float = 0.0
    rule_e0: float = 0.0
    rule_res: float = 0.0

    def array(self) -> np.ndarray:
        """The kernel's ``w`` vector (a fresh copy: the planner changes a few entries per
        decision)."""
        return np.array(astuple(self), dtype=np.float64)


W_INDEX = {f.name: k for k, f in enumerate(fields(KernelSettings))}
W_DT = W_INDEX["dt"]
W_NSTEPS = W_INDEX["nsteps"]
W_COLL = W_INDEX["coll"]
W_HIT = W_INDEX["hit"]
W_TDISC = W_INDEX["tdisc"]
W_AHEAD = W_INDEX["ahead"]
W_AHEAD_AMIN = W_INDEX["ahead_amin"]
W_AHEAD_AMAX = W_INDEX["ahead_amax"]
W_OT_AHEAD = W_INDEX["ot_ahead"]
W_STS = W_INDEX["sts"]
W_PORT_HO = W_INDEX["port_ho"]
W_PORT_GW = W_INDEX["port_gw"]
W_STANDON = W_INDEX["standon"]
W_PORT_17C = W_INDEX["port_17c"]
W_NA = W_INDEX["na"]
W_NA_RAD = W_INDEX["na_rad"]
W_R19_PORT = W_INDEX["r19_port"]
W_R19_TOWARDS = W_INDEX["r19_towards"]
W_TURN_RAD = W_INDEX["turn_rad"]
W_COLREG_RANGE = W_INDEX["colreg_range"]
W_COURSE = W_INDEX["course"]
W_SPEED = W_INDEX["speed"]
W_CHANGE_COURSE = W_INDEX["change_course"]
W_CHANGE_SPEED = W_INDEX["change_speed"]
W_GROUND = W_INDEX["ground"]
W_GROUND_HIT = W_INDEX["ground_hit"]
W_CLEAR_REQ = W_INDEX["clear_req"]
W_CLEAR_HIT = W_INDEX["clear_hit"]
W_HAS_CHART = W_INDEX["has_chart"]
W_GROUND_STEPS = W_INDEX["ground_steps"]
W_TAIL_S = W_INDEX["tail_s"]
W_STAGE2_STEP = W_INDEX["stage2_step"]
W_LATER = W_INDEX["later"]
W_HULL_HALF_L = W_INDEX["hull_half_l"]
W_HULL_HALF_B = W_INDEX["hull_half_b"]
W_HULL_N = W_INDEX["hull_n"]
W_RULES = W_INDEX["rules"]
W_RULE_N0 = W_INDEX["rule_n0"]
W_RULE_E0 = W_INDEX["rule_e0"]
W_RULE_RES = W_INDEX["rule_res"]
NW = len(W_INDEX)

# Encounter codes (same numbers as autoship.colregs.classify).
HEAD_ON = 1
CROSSING_GIVE_WAY = 2
CROSSING_STAND_ON = 3
OVERTAKING = 4
OVERTAKEN = 5

# Own duty towards a target.
DUTY_NONE = 0
DUTY_GIVE_WAY = 1
DUTY_STAND_ON = 2
DUTY_BOTH = 3  # head-on: both alter to starboard
DUTY_R19 = 4  # restricted visibility: every vessel acts, with rule 19(d) turn directions

HALF_PI = 0.5 * math.pi
# Coarse stride (steps) of the separation scan in ``evaluate_candidates``.
COARSE = 12


@njit
def hull_clearance(grid, g_n0, g_e0, g_res, n, e, chi, half_l, half_b, n_samples):
    """Signed clearance (m) of a hull of half length ``half_l`` and half beam ``half_b`` centred
    at (n, e) on course ``chi`` from the hazards of a distance grid: the smallest distance at
    ``n_samples`` points along the centre line minus the half beam (see ``W_HULL_HALF_L``).
    One sample (or ``half_l`` 0) takes the hull as the circle of radius ``half_l + half_b``
    round its centre."""
    if n_samples <= 1 or half_l <= 0.0:
        return sample_sdf(grid, g_n0, g_e0, g_res, n, e) - half_l - half_b
    c = math.cos(chi)
    s = math.sin(chi)
    m = np.inf
    for i in range(n_samples):
        x = -half_l + 2.0 * half_l * i / (n_samples - 1)
        d = sample_sdf(grid, g_n0, g_e0, g_res, n + x * c, e + x * s)
        if d < m:
            m = d
    return m - half_b


@njit
def target_at(j, k, dt, tn, te, tvn, tve, tpn, tpe):
    """Predicted (north, east) of target ``j`` at step ``k``: along its predicted path when one
    is given (``tpn[j, 0]`` not NaN, e.g. following a channel: ``lanes.channel_paths``), else at
    constant velocity."""
    if tpn is not None and not math.isnan(tpn[j, 0]):
        return tpn[j, k], tpe[j, k]
    t = k * dt
    return tn[j] + tvn[j] * t, te[j] + tve[j] * t


@njit
def target_velocity(j, k, dt, tvn, tve, tpn, tpe):
    """Predicted velocity of target ``j`` over the step ending at ``k`` (k >= 1)."""
    if tpn is not None and not math.isnan(tpn[j, 0]):
        return (tpn[j, k] - tpn[j, k - 1]) / dt, (tpe[j, k] - tpe[j, k - 1]) / dt
    return tvn[j], tve[j]


@njit
def own_decays(own, dt, nsteps, dec_chi_mid, dec_u_mid, dec_chi_end):
    """Response factors shared by every candidate: the fraction of the initial course error
    left at each step's midpoint and end (0 before the dead time ends counts as "all of it"),
    and the fraction of the initial speed error left at each midpoint."""
    t_chi = own[O_T_CHI]
    t_u = own[O_T_U]
    t_del = own[O_T_DELAY]
    for k in range(1, nsteps + 1):
        tm = (k - 0.5) * dt
        tk = k * dt
        dec_chi_mid[k] = 1.0 if tm <= t_del else math.exp(-(tm - t_del) / t_chi)
        dec_chi_end[k] = 1.0 if tk <= t_del else math.exp(-(tk - t_del) / t_chi)
        dec_u_mid[k] = math.exp(-tm / t_u)


@njit
def course_profile(own, chi_cmd, nsteps, dcm, dce, cos_mid, sin_mid, trk_chi):
    """Course at each step end and the cosine/sine of the midpoint course for one command
    (shared by every speed fraction with that command)."""
    chi0 = own[O_CHI0]
    err0 = wrap_pi(chi0 - chi_cmd)
    trk_chi[0] = chi0
    for k in range(1, nsteps + 1):
        chi = chi_cmd + err0 * dcm[k]
        cos_mid[k] = math.cos(chi)
        sin_mid[k] = math.sin(chi)
        trk_chi[k] = chi_cmd + err0 * dce[k]


@njit
def course_profile2(own, chi_cmd, chi_cmd2, k_sw, dt, nsteps, dcm, dce, cos_mid, sin_mid, trk_chi):
    """``course_profile`` for a command ``chi_cmd`` changed to ``chi_cmd2`` at the end of step
    ``k_sw``: from there the course relaxes to the new command with the same time constant
    (the dead time has long passed). Equal commands give ``course_profile`` exactly."""
    course_profile(own, chi_cmd, nsteps, dcm, dce, cos_mid, sin_mid, trk_chi)
    if chi_cmd2 == chi_cmd or k_sw >= nsteps:
        return
    chi_sw = trk_chi[k_sw]
    err = wrap_pi(chi_sw - chi_cmd2)
    t_chi = own[O_T_CHI]
    for k in range(k_sw + 1, nsteps + 1):
        chi = chi_cmd2 + err * math.exp(-((k - k_sw) - 0.5) * dt / t_chi)
        cos_mid[k] = math.cos(chi)
        sin_mid[k] = math.sin(chi)
        trk_chi[k] = chi_cmd2 + err * math.exp(-(k - k_sw) * dt / t_chi)


@njit
def own_positions(own, u_cmd, dt, nsteps, dum, cos_mid, sin_mid, trk_n, trk_e):
    """Positions for one speed command along a course profile."""
    du0 = own[O_U0] - u_cmd
    n = own[O_N]
    e = own[O_E]
    trk_n[0] = n
    trk_e[0] = e
    for k in range(1, nsteps + 1):
        u = u_cmd + du0 * dum[k]
        n += u * cos_mid[k] * dt
        e += u * sin_mid[k] * dt
        trk_n[k] = n
        trk_e[k] = e


@njit
def own_track_fast(own, chi_cmd, u_cmd, dt, nsteps, dcm, dum, dce, trk_n, trk_e, trk_chi):
    """``own_track`` with the response factors of ``own_decays`` precomputed."""
    cos_mid = np.empty(nsteps + 1)
    sin_mid = np.empty(nsteps + 1)
    course_profile(own, chi_cmd, nsteps, dcm, dce, cos_mid, sin_mid, trk_chi)
    own_positions(own, u_cmd, dt, nsteps, dum, cos_mid, sin_mid, trk_n, trk_e)


@njit
def own_track(own, chi_cmd, u_cmd, dt, nsteps, trk_n, trk_e, trk_chi):
    """Predicted own positions and courses at t = k dt, k = 0..nsteps, for one command."""
    dcm = np.empty(nsteps + 1)
    dum = np.empty(nsteps + 1)
    dce = np.empty(nsteps + 1)
    own_decays(own, dt, nsteps, dcm, dum, dce)
    own_track_fast(own, chi_cmd, u_cmd, dt, nsteps, dcm, dum, dce, trk_n, trk_e, trk_chi)


@njit
def now_tcpa(own, tn, te, tvn, tve):
    """Time to CPA (s, at least 0) of a constant-velocity target against the own ship on its
    present course and speed over ground."""
    von = own[O_U0] * math.cos(own[O_CHI0])
    voe = own[O_U0] * math.sin(own[O_CHI0])
    vn = tvn - von
    ve = tve - voe
    v2 = vn * vn + ve * ve
    if v2 <= 1e-12:
        return 0.0
    return max(0.0, -((tn - own[O_N]) * vn + (te - own[O_E]) * ve) / v2)


@njit
def tail_cpa(own, trk_n, trk_e, nsteps, dt, t_tail, tn, te, tvn, tve):
    """(distance, time after the horizon) of the closest approach in the ``t_tail`` seconds
    after the horizon, own ship on its last predicted velocity, target at constant velocity."""
    t_end = nsteps * dt
    von = (trk_n[nsteps] - trk_n[nsteps - 1]) / dt
    voe = (trk_e[nsteps] - trk_e[nsteps - 1]) / dt
    pn = tn + tvn * t_end - trk_n[nsteps]
    pe = te + tve * t_end - trk_e[nsteps]
    vn = tvn - von
    ve = tve - voe
    v2 = vn * vn + ve * ve
    t = 0.0
    if v2 > 1e-12:
        t = min(max(-(pn * vn + pe * ve) / v2, 0.0), t_tail)
    return math.sqrt((pn + vn * t) ** 2 + (pe + ve * t) ** 2), t


@njit
def evaluate_candidates(
    own,
    dchi,
    uf,
    dchi2,
    tn,
    te,
    tvn,
    tve,
    r_safe,
    r_col,
    code,
    duty,
    free,
    at_risk,
    beta_now,
    idx,
    w,
    grid,
    g_n0,
    g_e0,
    g_res,
    trk_n,
    trk_e,
    trk_chi,
    cost,
    min_margin,
    min_clear,
    rules=None,
    tpn=None,
    tpe=None,
):
    """Cost of every candidate (course offset ``dchi[i]`` from the route course, speed fraction
    ``uf[i]``, course offset ``dchi2[i]`` from step ``W_STAGE2_STEP`` on) against the targets
    listed in ``idx``; see the module docstring. A two-stage candidate is judged by its larger
    turn (what the other ship sees as the manoeuvre), its change penalty by the first.

    Writes ``cost[i]``, ``min_margin[i]`` (smallest predicted distance minus the target's
    contact distance ``r_col``, m, over targets the ship has to act for; the distance is capped
    at ``r_safe``, or at ``max(1, W_COLREG_RANGE) * r_safe`` for a ship it gives way to) and
    ``min_clear[i]`` (smallest chart clearance along the track, m; +inf without a chart).
    ``trk_*`` are scratch arrays of length ``nsteps + 1``. ``rules`` (6, nr, nc): the chart's
    lanes, zones and channels (``lanes.kernel_rasters``) on the grid ``W_RULE_*``, or None.
    ``tpn``/``tpe`` (ships, nsteps + 1): predicted target paths where a row's first entry is not
    NaN (targets with intent: ``lanes.channel_paths``); constant velocity otherwise or when None.
    A path moves at most the target's observed speed per step, so the coarse-interval bound
    below holds for it too.
    """
    nc = dchi.shape[0]
    nsteps = int(w[W_NSTEPS])
    dt = w[W_DT]
    t_disc = w[W_TDISC]
    w_coll = w[W_COLL]
    w_hit = w[W_HIT]
    na_rad = w[W_NA_RAD]
    turn_rad = w[W_TURN_RAD]
    has_chart = w[W_HAS_CHART] != 0.0
    clear_req = w[W_CLEAR_REQ]
    clear_hit = w[W_CLEAR_HIT]
    half_l = w[W_HULL_HALF_L]
    half_b = w[W_HULL_HALF_B]
    n_h = int(w[W_HULL_N])
    nt = idx.shape[0]

    give_way_risk = False
    for jj in range(nt):
        j = idx[jj]
        if at_risk[j] and (duty[j] == DUTY_GIVE_WAY or duty[j] == DUTY_BOTH or duty[j] == DUTY_R19):
            give_way_risk = True

    dcm = np.empty(nsteps + 1)
    dum = np.empty(nsteps + 1)
    dce = np.empty(nsteps + 1)
    own_decays(own, dt, nsteps, dcm, dum, dce)
    cap_f = max(1.0, w[W_COLREG_RANGE])
    # Coarse intervals (every COARSE-th step) where a target cannot come within ``cap`` of any
    # candidate with a given speed fraction are skipped for those candidates: same result, less
    # scanning. At time t the own ship is within its path length L(t) of the start (L is
    # the running sum of the step lengths of the prediction, the same for every course), and
    # between interval ends the target's distance from the start changes at most |v_t| dt.
    n_iv = (nsteps + COARSE - 1) // COARSE
    speeds = np.empty(nc)
    grp = np.empty(nc, dtype=np.int64)
    n_g = 0
    for i in range(nc):
        g = -1
        for q in range(n_g):
            if speeds[q] == uf[i]:
                g = q
        if g < 0:
            speeds[n_g] = uf[i]
            g = n_g
            n_g += 1
        grp[i] = g
    near_iv = np.zeros((n_g, nt, n_iv), dtype=np.bool_)
    any_near = np.zeros((n_g, nt), dtype=np.bool_)
    path = np.empty(nsteps + 1)
    for g in range(n_g):
        u_c = speeds[g] * own[O_U_REF]
        du0 = own[O_U0] - u_c
        path[0] = 0.0
        for k in range(1, nsteps + 1):
            path[k] = path[k - 1] + abs(u_c + du0 * dum[k]) * dt
        for jj in range(nt):
            j = idx[jj]
            cap = (cap_f if duty[j] == DUTY_GIVE_WAY or duty[j] == DUTY_BOTH else 1.0) * r_safe[j]
            vt = math.sqrt(tvn[j] * tvn[j] + tve[j] * tve[j])
            ga = math.sqrt((tn[j] - own[O_N]) ** 2 + (te[j] - own[O_E]) ** 2)
            for iv in range(n_iv):
                ka = iv * COARSE
                kb = min(ka + COARSE, nsteps)
                qn, qe = target_at(j, kb, dt, tn, te, tvn, tve, tpn, tpe)
                gb = math.sqrt((qn - own[O_N]) ** 2 + (qe - own[O_E]) ** 2)
                if 0.5 * (ga + gb) - 0.5 * vt * (kb - ka) * dt - path[kb] < cap:
                    near_iv[g, jj, iv] = True
                    any_near[g, jj] = True
                ga = gb
    cos_mid = np.empty(nsteps + 1)
    sin_mid = np.empty(nsteps + 1)
    t_refs = np.empty(nt)
    for jj in range(nt):
        j = idx[jj]
        t_refs[jj] = now_tcpa(own, tn[j], te[j], tvn[j], tve[j])
    last_chi = np.nan
    last_chi2 = np.nan
    k_sw = int(w[W_STAGE2_STEP])

    # A duty to act for one ship (giving way, or a stand-on ship freed by 17(a)(ii)/(b))
    # outweighs standing on for another: the stand-on duty holds only "where one of two vessels
    # is to keep out of the way" (rule 17(a)).
    acting = give_way_risk
    for jj in range(nt):
        j = idx[jj]
        if at_risk[j] and duty[j] == DUTY_STAND_ON and free[j]:
            acting = True
    w_so = w[W_STANDON] * (0.1 if acting else 1.0)
    for i in range(nc):
        chi_c = own[O_CHI_BASE] + dchi[i]
        chi_c2 = own[O_CHI_BASE] + dchi2[i]
        # Candidates sharing their courses share the trigonometry.
        if chi_c != last_chi or chi_c2 != last_chi2:
            course_profile2(
                own, chi_c, chi_c2, k_sw, dt, nsteps, dcm, dce, cos_mid, sin_mid, trk_chi
            )
            last_chi = chi_c
            last_chi2 = chi_c2
        own_positions(own, uf[i] * own[O_U_REF], dt, nsteps, dum, cos_mid, sin_mid, trk_n, trk_e)
        u_cand_max = max(own[O_U0], uf[i] * own[O_U_REF])
        two = dchi2[i] != dchi[i]
        keep = dchi[i] == 0.0 and uf[i] == 1.0 and not two
        turn = dchi2[i] if abs(dchi2[i]) > abs(dchi[i]) else dchi[i]
        # Deviation counts from the route or from the base course, whichever is nearer: during
        # an encounter holding the base course is free (the route's LOS course points back
        # across the track and would pull the ship out of its turn), and so is rejoining the
        # route when the traffic allows it.
        dev = min(abs(wrap_pi(chi_c - own[O_CHI_ROUTE])), abs(dchi[i]))
        if two:
            dev = max(dev, min(abs(wrap_pi(chi_c2 - own[O_CHI_ROUTE])), abs(dchi2[i])))
        c = w[W_COURSE] * (dev / HALF_PI) ** 2 + w[W_SPEED] * (1.0 - uf[i])
        c += w[W_CHANGE_COURSE] * abs(wrap_pi(dchi[i] - own[O_DCHI_PREV])) / HALF_PI
        c += w[W_CHANGE_SPEED] * abs(uf[i] - own[O_UF_PREV])
        if two and give_way_risk:
            c += w[W_LATER]
        if give_way_risk and uf[i] > 0.5:
            x = turn / na_rad
            if x * x < 1.0:
                c += w[W_NA] * (1.0 - x * x)

        mm = np.inf
        for jj in range(nt):
            j = idx[jj]
            rs = r_safe[j]
            rs2 = rs * rs
            rc = r_col[j]
            cap = (cap_f if duty[j] == DUTY_GIVE_WAY or duty[j] == DUTY_BOTH else 1.0) * rs
            # Coarse-to-fine scan: every COARSE-th step first; the steps in between are looked
            # at only where the separation could dip below ``cap`` (relative speed is at most
            # ``vmax``). Nothing below ``cap`` is ever skipped, so with the distance capped at
            # ``cap`` the result equals a full scan.
            vmax = u_cand_max + math.sqrt(tvn[j] * tvn[j] + tve[j] * tve[j])
            t_ref = t_refs[jj]
            best_d2 = np.inf
            kbest = 0
            risk = 0.0
            prev_k = -1
            prev_d2 = 0.0
            gi = grp[i]
            for iv in range(n_iv if any_near[gi, jj] else 0):
                if not near_iv[gi, jj, iv]:
                    continue
                ka = iv * COARSE
                kb = min(ka + COARSE, nsteps)
                if prev_k == ka:
                    da2 = prev_d2
                else:
                    qn, qe = target_at(j, ka, dt, tn, te, tvn, tve, tpn, tpe)
                    dn = qn - trk_n[ka]
                    de = qe - trk_e[ka]
                    da2 = dn * dn + de * de
                qn, qe = target_at(j, kb, dt, tn, te, tvn, tve, tpn, tpe)
                dn = qn - trk_n[kb]
                de = qe - trk_e[kb]
                db2 = dn * dn + de * de
                prev_k = kb
                prev_d2 = db2
                # Between the two ends the separation is at least min(d_a, d_b) minus half the
                # interval's relative travel; compare squares, no square root.
                lim = cap + 0.5 * vmax * (kb - ka) * dt
                lim2 = lim * lim
                fine = da2 < lim2 or db2 < lim2
                k0 = ka + 1 if fine else kb
                for k in range(k0, kb + 1):
                    t = k * dt
                    qn, qe = target_at(j, k, dt, tn, te, tvn, tve, tpn, tpe)
                    dn = qn - trk_n[k]
                    de = qe - trk_e[k]
                    d2 = dn * dn + de * de
                    if d2 < best_d2:
                        best_d2 = d2
                        kbest = k
                    if d2 < rs2:
                        d = math.sqrt(d2)
                        val = w_coll * (rs - d) / rs
                        if d < rc:
                            val += w_hit
                        val = val / (1.0 + min(t, t_ref) / t_disc)
                        if val > risk:
                            risk = val
            if w[W_TAIL_S] > 0.0 and nsteps >= 1:
                # Past the horizon the target runs on at its last predicted velocity.
                if tpn is not None and not math.isnan(tpn[j, 0]):
                    qn, qe = target_at(j, nsteps, dt, tn, te, tvn, tve, tpn, tpe)
                    vn_l, ve_l = target_velocity(j, nsteps, dt, tvn, tve, tpn, tpe)
                    t_end = nsteps * dt
                    q0n, q0e = qn - vn_l * t_end, qe - ve_l * t_end
                else:
                    q0n, q0e, vn_l, ve_l = tn[j], te[j], tvn[j], tve[j]
                tail = tail_cpa(own, trk_n, trk_e, nsteps, dt, w[W_TAIL_S], q0n, q0e, vn_l, ve_l)
                d_tail = tail[0]
                if d_tail * d_tail < best_d2:
                    # The passing geometry is read at the horizon's end, the last predicted
                    # state before that closest approach.
                    best_d2 = d_tail * d_tail
                    kbest = nsteps
                if d_tail < rs:
                    val = w_coll * (rs - d_tail) / rs
                    if d_tail < rc:
                        val += w_hit
                    val = val / (1.0 + min(nsteps * dt + tail[1], t_ref) / t_disc)
                    if val > risk:
                        risk = val
            dmin = min(math.sqrt(best_d2), cap)
            # Rule 17(a)(i): towards a give-way vessel the stand-on ship keeps course and speed
            # until freed (17(a)(ii) inside r3, 17(b) inside r4), so that target's predicted risk
            # neither steers it nor makes keeping course and speed unsafe before then. Any other
            # candidate is a manoeuvre all the same and must not run into her.
            if not (duty[j] == DUTY_STAND_ON and not free[j] and keep):
                c += risk
                if dmin - rc < mm:
                    mm = dmin - rc

            dj = duty[j]
            cj = code[j]
            if dmin < w[W_COLREG_RANGE] * rs and dj in (DUTY_GIVE_WAY, DUTY_BOTH):
                qn, qe = target_at(j, kbest, dt, tn, te, tvn, tve, tpn, tpe)
                pn = qn - trk_n[kbest]
                pe = qe - trk_e[kbest]
                vn_k, ve_k = target_velocity(j, max(kbest, 1), dt, tvn, tve, tpn, tpe)
                chi_t = math.atan2(ve_k, vn_k)
                beta = wrap_pi(math.atan2(pe, pn) - trk_chi[kbest])
                alpha = wrap_pi(math.atan2(-pe, -pn) - chi_t)
                if dj == DUTY_GIVE_WAY and cj in (CROSSING_GIVE_WAY, CROSSING_STAND_ON):
                    if w[W_AHEAD_AMIN] < alpha < w[W_AHEAD_AMAX]:
                        c += w[W_AHEAD]
                elif dj == DUTY_GIVE_WAY and cj == OVERTAKING:
                    if abs(alpha) < w[W_OT_AHEAD]:
                        c += w[W_AHEAD]
                elif dj == DUTY_BOTH:
                    # Starboard-to-starboard penalty of the Hagen AIS code (Minne 2017), signs
                    # flipped for NED: 0 port-to-port, 1 starboard-to-starboard.
                    a = (1.0 - math.sin(alpha)) / 2.0
                    b = (1.0 - math.sin(beta)) / 2.0
                    c += w[W_STS] * (1.0 - a * a * b * b)

            if at_risk[j]:
                if dj == DUTY_BOTH and turn < -turn_rad:
                    c += w[W_PORT_HO] * (0.5 + 0.5 * min(1.0, -turn / na_rad))
                elif dj == DUTY_GIVE_WAY and cj == CROSSING_GIVE_WAY and turn < -turn_rad:
                    c += w[W_PORT_GW] * (0.5 + 0.5 * min(1.0, -turn / na_rad))
                elif dj == DUTY_STAND_ON:
                    if not free[j]:
                        c += w_so * (min(1.0, abs(turn) / na_rad) + (1.0 - uf[i]))
                    if cj == CROSSING_STAND_ON and turn < -turn_rad:
                        c += w[W_PORT_17C] * (0.5 + 0.5 * min(1.0, -turn / na_rad))
                elif dj == DUTY_R19:
                    b = beta_now[j]
                    if abs(b) < HALF_PI and cj != OVERTAKEN and turn < -turn_rad:
                        c += w[
                            W_R19_PORT
                        ]  # 19(d)(i): no port turn for a vessel forward of the beam
                    elif abs(b) >= HALF_PI and abs(turn) > turn_rad and turn * b > 0.0:
                        c += w[W_R19_TOWARDS]  # 19(d)(ii): no turn towards one abeam or abaft
        min_margin[i] = mm

        cmin = np.inf
        if has_chart:
            g = 0.0
            for k in range(1, min(nsteps, int(w[W_GROUND_STEPS])) + 1):
                s = hull_clearance(
                    grid, g_n0, g_e0, g_res, trk_n[k], trk_e[k], trk_chi[k], half_l, half_b, n_h
                )
                s += half_l + half_b
                if s < cmin:
                    cmin = s
                if s < clear_req:
                    x = (clear_req - s) / clear_req
                    val = w[W_GROUND] * x * x
                    if s < clear_hit:
                        val += w[W_GROUND_HIT]
                    val = val / (1.0 + k * dt / t_disc)
                    if val > g:
                        g = val
            c += g
        min_clear[i] = cmin
        if rules is not None and w[W_RULES] > 0.0:
            kr = max(1, min(nsteps, int(w[W_GROUND_STEPS])))
            nr = rules.shape[1]
            ncol = rules.shape[2]
            ex = 0.0
            for k in range(1, kr + 1):
                ri = int(math.floor((trk_n[k] - w[W_RULE_N0]) / w[W_RULE_RES] + 0.5))
                rj = int(math.floor((trk_e[k] - w[W_RULE_E0]) / w[W_RULE_RES] + 0.5))
                if ri < 0 or rj < 0 or ri >= nr or rj >= ncol:
                    continue
                ex += (
                    rule_factor(
                        math.cos(trk_chi[k]),
                        math.sin(trk_chi[k]),
                        ri,
                        rj,
                        rules[0],
                        rules[1],
                        rules[2],
                        rules[3],
                        rules[4],
                        rules[5],
                    )
                    - 1.0
                )
            c += w[W_RULES] * ex / kr
        cost[i] = c


@njit
def encounter_geometry(
    own_n, own_e, own_vn, own_ve, tn, te, tvn, tve, rng, dcpa, tcpa, beta, alpha
):
    """Range, CPA/TCPA (constant velocities) and encounter angles (COG based, beta and alpha
    in (-pi, pi]) of every ship relative to the own ship."""
    chi_o = math.atan2(own_ve, own_vn)
    for j in range(tn.shape[0]):
        pn = tn[j] - own_n
        pe = te[j] - own_e
        vn = tvn[j] - own_vn
        ve = tve[j] - own_ve
        rng[j] = math.sqrt(pn * pn + pe * pe)
        v2 = vn * vn + ve * ve
        if v2 <= 1e-12:
            tcpa[j] = 0.0
            dcpa[j] = rng[j]
        else:
            t = -(pn * vn + pe * ve) / v2
            tcpa[j] = t
            dcpa[j] = math.hypot(pn + vn * t, pe + ve * t)
        beta[j] = wrap_pi(math.atan2(pe, pn) - chi_o)
        alpha[j] = wrap_pi(math.atan2(-pe, -pn) - math.atan2(tve[j], tvn[j]))
