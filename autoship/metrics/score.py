"""Score one run folder: encounters, roles, rule scores, domains, gates (one ``runs`` entry).

Pipeline: tracks -> ``scan_pairs`` kernel (continuous minimum range, risk detection, situation
lock and release per ship pair) -> ``measure_sides`` kernel (manoeuvre, domain, stages per
encounter and point of view) -> rule 18/19 roles and rule scores in Python (few encounters).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import autoship
from autoship.colregs.classify import (
    CODE_NAMES,
    CODE_TYPE,
    MIRROR,
    OVERTAKEN,
    OVERTAKING,
    classification_params,
    classify,
)
from autoship.colregs.domains import domain_params
from autoship.colregs.profile import Profile, load_profile
from autoship.colregs.roles import ship_category
from autoship.colregs.scores import EncounterFacts, score_encounter
from autoship.errors import ProfileError, RunFolderError
from autoship.geometry import cpa_tcpa, hulls_overlap
from autoship.metrics import _kernels as kern
from autoship.metrics.duties import deliberate_course, still_flags
from autoship.metrics.navigation import ChartContext
from autoship.metrics.progress import ship_progress
from autoship.metrics.sides import resolve_duties, side_facts
from autoship.metrics.tracks import Tracks, angles, pair_range
from autoship.units import NAUTICAL_MILE

if TYPE_CHECKING:
    from autoship.record import Run

# Planners that do not avoid anything: a ship driven by one is traffic, not a system under test.
PASSIVE_PLANNERS = frozenset({"", "none", "keep-course", "keep_course", "waypoint", "replay"})


def is_autonomous(ship: dict[str, Any]) -> bool:
    """Whether a ship record is a system under test: its ``under_test`` flag, which the
    simulator writes (own ship, or a ship driven by an avoiding planner, not replayed traffic
    nor a ship told to ignore its duty). Run folders from before the flag fall back to that rule
    on the planner's name (``autoship.record.legacy_under_test``)."""
    from autoship.record import ship_under_test

    return ship_under_test(ship)


def scan_params(profile: Profile) -> np.ndarray:
    return np.array(
        [
            profile.stages.r1_m,
            profile.stages.r2_m,
            profile.risk.dcpa_m,
            profile.risk.tcpa_max_s,
            math.radians(profile.classification.stern_sector_deg),
        ]
    )


