"""One ship driven from outside: its observation vector, its orders and its reward.

Shared by the single-agent Gymnasium environment and the PettingZoo parallel environment; it
reads the ``Simulation`` and never changes it (orders go back through ``Simulation.step``).

Observation (float32, every entry in [-1, 1]):

- own ship, ``OWN_FEATURES``: speed over ground and through the water, yaw rate, heading as sine
  and cosine, the goal's bearing relative to the heading (sine, cosine) and range, and the
  fraction of the scenario's duration gone;
- the nearest ``n_targets`` ships within ``obs_range_m`` as sensed (AIS when the scenario senses
  by AIS), nearest first, ``TARGET_FEATURES`` each: present flag, position and relative velocity
  in the own-ship frame (x ahead, y to starboard), range, DCPA, TCPA and the encounter role as a
  one-hot over the profile classifier's codes (own ship's point of view); absent slots are 0;
- when the scenario has a chart, the clearance to the nearest charted hazard (for the ship's
  draught) along ``n_rays`` rays spread evenly from the bow, as a fraction of ``ray_range_m``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autoship.colregs.classify import CODE_NAMES, classify
from autoship.colregs.profile import Profile
from autoship.dynamics.state import PSI, E, N, R, U
from autoship.geometry import cpa_tcpa, encounter_angles, wrap_2pi
from autoship.planner import Command
from autoship.sim import Simulation
from autoship.units import KNOT, NAUTICAL_MILE

OWN_FEATURES = (
    "sog",
    "u",
    "yaw_rate",
    "sin_heading",
    "cos_heading",
    "sin_goal_bearing",
    "cos_goal_bearing",
    "goal_range",
    "time_gone",
)
TARGET_FEATURES = (
    "present",
    "x",
    "y",
    "vx",
    "vy",
    "range",
    "dcpa",
    "tcpa",
    *(f"role_{name}" for name in CODE_NAMES),
)
TCPA_SCALE_S = 1800.0
YAW_RATE_SCALE = math.radians(2.0)
# Discrete actions: course offsets from the heading (deg) x speed orders (fraction of cruise).
DISCRETE_COURSE_DEG = (-30.0, -15.0, 0.0, 15.0, 30.0)
DISCRETE_SPEED = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class AgentConfig:
    n_targets: int = 4
    obs_range_m: float = 12.0 * NAUTICAL_MILE
    n_rays: int = 8
    ray_range_m: float = 3.0 * NAUTICAL_MILE
    max_turn_deg: float = 30.0  # largest course change one continuous action orders
    # Reward weights (see ``ShipAgent.reward``).
    w_progress: float = 0.1
    w_separation: float = 0.5
    w_collision: float = 100.0
    w_grounding: float = 100.0
    w_goal: float = 10.0
    w_rules: float = 20.0


class ShipAgent:
    """Ship ``index`` of ``sim`` as an agent: observe, order, reward."""

    def __init__(self, sim: Simulation, index: int, profile: Profile, cfg: AgentConfig) -> None:
        self.sim = sim
        self.i = index
        self.profile = profile
        self.cfg = cfg
        spec = sim.scenario.ships[index]
        self.id = spec.id
        self.cruise = max(spec.speed, 0.1)
        model_max = float(spec.ship.model.get("max_speed_kn", 30.0)) * KNOT
        self.max_speed = min(model_max, 1.5 * self.cruise)
        self.length = float(sim.length[index])
        if spec.goal is not None:
            self.goal = (float(spec.goal[0]), float(spec.goal[1]))
        else:
            # No goal: progress is distance made good along the initial course.
            far = 2.0 * cfg.obs_range_m
            self.goal = (
                spec.start_north + far * math.cos(spec.course),
                spec.start_east + far * math.sin(spec.course),
            )
        self.goal_radius = max(2.0 * self.length, 0.1 * NAUTICAL_MILE)
        self.has_rays = sim.hazards[index] is not None and cfg.n_rays > 0
        self.size = (
            len(OWN_FEATURES)
            + cfg.n_targets * len(TARGET_FEATURES)
            + (cfg.n_rays if self.has_rays else 0)
        )
        self.last_goal_range = self.goal_range()

    # -- observation --------------------------------------------------------------------------

    def goal_range(self) -> float:
        X = self.sim.fleet.X
        return math.hypot(self.goal[0] - X[N, self.i], self.goal[1] - X[E, self.i])

    def observe(self) -> np.ndarray:
        cfg, i, sim = self.cfg, self.i, self.sim
        obs = sim.observe(i)
        X = sim.fleet.X
        psi = float(X[PSI, i])
        vn0, ve0 = float(obs.vn[i]), float(obs.ve[i])
        sog = math.hypot(vn0, ve0)
        gn, ge = self.goal[0] - X[N, i], self.goal[1] - X[E, i]
        goal_rel = math.atan2(ge, gn) - psi
        own = [
            sog / self.max_speed,
            float(X[U, i]) / self.max_speed,
            float(X[R, i]) / YAW_RATE_SCALE,
            math.sin(psi),
            math.cos(psi),
            math.sin(goal_rel),
            math.cos(goal_rel),
            math.hypot(gn, ge) / cfg.obs_range_m,
            sim.t / max(sim.n_ticks * sim.dt, 1e-9),
        ]
        targets = np.zeros((cfg.n_targets, len(TARGET_FEATURES)))
        others = np.flatnonzero(obs.valid & (np.arange(len(obs.ids)) != i))
        if others.size:
            pn = obs.north[others] - X[N, i]
            pe = obs.east[others] - X[E, i]
            rng = np.hypot(pn, pe)
            keep = rng <= cfg.obs_range_m
            others, pn, pe, rng = others[keep], pn[keep], pe[keep], rng[keep]
            order = np.argsort(rng, kind="stable")[: cfg.n_targets]
            others, pn, pe, rng = others[order], pn[order], pe[order], rng[order]
        if others.size:
            vn, ve = obs.vn[others] - vn0, obs.ve[others] - ve0
            c, s = math.cos(psi), math.sin(psi)
            dcpa, tcpa = cpa_tcpa(pn, pe, vn, ve)
            cog_own = math.atan2(ve0, vn0)
            cog_t = np.arctan2(obs.ve[others], obs.vn[others])
            beta, alpha = encounter_angles(pn, pe, np.full(pn.shape, cog_own), cog_t)
            sog_t = np.hypot(obs.vn[others], obs.ve[others])
            codes = classify(beta, alpha, np.full(pn.shape, sog), sog_t, self.profile)
            k = np.arange(others.size)
            targets[k, 0] = 1.0
            targets[k, 1] = (c * pn + s * pe) / cfg.obs_range_m
            targets[k, 2] = (-s * pn + c * pe) / cfg.obs_range_m
            targets[k, 3] = (c * vn + s * ve) / (2.0 * self.max_speed)
            targets[k, 4] = (-s * vn + c * ve) / (2.0 * self.max_speed)
            targets[k, 5] = rng / cfg.obs_range_m
            targets[k, 6] = dcpa / cfg.obs_range_m
            targets[k, 7] = tcpa / TCPA_SCALE_S
            targets[k, 8 + codes.astype(np.int64)] = 1.0
        parts = [np.array(own), targets.ravel()]
        if self.has_rays:
            parts.append(self.rays(float(X[N, i]), float(X[E, i]), psi))
        return np.clip(np.concatenate(parts), -1.0, 1.0).astype(np.float32)

    def rays(self, north: float, east: float, heading: float) -> np.ndarray:
        """Clearance along each ray as a fraction of the ray range, by sphere tracing the
        chart's distance field (each stride is the clearance there, so no hazard is skipped)."""
        cfg = self.cfg
        field = self.sim.hazards[self.i].distance_field()
        ang = heading + np.arange(cfg.n_rays) * (2.0 * math.pi / cfg.n_rays)
        cn, ce = np.cos(ang), np.sin(ang)
        d = np.zeros(cfg.n_rays)
        hit = np.zeros(cfg.n_rays, dtype=bool)
        for _ in range(64):
            clear = np.asarray(field.sample(north + d * cn, east + d * ce), dtype=np.float64)
            hit |= clear <= 0.5 * field.res
            live = ~hit & (d < cfg.ray_range_m)
            if not live.any():
                break
            d = np.where(live, d + np.maximum(clear, 0.5 * field.res), d)
        return np.minimum(d, cfg.ray_range_m) / cfg.ray_range_m

    # -- orders -------------------------------------------------------------------------------

    def continuous_order(self, action: np.ndarray) -> Command:
        a = np.clip(np.asarray(action, dtype=np.float64), -1.0, 1.0)
        heading = float(self.sim.fleet.X[PSI, self.i])
        course = heading + float(a[0]) * math.radians(self.cfg.max_turn_deg)
        return Command(wrap_2pi(course), 0.5 * (float(a[1]) + 1.0) * self.max_speed)

    def discrete_order(self, action: int) -> Command:
        k_course, k_speed = divmod(int(action), len(DISCRETE_SPEED))
        heading = float(self.sim.fleet.X[PSI, self.i])
        course = heading + math.radians(DISCRETE_COURSE_DEG[k_course])
        return Command(wrap_2pi(course), DISCRETE_SPEED[k_speed] * self.cruise)

    # -- reward -------------------------------------------------------------------------------

    def reward(self, new_events: list[dict]) -> tuple[dict[str, float], bool]:
        """Reward terms for the decision just stepped, and whether the ship's episode ended
        (hull contact, grounding or goal reached). ``new_events``: the run's events since the
        previous decision."""
        cfg, sim, i = self.cfg, self.sim, self.i
        safety = self.profile.safety
        X = sim.fleet.X
        decision_s = sim.scenario.planner_period_s
        now = self.goal_range()
        terms = {
            "progress": cfg.w_progress * (self.last_goal_range - now) / (self.cruise * decision_s)
        }
        self.last_goal_range = now
        others = np.arange(sim.n) != i
        rng = np.hypot(X[N, others] - X[N, i], X[E, others] - X[E, i])
        close = np.clip((safety.r_pref_m - rng) / (safety.r_pref_m - safety.r_col_m), 0.0, 1.0)
        terms["separation"] = -cfg.w_separation * float(np.sum(close**2))
        mine = [e for e in new_events if self.id in e["ships"]]
        hit = any(e["kind"] == "collision" for e in mine)
        aground = bool(sim.grounding.grounded[i])
        reached = now <= self.goal_radius
        terms["collision"] = -cfg.w_collision if hit else 0.0
        terms["grounding"] = -cfg.w_grounding if aground else 0.0
        terms["goal"] = cfg.w_goal if reached and not (hit or aground) else 0.0
        return terms, hit or aground or reached

    def rules_term(self, scores: list[dict]) -> float:
        """The referee's rule scores (0 worst, 1 best) of this ship's encounters so far, as a
        penalty: ``w_rules`` x the sum of (score - 1)."""
        own = [e["score"] for e in scores if e["own"] == self.id and e["score"] is not None]
        return self.cfg.w_rules * float(sum(s - 1.0 for s in own))

    def planner_order(self) -> Command:
        """What the scenario's own planner for this ship orders now (an expert action)."""
        planner = self.sim.planners[self.i]
        return planner.plan(self.sim.observe(self.i))
