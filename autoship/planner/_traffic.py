"""What the avoidance planners share: parameter checking, encounter locking with COLREG duties,
route set-up and fallback events.

Encounter lock (after the "situation lock" of Tengesdal & Johansen's ``colregs_handler.py`` and
Hagen's ``AutoVerification.py``, docs/references.md section 1): a target is classified once, when it
first poses a risk of collision within the observation range r1 (predicted passing distance under
the planner's safety distance, CPA ahead within the profile's TCPA limit). The class and the own
ship's duty (rules 13-15, 18 and 19 via ``autoship.colregs``) are then kept until both ships have
passed (each velocity points more than the stern-sector angle away from the line of sight) or the
range exceeds r1. A stand-on vessel is freed to act (17(a)(ii)) once inside r3 while the predicted
passing distance is under the profile's R_min, and always inside r4 (17(b)).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship.colregs import DEFAULT_PROFILE, load_profile
from autoship.colregs.classify import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    NONE,
    classification_params,
    classify_kernel,
)
from autoship.colregs.roles import resolve_role, ship_category
from autoship.errors import AutoshipError
from autoship.metrics.navigation import ray_free_distance, rule9d_role
from autoship.planner._kernels import (
    DUTY_BOTH,
    DUTY_GIVE_WAY,
    DUTY_NONE,
    DUTY_R19,
    DUTY_STAND_ON,
    encounter_geometry,
)
from autoship.planner.base import Observation, PlannerContext
from autoship.planner.route import Route, plan_route


def check_params(params: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Merge ``params`` over ``defaults``; unknown keys and wrong types are one-line errors."""
    out = dict(defaults)
    for key, val in params.items():
        if key not in defaults:
            raise AutoshipError(
                f"unknown parameter {key!r}; known: {', '.join(sorted(defaults))}",
                field=f"planner_params.{key}",
            )
        ref = defaults[key]
        if isinstance(ref, bool):
            if not isinstance(val, bool):
                raise AutoshipError("must be true or false", field=f"planner_params.{key}")
        elif isinstance(ref, (int, float)) or ref is None:
            if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
                raise AutoshipError("must be a finite number", field=f"planner_params.{key}")
            val = float(val)
        elif isinstance(ref, str):
            if not isinstance(val, str):
                raise AutoshipError("must be a string", field=f"planner_params.{key}")
        elif isinstance(ref, list):
            if (
                not isinstance(val, list)
                or not val
                or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                    for v in val
                )
            ):
                raise AutoshipError(
                    "must be a non-empty list of numbers", field=f"planner_params.{key}"
                )
            val = [float(v) for v in val]
        out[key] = val
    return out


