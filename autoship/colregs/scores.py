"""Rule-by-rule encounter scores (Woerner -> Minne -> Hagen) from measured encounter facts.

The formulas follow Woerner (2016), Minne (2017) and Hagen et al. (2023) as coded in the Hagen
AIS code and the NTNU colav evaluator (docs/references.md section 1):
safety score from the profile's ranges and the passing pose, the delay and non-apparent penalties
of rules 8/16, the non-starboard and starboard-to-starboard penalties of rule 14, the
crossed-ahead penalties of rules 13/15 and the stand-on penalties of rule 17. Rule 19 (restricted
visibility) and the exact form of the rule 14 non-starboard penalty are our own ([P]) because the
published forms are sign-ambiguous. Every penalty carries a one-line reason naming its rule.
All angles in the facts are radians, ranges metres, speeds m/s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autoship.colregs.classify import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    OVERTAKEN,
    OVERTAKING,
)
from autoship.colregs.profile import Profile
from autoship.units import NAUTICAL_MILE


@dataclass(frozen=True)
class EncounterFacts:
    """What the scorer needs to know about one encounter from one ship's point of view."""

    code: int
    role: str  # give-way | stand-on | both | none
    basis: str  # rule the role comes from ("rule 15", "rule 18(a)", "rule 19", ...)
    r_detect: float  # range when the risk entered stage 2 (or was first seen, if closer)
    r_cpa: float  # realised closest range
    alpha_cpa: float  # contact angle at CPA, (-pi, pi]
    beta_cpa: float  # relative bearing at CPA, (-pi, pi]
    beta_detect: float  # relative bearing when the risk was first seen, (-pi, pi]
    manoeuvred: bool  # a course or speed change beyond the detection limits before CPA
    r_man: float  # range at the first detected manoeuvre (nan if none)
    stage_man: int  # stage (1-4) at the first manoeuvre (0 if none)
    max_starboard: float  # largest course change to starboard before CPA (rad, >= 0)
    max_port: float  # largest course change to port before CPA (rad, >= 0)
    r_port: float  # range when the port turn was first detected (nan if none)
    speed_reduction: float  # largest speed reduction before CPA as a fraction of the start speed
    speed_increase: float  # largest speed increase before CPA as a fraction of the start speed
    port_offset_m: float  # largest offset to port of the original track up to the end
    beam_m: float
    target_acted_first: bool  # the other ship manoeuvred apparently before this one did
    # Multi-vessel referee facts (defaults: a lone two-ship encounter in open water).
    in_action: bool = True  # the pair came inside the action range during the encounter
    # The first manoeuvre was required or allowed by something other than this encounter:
    # another ship's duty, 17(a)(ii)/(b) or rule 2(b) towards another ship, or the chart.
    manoeuvre_free: bool = False
    free_reason: str = ""
    # A port turn beyond manoeuvre.direction_turn_deg before CPA that was not navigational
    # (the chart did not force it): the fact behind the direction breaches of rules 14/16/17(c).
    port_turn_counts: bool = False
    d_risk: float = math.inf  # predicted passing distance under which a risk existed
    # The other ship had stopped and was lying still at the CPA (risk.still_*): it had no
    # "ahead" left to cross, so rules 13 and 15's passing-ahead tests do not apply.
    target_still_at_cpa: bool = False


def _nm(x: float) -> str:
    return f"{x / NAUTICAL_MILE:.2f} nm"


def _fmt_m(x: float) -> str:
    """A distance for a reason line: metres under a nautical mile, else nm."""
    return f"{x:.0f} m" if x < NAUTICAL_MILE else _nm(x)


def _deg(x: float) -> str:
    return f"{math.degrees(x):.0f} deg"


def safety_range_score(r: float, profile: Profile) -> float:
    """Piecewise-linear range score: 1 beyond R_pref, dropping by gamma_min to R_min, by
    gamma_nm to R_nm and by gamma_col to R_col; 0 inside R_col."""
    s = profile.safety
    if r >= s.r_pref_m:
        return 1.0
    if r >= s.r_min_m:
        span = s.r_pref_m - s.r_min_m
        return 1.0 - (s.gamma_min * (s.r_pref_m - r) / span if span > 0 else 0.0)
    if r >= s.r_nm_m:
        return 1.0 - s.gamma_min - s.gamma_nm * (s.r_min_m - r) / (s.r_min_m - s.r_nm_m)
    if r >= s.r_col_m:
        return (
            1.0
            - s.gamma_min
            - s.gamma_nm
            - s.gamma_col * (s.r_nm_m - r) / max(s.r_nm_m - s.r_col_m, 1e-9)
        )
    return 0.0


