"""``slow-down``: steer for the goal at cruise speed; slow down while another ship is close.

A deliberately small planner showing the plugin interface: a class built from the scenario's
``planner_params`` dict, ``reset(ctx)`` once per run and ``plan(obs)`` every planner period.
It never turns away, so it is no COLREG planner; it only buys time.
"""

from __future__ import annotations

import math
from typing import Any

from autoship.errors import AutoshipError
from autoship.planner import Command, Observation, PlannerContext

DEFAULTS = {"near_m": 1000.0, "slow_factor": 0.5}


class SlowDown:
    def __init__(self, params: dict[str, Any]) -> None:
        # Unknown keys and bad values are rejected here, so `autoship scenario check` reports
        # them (as ship.<id>.planner_params.<key>) before anything runs.
        extra = sorted(set(params) - set(DEFAULTS))
        if extra:
            raise AutoshipError(f"unknown parameter {extra[0]!r}", field="planner_params")
        p = {**DEFAULTS, **params}
        self.near_m = float(p["near_m"])
        self.slow_factor = float(p["slow_factor"])
        if not self.near_m > 0:
            raise AutoshipError("must be > 0", field="planner_params.near_m")
        if not 0 <= self.slow_factor <= 1:
            raise AutoshipError("must be within [0, 1]", field="planner_params.slow_factor")
        self.ctx: PlannerContext | None = None

    def reset(self, ctx: PlannerContext) -> None:
        self.ctx = ctx

    def plan(self, obs: Observation) -> Command:
        ctx = self.ctx
        assert ctx is not None
        n, e = float(obs.north[obs.own]), float(obs.east[obs.own])
        course = ctx.initial_course
        if ctx.goal is not None and math.hypot(ctx.goal[0] - n, ctx.goal[1] - e) > ctx.length:
            course = math.atan2(ctx.goal[1] - e, ctx.goal[0] - n) % (2 * math.pi)
        others = [
            math.hypot(float(obs.north[j]) - n, float(obs.east[j]) - e)
            for j in range(len(obs.ids))
            if j != obs.own and obs.valid[j]
        ]
        speed = ctx.cruise_speed
        if others and min(others) < self.near_m:
            speed *= self.slow_factor
        return Command(course, speed)