def candidate_grid(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Validate the course offsets, speed factors and cost weights shared by the avoidance
    planners and return every (course offset rad, speed factor) pair, offsets outer."""
    if any(abs(o) > 180.0 for o in p["offsets_deg"]):
        raise AutoshipError("offsets must be within +-180 deg", field="planner_params.offsets_deg")
    if any(not 0.0 <= s <= 1.5 for s in p["speed_factors"]):
        raise AutoshipError("must be within [0, 1.5]", field="planner_params.speed_factors")
    for k, v in p.items():
        if k.startswith("w_") and v < 0:
            raise AutoshipError("must be >= 0", field=f"planner_params.{k}")
    offs = np.radians(np.asarray(p["offsets_deg"], dtype=np.float64))
    spd = np.asarray(p["speed_factors"], dtype=np.float64)
    return (
        np.ascontiguousarray(np.repeat(offs, spd.size)),
        np.ascontiguousarray(np.tile(spd, offs.size)),
    )


def positive(params: dict[str, Any], *keys: str) -> None:
    for key in keys:
        v = params[key]
        if v is not None and not v > 0.0:
            raise AutoshipError("must be > 0", field=f"planner_params.{key}")


# Below this speed over ground (m/s) a ship is treated as stopped: an obstacle without a role.
STOPPED_MPS = 0.3

_DUTY = {"give-way": DUTY_GIVE_WAY, "stand-on": DUTY_STAND_ON, "both": DUTY_BOTH}


class _SeaRoom:
    """The own ship's chart hazards as the referee's rule 9 test reads sea room
    (``metrics.navigation.SeaRoom``). The hazards are for the own ship's draught; the other
    ship's channel is read on them too (its draught is not observed)."""

    def __init__(self, hazards: Any) -> None:
        self.hazards = hazards

    @property
    def empty(self) -> bool:
        return False

    def free_distance(
        self, north: float, east: float, bearing: float, max_distance: float, draught: float
    ) -> float:
        return ray_free_distance(self.hazards.contains, north, east, bearing, max_distance)


class Traffic:
    """Per-run encounter state of one own ship against every other ship."""

    def __init__(
        self, ctx: PlannerContext, profile_name: str, safety_distance: float | None
    ) -> None:
        # The scenario's scoring profile, when the context carries it, so the planner aims at
        # the distances it is scored against; a planner parameter overrides it.
        name = profile_name or getattr(ctx, "profile", None) or DEFAULT_PROFILE
        self.profile = load_profile(name)
        self.cls_params = classification_params(self.profile)
        st = self.profile.stages
        self.r1, self.r2, self.r3, self.r4 = st.r1_m, st.r2_m, st.r3_m, st.r4_m
        self.risk = self.profile.risk
        self.tcpa_max = self.profile.risk.tcpa_max_s
        self.stern = math.radians(self.profile.classification.stern_sector_deg)
        # The planner's safety distance: the profile's preferred passing distance R_pref, and at
        # least R_min plus a quarter so prediction error does not eat into R_min (the R values
        # of the profile's [safety] table).
        sp = self.profile.safety
        self.r_safe_base = (
            float(safety_distance)
            if safety_distance is not None
            else max(sp.r_pref_m, 1.25 * sp.r_min_m)
        )
        # Encounters are locked on the same risk test as the scorer's, or the planner's own.
        self.r_risk_base = max(self.r_safe_base, self.profile.risk.dcpa_m)
        self.gate = self.profile.gates.min_separation_m
        self.r_min = sp.r_min_m
        self.restricted = ctx.visibility == "restricted"
        self.own_cat = ship_category({"category": ctx.category})
        hz = ctx.hazards
        # Rule 9(d) as the referee reads it from the chart (metrics.navigation.rule9d_role).
        self.sea_room = None if hz is None or getattr(hz, "empty", False) else _SeaRoom(hz)
        self.ctx = ctx
        self.n = -1

    def _alloc(self, n: int) -> None:
        self.n = n
        self.rng = np.empty(n)
        self.dcpa = np.empty(n)
        self.tcpa = np.empty(n)
        self.beta = np.empty(n)
        self.alpha = np.empty(n)
        self.code = np.zeros(n, dtype=np.int64)
        self.duty = np.zeros(n, dtype=np.int64)
        self.locked = np.zeros(n, dtype=np.bool_)
        self.free = np.zeros(n, dtype=np.bool_)
        self.r_safe = np.empty(n)
        self.r_col = np.empty(n)
        # When a locked target first came inside the action range (s; NaN: not yet).
        self.t_act = np.full(n, np.nan)

    def update(self, obs: Observation) -> None:
        n = obs.north.shape[0]
        if n != self.n:
            self._alloc(n)
        o = obs.own
        vn = np.ascontiguousarray(obs.vn, dtype=np.float64)
        ve = np.ascontiguousarray(obs.ve, dtype=np.float64)
        encounter_geometry(
            float(obs.north[o]),
            float(obs.east[o]),
            float(vn[o]),
            float(ve[o]),
            np.ascontiguousarray(obs.north, dtype=np.float64),
            np.ascontiguousarray(obs.east, dtype=np.float64),
            vn,
            ve,
            self.rng,
            self.dcpa,
            self.tcpa,
            self.beta,
            self.alpha,
        )
        L = self.ctx.length
        self.r_safe[:] = np.maximum(self.r_safe_base, 2.0 * (L + obs.length))
        # A vessel lying stopped (moored in a trot, at anchor, waiting) is an obstacle the
        # referee judges by separation only (rule 8): aim for R_min past it, not R_pref. With
        # R_pref round every boat of a harbour's mooring rows the fairway between them looks
        # closed and the planner leaves its route for the moorings (mined Solent case 02).
        still = np.hypot(vn, ve) < STOPPED_MPS
        self.r_safe[still] = np.maximum(self.r_min, 2.0 * (L + obs.length[still]))
        # "Contact" for the planner: the hulls' half lengths, or the profile's separation gate
        # plus a fifth for prediction error, whichever is larger.
        self.r_col[:] = np.maximum(0.5 * (L + obs.length), 1.2 * self.gate)
        valid = np.asarray(obs.valid, dtype=bool).copy()
        valid[o] = False
        if self.ctx.ignores_duty:
            self.locked[:] = False
            return
        risk = valid & (self.dcpa < np.maximum(self.r_safe, self.r_risk_base)) & (self.tcpa >= 0.0)
        risk &= (self.tcpa <= self.tcpa_max) & (self.rng <= self.r1)
        passed = (np.abs(self.beta) > self.stern) & (np.abs(self.alpha) > self.stern)
        # Also "past and clear" for the planner: opening and beyond twice the safety distance;
        # and a ship that has stopped (aground, anchored, drifting) is an obstacle, not an
        # encounter under rules 13-15, so its lock goes too.
        clear = (self.tcpa < 0.0) & (self.rng > 2.0 * self.r_safe)
        stopped = np.hypot(vn, ve) < STOPPED_MPS
        release = self.locked & (passed | clear | stopped | (self.rng > self.r1))
        self.locked[release] = False
        self.free[release] = False
        self.t_act[release] = np.nan
        new = np.flatnonzero(risk & ~self.locked & ~passed & ~stopped)
        self.locked[new] = True
        self.free[new] = False
        self.t_act[new] = np.nan
        self.code[new] = NONE
        # A lock without a rule 13-15 class is classified again at every decision until it gets
        # one (the scorer's situation lock does the same), e.g. while the own ship is turning.
        new = np.flatnonzero(self.locked & (self.code == NONE) & valid)
        if new.size:
            u_own = math.hypot(vn[o], ve[o])
            p = self.cls_params
            for j in new:
                u_t = math.hypot(vn[j], ve[j])
                code = classify_kernel(
                    float(self.beta[j]),
                    float(self.alpha[j]),
                    u_own,
                    u_t,
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4] != 0.0,
                    p[5],
                )
                role = resolve_role(
                    int(code),
                    self.own_cat,
                    ship_category({"category": obs.categories[j]}),
                    self.restricted,
                )
                if (
                    self.sea_room is not None
                    and role.basis == "rule 15"
                    and code in (CROSSING_GIVE_WAY, CROSSING_STAND_ON)
                ):
                    d = float(self.ctx.draught)
                    own = (float(obs.north[o]), float(obs.east[o]), math.atan2(ve[o], vn[o]), d)
                    tgt = (float(obs.north[j]), float(obs.east[j]), math.atan2(ve[j], vn[j]), d)
                    role = rule9d_role(self.sea_room, own, tgt, role)
                if role.basis == "rule 19":
                    duty = DUTY_R19
                else:
                    duty = _DUTY.get(role.role, DUTY_NONE)
                self.code[j] = code
                self.duty[j] = duty
        # Rule 17(a)(ii) / (b), as the referee reads them (``metrics.duties.situation``):
        # the stand-on vessel may act once the give-way vessel has let ``give_way_grace_s`` pass
        # inside the action range (max(r2, closing speed x action_time_s)) with the risk still
        # there (DCPA under the risk distance, closing), and must act inside the critical range
        # (max(r4, critical_lengths x the larger length, closing speed x critical_time_s));
        # once freed it stays free for this encounter.
        so = self.locked & (self.duty == DUTY_STAND_ON)
        rk = self.risk
        vrel = np.hypot(vn - vn[o], ve - ve[o])
        d_risk = np.maximum(rk.dcpa_m, rk.dcpa_lengths * np.maximum(L, obs.length))
        risky = valid & (self.dcpa < d_risk) & (self.tcpa > 0.0)
        inside = self.rng <= np.maximum(self.r2, vrel * rk.action_time_s)
        self.t_act[so & inside & np.isnan(self.t_act)] = obs.t
        # Permission is not need: it acts only when the give-way ship is also failing by the
        # planner's own measure (predicted passing distance under R_min; a give-way ship aiming
        # for this planner's safety distance passes wider and is left to it).
        failing = risky & (self.dcpa < self.r_min)
        may = failing & inside & (obs.t >= self.t_act + rk.give_way_grace_s)
        r_crit = np.maximum(
            np.maximum(self.r4, rk.critical_lengths * np.maximum(L, obs.length)),
            vrel * rk.critical_time_s,
        )
        self.free |= so & (may | (risky & (self.rng <= r_crit)))

    def active_duty(self) -> np.ndarray:
        """Duty per ship for the kernels (DUTY_NONE where no encounter is locked)."""
        return np.where(self.locked, self.duty, DUTY_NONE)

    def give_way_at_risk(self) -> bool:
        d = self.duty
        gw = self.locked & ((d == DUTY_GIVE_WAY) | (d == DUTY_BOTH) | (d == DUTY_R19))
        return bool(np.any(gw))


