"""The referee's facts of each encounter side and the multi-vessel duty resolution.

``side_facts`` turns one scanned encounter side (own ship, target, records) into what the rule
scores need: the situation stages (``metrics.duties``), where the class is read and what it is,
the role (rules 8, 12-19, ships not under way, head-on already passing clear), the manoeuvre and
its stage, and whether a turn was navigational (chart or route, ``metrics.navigation``).
``resolve_duties`` then judges each stand-on manoeuvre once against every duty its ship had at
the time (``docs/referee.md`` section 3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from autoship.colregs.classify import CROSSING_GIVE_WAY, CROSSING_STAND_ON, HEAD_ON, NONE, classify
from autoship.colregs.profile import Profile
from autoship.colregs.roles import (
    NOT_UNDER_WAY,
    SAILING,
    Category,
    Role,
    resolve_role,
    rule12_role,
)
from autoship.metrics.duties import (
    SideSituation,
    course_change,
    first_manoeuvre,
    first_turn,
    situation,
    turn_onset,
)
from autoship.metrics.navigation import ChartContext, route_turn, rule9d_role
from autoship.metrics.tracks import Tracks, angles


@dataclass
class Side:
    """Referee facts of one encounter side before scoring (see ``side_facts``)."""

    o: int
    q: int
    k0: int
    kcpa: int
    k1: int
    k_man: int
    role: Role
    sit: SideSituation
    stage_man: int
    nav_man: bool
    port_turn_counts: bool
    max_stbd: float
    max_port: float
    k_port: int
    code: int = 0
    k_cls: int = -1
    k_man_tgt: int = -1
    free_reason: str = ""
    tgt_still_cpa: bool = False  # the target was lying still at the CPA (see EncounterFacts)


def side_facts(
    tr: Tracks,
    ships: list[dict[str, Any]],
    cats: list[Category],
    length: np.ndarray,
    profile: Profile,
    sc: dict[str, np.ndarray],
    meas: dict[str, np.ndarray],
    still: np.ndarray | None,
    chart_ctx: ChartContext,
    rv: bool,
    wind: float | None,
    e: int,
    row: np.ndarray,
    delib: np.ndarray | None = None,
) -> Side:
    """Situation, role (rules 8, 12-19), manoeuvre stage and chart context of one side.
    ``delib`` (``duties.deliberate_course``) limits manoeuvres to deliberate course changes."""
    p, s, o, q, c = (int(x) for x in row)
    k0, kcpa, k1 = int(sc["k0"][p, s]), int(sc["kcpa"][p, s]), int(sc["k1"][p, s])
    sit = situation(
        tr.t, tr.north, tr.east, tr.vn, tr.ve, o, q, k0, k1, float(length[o]), float(length[q]),
        profile,
    )  # fmt: skip
    m = profile.manoeuvre
    detect = math.radians(m.course_detect_deg)
    # The class is read where the duties begin: the first record inside the action range with
    # the risk present (far outside it a harbour channel's bends make the straight-line
    # geometry meaningless), but never after either ship began to manoeuvre (item 7: the
    # geometry before either acted). Both sides of a pair read the same record.
    k_cls = sit.k_risk_act if sit.k_risk_act >= 0 else k0

    # A manoeuvre here is any change beyond the detection limits; for recorded traffic, whose
    # tracks jitter by more than those, a deliberate turn of direction_turn_deg or an apparent
    # speed change (speed jitter and a degree or two of yaw must not pin the class to the
    # first record).
    def _first_change(x: int, k_end: int) -> int:
        if delib is None:
            lim_c, lim_u = detect, m.speed_detect_mps
        else:
            u = float(tr.sog[x, k0]) if math.isfinite(tr.sog[x, k0]) else 0.0
            lim_c = math.radians(m.direction_turn_deg)
            lim_u = max(m.speed_detect_mps, m.speed_reduction_apparent * u)
        return first_manoeuvre(tr.cog, tr.sog, delib, x, k0, k_end, lim_c, lim_u)

    firsts = [k for k in (_first_change(o, k_cls), _first_change(q, k_cls)) if k >= 0]
    if firsts and min(firsts) < k_cls:
        k_cls = max(k0, min(firsts) - 1)
    if k_cls != k0:
        c = _classify_at(tr, o, q, k_cls, profile)
    if c == NONE and delib is None:
        # A simulated ship in the middle of a bend of its planned route can read as "no rule
        # 13-15 situation"; the first class within CLASS_SETTLE_S decides (not for recorded
        # traffic, where what follows the onset may already be the human's action).
        for k in range(k_cls + 1, min(kcpa, k_cls + _settle_records(tr.t)) + 1):
            ck = _classify_at(tr, o, q, k, profile)
            if ck != NONE:
                c, k_cls = ck, k
                break
    # Neither ship had altered before the class was read: only then can "already passing
    # clear" be the situation rather than an early action's result.
    untouched = _first_change(o, k_cls) < 0 and _first_change(q, k_cls) < 0
    cat_o, cat_q = cats[o], cats[q]
    # Lying still at risk onset (moored, anchored, waiting): no give-way or stand-on role.
    if still is not None and still[o, k0] and cat_o.under_way:
        cat_o = Category(NOT_UNDER_WAY, "lying still")
    if still is not None and still[q, k0] and cat_q.under_way:
        cat_q = Category(NOT_UNDER_WAY, "lying still")
    if not cat_o.under_way:
        role = Role("none", "not under way", f"own ship {cat_o.source or 'not under way'}")
    elif not cat_q.under_way:
        # Rules 13-17 bind two vessels under way; a vessel at anchor, moored or lying still is
        # an obstacle that rule 8 and the separation gate cover.
        role = Role("none", "rule 8", "target not under way: an obstacle, separation only")
    elif (
        c == HEAD_ON
        and untouched
        and (side_clear := _passing_clear(tr, o, q, k_cls, profile, sc, p, s))
    ):
        # Rule 14 binds vessels meeting "so as to involve risk of collision": two vessels
        # already set to pass clear (R_min or more) port to port are doing what it asks for,
        # and two set to pass clear starboard to starboard must not turn into each other.
        role = Role("none", "rule 14 not engaged", f"already passing {side_clear}, clear")
    else:
        r12 = None
        if cat_o.category == SAILING and cat_q.category == SAILING and wind is not None:
            r12 = rule12_role(
                float(tr.heading[o, k0]),
                float(tr.heading[q, k0]),
                float(tr.north[q, k0] - tr.north[o, k0]),
                float(tr.east[q, k0] - tr.east[o, k0]),
                wind,
            )
        role = resolve_role(c, cat_o, cat_q, rv, r12)
        if role.basis == "rule 15" and c in (CROSSING_GIVE_WAY, CROSSING_STAND_ON):
            role = _rule9d(tr, ships, chart_ctx, o, q, k_cls, role)
    k_man = int(meas["k_man"][e])
    max_stbd, max_port, k_port = (
        float(meas["max_stbd"][e]),
        float(meas["max_port"][e]),
        int(meas["k_port"][e]),
    )
    k_man_tgt = int(meas["k_man_tgt"][e])
    if delib is not None:
        # In recorded traffic "the other ship acted" means an apparent action: a deliberate
        # turn of direction_turn_deg or a speed change of the apparent fraction.
        u_q = float(tr.sog[q, k0]) if math.isfinite(tr.sog[q, k0]) else 0.0
        k_man_tgt = first_manoeuvre(
            tr.cog, tr.sog, delib, q, k0, kcpa, math.radians(m.direction_turn_deg),
            max(m.speed_detect_mps, m.speed_reduction_apparent * u_q),
        )  # fmt: skip
    if delib is not None and kcpa >= k0:
        d = course_change(tr.cog, delib, o, k0, kcpa)
        du = tr.sog[o, k0 : kcpa + 1] - tr.sog[o, k0]
        hit = np.nonzero((np.abs(d) >= detect) | (np.abs(du) >= m.speed_detect_mps))[0]
        k_man = int(k0 + hit[0]) if hit.size else -1
        max_stbd, max_port = max(0.0, float(d.max())), max(0.0, float(-d.min()))
        hp = np.nonzero(d <= -detect)[0]
        k_port = int(k0 + hp[0]) if hp.size else -1
    stage = 0
    if k_man >= 0:
        if sit.k_act < 0 or k_man < sit.k_act:
            stage = 1
        elif sit.k_crit >= 0 and k_man >= sit.k_crit:
            stage = 4
        elif sit.k_may >= 0 and k_man >= sit.k_may:
            stage = 3
        else:
            stage = 2
    draught = float(ships[o].get("draught_m") or 0.0)

    route = ships[o].get("route")

    def navigational(k: int, side: int = 0) -> bool:
        """The alteration starting at record k follows the chart (the course held meets a
        hazard) or the ship's route (its planned waypoint turns the same way, ``side``)."""
        if k < 0:
            return False
        kb = max(k - 1, 0)
        u = float(tr.sog[o, kb]) if math.isfinite(tr.sog[o, kb]) else 0.0
        look = max(m.nav_lookahead_lengths * float(length[o]), u * m.nav_lookahead_s)
        n0, e0 = float(tr.north[o, kb]), float(tr.east[o, kb])
        if route is not None and side != 0:
            bend = route_turn(route, n0, e0, look)
            if bend * side >= math.radians(m.course_detect_deg):
                return True
        if chart_ctx.empty:
            return False
        return chart_ctx.blocked_ahead(n0, e0, float(tr.cog[o, kb]), look, draught)

    man_side = 0
    if k_man >= 0:
        man_side = 1 if max_stbd >= max_port else -1
    nav_man = k_man >= 0 and navigational(turn_onset(tr.cog, o, k0, k_man, detect), man_side)
    # A port turn counts for the direction rules when it was the ship's action, i.e. came
    # before any starboard alteration of the same size: swinging back past the original course
    # after a starboard action is a return, judged by the safety and rule 8(d) scores instead.
    port_counts = False
    turn = math.radians(m.direction_turn_deg)
    k_dir = first_turn(tr.cog, o, k0, kcpa, turn, -1, delib)
    k_stb = first_turn(tr.cog, o, k0, kcpa, turn, +1, delib)
    if k_dir >= 0 and (k_stb < 0 or k_dir < k_stb):
        port_counts = not navigational(turn_onset(tr.cog, o, k0, k_dir, detect), -1)
    return Side(
        o, q, k0, kcpa, k1, k_man, role, sit, stage, nav_man, port_counts, max_stbd, max_port,
        k_port, c, k_cls, k_man_tgt,
        tgt_still_cpa=bool(still is not None and kcpa >= 0 and still[q, kcpa]),
    )  # fmt: skip