def safety_pose_score(alpha_cpa: float, beta_cpa: float, profile: Profile) -> float:
    """1 - cos(min(|angle|, cut)) for contact angle and bearing at CPA, weighted sum: passing
    abeam scores 1, bow to bow 0."""
    s = profile.safety
    fa = 1.0 - math.cos(min(abs(alpha_cpa), math.radians(s.alpha_cut_deg)))
    fb = 1.0 - math.cos(min(abs(beta_cpa), math.radians(s.beta_cut_deg)))
    return s.gamma_alpha * fa + s.gamma_beta * fb


def safety_score(r_cpa: float, alpha_cpa: float, beta_cpa: float, profile: Profile) -> float:
    # Inside R_col the pose is meaningless (the hulls are about to touch): score 0 [P].
    if r_cpa < profile.safety.r_col_m:
        return 0.0
    s = profile.safety
    pose = safety_pose_score(alpha_cpa, beta_cpa, profile)
    # The pose only matters when the pass is close: it counts fully inside R_min and fades out
    # linearly to R_pref, so a pass beyond the preferred distance is safe whatever the angles [P].
    span = s.r_pref_m - s.r_min_m
    fade = min(1.0, max(0.0, (r_cpa - s.r_min_m) / span)) if span > 0 else float(r_cpa >= s.r_min_m)
    pose = pose + (1.0 - pose) * fade
    return s.s_range * safety_range_score(r_cpa, profile) + s.s_pose * pose


def delay_penalty(f: EncounterFacts, r_min: float = 0.0) -> float:
    """Minne: clip((R_detect - R_man) / (R_detect - R_cpa), 0, 1); 1 without a manoeuvre.
    R_cpa is taken at most ``r_min``: the delay is the share of the approach down to the
    closest acceptable range that went by before the action, so a ship that acted and passed
    far beyond R_min is not called late because its pass was wide [P]."""
    if not f.manoeuvred:
        return 1.0
    den = f.r_detect - min(f.r_cpa, r_min) if r_min > 0 else f.r_detect - f.r_cpa
    if den <= 0.0:
        return 0.0
    return min(1.0, max(0.0, (f.r_detect - f.r_man) / den))


def not_apparent_penalties(f: EncounterFacts, profile: Profile) -> tuple[float, float, float]:
    """(P_na, P_na_course, P_na_speed): Minne's non-apparent manoeuvre penalties. P_na is 0 when
    either change was apparent (its component below the profile's limit)."""
    m = profile.manoeuvre
    dchi = max(f.max_starboard, f.max_port)
    p_chi = m.na_max * max(0.0, 1.0 - (dchi / math.radians(m.course_apparent_deg)) ** 2)
    p_u = m.na_max * max(0.0, 1.0 - (f.speed_reduction / m.speed_reduction_apparent) ** 2)
    if p_chi < m.na_component_apparent or p_u < m.na_component_apparent:
        return 0.0, p_chi, p_u
    return p_chi * p_u, p_chi, p_u


def starboard_to_starboard_penalty(alpha_cpa: float, beta_cpa: float) -> float:
    """1 - ((1 - sin a)/2)^2 ((1 - sin b)/2)^2 in clockwise-positive angles: 0 for a port-to-port
    pass (both angles -90 deg), 1 for starboard-to-starboard."""
    return 1.0 - ((1.0 - math.sin(alpha_cpa)) / 2.0) ** 2 * ((1.0 - math.sin(beta_cpa)) / 2.0) ** 2


def _pen(out: list[dict[str, Any]], rule: str, value: float, reason: str) -> None:
    if value > 1e-9:
        out.append({"rule": rule, "penalty": round(float(value), 4), "reason": reason})


def _breach(out: list[dict[str, Any]], rule: str, value: float, reason: str) -> None:
    """A direction breach: a penalty that fails the rule gate by itself, whatever the score
    (rules 13-17 forbid these outright; a weighted score could land on the threshold)."""
    out.append({"rule": rule, "penalty": round(float(value), 4), "reason": reason, "breach": True})