def scan(
    tr: Tracks,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    profile: Profile,
    length: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Run the pair-scan kernel; returns per-pair and per-(pair, slot) arrays. ``length``
    (per ship, m) scales each pair's risk distance (``duties.risk_distance``)."""
    P = pair_i.shape[0]
    if length is None:
        length = np.zeros(tr.north.shape[0])
    lmax = np.maximum(length[pair_i], length[pair_j]) if P else np.zeros(0)
    pair_dsq = np.maximum(profile.risk.dcpa_m, profile.risk.dcpa_lengths * lmax) ** 2
    M = kern.MAX_ENC
    out = {
        "pmin_r": np.full(P, np.inf),
        "pmin_t": np.full(P, np.nan),
        "n_enc": np.zeros(P, dtype=np.int64),
        "k0": np.full((P, M), -1, dtype=np.int64),
        "kc": np.full((P, M), -1, dtype=np.int64),
        "k1": np.full((P, M), -1, dtype=np.int64),
        "code": np.zeros((P, M), dtype=np.int64),
        "kcpa": np.full((P, M), -1, dtype=np.int64),
        "rcpa": np.full((P, M), np.nan),
        "tcpa_t": np.full((P, M), np.nan),
        "dcpa0": np.full((P, M), np.nan),
        "tcpa0": np.full((P, M), np.nan),
    }
    kern.scan_pairs(
        tr.t, tr.north, tr.east, tr.vn, tr.ve, tr.cog, tr.sog,
        np.ascontiguousarray(pair_i, dtype=np.int64), np.ascontiguousarray(pair_j, dtype=np.int64),
        classification_params(profile), scan_params(profile),
        np.ascontiguousarray(pair_dsq, dtype=np.float64),
        out["pmin_r"], out["pmin_t"], out["n_enc"], out["k0"], out["kc"], out["k1"], out["code"],
        out["kcpa"], out["rcpa"], out["tcpa_t"], out["dcpa0"], out["tcpa0"],
    )  # fmt: skip
    return out


def measure(
    tr: Tracks,
    length: np.ndarray,
    own: np.ndarray,
    tgt: np.ndarray,
    k0: np.ndarray,
    kcpa: np.ndarray,
    k1: np.ndarray,
    code: np.ndarray,
    profile: Profile,
) -> dict[str, np.ndarray]:
    """Run the per-side measurement kernel over encounter sides (own ship's point of view)."""
    n = own.shape[0]
    out = {
        name: np.full(n, -1, dtype=np.int64)
        for name in ("k_man", "k_port", "k_man_tgt", "k_st2", "k_st3", "k_st4")
    }
    for name in ("max_stbd", "max_port", "red", "inc", "port_off", "fujii", "coldwell"):
        out[name] = np.zeros(n)
    m = profile.manoeuvre
    mp = np.array(
        [
            math.radians(m.course_detect_deg),
            m.speed_detect_mps,
            profile.stages.r2_m,
            profile.stages.r3_m,
            profile.stages.r4_m,
        ]
    )
    overtaking = np.isin(code, (OVERTAKING, OVERTAKEN))
    i64 = np.int64
    kern.measure_sides(
        tr.north, tr.east, tr.cog, tr.sog, np.cos(tr.heading), np.sin(tr.heading),
        np.asarray(length, dtype=np.float64),
        own.astype(i64), tgt.astype(i64), k0.astype(i64), kcpa.astype(i64), k1.astype(i64),
        overtaking, mp, domain_params(profile),
        out["k_man"], out["k_port"], out["k_man_tgt"], out["max_stbd"], out["max_port"],
        out["red"], out["inc"], out["port_off"], out["fujii"], out["coldwell"],
        out["k_st2"], out["k_st3"], out["k_st4"],
    )  # fmt: skip
    return out


def _num(x: Any, nd: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    return round(x, nd)


def _hull_contact(tr: Tracks, ships: list[dict[str, Any]], i: int, j: int, k: int) -> bool:
    """Hull-footprint contact near record k (records k-1..k+1)."""
    n_rec = tr.t.shape[0]
    li, bi = float(ships[i].get("length_m") or 0.0), float(ships[i].get("beam_m") or 0.0)
    lj, bj = float(ships[j].get("length_m") or 0.0), float(ships[j].get("beam_m") or 0.0)
    for kk in range(max(0, k - 1), min(n_rec, k + 2)):
        vals = (tr.north[i, kk], tr.east[i, kk], tr.north[j, kk], tr.east[j, kk])
        if not all(math.isfinite(v) for v in vals):
            continue
        if hulls_overlap(
            float(tr.north[i, kk]), float(tr.east[i, kk]), float(tr.heading[i, kk]), li, bi,
            float(tr.north[j, kk]), float(tr.east[j, kk]), float(tr.heading[j, kk]), lj, bj,
        ):  # fmt: skip
            return True
    return False


def score_tracks(
    arrays: dict[str, np.ndarray],
    ships: list[dict[str, Any]],
    profile: Profile,
    visibility: str = "good",
    events: list[dict[str, Any]] | None = None,
    environment: dict[str, Any] | None = None,
    chart: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score recorded tracks (run-folder arrays, ``ships`` as in meta.json, ``chart`` as the
    run folder's chart.json for the navigational-course-change test). Returns ``encounters``
    (report dicts, ordered by own ship, target, time), ``pair_i``/``pair_j`` with
    ``pair_min_range``/``pair_min_time`` (continuous minimum per scanned pair), the autonomous
    ship indices, per-ship ``progress`` and the ship-major ``tracks``. ``score_run`` adds
    run-level fields and gates."""
    events = events or []
    tr = Tracks.from_arrays(arrays)
    rate = profile.manoeuvre.turn_rate_detect_deg_s
    m = len(ships)
    auto = np.array([is_autonomous(s) for s in ships], dtype=bool)
    if not auto.any():
        # Nothing is under test (e.g. a pure traffic replay): score every pair.
        auto[:] = True
    length = np.array([float(s.get("length_m") or 0.0) for s in ships])
    ii, jj = np.triu_indices(m, k=1)
    keep = auto[ii] | auto[jj]
    pair_i, pair_j = ii[keep].astype(np.int64), jj[keep].astype(np.int64)
    sc = scan(tr, pair_i, pair_j, profile, length)

    # Encounter sides: (pair, slot, own, target, code as seen by own)
    rows = []
    n_slots = np.minimum(sc["n_enc"], kern.MAX_ENC)
    for p in np.nonzero(n_slots)[0]:
        for s in range(n_slots[p]):
            c = int(sc["code"][p, s])
            if auto[pair_i[p]]:
                rows.append((p, s, pair_i[p], pair_j[p], c))
            if auto[pair_j[p]]:
                rows.append((p, s, pair_j[p], pair_i[p], int(MIRROR[c])))
    if rows:
        R = np.array(rows, dtype=np.int64)
        meas = measure(
            tr, length,
            R[:, 2], R[:, 3], sc["k0"][R[:, 0], R[:, 1]], sc["kcpa"][R[:, 0], R[:, 1]],
            sc["k1"][R[:, 0], R[:, 1]], R[:, 4], profile,
        )  # fmt: skip
    else:
        R = np.zeros((0, 5), dtype=np.int64)
        meas = {}

    cats = [ship_category(s) for s in ships]
    # Wind (rad, coming from) for rule 12; none recorded or calm: rule 12 not evaluated.
    env = environment or {}
    wind = None
    ws, wf = env.get("wind_speed_ms"), env.get("wind_from_rad")
    if isinstance(ws, (int, float)) and isinstance(wf, (int, float)) and ws > 0.0:
        wind = float(wf)
    rv = str(visibility).lower() == "restricted"
    still = still_flags(tr.t, tr.sog, profile) if R.shape[0] else None
    chart_ctx = ChartContext(chart)
    delib = (
        deliberate_course(tr.t, tr.north, tr.east, rate, tr.cog)
        if rate > 0 and R.shape[0]
        else None
    )
    sides = [
        side_facts(
            tr,
            ships,
            cats,
            length,
            profile,
            sc,
            meas,
            still,
            chart_ctx,
            rv,
            wind,
            e,
            R[e],
            delib,
        )  # fmt: skip
        for e in range(R.shape[0])
    ]
    ids = [str(s.get("id", k)) for k, s in enumerate(ships)]
    resolve_duties(sides, ids)
    collided = _collision_pairs(events, ids)
    encounters: list[dict[str, Any]] = []
    for e in range(R.shape[0]):
        p, s, o, q, c = (int(x) for x in R[e])
        encounters.append(
            _encounter_entry(
                tr,
                ships,
                ids,
                cats,
                profile,
                rv,
                sc,
                meas,
                e,
                p,
                s,
                o,
                q,
                c,
                collided,
                wind,
                sides[e],
            )
        )
    # Ships with no encounter against an autonomous ship still get a "none" entry, with the
    # constant-velocity CPA/TCPA at the first record (NaN where a track starts later).
    has_enc = {(int(r[2]), int(r[3])) for r in R}
    rel0 = [a[pair_j, 0] - a[pair_i, 0] for a in (tr.north, tr.east, tr.vn, tr.ve)]
    ok0 = np.logical_and.reduce([np.isfinite(x) for x in rel0])
    d0 = np.full(pair_i.shape, np.nan)
    t0 = np.full(pair_i.shape, np.nan)
    if ok0.any():
        d0[ok0], t0[ok0] = cpa_tcpa(*(x[ok0] for x in rel0))

    # Built in bulk (thousands of entries in a dense all-autonomous run).
    def rounded(x: np.ndarray) -> list[float | None]:
        return [v if math.isfinite(v) else None for v in np.round(x, 1).tolist()]

    cpa_l, tcpa_l, rmin_l = rounded(d0), rounded(t0), rounded(sc["pmin_r"])
    near_l = (sc["pmin_r"] < profile.safety.r_nm_m).tolist()
    auto_l = auto.tolist()
    pi_l, pj_l = pair_i.tolist(), pair_j.tolist()
    for p in range(len(pi_l)):
        for o, q in ((pi_l[p], pj_l[p]), (pj_l[p], pi_l[p])):
            if auto_l[o] and (o, q) not in has_enc:
                encounters.append(
                    {
                        "own": ids[o],
                        "target": ids[q],
                        "type": "none",
                        "own_role": "none",
                        "cpa_m": cpa_l[p],
                        "tcpa_s": tcpa_l[p],
                        "min_range_m": rmin_l[p],
                        "rules": {},
                        "penalties": [],
                        "score": None,
                        "safety_score": None,
                        "role_basis": "no risk of collision observed",
                        "own_category": cats[o].category,
                        "own_category_source": cats[o].source,
                        "target_category": cats[q].category,
                        "target_category_source": cats[q].source,
                        "near_miss": near_l[p],
                        "collision": frozenset((ids[o], ids[q])) in collided,
                        "hull_contact": False,
                    }
                )
    index = {sid: k for k, sid in enumerate(ids)}
    encounters.sort(key=lambda d: (index[d["own"]], index[d["target"]]))
    progress = {}
    for k in np.nonzero(auto)[0]:
        g = ships[k].get("goal")
        goal = None
        if isinstance(g, dict) and all(isinstance(g.get(x), (int, float)) for x in _NE):
            goal = (float(g["north_m"]), float(g["east_m"]))
        pr = ship_progress(
            tr.t, tr.north[k], tr.east[k], tr.sog[k], tr.cog[k], float(length[k]), goal, profile
        )
        if pr is not None:
            progress[ids[k]] = pr
    return {
        "encounters": encounters,
        "pair_i": pair_i,
        "pair_j": pair_j,
        "pair_min_range": sc["pmin_r"],
        "pair_min_time": sc["pmin_t"],
        "autonomous": np.nonzero(auto)[0],
        "progress": progress,
        "tracks": tr,
    }


_NE = ("north_m", "east_m")


def _collision_pairs(events: list[dict[str, Any]], ids: list[str]) -> dict[frozenset, float]:
    out: dict[frozenset, float] = {}
    for ev in events:
        if ev.get("kind") != "collision":
            continue
        sh = [str(x) for x in ev.get("ships", [])]
        for a in sh:
            for b in sh:
                if a != b:
                    out.setdefault(frozenset((a, b)), float(ev.get("t_s", math.nan)))
    return out


SENSITIVITY_DEG = 2.0  # bearing/aspect perturbation for the classification sensitivity [P]


def _class_alternatives(
    beta: float, alpha: float, u_own: float, u_tgt: float, code: int, profile: Profile
) -> list[str]:
    """Other encounter types reached by moving beta and alpha by up to SENSITIVITY_DEG: the
    classification sensitivity for targets near a sector boundary is reported, because published
    head-on tolerances alone range from 3 to 15 deg (docs/references.md section 1)."""
    if not (math.isfinite(beta) and math.isfinite(alpha)):
        return []
    d = math.radians(SENSITIVITY_DEG)
    steps = np.array([-d, -d / 2, 0.0, d / 2, d])
    bb, aa = np.meshgrid(beta + steps, alpha + steps)
    codes = classify(bb, aa, np.full(bb.shape, u_own), np.full(bb.shape, u_tgt), profile)
    return sorted({CODE_NAMES[k] for k in np.unique(codes).tolist()} - {CODE_NAMES[code]})


def _encounter_entry(
    tr, ships, ids, cats, profile, rv, sc, meas, e, p, s, o, q, c, collided, wind, side
):
    k0 = int(sc["k0"][p, s])
    kc = side.k_cls if side.k_cls >= 0 else int(sc["kc"][p, s])
    c = side.code
    k1 = int(sc["k1"][p, s])
    kcpa = int(sc["kcpa"][p, s])
    r_cpa = float(sc["rcpa"][p, s])
    role = side.role
    sit = side.sit
    alpha_cpa, beta_cpa = angles(tr, o, q, kcpa)
    alpha_det, beta_det = angles(tr, o, q, kc)
    alternatives = _class_alternatives(
        beta_det, alpha_det, float(tr.sog[o, kc]), float(tr.sog[q, kc]), c, profile
    )
    r0 = pair_range(tr, o, q, k0)
    k_man = side.k_man
    k_port = side.k_port
    r_man = pair_range(tr, o, q, k_man) if k_man >= 0 else math.nan
    facts = EncounterFacts(
        target_still_at_cpa=side.tgt_still_cpa,
        code=c,
        role=role.role,
        basis=role.basis,
        r_detect=min(sit.r_act, r0),
        r_cpa=r_cpa,
        alpha_cpa=alpha_cpa,
        beta_cpa=beta_cpa,
        beta_detect=beta_det,
        manoeuvred=k_man >= 0,
        r_man=r_man,
        stage_man=side.stage_man,
        max_starboard=side.max_stbd,
        max_port=side.max_port,
        r_port=pair_range(tr, o, q, k_port) if k_port >= 0 else math.nan,
        speed_reduction=float(meas["red"][e]),
        speed_increase=float(meas["inc"][e]),
        port_offset_m=float(meas["port_off"][e]),
        beam_m=float(ships[o].get("beam_m") or 0.0),
        target_acted_first=bool(side.k_man_tgt >= 0 and (k_man < 0 or side.k_man_tgt < k_man)),
        in_action=sit.in_action,
        manoeuvre_free=bool(side.free_reason),
        free_reason=side.free_reason,
        port_turn_counts=side.port_turn_counts,
        d_risk=sit.d_risk,
    )
    rules, penalties, s_safe = score_encounter(facts, profile)
    pair_collision = frozenset((ids[o], ids[q])) in collided
    hull = False
    if r_cpa < 0.5 * math.hypot(
        float(ships[o].get("length_m") or 0.0) + float(ships[q].get("length_m") or 0.0),
        float(ships[o].get("beam_m") or 0.0) + float(ships[q].get("beam_m") or 0.0),
    ):
        hull = _hull_contact(tr, ships, o, q, kcpa)
    t = tr.t
    fujii = float(meas["fujii"][e])
    cold = float(meas["coldwell"][e])
    stage_t = {
        str(n): (_num(t[int(meas[f"k_st{n}"][e])], 1) if meas[f"k_st{n}"][e] >= 0 else None)
        for n in (2, 3, 4)
    }
    return {
        "own": ids[o],
        "target": ids[q],
        "type": CODE_TYPE[c],
        "own_role": role.role,
        "cpa_m": _num(sc["dcpa0"][p, s], 1),
        "tcpa_s": _num(sc["tcpa0"][p, s], 1),
        "min_range_m": _num(r_cpa, 1),
        "rules": {k: _num(v, 4) for k, v in rules.items()},
        "penalties": penalties,
        "score": _num(float(np.mean(list(rules.values()))), 4) if rules else None,
        "safety_score": _num(s_safe, 4),
        "role_basis": role.basis,
        "role_note": role.note,
        "visibility": "restricted" if rv else "good",
        "own_category": cats[o].category,
        "own_category_source": cats[o].source,
        "target_category": cats[q].category,
        "target_category_source": cats[q].source,
        "t_detect_s": _num(t[k0], 1),
        "range_detect_m": _num(r0, 1),
        "t_classified_s": _num(t[kc], 1),
        # Classes (colregs CODE_NAMES) the classifier gives within +-SENSITIVITY_DEG of the
        # bearings at classification (empty: no sector boundary is that close).
        "class_alternatives": alternatives,
        "t_cpa_s": _num(sc["tcpa_t"][p, s], 1),
        "t_end_s": _num(t[k1], 1),
        "alpha_cpa_deg": _num(math.degrees(alpha_cpa), 1),
        "beta_cpa_deg": _num(math.degrees(beta_cpa), 1),
        "stage_entry_s": stage_t,
        # The situation stages (metrics.duties): inside the action range, 17(a)(ii) may act,
        # 17(b) shall act; None where never reached.
        "in_action_range": bool(sit.in_action),
        "action_range_m": _num(sit.r_act, 1),
        "risk_distance_m": _num(sit.d_risk, 1),
        "t_action_s": _num(t[sit.k_act], 1) if sit.k_act >= 0 else None,
        "t_may_act_s": _num(t[sit.k_may], 1) if sit.k_may >= 0 else None,
        "t_shall_act_s": _num(t[sit.k_crit], 1) if sit.k_crit >= 0 else None,
        "manoeuvre": {
            "t_s": _num(t[k_man], 1) if k_man >= 0 else None,
            "range_m": _num(r_man, 1),
            "stage": facts.stage_man or None,
            "max_starboard_deg": _num(math.degrees(facts.max_starboard), 1),
            "max_port_deg": _num(math.degrees(facts.max_port), 1),
            "speed_reduction": _num(facts.speed_reduction, 3),
            "speed_increase": _num(facts.speed_increase, 3),
            "port_offset_m": _num(facts.port_offset_m, 1),
            "navigational": bool(side.nav_man),
            "allowed_by": side.free_reason or None,
        },
        "breaches": [pen for pen in penalties if pen.get("breach")],
        "domain_violation": {
            "fujii": bool(fujii < 1.0),
            "coldwell": bool(cold < 1.0),
            # None: never within DOMAIN_RATIO_CAP domain sizes.
            "fujii_ratio": _num(fujii, 3) if fujii < kern.DOMAIN_RATIO_CAP else None,
            "coldwell_ratio": _num(cold, 3) if cold < kern.DOMAIN_RATIO_CAP else None,
        },
        "near_miss": bool(r_cpa < profile.safety.r_nm_m),
        "collision": bool(pair_collision),
        "hull_contact": bool(hull),
    }


def _track_gates(
    res: dict[str, Any],
    ids: list[str],
    profile: Profile,
    collisions: list[dict[str, Any]],
    groundings: list[dict[str, Any]],
) -> tuple[float, list[str]]:
    """(minimum separation, failed gate lines) of one scored track set: collision and
    grounding events, the separation gate, the rule gates and the progress gate."""
    pmin = res["pair_min_range"]
    min_sep = float(pmin.min()) if pmin.size else math.nan
    failed: list[str] = []
    for ev in collisions:
        failed.append(
            f"collision: {' and '.join(str(x) for x in ev.get('ships', []))} at "
            f"t={float(ev.get('t_s', math.nan)):.0f} s"
        )
    for ev in groundings:
        failed.append(
            f"grounding: {' '.join(str(x) for x in ev.get('ships', []))} at "
            f"t={float(ev.get('t_s', math.nan)):.0f} s"
        )
    if pmin.size and min_sep < profile.gates.min_separation_m:
        p = int(np.argmin(pmin))
        failed.append(
            f"separation: {ids[res['pair_i'][p]]}-{ids[res['pair_j'][p]]} came within "
            f"{_fmt_nm(min_sep)} < {profile.gates.min_separation_m:.0f} m at "
            f"t={res['pair_min_time'][p]:.0f} s"
        )
    failed += rule_gate_failures(res["encounters"], profile)
    for sid, pr in res["progress"].items():
        if not pr["passed"]:
            failed.append(
                f"progress: {sid} made good {pr['made_good_m']:.0f} m of the "
                f"{pr['expected_m']:.0f} m its mission asked"
                + (" (goal not reached)" if pr["mission"] == "goal" else " along its course")
            )
    return min_sep, failed


REC_KEYS = {
    "north": "rec_north",
    "east": "rec_east",
    "heading": "rec_heading",
    "vn": "rec_vn",
    "ve": "rec_ve",
}


def human_baseline(
    arrays: dict[str, np.ndarray],
    ships: list[dict[str, Any]],
    profile: Profile,
    visibility: str = "good",
    environment: dict[str, Any] | None = None,
    chart: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The recorded own ship scored as it really sailed (the ``rec_*`` arrays of a mined
    scenario's run), with every recorded ship on its recording: the human baseline a planner
    is compared with. None when the own ship has no recording in the run."""
    if not all(k in arrays for k in REC_KEYS.values()):
        return None
    own = [k for k, sh in enumerate(ships) if sh.get("role") == "own"]
    rec_n = np.asarray(arrays["rec_north"], dtype=np.float64)
    if not own or not any(np.isfinite(rec_n[:, k]).any() for k in own):
        return None
    human = dict(arrays)
    for name, rec in REC_KEYS.items():
        a = np.array(arrays[name], dtype=np.float64)
        r = np.asarray(arrays[rec], dtype=np.float64)
        cols = np.isfinite(rec_n).any(axis=0)
        a[:, cols] = r[:, cols]
        human[name] = a
    res = score_tracks(human, ships, profile, visibility, [], environment, chart=chart)
    ids = [str(sh.get("id", k)) for k, sh in enumerate(ships)]
    min_sep, failed = _track_gates(res, ids, profile, [], [])
    scored = [e["score"] for e in res["encounters"] if e.get("score") is not None]
    return {
        "passed": not failed,
        "min_separation_m": _num(min_sep, 1),
        "score": _num(min(scored) if scored else 1.0, 4),
        "failed_gates": failed,
        "progress": next((res["progress"][ids[k]] for k in own if ids[k] in res["progress"]), None),
    }


def _no_worse_than(failed: list[str], min_sep: float, human: dict[str, Any]) -> list[str]:
    """The gates that still fail when a mined scenario is judged against its recording: a
    failure the recorded human has too (same gate, same rule and ships) is waived, and the
    separation gate only fails below the human's own minimum. Collisions, groundings and
    progress are never waived."""
    theirs = {_gate_key(g) for g in human["failed_gates"]}
    hsep = human.get("min_separation_m")
    out = []
    for g in failed:
        key = _gate_key(g)
        if key[0] == "separation" and hsep is not None and min_sep >= hsep:
            continue
        if key[0].startswith("rule") and key in theirs:
            continue
        out.append(g)
    return out


def _gate_key(line: str) -> tuple[str, str]:
    head, _, rest = line.partition(":")
    head = head.replace(" breach", "")
    return head, rest.split("(")[0].strip() if head.startswith("rule") else ""


def _top_penalties(pens: list[dict[str, Any]], n: int = 3) -> str:
    """The penalties behind a failure, largest first (the one that drives the score leads)."""
    ranked = sorted(pens, key=lambda pen: -pen["penalty"])[:n]
    return "; ".join(f"{pen['reason']} [-{pen['penalty']:.2f}]" for pen in ranked)


def rule_gate_failures(encounters: list[dict[str, Any]], profile: Profile) -> list[str]:
    """One line per failing rule of each encounter: a rule score below
    ``gates.min_rule_score`` (inclusive gate: a score equal to the threshold passes), or a
    direction breach, which fails by itself whatever the score."""
    thr = profile.gates.min_rule_score
    out: list[str] = []
    for enc in encounters:
        head = f"{enc['own']} vs {enc['target']} ({enc['type']}, {enc['own_role']})"
        breaches = [pen for pen in enc.get("penalties", []) if pen.get("breach")]
        for rule, val in enc["rules"].items():
            if val is None or val >= thr:
                continue
            # The rule's own penalties; rules 13/15/18 build on rule 16 (give-way) and on
            # rule 17 (stand-on); then the safety score.
            pens: list[dict[str, Any]] = []
            for src in (rule, "16", "17", "safety"):
                pens = [pen for pen in enc["penalties"] if pen["rule"] == src]
                if pens:
                    break
            why = _top_penalties(pens)
            out.append(
                f"rule {rule}: {head} scored {val:.2f} < {thr:.2f}" + (f" ({why})" if why else "")
            )
        failing = {r for r, v in enc["rules"].items() if v is not None and v < thr}
        for pen in breaches:
            if pen["rule"] not in failing:
                out.append(f"rule {pen['rule']} breach: {head}: {pen['reason']}")
    return out


def _min_clearance(ships: list[dict[str, Any]], auto_ids: set[str]) -> float | None:
    """Smallest hull clearance to charted hazards the simulator recorded for an autonomous
    ship (meta ships[].min_clearance_m; None without a chart)."""
    vals = [
        float(s["min_clearance_m"])
        for s in ships
        if str(s.get("id")) in auto_ids and isinstance(s.get("min_clearance_m"), (int, float))
    ]
    return _num(min(vals), 1) if vals else None


def _fmt_nm(x: float) -> str:
    return f"{x:.0f} m ({x / NAUTICAL_MILE:.2f} nm)"


def score_run(
    run_dir: Path,
    profile: Profile | None = None,
    vs_recording: bool = False,
    *,
    run: Run | None = None,
) -> dict[str, Any]:
    """Score one run folder; returns one entry of the report's ``runs`` list. A run of a mined
    scenario also gets ``human``: its recorded own ship scored as it really sailed. With
    ``vs_recording`` the gates judge the planner as "no worse than the recording".

    ``run``, if given, is that folder's content already in memory (as ``load_run`` would give
    it): sweeps score a run without writing and re-reading it."""
    from autoship.record import load_run

    if run is None:
        run = load_run(run_dir)
    meta = run.meta
    meta_file = str(Path(run_dir) / "meta.json")
    if profile is None:
        name = meta.get("profile")
        try:
            profile = load_profile(name if isinstance(name, str) and name else None)
        except ProfileError as exc:
            raise ProfileError(exc.message, file=meta_file, field="profile") from None
    ships = meta["ships"]
    if not isinstance(ships, list) or not all(isinstance(s, dict) for s in ships):
        raise RunFolderError("must be a list of objects", file=meta_file, field="ships")
    events = meta.get("events") or []
    if not isinstance(events, list) or not all(isinstance(ev, dict) for ev in events):
        raise RunFolderError("must be a list of objects", file=meta_file, field="events")
    visibility = str(meta.get("visibility", "good"))
    if visibility not in ("good", "restricted"):
        raise RunFolderError(
            f"unknown visibility {visibility!r} (good or restricted)",
            file=meta_file,
            field="visibility",
        )
    env = meta.get("environment")
    res = score_tracks(
        run.arrays,
        ships,
        profile,
        visibility,
        events,
        environment=env if isinstance(env, dict) else None,
        chart=run.chart,
    )
    ids = [str(s.get("id", k)) for k, s in enumerate(ships)]
    auto_ids = {ids[k] for k in res["autonomous"]}

    def involves_auto(ev: dict[str, Any]) -> bool:
        return any(str(x) in auto_ids for x in ev.get("ships", []))

    collisions = [ev for ev in events if ev.get("kind") == "collision" and involves_auto(ev)]
    groundings = [ev for ev in events if ev.get("kind") == "grounding" and involves_auto(ev)]
    # Rules 9(a) and 10 from the chart's routeing objects, as entries shaped like encounters so
    # that the gates and the reports list them with the other rules (metrics/routing_rules.py).
    from autoship.metrics.routing_rules import routing_entries

    res["encounters"] += routing_entries(run.chart, res, ships, profile)
    min_sep, failed = _track_gates(res, ids, profile, collisions, groundings)
    scored = [enc["score"] for enc in res["encounters"] if enc.get("score") is not None]
    score = min(scored) if scored else 1.0
    if collisions:
        score = 0.0
    own = next((s for s in ships if s.get("role") == "own"), None)
    if own is None:
        own = next((ships[k] for k in res["autonomous"]), ships[0] if ships else {})
    human = human_baseline(
        run.arrays,
        ships,
        profile,
        visibility,
        env if isinstance(env, dict) else None,
        chart=run.chart,
    )
    if human is not None and vs_recording:
        failed = _no_worse_than(failed, min_sep, human)
    scenario = meta.get("scenario") or {}
    # Negative tests ([scoring] expect): the scenario exists to provoke these failures and
    # passes when exactly those occur; the other gates do not apply.
    expect = scenario.get("expect") or []
    if not isinstance(expect, list) or not all(x in ("collision", "grounding") for x in expect):
        raise RunFolderError(
            "must be a list of 'collision'/'grounding'", file=meta_file, field="scenario.expect"
        )
    negative = None
    if expect:
        occurred = [k for k, evs in (("collision", collisions), ("grounding", groundings)) if evs]
        negative = {"expect": sorted(set(expect)), "occurred": occurred, "gates": failed}
        failed = []
        if occurred != sorted(set(expect)):
            failed.append(
                f"negative test: expected {' and '.join(sorted(set(expect)))}, got "
                f"{' and '.join(occurred) or 'neither'}"
            )
    return {
        "scenario_id": scenario.get("id"),
        "planner": own.get("planner"),
        "seed": meta.get("seed"),
        "run_dir": str(run_dir),
        "passed": not failed,
        "collision": bool(collisions),
        "grounding": bool(groundings),
        "min_separation_m": _num(min_sep, 1),
        "score": _num(score, 4),
        "encounters": res["encounters"],
        "failed_gates": failed,
        "negative_test": negative,
        "progress": res["progress"],
        "human": human,
        "gates_vs_recording": bool(vs_recording and human is not None),
        "profile_choice": meta.get("profile_choice"),
        "min_clearance_m": _min_clearance(ships, auto_ids),
        "profile": profile.name,
        "profile_version": profile.version,
        "profile_hash": profile.hash,
        "visibility": str(meta.get("visibility", "good")),
        "n_ships": len(ships),
        "autonomous_ships": sorted(auto_ids, key=ids.index),
        "collisions": [
            {"t_s": ev.get("t_s"), "ships": ev.get("ships")}
            for ev in events
            if ev.get("kind") == "collision"
        ],
        "groundings": [
            {"t_s": ev.get("t_s"), "ships": ev.get("ships")}
            for ev in events
            if ev.get("kind") == "grounding"
        ],
        "planner_latency_ms": meta.get("planner_latency_ms"),
        "autoship_version": meta.get("autoship_version", autoship.__version__),
    }