def _passing_clear(
    tr: Tracks, o: int, q: int, k: int, profile: Profile, sc: dict | None = None, p=0, s=0
) -> str:
    """'port to port' or 'starboard to starboard' when at record k the constant-velocity
    prediction has the two ships pass each other on that side at R_min or more, and (with the
    scan ``sc``) the ships really did pass at R_min or more; '' else. A ship that turns into
    the other after such a prediction is judged under rule 14 after all."""
    if sc is not None and not float(sc["rcpa"][p, s]) >= profile.safety.r_min_m:
        return ""
    pn, pe = tr.north[q, k] - tr.north[o, k], tr.east[q, k] - tr.east[o, k]
    vn, ve = tr.vn[q, k] - tr.vn[o, k], tr.ve[q, k] - tr.ve[o, k]
    v2 = vn * vn + ve * ve
    if not (v2 > 1e-12 and math.isfinite(pn) and math.isfinite(pe)):
        return ""
    tc = max(0.0, -(pn * vn + pe * ve) / v2)
    cn, ce = pn + vn * tc, pe + ve * tc
    if math.hypot(cn, ce) < profile.safety.r_min_m:
        return ""
    # q on o's port side: cross(v_o, c) < 0; o on q's port side: cross(v_q, -c) < 0
    port_of_o = tr.vn[o, k] * ce - tr.ve[o, k] * cn < 0.0
    port_of_q = -(tr.vn[q, k] * ce - tr.ve[q, k] * cn) < 0.0
    side = ""
    if port_of_o and port_of_q:
        side = "port to port"
    elif not port_of_o and not port_of_q:
        side = "starboard to starboard"
    if side and sc is not None:
        # ... and the pass really was on that side (own's bearing of q at the CPA)
        _, beta = angles(tr, o, q, int(sc["kcpa"][p, s]))
        if math.isfinite(beta) and (beta < 0.0) != (side == "port to port"):
            return ""
    return side