def score_encounter(
    f: EncounterFacts, profile: Profile
) -> tuple[dict[str, float], list[dict[str, Any]], float]:
    """(rules {rule number: score in [0, 1]}, penalties [{rule, penalty, reason}], safety)."""
    m = profile.manoeuvre
    rp = profile.rules
    penalties: list[dict[str, Any]] = []
    rules: dict[str, float] = {}
    s_safe = safety_score(f.r_cpa, f.alpha_cpa, f.beta_cpa, profile)
    if f.r_cpa < profile.safety.r_min_m:
        _pen(
            penalties,
            "safety",
            1.0 - s_safe,
            f"safety: closest range {_fmt_m(f.r_cpa)} below R_min {_fmt_m(profile.safety.r_min_m)}",
        )
    if f.role == "none" or not f.in_action:
        # Outside the action range no direction rule applies: the pair is a safety check only.
        return rules, penalties, s_safe

    p_delay = delay_penalty(f, profile.safety.r_min_m)
    p_na, p_na_chi, _ = not_apparent_penalties(f, profile)
    # Recorded-traffic mode: a profile with a manoeuvre-onset rate judges recorded tracks,
    # whose intended route is unknown.
    recorded = profile.manoeuvre.turn_rate_detect_deg_s > 0
    # Recorded head-on traffic that passed port to port at R_min or more (or anyhow beyond
    # R_pref) without a port turn: rule 14's pass happened; how the track bent to get there is
    # its route (a channel), not a missing or late alteration.
    ho_clear = (
        recorded
        and f.role == "both"
        and f.code == HEAD_ON
        and not f.port_turn_counts
        and (
            f.r_cpa >= profile.safety.r_pref_m
            or (f.r_cpa >= profile.safety.r_min_m and f.beta_cpa < 0.0 and f.alpha_cpa < 0.0)
        )
    )
    if ho_clear:
        p_delay, p_na, p_na_chi = 0.0, 0.0, 0.0
    if (
        recorded
        and f.role == "give-way"
        and not f.target_acted_first
        and f.r_cpa >= profile.safety.r_pref_m
    ):
        # Recorded-traffic mode: manoeuvre onsets in recorded tracks are unreliable (gradual
        # channel bends, speed changes for the harbour), so a give-way ship that passed beyond
        # R_pref without the other ship acting first kept well clear, which is what rule 16
        # asks: no timing penalty [P].
        p_delay, p_na, p_na_chi = 0.0, 0.0, 0.0
    dchi = max(f.max_starboard, f.max_port)
    s16 = s_safe * (1.0 - p_delay) * (1.0 - p_na)

    def delay_reason(rule: str) -> str:
        if not f.manoeuvred:
            return f"rule {rule}: no manoeuvre before CPA (risk seen at {_fmt_m(f.r_detect)})"
        return (
            f"rule {rule}: first manoeuvre at {_fmt_m(f.r_man)}, risk in stage 2 from "
            f"{_fmt_m(f.r_detect)}: not early"
        )

    na_reason = (
        f"course change {_deg(dchi)} and speed reduction {100 * f.speed_reduction:.0f} % not "
        f"readily apparent (needs {m.course_apparent_deg:.0f} deg or "
        f"{100 * m.speed_reduction_apparent:.0f} %)"
    )

    # Rule 8 judges actions taken to avoid collision: the give-way ship's, and a stand-on
    # ship's only when its manoeuvre was its own 17(a)(ii) or 17(b) action; its other changes
    # are judged under 17(a)(i). A manoeuvre another encounter required is judged once, in
    # that encounter (multi-vessel judgement), not again here. Recorded traffic: a stand-on
    # ship's stage-3 change cannot be told from its route, so it is not taken as a 17(a)(ii)
    # action.
    recorded_mode = profile.manoeuvre.turn_rate_detect_deg_s > 0
    acted = f.manoeuvred and (
        f.role != "stand-on" or (f.stage_man >= 3 and not f.manoeuvre_free and not recorded_mode)
    )
    if f.role in ("give-way", "both") or acted:
        if f.role in ("give-way", "both"):
            s8 = s_safe * (1.0 - rp.r8_delay * p_delay) * (1.0 - p_na)
            _pen(penalties, "8", rp.r8_delay * p_delay, delay_reason("8"))
        else:
            s8 = s_safe * (1.0 - p_na)
        _pen(penalties, "8", p_na, f"rule 8: {na_reason}")
        rules["8"] = s8

    if f.basis == "rule 19":
        fwd = abs(f.beta_detect) < math.pi / 2.0
        turn = math.radians(rp.r19_turn_deg)
        s19 = s16
        _pen(penalties, "19", p_delay, delay_reason("19"))
        _pen(penalties, "19", p_na, f"rule 19: {na_reason}")
        if fwd and f.code != OVERTAKING and f.max_port > turn:
            s19 -= rp.r19_port
            _pen(
                penalties,
                "19",
                rp.r19_port,
                f"rule 19(d)(i): turned to port {_deg(f.max_port)} for a vessel forward of the "
                f"beam at {_fmt_m(f.r_port)}",
            )
        if not fwd:
            towards = f.max_starboard if f.beta_detect > 0 else f.max_port
            if towards > turn:
                s19 -= rp.r19_towards
                _pen(
                    penalties,
                    "19",
                    rp.r19_towards,
                    f"rule 19(d)(ii): turned {_deg(towards)} towards a vessel abeam or abaft the "
                    "beam",
                )
        rules["19"] = _clip(s19)
        return rules, penalties, s_safe

    if f.role == "both" and f.code == HEAD_ON:
        clear_pass = ho_clear
        sm = math.radians(m.starboard_turn_deg)
        md = math.radians(m.course_detect_deg)
        p_nsb = min(1.0, max(0.0, 1.0 - f.max_starboard / sm))
        p_sts = (
            starboard_to_starboard_penalty(f.alpha_cpa, f.beta_cpa)
            if f.r_cpa >= profile.safety.r_col_m
            else 0.0
        )
        if (
            f.port_turn_counts
            and f.max_port >= f.max_starboard
            and f.port_offset_m > rp.r17_port_beams * f.beam_m
            # the port turn shaped the pass: a close one, or starboard to starboard
            and (f.r_cpa < _shaping_range(f, profile) or p_sts > 0.5)
        ):
            p_nsb = 1.0
            _breach(
                penalties,
                "14",
                rp.r14_nsb,
                f"rule 14: turned to port {_deg(f.max_port)} at {_fmt_m(f.r_port)} in a head-on "
                "situation",
            )
        elif clear_pass:
            # Recorded traffic that passed beyond R_pref without a port turn: the track's
            # bends are its route, not a missing or late alteration.
            p_nsb, p_delay, p_na_chi = 0.0, 0.0, 0.0
        elif f.max_port > md and f.max_port >= f.max_starboard:
            p_nsb = 1.0
            _pen(
                penalties,
                "14",
                rp.r14_nsb,
                f"rule 14: turned to port {_deg(f.max_port)} at {_fmt_m(f.r_port)}",
            )
        else:
            _pen(
                penalties,
                "14",
                rp.r14_nsb * p_nsb,
                f"rule 14: alteration to starboard {_deg(f.max_starboard)} is less than "
                f"{m.starboard_turn_deg:.0f} deg",
            )
        # The passing side matters while the pass is close: like the pose in the safety score
        # it counts fully inside R_min and fades out by R_pref [P].
        p_sts_score = p_sts * (1.0 - _fade(f.r_cpa, profile))
        _pen(penalties, "14", rp.r14_sts * p_sts_score, "rule 14: did not pass port to port")
        _pen(penalties, "14", rp.r14_delay * p_delay, delay_reason("14"))
        _pen(
            penalties,
            "14",
            p_na_chi,
            f"rule 14: course change {_deg(dchi)} not readily apparent (needs "
            f"{m.course_apparent_deg:.0f} deg)",
        )
        s14 = (1.0 - rp.r14_nsb * p_nsb - rp.r14_delay * p_delay - rp.r14_sts * p_sts_score) * (
            1.0 - p_na_chi
        )
        rules["14"] = _clip(s14)
        return rules, penalties, s_safe

    if f.role == "give-way":
        # Inside R_col the passing angles are undefined (the ships meet): no "ahead" verdict.
        posed = f.r_cpa >= profile.safety.r_col_m
        rules["16"] = _clip(s16)
        _pen(penalties, "16", p_delay, delay_reason("16"))
        _pen(penalties, "16", p_na, f"rule 16: {na_reason}")
        if f.code == OVERTAKING and f.basis == "rule 13":
            # Passing ahead matters only while the pass involved a risk of collision.
            ahead = (
                posed
                and not f.target_still_at_cpa
                and f.r_cpa < f.d_risk
                and abs(f.alpha_cpa) < math.radians(rp.r13_ahead_alpha_deg)
            )
            rules["13"] = _clip(s16 - rp.r13_ahead * ahead)
            if f.r_cpa < profile.safety.r_min_m:
                _breach(
                    penalties,
                    "13",
                    1.0 - s_safe,
                    f"rule 13: overtook at {_fmt_m(f.r_cpa)}, inside R_min "
                    f"{_fmt_m(profile.safety.r_min_m)} (did not keep out of the way)",
                )
            if ahead:
                _pen(
                    penalties,
                    "13",
                    rp.r13_ahead,
                    f"rule 13: passed ahead of the overtaken vessel (alpha at CPA "
                    f"{_deg(f.alpha_cpa)})",
                )
        elif f.code == CROSSING_GIVE_WAY and f.basis == "rule 15":
            lo, hi = (
                math.radians(rp.r15_ahead_alpha_min_deg),
                math.radians(rp.r15_ahead_alpha_max_deg),
            )
            # Crossing ahead inside the risk distance is the breach rule 15 names; farther ahead
            # the pass no longer involved a risk of collision and is not penalised.
            ahead = (
                posed and not f.target_still_at_cpa and f.r_cpa < f.d_risk and lo < f.alpha_cpa < hi
            )
            rules["15"] = _clip(s16 - rp.r15_ahead * ahead)
            if ahead:
                _breach(
                    penalties,
                    "15",
                    rp.r15_ahead,
                    f"rule 15: crossed ahead of the stand-on vessel at {_fmt_m(f.r_cpa)} (alpha "
                    f"at CPA {_deg(f.alpha_cpa)})",
                )
            if (
                f.port_turn_counts
                and f.port_offset_m > rp.r17_port_beams * f.beam_m
                and f.r_cpa < _shaping_range(f, profile)
            ):
                rules["16"] = _clip(rules["16"] - rp.r15_ahead)
                _breach(
                    penalties,
                    "16",
                    rp.r15_ahead,
                    f"rule 16: turned to port {_deg(f.max_port)} for a vessel on own starboard "
                    "side",
                )
        elif f.basis.startswith("rule 18") or f.basis == "rule 12":
            rules[f.basis.split()[1][:2]] = _clip(s16)
        elif f.basis == "rule 9(d)":
            # Crossing a narrow channel ahead of a vessel proceeding along it, inside the risk
            # distance, is the impeding rule 9(d) forbids (the rule 15 test, whichever side).
            lo, hi = (
                math.radians(rp.r15_ahead_alpha_min_deg),
                math.radians(rp.r15_ahead_alpha_max_deg),
            )
            ahead = (
                posed and not f.target_still_at_cpa and f.r_cpa < f.d_risk and lo < f.alpha_cpa < hi
            )
            # Turning to port towards a vessel on the own port side, the one proceeding along
            # the channel, shaping a close pass: the 17(c) test, here for the vessel that must
            # not impede.
            towards = (
                f.code == CROSSING_STAND_ON
                and f.port_turn_counts
                and f.port_offset_m > rp.r17_port_beams * f.beam_m
                and f.r_cpa < _shaping_range(f, profile)
            )
            rules["9"] = _clip(s16 - rp.r15_ahead * ahead - rp.r17_port * towards)
            if ahead:
                _breach(
                    penalties,
                    "9",
                    rp.r15_ahead,
                    f"rule 9(d): crossed the channel ahead of a vessel proceeding along it at "
                    f"{_fmt_m(f.r_cpa)} (alpha at CPA {_deg(f.alpha_cpa)})",
                )
            if towards:
                _breach(
                    penalties,
                    "9",
                    rp.r17_port,
                    f"rule 9(d): turned to port {_deg(f.max_port)} towards a vessel proceeding "
                    "along the channel on own port side",
                )
        return rules, penalties, s_safe

    # Stand-on: rule 17, plus 13 / 15 / 18 equal to it.
    s17 = _stand_on_score(f, profile, s_safe, penalties)
    rules["17"] = s17
    if f.code == OVERTAKEN and f.basis == "rule 13":
        rules["13"] = s17
    elif f.code == CROSSING_STAND_ON and f.basis == "rule 15":
        rules["15"] = s17
    elif f.basis.startswith("rule 18") or f.basis == "rule 12":
        rules[f.basis.split()[1][:2]] = s17
    elif f.basis.startswith("rule 9"):
        rules["9"] = s17
    return rules, penalties, s_safe


