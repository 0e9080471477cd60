"""Velocity-obstacle planner with COLREG constraints (``vo``): a second, independent method.

After Kuwata, Wolf, Zarzhitsky and Huntsberger (2014), "Safe maritime autonomous navigation with
COLREGS, using velocity obstacles", IEEE J. Oceanic Eng. 39(1). Candidate velocities (course
offsets times speed fractions) are taken as reached at once (the classic VO assumption; the SB-MPC
planner predicts the response instead). A candidate is

- inside the velocity obstacle of a target when the relative motion brings the target within the
  safety distance inside the time horizon ``tau`` (or keeps closing while already inside);
- COLREG-forbidden towards a vessel it has to keep out of the way of (rules 13-15, 18) when the
  relative velocity passes that vessel on the own ship's starboard side, i.e. crosses ahead of it
  or passes starboard to starboard (Kuwata's constraint), while the pair is still converging;
- penalised for a port turn in head-on or for a stand-on vessel (17(c)), for any change of course
  or speed while standing on before being freed (17(a)), and in restricted visibility for the
  rule 19(d) turn directions;
- unsafe when the straight track over ``ground_horizon_s`` comes within half a ship length of a
  hazard, and penalised inside the wanted clearance.

The cheapest allowed candidate wins (distance to the preferred route velocity plus penalties);
when every candidate is inside some obstacle the one with the latest predicted contact is taken
(rule 17(b) / 2(b)) and a ``fallback`` event recorded.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship._jit import njit
from autoship.charts.sdf import sample_sdf
from autoship.geometry import wrap_2pi
from autoship.planner._kernels import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    DUTY_BOTH,
    DUTY_GIVE_WAY,
    DUTY_R19,
    DUTY_STAND_ON,
    OVERTAKEN,
    wrap_pi,
)
from autoship.planner._traffic import (
    Traffic,
    candidate_grid,
    check_params,
    hazard_field,
    make_route,
    positive,
)
from autoship.planner.base import Command, Observation, PlannerContext, register

DEFAULTS: dict[str, Any] = {
    # "" = the scenario's scoring profile when the context carries one, else large-ship.
    "profile": "",
    "tau_s": 1200.0,
    "offsets_deg": [float(x) for x in range(-90, 95, 5)],
    "speed_factors": [1.0, 0.75, 0.5, 0.25, 0.0],
    "safety_distance_m": None,
    "lookahead_L": 3.0,
    "route_clearance_m": None,
    "clearance_m": None,
    "ground_horizon_s": 600.0,
    "w_port": 3.0,
    "w_stand_on": 20.0,
    "w_r19": 3.0,
    "w_change": 0.3,
    "w_ground": 5.0,
    "w_non_apparent": 0.5,
}

HALF_PI = 0.5 * math.pi


@njit
def vo_evaluate(
    own,
    dchi,
    uf,
    tn,
    te,
    tvn,
    tve,
    r_safe,
    code,
    duty,
    free,
    beta_now,
    idx,
    w,
    grid,
    g_n0,
    g_e0,
    g_res,
    cost,
    ttc,
):
    """Cost (inf when forbidden) of every candidate, and in ``ttc`` its smallest predicted
    distance to any ship within ``tau`` (-1 when it runs aground), which ranks the candidates
    when every one is forbidden.

    own: [north, east, chi_base, chi_route, u_ref, offset_prev, uf_prev, apparent_needed];
    w: [tau, w_port, w_stand_on, w_r19, w_change, w_ground, clear_req, clear_hit, has_chart,
    ground_horizon, turn_rad, na_rad, w_na].
    """
    tau = w[0]
    has_chart = w[8] != 0.0
    turn_rad = w[10]
    na_rad = w[11]
    give_way = False  # acting for some ship: giving way, or a freed stand-on (rule 17(a))
    for jj in range(idx.shape[0]):
        d = duty[idx[jj]]
        if d in (DUTY_GIVE_WAY, DUTY_BOTH, DUTY_R19) or (d == DUTY_STAND_ON and free[idx[jj]]):
            give_way = True
    w_so = w[2] * (0.1 if give_way else 1.0)
    u_ref = own[4]
    # Preferred velocity: along the route, or along the base course (held during an
    # encounter), whichever the candidate is nearer to.
    pref_n = u_ref * math.cos(own[3])
    pref_e = u_ref * math.sin(own[3])
    base_n = u_ref * math.cos(own[2])
    base_e = u_ref * math.sin(own[2])
    for i in range(dchi.shape[0]):
        chi = own[2] + dchi[i]
        u = uf[i] * u_ref
        vn = u * math.cos(chi)
        ve = u * math.sin(chi)
        turn = dchi[i]
        c = min(math.hypot(vn - pref_n, ve - pref_e), math.hypot(vn - base_n, ve - base_e))
        c /= max(u_ref, 0.1)
        c += w[4] * (abs(wrap_pi(turn - own[5])) / HALF_PI + abs(uf[i] - own[6]))
        if own[7] != 0.0 and uf[i] > 0.5 and abs(turn) < na_rad:
            c += w[12]
        worst = np.inf
        forbidden = False
        for jj in range(idx.shape[0]):
            j = idx[jj]
            pn = tn[j] - own[0]
            pe = te[j] - own[1]
            rn = vn - tvn[j]  # own velocity relative to the target
            re = ve - tve[j]
            r2 = rn * rn + re * re
            dist2 = pn * pn + pe * pe
            rs = r_safe[j]
            closing = pn * rn + pe * re
            hit_t = np.inf
            if dist2 < rs * rs:
                if closing > 0.0:
                    hit_t = 0.0
            elif r2 > 1e-12 and closing > 0.0:
                # First time the relative track enters the safety circle.
                b = closing / r2
                cc = (dist2 - rs * rs) / r2
                disc = b * b - cc
                if disc >= 0.0:
                    hit_t = b - math.sqrt(disc)
            # Closest approach within the horizon, for ranking candidates when all are unsafe.
            tstar = min(max(closing / r2, 0.0), tau) if r2 > 1e-12 else 0.0
            dca = math.hypot(pn - rn * tstar, pe - re * tstar)
            if dca < worst:
                worst = dca
            dj = duty[j]
            stand_on_hold = dj == DUTY_STAND_ON and not free[j]
            if hit_t < tau and not stand_on_hold:
                forbidden = True
            if dj in (DUTY_GIVE_WAY, DUTY_BOTH):
                # Kuwata's COLREG constraint: while converging, keep the target on the own
                # ship's port side of the relative velocity (pass astern / port to port).
                cross = rn * pe - re * pn  # > 0: target to starboard of the relative track
                if closing > 0.0 and cross > 0.0:
                    tc = closing / max(r2, 1e-12)
                    if tc < tau:
                        forbidden = True
                if (dj == DUTY_BOTH or code[j] == CROSSING_GIVE_WAY) and turn < -turn_rad:
                    c += w[1]
            elif dj == DUTY_STAND_ON:
                if stand_on_hold:
                    c += w_so * (min(1.0, abs(turn) / na_rad) + (1.0 - uf[i]))
                if code[j] == CROSSING_STAND_ON and turn < -turn_rad:
                    c += w[1]  # 17(c), whether or not the ship is free to act
            elif dj == DUTY_R19:
                bb = beta_now[j]
                if (
                    abs(bb) < HALF_PI
                    and code[j] != OVERTAKEN
                    and turn < -turn_rad
                    or abs(bb) >= HALF_PI
                    and abs(turn) > turn_rad
                    and turn * bb > 0.0
                ):
                    c += w[3]
        if has_chart:
            steps = max(1, int(w[9] / 10.0))
            cmin = np.inf
            for k in range(1, steps + 1):
                t = k * w[9] / steps
                s = sample_sdf(grid, g_n0, g_e0, g_res, own[0] + vn * t, own[1] + ve * t)
                if s < cmin:
                    cmin = s
            if cmin < w[7]:
                forbidden = True
                worst = -1.0
            elif cmin < w[6]:
                x = (w[6] - cmin) / w[6]
                c += w[5] * x * x
        ttc[i] = worst
        cost[i] = np.inf if forbidden else c


@register("vo")
class VelocityObstacle:
    """COLREG-constrained velocity obstacles; see the module docstring."""

    def __init__(self, params: dict[str, Any]) -> None:
        p = check_params(params, DEFAULTS)
        positive(p, "tau_s", "lookahead_L", "ground_horizon_s")
        positive(p, "safety_distance_m", "route_clearance_m", "clearance_m")
        self.dchi, self.uf = candidate_grid(p)
        self.p = p
        self._events: list[dict[str, Any]] = []

    def reset(self, ctx: PlannerContext) -> None:
        p = self.p
        self.ctx = ctx
        self.traffic = Traffic(ctx, p["profile"], p["safety_distance_m"])
        prof = self.traffic.profile
        clear_req = (
            p["clearance_m"] if p["clearance_m"] is not None else max(2.0 * ctx.length, 200.0)
        )
        route_clear = (
            p["route_clearance_m"] if p["route_clearance_m"] is not None else 1.5 * clear_req
        )
        self.route = make_route(ctx, route_clear, p["lookahead_L"] * ctx.length)
        self.grid, self.g_n0, self.g_e0, self.g_res, has_chart = hazard_field(ctx)
        self.w = np.array(
            [
                p["tau_s"],
                p["w_port"],
                p["w_stand_on"],
                p["w_r19"],
                p["w_change"],
                p["w_ground"],
                clear_req,
                0.5 * ctx.length + 0.5 * ctx.beam,
                1.0 if has_chart else 0.0,
                p["ground_horizon_s"],
                math.radians(prof.manoeuvre.course_detect_deg),
                math.radians(prof.manoeuvre.course_apparent_deg),
                p["w_non_apparent"],
            ]
        )
        self.own = np.zeros(8)
        self.own[6] = 1.0
        self.prev_course = ctx.initial_course
        self.cost = np.empty(self.dchi.size)
        self.ttc = np.empty(self.dchi.size)
        self.holding = False
        self.apparent_done = False
        self.hold_course = ctx.initial_course
        self.hold_speed = ctx.cruise_speed
        self.in_fallback = False
        self._events = []

    def drain_events(self) -> list[dict[str, Any]]:
        ev, self._events = self._events, []
        return ev

    def plan(self, obs: Observation) -> Command:
        ctx = self.ctx
        o = obs.own
        tr = self.traffic
        tr.update(obs)
        if self.route is None:
            chi_route = ctx.initial_course
        else:
            chi_route, _ = self.route.guidance(float(obs.north[o]), float(obs.east[o]))
        sog = obs.own_sog
        chi0 = obs.own_cog if sog > 0.1 else float(obs.heading[o])
        own = self.own
        own[0] = obs.north[o]
        own[1] = obs.east[o]
        if tr.locked.any():
            if not self.holding:
                self.hold_course = chi0
                self.hold_speed = sog
                self.holding = True
                own[5] = wrap_pi(self.prev_course - chi0)
            own[2] = self.hold_course
            own[3] = chi_route
            # Achieved course or speed change, as the other ship (and the scorer) sees it.
            if (
                abs(wrap_pi(chi0 - self.hold_course)) >= self.w[11] - math.radians(1.0)
                or sog <= 0.52 * self.hold_speed
            ):
                self.apparent_done = True
        else:
            if self.holding:
                own[5] = wrap_pi(self.prev_course - chi_route)
            self.holding = False
            self.apparent_done = False
            own[2] = chi_route
            own[3] = chi_route
        own[4] = ctx.cruise_speed
        own[7] = 1.0 if (tr.give_way_at_risk() and not self.apparent_done) else 0.0
        if ctx.ignores_duty:
            idx = np.zeros(0, dtype=np.int64)
        else:
            reach = (ctx.cruise_speed + np.hypot(obs.vn, obs.ve)) * self.p["tau_s"] + tr.r_safe
            sel = np.asarray(obs.valid, dtype=bool) & (tr.rng <= reach)
            sel[o] = False
            idx = np.flatnonzero(sel).astype(np.int64)
        vo_evaluate(
            own,
            self.dchi,
            self.uf,
            np.ascontiguousarray(obs.north, dtype=np.float64),
            np.ascontiguousarray(obs.east, dtype=np.float64),
            np.ascontiguousarray(obs.vn, dtype=np.float64),
            np.ascontiguousarray(obs.ve, dtype=np.float64),
            tr.r_safe,
            tr.code,
            tr.active_duty(),
            tr.free,
            tr.beta,
            idx,
            self.w,
            self.grid,
            self.g_n0,
            self.g_e0,
            self.g_res,
            self.cost,
            self.ttc,
        )
        if np.isfinite(self.cost).any():
            i = int(np.argmin(self.cost))
            self.in_fallback = False
        else:
            # Rule 17(b) / 2(b): every velocity is in some obstacle; keep the most distance.
            late = self.ttc.max()
            cand = np.flatnonzero(self.ttc >= late - 1.0)
            i = int(cand[np.argmin(np.abs(self.dchi[cand]) + (1.0 - self.uf[cand]))])
            if not self.in_fallback:
                self._events.append(
                    {
                        "kind": "fallback",
                        "detail": (
                            f"every velocity inside a velocity obstacle; emergency course offset "
                            f"{math.degrees(self.dchi[i]):+.0f} deg at {self.uf[i]:.2f} of cruise "
                            f"speed (predicted closest approach {late:.0f} m)"
                        ),
                    }
                )
            self.in_fallback = True
        course = wrap_2pi(own[2] + float(self.dchi[i]))
        own[5] = self.dchi[i]
        own[6] = self.uf[i]
        self.prev_course = course
        return Command(course, float(self.uf[i]) * ctx.cruise_speed)