CLASS_SETTLE_S = 60.0  # [P]


def _settle_records(t: np.ndarray) -> int:
    dt = float(t[1] - t[0]) if t.shape[0] > 1 else 1.0
    return max(1, int(round(CLASS_SETTLE_S / max(dt, 1e-9))))


def _classify_at(tr: Tracks, o: int, q: int, k: int, profile: Profile) -> int:
    alpha, beta = angles(tr, o, q, k)
    if not (math.isfinite(alpha) and math.isfinite(beta)):
        return NONE
    return int(
        classify(
            np.array([beta]),
            np.array([alpha]),
            np.array([float(tr.sog[o, k])]),
            np.array([float(tr.sog[q, k])]),
            profile,
        )[0]
    )


def _rule9d(
    tr: Tracks, ships: list[dict[str, Any]], chart: ChartContext, o: int, q: int, k: int, role: Role
) -> Role:
    """Rule 9(d) at record k (``navigation.rule9d_role``)."""

    def state(x: int) -> tuple[float, float, float, float]:
        d = float(ships[x].get("draught_m") or 0.0)
        return float(tr.north[x, k]), float(tr.east[x, k]), float(tr.cog[x, k]), d

    return rule9d_role(chart, state(o), state(q), role)


def _duty_at(side: Side, k: int) -> str:
    """The duty this side put on its own ship at record k ('' if none)."""
    if not (side.k0 <= k <= side.kcpa) or not side.sit.in_action:
        return ""
    r = side.role
    if r.basis == "rule 19":
        return "rule 19"
    if r.role == "give-way":
        return f"give way ({r.basis})"
    if r.role == "both":
        return "head-on (rule 14)"
    if r.role == "none" and r.basis == "rule 8":
        return "keep clear of a vessel not under way (rule 8)"
    if r.role == "none":
        return "avoid collision (rules 2, 8)"
    if r.role == "stand-on":
        if side.sit.k_crit >= 0 and k >= side.sit.k_crit:
            return "rule 17(b)"
        if side.sit.k_may >= 0 and k >= side.sit.k_may:
            return "rule 17(a)(ii)"
    return ""


def resolve_duties(sides: list[Side], ids: list[str]) -> None:
    """Multi-vessel judgement: a stand-on side's first manoeuvre is free (no 17(a)(i) breach)
    when, at its onset, another of the own ship's encounters required or allowed action, or the
    chart forced it. Direction limits (17(c)) are checked separately and still apply."""
    by_own: dict[int, list[Side]] = {}
    for sd in sides:
        by_own.setdefault(sd.o, []).append(sd)
    for group in by_own.values():
        for sd in group:
            if sd.role.role != "stand-on" or sd.k_man < 0:
                continue
            if sd.nav_man:
                sd.free_reason = "navigational: the chart forced the alteration (rules 2, 9)"
                continue
            for other in group:
                if other is sd:
                    continue
                duty = _duty_at(other, sd.k_man)
                if duty:
                    sd.free_reason = f"{duty} towards {ids[other.q]}"
                    break