def _stand_on_score(
    f: EncounterFacts, profile: Profile, s_safe: float, penalties: list[dict[str, Any]]
) -> float:
    """Minne's S17 = 1 - g_safety (1 - S_safety) - w (P_du + P_dchi) - g_port P_port, with the
    manoeuvre weight w by stage: 0 in stage 1 (no duty yet), 1 in stage 2 (keep course and
    speed), in stage 3 1 unless the give-way ship had not acted apparently (17(a)(ii)), 0 in
    stage 4 or inside the critical range (17(b))."""
    m = profile.manoeuvre
    rp = profile.rules
    md = math.radians(m.course_detect_deg)
    app = math.radians(m.course_apparent_deg)
    dchi = max(f.max_starboard, f.max_port)
    if dchi <= md:
        p_chi = 0.0
    elif dchi >= app:
        p_chi = rp.r17_course_max
    else:
        p_chi = rp.r17_course_max * (dchi - md) / (app - md)
    p_u = min(rp.r17_speed_max, 0.5 * max(f.speed_reduction, f.speed_increase))
    # Stages come from the situation (metrics.duties): 1 before the action range, 2 keep course
    # and speed, 3 once 17(a)(ii) allows action, 4 inside the 17(b) critical range.
    w = 0.0
    # Recorded traffic (unknown intended route) that passed beyond R_pref: the stand-on ship's
    # alterations are taken as its route (17(c) and the safety term still apply) [P].
    recorded_clear = (
        profile.manoeuvre.turn_rate_detect_deg_s > 0 and f.r_cpa >= profile.safety.r_pref_m
    )
    if f.manoeuvred and not f.manoeuvre_free and not recorded_clear:
        if f.r_man <= profile.risk.stand_on_critical_m or f.stage_man >= 4 or f.stage_man <= 1:
            w = 0.0
        elif f.stage_man == 3:
            w = 1.0 if f.target_acted_first else rp.r17_stage3_weight
        else:
            w = 1.0
    p_port = 0.0
    if (
        f.code == CROSSING_STAND_ON
        and f.port_turn_counts
        and f.port_offset_m > rp.r17_port_beams * f.beam_m
        # The port turn shaped the pass: the ships still passed close.
        and f.r_cpa < _shaping_range(f, profile)
    ):
        p_port = 1.0
    s17 = 1.0 - rp.r17_safety * (1.0 - s_safe) - w * (p_u + p_chi) - rp.r17_port * p_port
    _pen(
        penalties,
        "17",
        rp.r17_safety * (1.0 - s_safe),
        "rule 17: safety score below 1 at CPA",
    )
    if w * p_chi > 0:
        side = "starboard" if f.max_starboard >= f.max_port else "port"
        # An apparent alteration while the duty was to keep course is the breach 17(a)(i)
        # names; Minne's weight alone would leave it at exactly the 0.5 threshold.
        (_breach if w >= 1.0 and dchi >= math.radians(m.direction_turn_deg) else _pen)(
            penalties,
            "17",
            w * p_chi,
            f"rule 17(a)(i): stand-on vessel altered course {_deg(dchi)} to {side} at "
            f"{_fmt_m(f.r_man)} (stage {f.stage_man})",
        )
    if w * p_u > 0:
        _pen(
            penalties,
            "17",
            w * p_u,
            f"rule 17(a)(i): stand-on vessel changed speed by "
            f"{100 * max(f.speed_reduction, f.speed_increase):.0f} % at {_fmt_m(f.r_man)} "
            f"(stage {f.stage_man})",
        )
    if p_port:
        _breach(
            penalties,
            "17",
            rp.r17_port,
            f"rule 17(c): altered to port {_deg(f.max_port)} for a vessel on own port side "
            f"({f.port_offset_m / max(f.beam_m, 1e-9):.1f} beams off track)",
        )
    return _clip(s17)


def _shaping_range(f: EncounterFacts, profile: Profile) -> float:
    """A port turn shaped the pass when the ships passed within this range: the risk distance,
    and at least ``rules.port_turn_pass_pref`` x R_pref (in open water a give-way ship that
    turned to port and passed 1.3 R_pref off still chose the wrong side)."""
    return max(f.d_risk, profile.rules.port_turn_pass_pref * profile.safety.r_pref_m)


def _fade(r: float, profile: Profile) -> float:
    """0 inside R_min, 1 beyond R_pref, linear between."""
    s = profile.safety
    span = s.r_pref_m - s.r_min_m
    if span <= 0:
        return float(r >= s.r_min_m)
    return min(1.0, max(0.0, (r - s.r_min_m) / span))


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))
