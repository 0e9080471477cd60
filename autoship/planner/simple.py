"""Baseline planners: ``keep-course`` (never manoeuvres) and ``waypoint`` (LOS to the goal)."""

from __future__ import annotations

from typing import Any

from autoship.errors import AutoshipError
from autoship.geometry import los_course
from autoship.planner.base import Command, Observation, PlannerContext, register


@register("keep-course")
class KeepCourse:
    """Holds the initial course and speed whatever happens: the no-avoidance baseline."""

    def __init__(self, params: dict[str, Any]) -> None:
        if params:
            raise AutoshipError(
                f"takes no parameters, got {sorted(params)}", field="planner_params"
            )
        self._cmd: Command | None = None

    def reset(self, ctx: PlannerContext) -> None:
        self._cmd = Command(ctx.initial_course, ctx.cruise_speed)

    def plan(self, obs: Observation) -> Command:
        assert self._cmd is not None
        return self._cmd


@register("waypoint")
class Waypoint:
    """Steers to the goal with line-of-sight guidance; keeps the final course once past it."""

    def __init__(self, params: dict[str, Any]) -> None:
        extra = sorted(set(params) - {"lookahead_L"})
        if extra:
            raise AutoshipError(f"unknown parameter {extra[0]!r}", field="planner_params")
        self.lookahead_L = float(params.get("lookahead_L", 3.0))
        if not 0.5 <= self.lookahead_L <= 50:
            raise AutoshipError(
                "lookahead_L must be in [0.5, 50]", field="planner_params.lookahead_L"
            )
        self.ctx: PlannerContext | None = None

    def reset(self, ctx: PlannerContext) -> None:
        self.ctx = ctx
        self._done = ctx.goal is None
        self._course = ctx.initial_course
        self.route = None
        if ctx.route:
            from autoship.planner._traffic import route_from_points

            self.route = route_from_points(ctx.start, ctx.route, self.lookahead_L * ctx.length)

    def plan(self, obs: Observation) -> Command:
        ctx = self.ctx
        assert ctx is not None
        if self.route is not None:
            course, _ = self.route.guidance(float(obs.north[obs.own]), float(obs.east[obs.own]))
            self._course = course
            return Command(course, ctx.cruise_speed)
        if self._done or ctx.goal is None:
            return Command(self._course, ctx.cruise_speed)
        course, _, remaining = los_course(
            float(obs.north[obs.own]),
            float(obs.east[obs.own]),
            *ctx.start,
            *ctx.goal,
            self.lookahead_L * ctx.length,
        )
        if remaining <= 0.0:
            self._done = True
        self._course = course
        return Command(course, ctx.cruise_speed)