def route_from_points(
    start: tuple[float, float], points: tuple[tuple[float, float], ...], lookahead: float
) -> Route | None:
    """The scenario's own route from ``start`` through ``points`` (repeated points dropped);
    None when it has no length."""
    wp = [start]
    for p in points:
        if math.hypot(p[0] - wp[-1][0], p[1] - wp[-1][1]) > 1.0:
            wp.append(p)
    if len(wp) < 2:
        return None
    return Route(np.asarray(wp, dtype=np.float64), lookahead)


# The planner's distance field must resolve the water a ship works in: the chart-wide field
# (30 m cells for US4MD81M) reads a 40 m creek channel as land, and its bilinear error near the
# shore (up to ~2.4 cells, charts/sdf.py) exceeds a small craft's whole margin. A ship whose
# hull-contact distance (L/2 + B/2) is under FIELD_CELLS_PER_CONTACT cells gets a field of its
# own over the box round its start, goal and route, at most LOCAL_FIELD_NODES nodes [P].
FIELD_CELLS_PER_CONTACT = 3.0
LOCAL_FIELD_MIN_RES_M = 5.0
LOCAL_FIELD_NODES = 2.0e6


def planner_field(ctx: PlannerContext) -> Any:
    """The distance field a planner searches and predicts on: the chart-wide one, or a finer
    one over the ship's working area (``FIELD_CELLS_PER_CONTACT``); None without a chart."""
    hz = ctx.hazards
    if hz is None or getattr(hz, "empty", False):
        return None
    base = hz.distance_field()
    need = max(LOCAL_FIELD_MIN_RES_M, (0.5 * ctx.length + 0.5 * ctx.beam) / FIELD_CELLS_PER_CONTACT)
    if need >= base.res or not hasattr(hz, "distance_field_over"):
        return base
    pts = np.array([ctx.start, *([ctx.goal] if ctx.goal is not None else []), *(ctx.route or ())])
    # Room round the route for avoiding manoeuvres: five minutes at cruise speed, 20 lengths,
    # at least a kilometre.
    margin = max(1000.0, 20.0 * ctx.length, 300.0 * ctx.cruise_speed)
    lo = pts.min(axis=0) - margin
    hi = pts.max(axis=0) + margin
    area = float((hi[0] - lo[0]) * (hi[1] - lo[1]))
    res = max(need, math.sqrt(area / LOCAL_FIELD_NODES))
    if res >= base.res:
        return base
    res = float(math.ceil(res))
    return hz.distance_field_over((lo[0], lo[1], hi[0], hi[1]), res)


def make_route(ctx: PlannerContext, clearance: float, lookahead: float) -> Route | None:
    """The global route for a ship with a goal (around the chart's hazards), else None."""
    if ctx.route:
        return route_from_points(ctx.start, ctx.route, lookahead)
    if ctx.goal is None:
        return None
    if math.hypot(ctx.goal[0] - ctx.start[0], ctx.goal[1] - ctx.start[1]) < ctx.length:
        return None  # already there (a ship recorded lying still, say): hold course, no route
    wp = plan_route(
        ctx.start,
        ctx.goal,
        ctx.hazards,
        clearance=clearance,
        hard=0.5 * ctx.beam,
        routing=ctx.routing,
        field=planner_field(ctx),
    )
    if wp.shape[0] < 2:  # start and goal fell on one search node: go straight
        wp = np.array([ctx.start, ctx.goal], dtype=np.float64)
    return Route(wp, lookahead)


def hazard_field(ctx: PlannerContext) -> tuple[np.ndarray, float, float, float, bool]:
    """(grid, north0, east0, res, has_chart) for the kernels; a dummy grid without a chart."""
    f = planner_field(ctx)
    if f is None:
        return np.full((2, 2), 1e9), 0.0, 0.0, 1.0, False
    return f.grid, f.north0, f.east0, f.res, True
